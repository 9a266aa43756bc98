/**
 * The plan as the equivalent Azure CLI script — the docs' commands with the real values — so a user can review,
 * copy, or run it elsewhere. Steps predicted as already done are kept, commented out, so the script stays complete.
 */
import { parseArmId } from '../armId';
import { CmkConfig, EnableConfig, identityIdOf, KMS_FEATURE, vaultIdOf } from './config';
import type { EnableFacts } from './facts';
import type { StepId, StepPreview } from './plan';

/** Quotes a value for POSIX shells only when it needs it. */
function sh(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const SCRIPT_TITLES: Record<EnableConfig['kind'], string> = {
  pmk: 'Platform-managed keys',
  cmk: 'Customer-managed key',
  migrateToPmk: 'Migrate from a customer-managed key to platform-managed keys',
};

export function renderAzScript(config: EnableConfig, facts: EnableFacts, preview: readonly StepPreview[]): string {
  const c = facts.cluster;
  const lines: string[] = [
    '#!/usr/bin/env bash',
    `# ${SCRIPT_TITLES[config.kind]} for AKS cluster ${c.name}`,
    'set -euo pipefail',
    `az account set --subscription ${sh(c.subscriptionId)}`,
    '',
  ];
  const skippedSteps = new Set(preview.filter(p => p.alreadyDone).map(p => p.id));
  const block = (id: StepId, commands: string[]) => {
    if (!preview.some(p => p.id === id)) {
      return;
    }
    const done = skippedSteps.has(id);
    lines.push(`# ${id}${done ? ' — already done' : ''}`);
    lines.push(...commands.map(cmd => (done ? `# ${cmd}` : cmd)), '');
  };

  block('registerFeature', [
    `az feature register --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name}`,
    `until [ "$(az feature show --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name} --query properties.state -o tsv)" = Registered ]; do sleep 30; done`,
  ]);
  block('registerProvider', [`az provider register --namespace ${KMS_FEATURE.namespace}`]);

  const rg = sh(c.resourceGroup);
  const name = sh(c.name);
  if (config.kind === 'pmk') {
    block('updateCluster', [`az aks update --resource-group ${rg} --name ${name} --kms-infrastructure-encryption Enabled`]);
  } else if (config.kind === 'migrateToPmk') {
    // The key and vault stay: nothing here deletes them, and nothing should.
    block('updateCluster', [`az aks update --resource-group ${rg} --name ${name} --kms-infrastructure-encryption Enabled --disable-azure-keyvault-kms`]);
  } else {
    cmkBlocks(config, facts, block, rg, name);
  }
  block('verify', [`az aks show --resource-group ${rg} --name ${name} --query securityProfile`]);
  return lines.join('\n');
}

function cmkBlocks(config: CmkConfig, facts: EnableFacts, block: (id: StepId, commands: string[]) => void, rg: string, name: string): void {
  const sub = facts.cluster.subscriptionId;
  const vaultId = vaultIdOf(sub, config.vault);
  const vault = parseArmId(vaultId);
  const vaultName = sh(vault?.name ?? '');
  const identityId = identityIdOf(sub, config.identity);
  const identity = parseArmId(identityId);
  if (config.vault.kind === 'new') {
    block('createVault', [
      `az keyvault create --name ${vaultName} --resource-group ${sh(config.vault.resourceGroup)} --location ${sh(config.vault.location)} --enable-rbac-authorization true --enable-purge-protection true --public-network-access Enabled`,
    ]);
  }
  block('enablePurgeProtection', [`az keyvault update --name ${vaultName} --resource-group ${sh(vault?.resourceGroup ?? '')} --enable-purge-protection true`]);
  block('assignCryptoOfficerToUser', [
    `az role assignment create --role "Key Vault Crypto Officer" --assignee-object-id ${sh(facts.user.objectId)} --assignee-principal-type User --scope ${sh(vaultId)}`,
  ]);
  block('createKey', [`az keyvault key create --vault-name ${vaultName} --name ${sh(config.key.name)} --kty RSA --size 2048`]);
  block('lockFirewall', [`az keyvault update --name ${vaultName} --resource-group ${sh(vault?.resourceGroup ?? '')} --default-action Deny --bypass AzureServices`]);
  if (config.identity.kind === 'new') {
    block('createIdentity', [`az identity create --name ${sh(config.identity.name)} --resource-group ${sh(config.identity.resourceGroup)} --location ${sh(config.identity.location)}`]);
  }
  const principal = `$(az identity show --ids ${sh(identityId)} --query principalId -o tsv)`;
  block('assignCryptoUserToIdentity', [
    `az role assignment create --role "Key Vault Crypto User" --assignee-object-id "${principal}" --assignee-principal-type ServicePrincipal --scope ${sh(vaultId)}`,
  ]);
  block('assignContributorToIdentity', [
    `az role assignment create --role "Key Vault Contributor" --assignee-object-id "${principal}" --assignee-principal-type ServicePrincipal --scope ${sh(vaultId)}`,
  ]);
  const keyId = `$(az keyvault key show --vault-name ${vaultName} --name ${sh(config.key.name)} --query key.kid -o tsv | sed 's|/[^/]*$||')`;
  block('updateCluster', [
    [
      `az aks update --resource-group ${rg} --name ${name}`,
      '--kms-infrastructure-encryption Enabled',
      '--enable-azure-keyvault-kms',
      `--azure-keyvault-kms-key-id "${keyId}"`,
      `--azure-keyvault-kms-key-vault-resource-id ${sh(vaultId)}`,
      `--azure-keyvault-kms-key-vault-network-access ${config.networkAccess}`,
      `--assign-identity ${sh(identity ? identityId : '')}`,
    ].join(' \\\n  '),
  ]);
}
