/**
 * Preflight: every rule the service and the CLI enforce (AZURE.md), checked before any write. Each finding is a
 * sentence saying what is wrong and how to fix it. Errors block the plan; warnings are shown and may be accepted.
 */
import { parseArmId, sameArmId } from '../armId';
import { keyIdInCloud, parseKeyId } from '../keyId';
import { MIN_KMS_KUBERNETES_VERSION } from '../kubernetesVersion';
import { meetsVersionRule } from '../kmsState';
import { identityNameProblem, keyNameProblem, resourceGroupNameProblem, vaultNameProblem } from '../names';
import { EnableConfig, CmkConfig, identityIdOf, isPlatformKeyConfig } from './config';
import type { EnableFacts } from './facts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable id, e.g. `k8s-too-old` (tests and telemetry use it; the message is for people). */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

const error = (code: string, message: string): Finding => ({ code, severity: 'error', message });
const warning = (code: string, message: string): Finding => ({ code, severity: 'warning', message });
const info = (code: string, message: string): Finding => ({ code, severity: 'info', message });

/** Checks only the user's input (names, shapes): usable before anything is read from Azure. */
export function validateConfig(config: EnableConfig): Finding[] {
  const findings: Finding[] = [];
  if (!parseArmId(config.clusterId) || parseArmId(config.clusterId)?.type.toLowerCase() !== 'managedclusters') {
    findings.push(error('cluster-id', `"${config.clusterId}" is not an AKS cluster resource ID.`));
  }
  if (isPlatformKeyConfig(config)) {
    return findings;
  }
  if (config.networkAccess !== 'Public' && config.networkAccess !== 'Private') {
    findings.push(error('network-access', `Key vault network access must be Public or Private, not "${String(config.networkAccess)}".`));
  }
  const v = config.vault;
  if (v.kind === 'new') {
    const p = vaultNameProblem(v.name) ?? resourceGroupNameProblem(v.resourceGroup);
    if (p) {
      findings.push(error('vault-name', p));
    }
    if (!v.location) {
      findings.push(error('vault-location', 'Choose a region for the new key vault.'));
    }
  } else if (parseArmId(v.id)?.type.toLowerCase() !== 'vaults') {
    findings.push(error('vault-id', `"${v.id}" is not a Key Vault resource ID (…/providers/Microsoft.KeyVault/vaults/<name>).`));
  }
  const keyProblem = keyNameProblem(config.key.name);
  if (keyProblem) {
    findings.push(error('key-name', keyProblem));
  }
  const i = config.identity;
  if (i.kind === 'new') {
    const p = identityNameProblem(i.name) ?? resourceGroupNameProblem(i.resourceGroup);
    if (p) {
      findings.push(error('identity-name', p));
    }
  } else if (parseArmId(i.id)?.type.toLowerCase() !== 'userassignedidentities') {
    findings.push(error('identity-id', `"${i.id}" is not a user-assigned identity resource ID (…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>).`));
  }
  return findings;
}

/** Every rule, from the user's input and the facts read from Azure. */
export function preflight(config: EnableConfig, facts: EnableFacts): Finding[] {
  const findings = validateConfig(config);
  const c = facts.cluster;
  if (!meetsVersionRule(c)) {
    findings.push(error('k8s-too-old', `${c.name} runs Kubernetes ${c.kubernetesVersion ?? 'unknown'}; KMS with platform or customer-managed keys needs ${MIN_KMS_KUBERNETES_VERSION} or later. Upgrade the cluster first (az aks upgrade).`));
  }
  if (c.provisioningState && /^failed$/i.test(c.provisioningState)) {
    // A failed cluster is recovered by the next successful update, so this is not a reason to stop.
    findings.push(warning('cluster-failed', `${c.name}'s last operation failed (provisioning state Failed); this update also retries it.`));
  } else if (c.provisioningState && !/^(succeeded|canceled)$/i.test(c.provisioningState)) {
    findings.push(error('cluster-busy', `${c.name} is ${c.provisioningState}; wait until its current operation finishes, then try again.`));
  }
  if (!/^registered$/i.test(facts.featureState)) {
    findings.push(info('feature-not-registered', `The preview feature KMSPMKPreview is ${facts.featureState} in this subscription; the plan registers it and waits (this can take several minutes).`));
  }
  if (config.kind === 'pmk') {
    if (c.kms.kind === 'pmk') {
      // Not an error: re-running a finished plan converges (it only verifies).
      findings.push(info('already-pmk', `${c.name} already encrypts Secrets with platform-managed keys; the plan only verifies that.`));
    }
    if (c.kms.kind === 'cmk') {
      findings.push(error('cmk-use-migration', `${c.name} encrypts Secrets with a customer-managed key; to move it to platform-managed keys use "Migrate to Platform Keys".`));
    }
    if (c.kms.kind === 'legacy') {
      // Turning on infrastructure encryption alone would leave legacy KMS on beside it; the migration turns KMS off.
      findings.push(error('legacy-use-migration', `${c.name} encrypts Secrets with legacy KMS (key ${c.kms.keyId}); to move it to platform-managed keys use "Migrate to Platform Keys", which also turns Key Vault KMS off.`));
    }
    findings.push(warning('irreversible', 'Once infrastructure encryption is enabled it cannot be disabled.'));
    return findings;
  }
  if (config.kind === 'migrateToPmk') {
    return [...findings, ...migrateToPmkRules(facts)];
  }
  return [...findings, ...cmkRules(config, facts)];
}

function migrateToPmkRules(facts: EnableFacts): Finding[] {
  const findings: Finding[] = [];
  const c = facts.cluster;
  const kms = c.kms;
  if (kms.kind === 'pmk') {
    // Not an error: re-running a finished migration converges (it only verifies).
    findings.push(info('already-pmk', `${c.name} already encrypts Secrets with platform-managed keys and Key Vault KMS is off; the plan only verifies that.`));
    return findings;
  }
  if (kms.kind !== 'cmk' && kms.kind !== 'legacy') {
    findings.push(error('migrate-needs-cmk', `${c.name} does not encrypt Secrets with a customer-managed key, so there is nothing to migrate; use "Enable Platform Keys" instead.`));
    return findings;
  }
  const vault = parseArmId(kms.keyVaultResourceId ?? '')?.name ?? kms.key?.vaultHost ?? 'its key vault';
  const key = kms.key?.name ?? kms.keyId ?? 'the key';
  findings.push(warning('keep-old-key', `Keep key ${key} and vault ${vault} after the migration: never delete, purge or disable them. Secrets encrypted before the migration may still need that key while AKS moves them to platform-managed keys, and without it they are unrecoverable.`));
  findings.push(warning('irreversible', kms.kind === 'legacy'
    ? `The migration turns on infrastructure encryption, which cannot be disabled, and ${c.name} cannot return to legacy KMS. You can later move to customer-managed keys again with "Enable KMS (CMK)".`
    : `Infrastructure encryption stays enabled and cannot be disabled. You can later move ${c.name} back to customer-managed keys with "Enable KMS (CMK)".`));
  return findings;
}

function cmkRules(config: CmkConfig, facts: EnableFacts): Finding[] {
  const findings: Finding[] = [];
  const c = facts.cluster;
  if (c.identity === 'systemAssigned' || c.identity === 'none') {
    findings.push(error('system-assigned-identity', `${c.name} uses a system-assigned control-plane identity, which KMS does not support. Switch it to a user-assigned identity first (az aks update --assign-identity <identity ID>).`));
  }
  const wantedIdentity = identityIdOf(c.subscriptionId, config.identity);
  if (c.identity === 'userAssigned' && c.userAssignedIdentityIds.length && !c.userAssignedIdentityIds.some(id => sameArmId(id, wantedIdentity))) {
    findings.push(warning('identity-change', `${c.name} runs as ${parseArmId(c.userAssignedIdentityIds[0])?.name ?? c.userAssignedIdentityIds[0]}; choosing ${parseArmId(wantedIdentity)?.name ?? wantedIdentity} replaces its control-plane identity.`));
  }
  if (config.networkAccess === 'Private' && !c.apiServerVnetIntegration) {
    findings.push(error('private-needs-vnet-integration', `Private key vault access needs API Server VNet Integration, which ${c.name} does not have. Enable it (az aks update --enable-apiserver-vnet-integration) or choose Public.`));
  }
  if (c.kms.kind === 'cmk') {
    const sameKey = c.kms.key?.name === config.key.name && sameArmId(c.kms.keyVaultResourceId, facts.vault?.id);
    findings.push(sameKey
      ? info('already-cmk', `${c.name} already uses key ${config.key.name} in this vault; the plan only completes what is missing and verifies.`)
      : warning('change-key', `${c.name} already uses key ${c.kms.keyId}; the plan switches it to the chosen key. Keep the old key and vault: never delete them.`));
  }
  if (c.kms.kind === 'legacy') {
    findings.push(warning('legacy-migration', `${c.name} uses legacy KMS (versioned key ${c.kms.keyId}); the plan moves it to the new KMS experience with a versionless key ID and infrastructure encryption.`));
  }

  const vault = facts.vault;
  if (config.vault.kind === 'new' && !vault && facts.vaultNameAvailable === false) {
    findings.push(error('vault-name-taken', `The key vault name ${config.vault.name} is already taken (vault names are globally unique, and a deleted vault keeps its name while soft-deleted). Choose another name.`));
  }
  if (config.vault.kind === 'new' && !vault && facts.vaultResourceGroupMissing) {
    findings.push(error('vault-resource-group-missing', `The resource group ${config.vault.resourceGroup} does not exist in subscription ${c.subscriptionId} (or you cannot read it). Create it first (az group create), or choose another resource group for the vault.`));
  }
  if (config.vault.kind === 'existing' && !vault) {
    findings.push(error('vault-missing', `The key vault ${config.vault.id} does not exist or you cannot read it.`));
  }
  if (vault) {
    if (!vault.enableRbacAuthorization) {
      findings.push(error('vault-not-rbac', `The key vault ${vault.name} uses access policies; KMS setup here needs Azure RBAC authorization. Switch it (az keyvault update --enable-rbac-authorization true) or choose another vault.`));
    }
    if (!vault.enableSoftDelete) {
      findings.push(warning('vault-no-soft-delete', `The key vault ${vault.name} has soft delete off: a deleted key would make the cluster's Secrets unrecoverable.`));
    }
    if (!vault.enablePurgeProtection && !config.enablePurgeProtection) {
      findings.push(warning('vault-no-purge-protection', `The key vault ${vault.name} has no purge protection: a purged key makes the cluster's Secrets unrecoverable. Turn it on in the plan (recommended; it cannot be turned off).`));
    }
    const firewalled = /^deny$/i.test(vault.networkDefaultAction ?? '') || /^disabled$/i.test(vault.publicNetworkAccess ?? '');
    if (firewalled && !facts.key) {
      findings.push(error('vault-firewall-blocks-key-create', `The key vault ${vault.name} blocks public network access, so the key cannot be created from here. Create the key from an allowed network, or choose an existing key.`));
    }
    if (firewalled && !/azureservices/i.test(vault.networkBypass ?? '')) {
      findings.push(error('vault-no-trusted-bypass', `The key vault ${vault.name} firewall does not let trusted Azure services through, so AKS could not reach the key. Set "Allow trusted Microsoft services" (bypass AzureServices).`));
    }
    const keyIdHost = parseKeyId(`${vault.vaultUri.replace(/\/+$/, '')}/keys/${config.key.name}`);
    if (keyIdHost.ok && !keyIdInCloud(keyIdHost.keyId, facts.keyVaultDnsSuffix)) {
      findings.push(error('key-wrong-cloud', `The key vault ${vault.name} (${keyIdHost.keyId.vaultHost}) is not in this cloud's Key Vault domain (${facts.keyVaultDnsSuffix}).`));
    }
  }
  if (config.key.kind === 'existing' && !facts.key) {
    findings.push(error('key-missing', `The key ${config.key.name} does not exist in the chosen vault.`));
  }
  if (config.key.kind === 'new' && facts.key) {
    findings.push(info('key-exists', `The key ${config.key.name} already exists; the plan uses it instead of creating it.`));
  }
  const key = facts.key;
  if (key) {
    if (key.kty && !/^RSA(-HSM)?$/i.test(key.kty)) {
      findings.push(error('key-not-rsa', `The key ${key.name} is ${key.kty}; KMS needs an RSA key.`));
    }
    if (!key.enabled) {
      findings.push(error('key-disabled', `The key ${key.name} is disabled; enable its current version or choose another key.`));
    }
    if (key.expiresOn && key.expiresOn.getTime() <= facts.now.getTime()) {
      findings.push(error('key-expired', `The key ${key.name} expired on ${key.expiresOn.toISOString().slice(0, 10)}; rotate it or choose another key.`));
    }
  }
  if (config.identity.kind === 'existing' && !facts.identity) {
    findings.push(error('identity-missing', `The identity ${config.identity.id} does not exist or you cannot read it.`));
  }
  if (!facts.user.canAssignRoles) {
    findings.push(error('no-role-assignment-permission', 'You cannot create role assignments on the key vault (Microsoft.Authorization/roleAssignments/write). Ask for Owner, User Access Administrator or Role Based Access Control Administrator on the vault, its resource group or subscription.'));
  }
  findings.push(warning('irreversible', 'Once the new KMS experience is enabled it cannot be disabled (you can later migrate to platform-managed keys). Deleting the key or the vault makes the cluster\'s Secrets unrecoverable.'));
  if (config.networkAccess === 'Private') {
    findings.push(info('firewall-lock', 'The plan locks the vault\'s firewall (deny public access, allow trusted Azure services) after the key exists.'));
  }
  return findings;
}

export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some(f => f.severity === 'error');
}
