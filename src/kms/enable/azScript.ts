/**
 * The plan as the equivalent bash + Azure CLI script — the documented commands with the real values — so a user can
 * review, copy, or run it elsewhere. It is meant to run as written, top to bottom, unattended: it checks its
 * prerequisites, waits where the documented sequence would otherwise fail (feature registration, role propagation),
 * reads the key ID before the vault firewall closes, and answers the CLI's confirmation prompt. Steps predicted as
 * already done stay in the script, commented out, so it remains complete; every shell variable a later line needs is
 * set outside those blocks, so commenting a block out never breaks what follows.
 *
 * Documentation the commands follow (cited per command as [KMS], [LEGACY], [MI], [AKS-MI], [RBAC]):
 *  - [KMS]    "Enable KMS data encryption in Azure Kubernetes Service (AKS)" — learn.microsoft.com/azure/aks/kms-data-encryption
 *  - [LEGACY] "Add Key Management Service etcd encryption to an AKS cluster" — learn.microsoft.com/azure/aks/use-kms-etcd-encryption
 *  - [MI]     "Use a user-assigned managed identity in Azure Kubernetes Service (AKS)" — learn.microsoft.com/azure/aks/user-assigned-managed-identity
 *  - [AKS-MI] "Overview of managed identities in Azure Kubernetes Service (AKS)" — learn.microsoft.com/azure/aks/managed-identity-overview
 *  - [RBAC]   "Troubleshoot Azure RBAC" — learn.microsoft.com/azure/role-based-access-control/troubleshooting
 *  - [KV-NET] "Virtual network service endpoints for Azure Key Vault" — learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints
 *             ("Usage scenarios": firewalls and virtual network rules apply only to the data plane, not to control-plane operations)
 *  - [REST]   "az rest" — learn.microsoft.com/cli/azure/reference-index#az-rest (a --url without a host is a resource ID,
 *             sent to the current cloud's Resource Manager endpoint, `az cloud show --query endpoints.resourceManager`)
 */
import { parseArmId } from '../armId';
import { CmkConfig, EnableConfig, identityIdOf, KEY_VAULT_ARM_API_VERSION, KMS_FEATURE, kmsKeyArmBody, vaultIdOf } from './config';
import { type EnableFacts, vaultDeniesPublicDataPlane } from './facts';
import type { StepId, StepPreview } from './plan';
import { GRANT_KEY_PERMISSIONS_FUNCTION, prerequisites, RETRY_FUNCTION, VERSION_FUNCTIONS, WAIT_FOR_FEATURE_FUNCTION } from './azScriptPrelude';

/** Quotes a value for POSIX shells only when it needs it (single quotes: nothing inside is expanded). */
function sh(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Escapes a value for use inside double quotes, next to a `$VARIABLE` expansion. */
function dq(value: string): string {
  return value.replace(/[\\"$`]/g, c => `\\${c}`);
}

/** Comment text on one line: a newline in a name must not end the comment and start a command. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

const SCRIPT_TITLES: Record<EnableConfig['kind'], string> = {
  pmk: 'Platform-managed keys',
  cmk: 'Customer-managed key',
  migrateToPmk: 'Migrate from a customer-managed key to platform-managed keys',
};

/**
 * Every flow passes `--kms-infrastructure-encryption`, which only the aks-preview extension knows ([KMS]
 * "Prerequisites"); a flow that did not would skip the extension check.
 */
function needsAksPreview(config: EnableConfig): boolean {
  switch (config.kind) {
    case 'pmk':
    case 'migrateToPmk':
    case 'cmk':
      return true;
  }
}

/** One step of the script: a reason, a header naming the plan step, and its commands (commented out when done). */
type Block = (id: StepId, why: readonly string[], commands: readonly string[], doneOverride?: boolean) => void;

export function renderAzScript(config: EnableConfig, facts: EnableFacts, preview: readonly StepPreview[]): string {
  const c = facts.cluster;
  const steps = new Set(preview.map(p => p.id));
  const skipped = new Set(preview.filter(p => p.alreadyDone).map(p => p.id));
  const usesAccessPolicies = preview.some(p => p.id === 'grantAccessPolicyToIdentity') || facts.vault?.enableRbacAuthorization === false;

  const lines: string[] = [
    '#!/usr/bin/env bash',
    `# ${SCRIPT_TITLES[config.kind]} for AKS cluster ${oneLine(c.name)}`,
    '# Steps predicted as already done are commented out; the variables they would use are set all the same.',
    'set -euo pipefail',
    '',
    ...VERSION_FUNCTIONS,
    ...(config.kind === 'cmk' ? RETRY_FUNCTION : []),
    ...(steps.has('registerFeature') ? WAIT_FOR_FEATURE_FUNCTION : []),
    ...(config.kind === 'cmk' && usesAccessPolicies ? GRANT_KEY_PERMISSIONS_FUNCTION : []),
    // Stryker disable next-line ArrayDeclaration: needsAksPreview is true for every kind of config, so this [] is never used
    ...(needsAksPreview(config) ? prerequisites() : []),
    '# [KMS] "Set up environment variables": work in the cluster\'s subscription.',
    `az account set --subscription ${sh(c.subscriptionId)}`,
    '',
  ];
  const block: Block = (id, why, commands, doneOverride) => {
    if (!steps.has(id) && doneOverride === undefined) {
      return;
    }
    const done = doneOverride ?? skipped.has(id);
    lines.push(...why.map(w => `# ${w}`));
    lines.push(`# ${id}${done ? ' — already done' : ''}`);
    lines.push(...commands.map(cmd => (done ? cmd.split('\n').map(l => `# ${l}`).join('\n') : cmd)), '');
  };
  const raw = (...more: string[]) => lines.push(...more);

  if (steps.has('registerFeature')) {
    block('registerFeature', ['[KMS] "Register the feature flag": register, then wait until the state is Registered.'], [
      `az feature register --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name}`,
      `wait_for_feature ${KMS_FEATURE.namespace} ${KMS_FEATURE.name}`,
    ]);
    // The docs refresh the provider after every feature registration, so it runs whenever the registration does.
    const providerDone = skipped.has('registerFeature') ? skipped.has('registerProvider') || !steps.has('registerProvider') : false;
    block('registerProvider', [
      '[KMS] "Register the feature flag": when the state is Registered, refresh the provider registration.',
      '--wait returns once the provider is registered again, so the cluster update does not race it.',
    ], [`az provider register --namespace ${KMS_FEATURE.namespace} --wait`], providerDone);
  }

  const rg = sh(c.resourceGroup);
  const name = sh(c.name);
  if (config.kind === 'pmk') {
    block('updateCluster', ['[KMS] "Enable platform-managed keys on an existing cluster".'], [
      `az aks update --resource-group ${rg} --name ${name} --kms-infrastructure-encryption Enabled`,
    ]);
  } else if (config.kind === 'migrateToPmk') {
    // The key and vault stay: nothing here deletes them, and nothing should.
    block('updateCluster', ['[KMS] "Migrate from customer-managed keys to platform-managed keys". The old key and vault must be kept.'], [
      `az aks update --resource-group ${rg} --name ${name} --kms-infrastructure-encryption Enabled --disable-azure-keyvault-kms`,
    ]);
  } else {
    cmkBlocks(config, facts, block, raw, rg, name);
  }
  block('verify', ['[KMS] "Verify KMS configuration".'], [`az aks show --resource-group ${rg} --name ${name} --query securityProfile`]);
  return lines.join('\n');
}

function cmkBlocks(
  config: CmkConfig,
  facts: EnableFacts,
  block: Block,
  raw: (...lines: string[]) => void,
  rg: string,
  name: string,
): void {
  const sub = facts.cluster.subscriptionId;
  const vaultId = vaultIdOf(sub, config.vault);
  const vault = parseArmId(vaultId);
  const vaultName = sh(vault?.name ?? '');
  const vaultRg = sh(vault?.resourceGroup ?? '');
  const identityId = identityIdOf(sub, config.identity);
  const keyName = config.key.name;
  const accessPolicyVault = facts.vault?.enableRbacAuthorization === false;
  const userType = facts.user.principalType === 'ServicePrincipal' ? 'ServicePrincipal' : 'User';

  if (config.vault.kind === 'new') {
    block('createVault', ['[KMS] "Create a key vault and key": a vault with Azure RBAC (plus purge protection: deleting the key loses the secrets).'], [
      `az keyvault create --name ${vaultName} --resource-group ${sh(config.vault.resourceGroup)} --location ${sh(config.vault.location)} --enable-rbac-authorization true --enable-purge-protection true --public-network-access Enabled`,
    ]);
  }
  block('enablePurgeProtection', [
    '[LEGACY] "Limitations": deleting the key or vault is not supported and makes the secrets unrecoverable.',
    'az keyvault update does not prompt, so no --yes is needed (it has none); purge protection cannot be turned off again.',
  ], [`az keyvault update --name ${vaultName} --resource-group ${vaultRg} --enable-purge-protection true`]);
  block('assignCryptoOfficerToUser', ['[KMS] "Create a key vault and key": Key Vault Crypto Officer for whoever runs this script, to create the key.'], [
    `az role assignment create --role "Key Vault Crypto Officer" --assignee-object-id ${sh(facts.user.objectId)} --assignee-principal-type ${userType} --scope ${sh(vaultId)}`,
  ]);
  if (facts.vault && vaultDeniesPublicDataPlane(facts.vault)) {
    // The data plane (az keyvault key create) is refused from outside the vault's network; ARM is not filtered by
    // the firewall, and a PUT of an existing key returns it unchanged: the product's own create (keys.createIfNotExist).
    block('createKey', [
      '[KMS] "Create a key vault and key" (RSA 2048, the KMS plugin\'s key type), through Azure Resource Manager: the',
      'vault\'s firewall applies only to the data plane (az keyvault key create), not to control-plane calls ([KV-NET]',
      '"Usage scenarios"). A --url without a host goes to the current cloud\'s Resource Manager ([REST]). An existing key',
      'is returned unchanged (no new version). Retried while a new role assignment propagates.',
    ], [
      `retry az rest --method put --url ${sh(`${vaultId}/keys/${encodeURIComponent(keyName)}?api-version=${KEY_VAULT_ARM_API_VERSION}`)} --body ${sh(JSON.stringify(kmsKeyArmBody()))}`,
    ]);
  } else {
    block('createKey', [
      '[KMS] "Create a key vault and key" (RSA 2048, the KMS plugin\'s key type). Retried: the Crypto Officer role',
      'assigned just before can take minutes to reach Key Vault.',
      ...(accessPolicyVault ? ['This vault uses access policies, so the key is created under an access policy for whoever runs the script.'] : []),
    ], [
      ...(accessPolicyVault ? [`grant_key_permissions ${vaultName} ${vaultRg} ${sh(facts.user.objectId)} create get`] : []),
      `retry az keyvault key create --vault-name ${vaultName} --name ${sh(keyName)} --kty RSA --size 2048`,
    ]);
  }

  // The versionless key ID, set before the firewall can lock: [KMS] "Create a private key vault and key" reads it
  // right after creating the key ("Create the key before disabling public network access").
  if (facts.vault) {
    raw(
      '# The key ID without a version, so AKS follows key rotation ([KMS] "Create a key vault and key").',
      `KEY_ID=${sh(`${facts.vault.vaultUri.replace(/\/+$/, '')}/keys/${keyName}`)}`,
    );
  } else {
    raw(
      '# The key ID without a version, so AKS follows key rotation ([KMS] "Create a key vault and key"): the vault URI',
      '# plus /keys/<name>. Read through Azure Resource Manager, which the vault firewall does not filter.',
      `VAULT_URI=$(az keyvault show --name ${vaultName} --resource-group ${vaultRg} --query properties.vaultUri -o tsv)`,
      `KEY_ID="\${VAULT_URI%/}/keys/${dq(keyName)}"`,
    );
  }
  raw('echo "KEY_ID=$KEY_ID"', '');

  block('lockFirewall', [
    '[KMS] "Create a private key vault and key": only after the key exists (otherwise this script locks itself out).',
    'Trusted Azure services, AKS among them, still reach the vault through the firewall exception.',
  ], [`az keyvault update --name ${vaultName} --resource-group ${vaultRg} --default-action Deny --bypass AzureServices`]);

  if (config.identity.kind === 'new') {
    block('createIdentity', ['[KMS] "Create a user-assigned managed identity".'], [
      `az identity create --name ${sh(config.identity.name)} --resource-group ${sh(config.identity.resourceGroup)} --location ${sh(config.identity.location)}`,
    ]);
  }
  if (facts.identity) {
    raw('# The identity\'s principal (object) ID, for its role assignments.', `IDENTITY_PRINCIPAL_ID=${sh(facts.identity.principalId)}`);
  } else {
    raw(
      '# The identity\'s principal (object) ID, for its role assignments ([KMS] "Create a user-assigned managed identity").',
      `IDENTITY_PRINCIPAL_ID=$(az identity show --ids ${sh(identityId)} --query principalId -o tsv)`,
    );
  }
  raw('echo "IDENTITY_PRINCIPAL_ID=$IDENTITY_PRINCIPAL_ID"', '');

  // --assignee-principal-type skips the directory lookup a brand-new identity may not pass yet; retry covers the rest.
  const identityRole = (role: string) =>
    `retry az role assignment create --role "${role}" --assignee-object-id "$IDENTITY_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --scope ${sh(vaultId)}`;
  block('assignCryptoUserToIdentity', ['[KMS] "Create a user-assigned managed identity": Key Vault Crypto User, for encrypt and decrypt.'], [identityRole('Key Vault Crypto User')]);
  block('assignContributorToIdentity', ['[KMS] "Create a user-assigned managed identity": Key Vault Contributor, for key management.'], [identityRole('Key Vault Contributor')]);
  block('grantAccessPolicyToIdentity', [
    '[LEGACY] "Assign permissions for a non-RBAC public key vault": the vault uses access policies, so the identity',
    'gets encrypt and decrypt through one (az keyvault set-policy, keeping what it already holds).',
  ], [`grant_key_permissions ${vaultName} ${vaultRg} "$IDENTITY_PRINCIPAL_ID" encrypt decrypt`]);
  block('assignNetworkContributorToIdentity', [
    'The cluster\'s control-plane identity becomes this identity, and it manages the agent pools\' custom subnets:',
    '[AKS-MI] "Control plane managed identity role assignments" (your own VNet needs Network Contributor).',
  ], networkContributorCommands(facts));

  block('updateCluster', [
    '[KMS] "Enable customer-managed keys on an existing cluster". Additions, each so the script runs unattended:',
    '--enable-managed-identity: az aks update accepts --assign-identity only together with it ([MI] "Update an existing',
    '  cluster to use a user-assigned managed identity"); on a cluster already using this identity it changes nothing.',
    '--yes: changing the control-plane identity makes az aks update ask "Are you sure you want to perform this',
    '  operation?" (azure-cli aks `update_identity`), which fails without a terminal.',
    'retry: AKS checks that the identity can encrypt and decrypt with the key, which fails until its new role has',
    '  propagated ([MI] "Assign an Azure RBAC role": permissions can take up to 60 minutes to propagate).',
  ], [
    [
      `retry az aks update --resource-group ${rg} --name ${name}`,
      '--kms-infrastructure-encryption Enabled',
      '--enable-azure-keyvault-kms',
      '--azure-keyvault-kms-key-id "$KEY_ID"',
      `--azure-keyvault-kms-key-vault-resource-id ${sh(vaultId)}`,
      `--azure-keyvault-kms-key-vault-network-access ${config.networkAccess}`,
      '--enable-managed-identity',
      `--assign-identity ${sh(identityId)}`,
      '--yes',
    ].join(' \\\n  '),
  ]);
}

/** One Network Contributor assignment per custom subnet; subnets where the identity already holds it are commented out. */
function networkContributorCommands(facts: EnableFacts): string[] {
  const subnets = facts.subnets ?? [];
  if (subnets.length === 0) {
    return ['# (no custom subnets were found on the agent pools)'];
  }
  return subnets.map(s => {
    const cmd = `retry az role assignment create --role "Network Contributor" --assignee-object-id "$IDENTITY_PRINCIPAL_ID" --assignee-principal-type ServicePrincipal --scope ${sh(s.id)}`;
    return s.newIdentityHasRole === true ? `# ${cmd}  # the identity already holds it` : cmd;
  });
}
