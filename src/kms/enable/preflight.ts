/**
 * Preflight: every rule the service and the CLI enforce (AZURE.md), checked before any write. Each finding is a
 * sentence saying what is wrong and how to fix it. Errors block the plan; warnings are shown and may be accepted.
 */
import * as l10n from '@vscode/l10n';
import { parseArmId, sameArmId } from '../armId';
import { managedByCodeTag } from '../iac/managedByCode';
import { keyIdInCloud, parseKeyId } from '../keyId';
import { MIN_KMS_KUBERNETES_VERSION } from '../kubernetesVersion';
import { ClusterFacts, meetsVersionRule } from '../kmsState';
import { identityNameProblem, keyNameProblem, resourceGroupNameProblem, vaultNameProblem } from '../names';
import { EnableConfig, CmkConfig, identityIdOf, isPlatformKeyConfig } from './config';
import { type EnableFacts, type SubnetFacts, vaultDeniesPublicDataPlane } from './facts';

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
    findings.push(error('cluster-id', l10n.t('"{0}" is not an AKS cluster resource ID.', config.clusterId)));
  }
  if (isPlatformKeyConfig(config)) {
    return findings;
  }
  if (config.networkAccess !== 'Public' && config.networkAccess !== 'Private') {
    findings.push(error('network-access', l10n.t('Key vault network access must be Public or Private, not "{0}".', String(config.networkAccess))));
  }
  const v = config.vault;
  if (v.kind === 'new') {
    const p = vaultNameProblem(v.name) ?? resourceGroupNameProblem(v.resourceGroup);
    if (p) {
      findings.push(error('vault-name', p));
    }
    if (!v.location) {
      findings.push(error('vault-location', l10n.t('Choose a region for the new key vault.')));
    }
  } else if (parseArmId(v.id)?.type.toLowerCase() !== 'vaults') {
    findings.push(error('vault-id', l10n.t('"{0}" is not a Key Vault resource ID (…/providers/Microsoft.KeyVault/vaults/<name>).', v.id)));
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
    findings.push(error('identity-id', l10n.t('"{0}" is not a user-assigned identity resource ID (…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>).', i.id)));
  }
  return findings;
}

/** Every rule, from the user's input and the facts read from Azure. */
export function preflight(config: EnableConfig, facts: EnableFacts): Finding[] {
  const findings = validateConfig(config);
  const c = facts.cluster;
  if (c.identity === 'none') {
    // [kms-concepts] "Requirements": the new KMS experience, platform or customer-managed keys alike, runs only on
    // clusters whose identity is a managed identity.
    findings.push(error('service-principal-cluster', l10n.t('{0} runs with a service principal, not a managed identity, and KMS with platform or customer-managed keys needs a managed identity. Move the cluster to a managed identity first (az aks update --enable-managed-identity), then run this again.', c.name)));
  }
  if (!meetsVersionRule(c)) {
    findings.push(error('k8s-too-old', l10n.t('{0} runs Kubernetes {1}; KMS with platform or customer-managed keys needs {2} or later. Upgrade the cluster first (az aks upgrade).', c.name, c.kubernetesVersion ?? l10n.t('unknown'), MIN_KMS_KUBERNETES_VERSION)));
  }
  if (c.provisioningState && /^failed$/i.test(c.provisioningState)) {
    // A failed cluster is recovered by the next successful update, so this is not a reason to stop.
    findings.push(warning('cluster-failed', l10n.t("{0}'s last operation failed (provisioning state Failed); this update also retries it.", c.name)));
  } else if (c.provisioningState && !/^(succeeded|canceled)$/i.test(c.provisioningState)) {
    findings.push(error('cluster-busy', l10n.t('{0} is {1}; wait until its current operation finishes, then try again.', c.name, c.provisioningState)));
  }
  const managedBy = managedByCodeTag(facts.clusterJson.tags as Record<string, unknown> | undefined);
  if (managedBy) {
    findings.push(warning('iac-managed', l10n.t('{0} is tagged {1}: put this change into its infrastructure code too, or the next apply tries to undo it (and fails: the new KMS experience cannot be turned off). "Export as Infrastructure as Code…" on the plan gives the code.', c.name, managedBy)));
  } else if (facts.deployedBy) {
    findings.push(warning('iac-managed', l10n.t('{0} was deployed by the template deployment {1}{2}: put this change into that template too, or its next deployment undoes it (and fails: the new KMS experience cannot be turned off). "Export as Infrastructure as Code…" on the plan gives the code.', c.name, facts.deployedBy.name, facts.deployedBy.timestamp ? ` (${facts.deployedBy.timestamp.toISOString().slice(0, 10)})` : '')));
  }
  if (!/^registered$/i.test(facts.featureState)) {
    findings.push(info('feature-not-registered', l10n.t('The preview feature KMSPMKPreview is {0} in this subscription; the plan registers it and waits (this can take several minutes).', facts.featureState)));
  }
  if (config.kind === 'pmk') {
    if (c.kms.kind === 'pmk') {
      // Not an error: re-running a finished plan converges (it only verifies).
      findings.push(info('already-pmk', l10n.t('{0} already encrypts Secrets with platform-managed keys; the plan only verifies that.', c.name)));
    }
    if (c.kms.kind === 'cmk') {
      findings.push(error('cmk-use-migration', l10n.t('{0} encrypts Secrets with a customer-managed key; to move it to platform-managed keys use "Migrate to Platform Keys".', c.name)));
    }
    if (c.kms.kind === 'legacy') {
      // Turning on infrastructure encryption alone would leave legacy KMS on beside it; the migration turns KMS off.
      findings.push(error('legacy-use-migration', l10n.t('{0} encrypts Secrets with legacy KMS (key {1}); to move it to platform-managed keys use "Migrate to Platform Keys", which also turns Key Vault KMS off.', c.name, c.kms.keyId ?? '')));
    }
    findings.push(warning('irreversible', l10n.t('Once infrastructure encryption is enabled it cannot be disabled.')));
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
    findings.push(info('already-pmk', l10n.t('{0} already encrypts Secrets with platform-managed keys and Key Vault KMS is off; the plan only verifies that.', c.name)));
    return findings;
  }
  if (kms.kind !== 'cmk' && kms.kind !== 'legacy') {
    findings.push(error('migrate-needs-cmk', l10n.t('{0} does not encrypt Secrets with a customer-managed key, so there is nothing to migrate; use "Enable Platform Keys" instead.', c.name)));
    return findings;
  }
  const vault = parseArmId(kms.keyVaultResourceId ?? '')?.name ?? kms.key?.vaultHost ?? l10n.t('its key vault');
  const key = kms.key?.name ?? kms.keyId ?? l10n.t('the key');
  findings.push(warning('keep-old-key', l10n.t('Keep key {0} and vault {1} after the migration: never delete, purge or disable them. Secrets encrypted before the migration may still need that key, and without it they are unrecoverable.', key, vault)));
  findings.push(warning('irreversible', kms.kind === 'legacy'
    ? l10n.t('The migration turns on infrastructure encryption, which cannot be disabled, and {0} cannot return to legacy KMS. You can later move to customer-managed keys again with "Enable KMS (CMK)".', c.name)
    : l10n.t('Infrastructure encryption stays enabled and cannot be disabled. You can later move {0} back to customer-managed keys with "Enable KMS (CMK)".', c.name)));
  return findings;
}

function cmkRules(config: CmkConfig, facts: EnableFacts): Finding[] {
  const findings: Finding[] = [];
  const c = facts.cluster;
  findings.push(...identityRules(config, facts));
  // Private needs no API Server VNet Integration in the new experience: AKS reaches the vault as a trusted service
  // (AZURE.md "Rules", corrected 2026-12-01); VNet Integration is a legacy-KMS requirement, and this plan always
  // uses the new experience (versionless key ID + infrastructure encryption).
  if (c.kms.kind === 'cmk') {
    const sameKey = c.kms.key?.name === config.key.name && sameArmId(c.kms.keyVaultResourceId, facts.vault?.id);
    findings.push(sameKey
      ? info('already-cmk', l10n.t('{0} already uses key {1} in this vault; the plan only completes what is missing and verifies.', c.name, config.key.name))
      : warning('change-key', l10n.t('{0} already uses key {1}; the plan switches it to the chosen key. Keep the old key and vault: never delete them.', c.name, c.kms.keyId ?? '')));
  }
  if (c.kms.kind === 'legacy') {
    findings.push(warning('legacy-migration', l10n.t('{0} uses legacy KMS (versioned key {1}); the plan moves it to the new KMS experience with a versionless key ID and infrastructure encryption.', c.name, c.kms.keyId ?? '')));
  }

  const vault = facts.vault;
  if (config.vault.kind === 'new' && !vault && facts.vaultNameAvailable === false) {
    findings.push(error('vault-name-taken', l10n.t('The key vault name {0} is already taken (vault names are globally unique, and a deleted vault keeps its name while soft-deleted). Choose another name.', config.vault.name)));
  }
  if (config.vault.kind === 'new' && !vault && facts.vaultResourceGroupMissing) {
    findings.push(error('vault-resource-group-missing', l10n.t('The resource group {0} does not exist in subscription {1} (or you cannot read it). Create it first (az group create), or choose another resource group for the vault.', config.vault.resourceGroup, c.subscriptionId)));
  }
  if (config.vault.kind === 'existing' && !vault) {
    findings.push(error('vault-missing', l10n.t('The key vault {0} does not exist or you cannot read it.', config.vault.id)));
  }
  if (vault && isProvisioning(vault.provisioningState)) {
    findings.push(info('vault-provisioning', l10n.t('The key vault {0} is still being created ({1}); the plan waits until it is ready.', vault.name, vault.provisioningState ?? '')));
  }
  if (vault) {
    if (!vault.enableRbacAuthorization) {
      // Access policies are a supported permission model (legacy KMS page); never switch a vault's model for the user.
      findings.push(info('vault-access-policies', l10n.t('The key vault {0} uses access policies: the plan gives the cluster identity an access policy with the key permissions encrypt and decrypt, and leaves the permission model as it is.', vault.name)));
    }
    if (!vault.enableSoftDelete) {
      findings.push(warning('vault-no-soft-delete', l10n.t("The key vault {0} has soft delete off: a deleted key would make the cluster's Secrets unrecoverable.", vault.name)));
    }
    if (!vault.enablePurgeProtection && !config.enablePurgeProtection) {
      findings.push(warning('vault-no-purge-protection', l10n.t("The key vault {0} has no purge protection: a purged key makes the cluster's Secrets unrecoverable. Turn it on in the plan (recommended; it cannot be turned off).", vault.name)));
    }
    // The key is created through ARM, which the vault firewall does not block (AZURE.md), so a firewall never stops
    // the plan. With Private the plan's own firewall step sets the trusted-services bypass; with Public nothing does.
    if (vaultDeniesPublicDataPlane(vault) && config.networkAccess === 'Public' && !/azureservices/i.test(vault.networkBypass ?? '')) {
      findings.push(error('vault-no-trusted-bypass', l10n.t('The key vault {0} firewall does not let trusted Azure services through, so AKS could not reach the key. Set "Allow trusted Microsoft services" (bypass AzureServices).', vault.name)));
    }
    // Stryker disable next-line Regex: parseKeyId reads the URL leniently (WHATWG URL) and drops empty path segments: any trimming of the slashes, or none, gives the same host
    const keyIdHost = parseKeyId(`${vault.vaultUri.replace(/\/+$/, '')}/keys/${config.key.name}`);
    if (keyIdHost.ok && !keyIdInCloud(keyIdHost.keyId, facts.keyVaultDnsSuffix)) {
      findings.push(error('key-wrong-cloud', l10n.t("The key vault {0} ({1}) is not in this cloud's Key Vault domain ({2}).", vault.name, keyIdHost.keyId.vaultHost, facts.keyVaultDnsSuffix)));
    }
  }
  if (config.key.kind === 'existing' && !facts.key) {
    findings.push(error('key-missing', l10n.t('The key {0} does not exist in the chosen vault.', config.key.name)));
  }
  if (config.key.kind === 'new' && facts.key) {
    findings.push(info('key-exists', l10n.t('The key {0} already exists; the plan uses it instead of creating it.', config.key.name)));
  }
  const key = facts.key;
  if (key) {
    if (key.kty && !/^RSA(-HSM)?$/i.test(key.kty)) {
      findings.push(error('key-not-rsa', l10n.t('The key {0} is {1}; KMS needs an RSA key.', key.name, key.kty)));
    }
    if (!key.enabled) {
      findings.push(error('key-disabled', l10n.t('The key {0} is disabled; enable its current version or choose another key.', key.name)));
    }
    if (key.expiresOn && key.expiresOn.getTime() <= facts.now.getTime()) {
      findings.push(error('key-expired', l10n.t('The key {0} expired on {1}; rotate it or choose another key.', key.name, key.expiresOn.toISOString().slice(0, 10))));
    }
    const missingOps = missingKeyOps(key.keyOps);
    if (missingOps.length) {
      findings.push(error('key-ops-missing', l10n.t('The key {0} does not permit the operations {1}, which KMS needs. Choose another key, or create a key that allows encrypt and decrypt.', key.name, missingOps.join(', '))));
    }
  }
  if (config.identity.kind === 'existing' && !facts.identity) {
    findings.push(error('identity-missing', l10n.t('The identity {0} does not exist or you cannot read it.', config.identity.id)));
  }
  // A missing resource group is its own finding: the permission check had nothing to read there.
  if (!facts.user.canAssignRoles && !facts.vaultResourceGroupMissing) {
    findings.push(error('no-role-assignment-permission', l10n.t('You cannot create role assignments on the key vault (Microsoft.Authorization/roleAssignments/write). Ask for Owner, User Access Administrator or Role Based Access Control Administrator on the vault, its resource group or subscription.')));
  }
  findings.push(warning('irreversible', l10n.t("Once the new KMS experience is enabled it cannot be disabled (you can later migrate to platform-managed keys). Deleting the key or the vault makes the cluster's Secrets unrecoverable.")));
  if (config.networkAccess === 'Private') {
    findings.push(info('firewall-lock', l10n.t("The plan locks the vault's firewall (deny public access, allow trusted Azure services) after the key exists.")));
  }
  return findings;
}

/** The control-plane identity: a managed identity is needed; a different one is swapped in by the update itself. */
function identityRules(config: CmkConfig, facts: EnableFacts): Finding[] {
  const c = facts.cluster;
  if (c.identity === 'none') {
    return []; // refused in preflight (service-principal-cluster), whatever the kind of key
  }
  const findings: Finding[] = [];
  const wantedIdentity = identityIdOf(c.subscriptionId, config.identity);
  const wantedName = parseArmId(wantedIdentity)?.name ?? wantedIdentity;
  const changes = identityChanges(facts.cluster, wantedIdentity);
  if (c.identity === 'systemAssigned') {
    // The CMK update passes the user-assigned identity (the docs' --assign-identity), which converts the cluster.
    findings.push(warning('control-plane-identity-change', l10n.t("{0} uses a system-assigned control-plane identity; the update switches it to the user-assigned identity {1}. Whatever the old identity was granted (for example Network Contributor on a custom subnet, or rights on a private DNS zone) must also be granted to {1}.", c.name, wantedName)));
  } else if (changes && c.userAssignedIdentityIds.length) {
    findings.push(warning('identity-change', l10n.t('{0} runs as {1}; choosing {2} replaces its control-plane identity.', c.name, parseArmId(c.userAssignedIdentityIds[0])?.name ?? c.userAssignedIdentityIds[0], wantedName)));
  }
  const subnets = subnetsNeedingRole(facts, wantedIdentity);
  if (subnets.length) {
    findings.push(warning('subnet-role-for-new-identity', [
      l10n.t('The agent pools use the custom subnet(s) {0}; the plan gives {1} Network Contributor on them, as the control-plane identity needs.', subnetNames(subnets), wantedName),
      ...currentIdentitySubnetRoles(subnets),
    ].join(' ')));
  }
  return findings;
}

const subnetNames = (subnets: readonly SubnetFacts[]) => subnets.map(s => s.id.split('/').pop()).join(', ');

/** What the cluster's current control-plane identity holds on the subnets (read from its role assignments), one sentence per answer. */
function currentIdentitySubnetRoles(subnets: readonly SubnetFacts[]): string[] {
  const held = subnets.filter(s => s.currentIdentityHasRole === true);
  const notHeld = subnets.filter(s => s.currentIdentityHasRole === false);
  const unknown = subnets.filter(s => s.currentIdentityHasRole === undefined);
  return [
    ...(held.length ? [l10n.t('The current control-plane identity holds Network Contributor (or Contributor or Owner) on {0}, and the new identity needs it there too.', subnetNames(held))] : []),
    ...(notHeld.length ? [l10n.t('The current control-plane identity holds no Network Contributor, Contributor or Owner assignment on {0}.', subnetNames(notHeld))] : []),
    ...(unknown.length ? [l10n.t("The current control-plane identity's role assignments on {0} could not be read.", subnetNames(unknown))] : []),
  ];
}

/** Whether the update replaces the cluster's control-plane identity with `wantedIdentity`. */
export function identityChanges(c: ClusterFacts, wantedIdentity: string): boolean {
  return c.identity !== 'userAssigned' || !c.userAssignedIdentityIds.some(id => sameArmId(id, wantedIdentity));
}

/**
 * Custom subnets the new control-plane identity must get Network Contributor on: only when the identity changes, and
 * only those it does not hold the role on already.
 */
export function subnetsNeedingRole(facts: EnableFacts, wantedIdentity: string) {
  return identityChanges(facts.cluster, wantedIdentity) ? (facts.subnets ?? []).filter(s => s.newIdentityHasRole !== true) : [];
}

/** Key Vault vaults report these while a create is still running (RegisteringDns: the DNS name is not live yet). */
export function isProvisioning(state: string | undefined): boolean {
  // Stryker disable next-line StringLiteral: the '' fallback and any other non-matching text fail the test alike
  return /^(registeringdns|creating|updating)$/i.test(state ?? '');
}

/** The KMS operations a key's `key_ops` leaves out (none when the key does not restrict its operations). */
export function missingKeyOps(keyOps: readonly string[] | undefined): string[] {
  if (!keyOps?.length) {
    return [];
  }
  return ['encrypt', 'decrypt'].filter(op => !keyOps.some(k => k.toLowerCase() === op));
}

export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some(f => f.severity === 'error');
}
