// The rules AKS enforces on a managed-cluster PUT before it accepts it (AZURE.md, "Rules the service and
// the CLI enforce"), checked on the merged body against the stored one. A violation throws the service's
// error and nothing is stored. Message texts marked "verbatim" are the service's (AZURE.md or public
// issues); the others are faithful guesses, listed in test/emulator/README.md.
import type { Principal } from './auth';
import { checkNetwork } from './dataPlaneAccess';
import { HttpError } from './errors';
import { vaultResourceId } from './ids';
import { getPath, isJsonObject, type Json, type JsonObject } from './json';
import { isRsa, latestVersion } from './model/key';
import { accessPolicyAllows, rbacAllows } from './rbac';
import { KMS_PREVIEW_FEATURE } from './seed';
import { lookup, type EmulatorStore, type VaultEndpoints, type VaultRecord } from './state';
import { INFRA_PROFILE_KEY } from './clusterMerge';

export const KMS_MIN_KUBERNETES = { major: 1, minor: 33 } as const;

export interface RuleInput {
  readonly store: EmulatorStore;
  readonly vaults: VaultEndpoints;
  readonly subscriptionId: string;
  /** Stored cluster; absent for a create. */
  readonly before?: JsonObject;
  /** The merged body that would be stored. */
  readonly after: JsonObject;
}

interface KmsView {
  readonly infraEnabled: boolean;
  readonly kms?: JsonObject;
  readonly kmsEnabled: boolean;
  readonly keyId?: string;
  readonly versioned: boolean;
}

/** `https://{vault host}/keys/{name}[/{version}]`; version = 32 hex characters. */
const KEY_ID = /^https:\/\/([^/\s]+)\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-fA-F]{32}))?$/;

function view(body: JsonObject | undefined): KmsView {
  const sp = getPath(body, ['properties', 'securityProfile']);
  const infra = isJsonObject(sp) ? getPath(sp, [INFRA_PROFILE_KEY, 'infrastructureEncryption']) : undefined;
  const kms = isJsonObject(sp) && isJsonObject(sp.azureKeyVaultKms) ? sp.azureKeyVaultKms : undefined;
  const keyId = typeof kms?.keyId === 'string' && kms.keyId !== '' ? kms.keyId : undefined;
  return {
    infraEnabled: infra === 'Enabled',
    kms,
    kmsEnabled: kms?.enabled === true,
    keyId,
    versioned: keyId !== undefined && KEY_ID.exec(keyId)?.[3] !== undefined,
  };
}

/** The new KMS experience: PMK (infrastructure encryption) or CMK with a versionless key id. */
function usesNewExperience(v: KmsView): boolean {
  return v.infraEnabled || (v.kmsEnabled && v.keyId !== undefined && !v.versioned);
}

function same(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function bad(message: string, code = 'BadRequest'): HttpError {
  return new HttpError(400, code, message);
}

function parseVersion(v: Json | undefined): { major: number; minor: number } | undefined {
  const m = typeof v === 'string' ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

const UA_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i;

/**
 * The cluster's control-plane identity and its principal: the user-assigned identity resource (validated: exists, at
 * most one), or the system-assigned principal (clusterMerge fills it in before the rules run).
 */
function checkIdentity(input: RuleInput): { principalId?: string; type: string } {
  const identity = input.after.identity;
  if (!isJsonObject(identity)) return { type: 'None' };
  const type = String(identity.type ?? 'None');
  if (type === 'SystemAssigned') return { type, ...(typeof identity.principalId === 'string' ? { principalId: identity.principalId } : {}) };
  if (type !== 'UserAssigned') return { type };
  const uas = isJsonObject(identity.userAssignedIdentities) ? Object.keys(identity.userAssignedIdentities) : [];
  // rule: emu-cluster-identity-ua-missing
  if (uas.length === 0) throw bad("The user assigned identity must be specified when the identity type is 'UserAssigned'.");
  // rule: emu-cluster-identity-ua-single
  if (uas.length > 1) throw bad('Only one user assigned identity is allowed.');
  const m = UA_ID.exec(uas[0]);
  const resource = m ? lookup.identity(input.store.fleet, m[1], m[2], m[3]) : undefined;
  // rule: emu-cluster-identity-ua-not-found
  if (!resource) throw bad(`The user assigned identity '${uas[0]}' was not found. Create it (Microsoft.ManagedIdentity/userAssignedIdentities) before assigning it to the cluster.`, 'InvalidUserAssignedIdentity');
  return { type, principalId: resource.principalId };
}

function vaultOfKeyId(input: RuleInput, keyId: string): VaultRecord | undefined {
  const origin = /^https:\/\/[^/]+/.exec(keyId)?.[0];
  return input.store.fleet.vaults.find((v) => input.vaults.baseUrl(v.name).toLowerCase() === origin?.toLowerCase());
}

/** The checks on the azureKeyVaultKms block itself (its shape and network settings). */
function checkKmsSettings(input: RuleInput, after: KmsView, identityType: string): void {
  const kms = after.kms;
  if (!kms || !after.kmsEnabled) return;
  // rule: emu-cluster-kms-key-id-empty
  if (after.keyId === undefined) throw bad('KeyId is empty when Azure Key Vault KMS is enabled.');
  // rule: emu-cluster-kms-key-id-format
  if (!KEY_ID.test(after.keyId)) {
    throw bad(`Azure Key Vault KMS key ID '${after.keyId}' is invalid: it must be https://{vault host}/keys/{name} or https://{vault host}/keys/{name}/{version}.`);
  }
  // Legacy KMS only (a versioned key ID, no infrastructure encryption): the legacy page's "Limitations" say KMS etcd
  // encryption does not work with a system-assigned identity. The new experience asks only for a managed identity
  // (KMS data encryption concepts, "Requirements"), so a new-experience PUT is not refused for its identity type.
  // rule: emu-cluster-kms-identity-type
  if (identityType !== 'UserAssigned' && !usesNewExperience(after)) {
    // verbatim (public issue Azure/AKS-Construction#303)
    throw bad(`AzureKeyVaultKms feature does not support cluster identity type ${identityType}, supported value is 'UserAssigned'`);
  }
  const access = kms.keyVaultNetworkAccess;
  // verbatim (AZURE.md)
  // rule: emu-cluster-kms-network-access-unspecified
  if (access === null || access === '') throw bad('KeyVault network access is unspecified for Azure Key Vault KMS.');
  // rule: emu-cluster-kms-network-access-invalid
  if (access !== 'Public' && access !== 'Private') throw bad(`KeyVault network access '${String(access)}' is invalid; the supported values are 'Public' and 'Private'.`);
  if (access === 'Private') {
    const vnet = getPath(input.after, ['properties', 'apiServerAccessProfile', 'enableVnetIntegration']) === true;
    // verbatim (AZURE.md). Legacy KMS only (a versioned key ID, no infrastructure encryption): it reaches a
    // private vault from the API server's VNet. The new experience goes through the trusted-services exception
    // and needs no VNet Integration (AZURE.md "Rules", corrected 2026-12-01; KMS data encryption page).
    // rule: emu-cluster-private-vnet-legacy
    if (!vnet && !usesNewExperience(after)) throw bad('Vnet integration should be enabled when KeyVault network access is Private.');
    const vaultId = kms.keyVaultResourceId;
    // verbatim (AZURE.md)
    // rule: emu-cluster-private-vault-id-empty
    if (typeof vaultId !== 'string' || vaultId === '') throw bad('KeyVault resource ID is empty when KeyVault network access is Private.');
  }
  const vaultId = kms.keyVaultResourceId;
  if (typeof vaultId === 'string' && vaultId !== '') {
    const keyVault = vaultOfKeyId(input, after.keyId);
    const expected = keyVault ? vaultResourceId(keyVault.subscriptionId, keyVault.resourceGroup, keyVault.name) : undefined;
    // rule: emu-cluster-kms-vault-id-mismatch
    if (!expected || expected.toLowerCase() !== vaultId.toLowerCase()) {
      throw bad(`KeyVault resource ID '${vaultId}' is invalid: it must be the ID of the Microsoft.KeyVault/vaults resource that holds the key '${after.keyId}'.`);
    }
  }
}

function checkNoDowngrade(before: KmsView, after: KmsView): void {
  // rule: emu-cluster-no-infra-disable
  if (before.infraEnabled && !after.infraEnabled) {
    throw bad('Disabling KMS infrastructure encryption is not supported: once infrastructureEncryption is Enabled it cannot be set to Disabled or removed.');
  }
  // rule: emu-cluster-no-new-to-legacy
  if (before.kmsEnabled && before.keyId !== undefined && !before.versioned && after.kmsEnabled && after.versioned) {
    throw bad('Switching from the new KMS experience (a versionless key ID) back to the legacy KMS experience (a versioned key ID) is not supported.');
  }
}

function checkFeature(input: RuleInput): void {
  const f = lookup.feature(input.store.fleet, input.subscriptionId, KMS_PREVIEW_FEATURE.namespace, KMS_PREVIEW_FEATURE.name);
  // rule: emu-cluster-feature-not-registered
  if (f?.state !== 'Registered') {
    // verbatim pattern (AKS's preview-feature gate, e.g. Azure/AKS#2515)
    throw bad(`Feature ${KMS_PREVIEW_FEATURE.namespace}/${KMS_PREVIEW_FEATURE.name} is not enabled. Please see https://aka.ms/aks/previews for how to enable features.`);
  }
}

function checkKubernetesVersion(after: JsonObject): void {
  const raw = getPath(after, ['properties', 'kubernetesVersion']) ?? getPath(after, ['properties', 'currentKubernetesVersion']);
  const v = parseVersion(raw);
  const { major, minor } = KMS_MIN_KUBERNETES;
  // rule: emu-cluster-k8s-too-old
  if (!v || v.major < major || (v.major === major && v.minor < minor)) {
    throw bad(
      `KMS infrastructure encryption and Azure Key Vault KMS with a versionless key ID require Kubernetes version ${major}.${minor}.0 or later; the requested version is ${String(raw)}.`,
    );
  }
}

/** What AKS's KMS plugin would hit: the vault firewall (as a trusted service), the identity's rights, the key. */
function checkKeyVaultAccess(input: RuleInput, after: KmsView, principalId: string): void {
  const keyId = after.keyId!;
  const origin = /^https:\/\/[^/]+/.exec(keyId)![0];
  // verbatim (AZURE.md): the service's answer whenever the identity cannot encrypt/decrypt with the key
  const denied = () => bad(`The identity does not have keys encrypt/decrypt permission on key vault "${origin}"`, 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError');
  const vault = vaultOfKeyId(input, keyId);
  // rule: emu-cluster-kms-identity-permission
  if (!vault) throw denied();
  // The new experience reaches the vault as a trusted Azure service for Public and Private alike (AZURE.md
  // "Rules": the firewall's trusted-services exception); legacy KMS with Private goes through the API server's VNet.
  if (after.kms?.keyVaultNetworkAccess !== 'Private' || usesNewExperience(after)) {
    const principal: Principal = { oid: principalId, tid: input.store.fleet.tenantId, exp: 0, claims: {} };
    // rule: emu-cluster-kms-vault-not-accessible
    if (checkNetwork(vault, principal, '', { trustedService: true })) {
      throw bad(
        `Key vault "${origin}" is not accessible: its firewall denies public network access and does not let trusted Azure services bypass it (networkAcls.bypass is None). Allow trusted Microsoft services to bypass the firewall, or use KeyVault network access Private.`,
        'AzureKeyVaultKmsKeyVaultNotAccessible',
      );
    }
  }
  const can = (action: 'Microsoft.KeyVault/vaults/keys/encrypt/action' | 'Microsoft.KeyVault/vaults/keys/decrypt/action') =>
    vault.enableRbacAuthorization ? rbacAllows(input.store, principalId, vault, action) : accessPolicyAllows(vault, principalId, action);
  // rule: emu-cluster-kms-identity-permission
  if (!can('Microsoft.KeyVault/vaults/keys/encrypt/action') || !can('Microsoft.KeyVault/vaults/keys/decrypt/action')) throw denied();
  const m = KEY_ID.exec(keyId)!;
  const key = lookup.key(vault, m[2]);
  const version = key ? (m[3] ? key.versions.find((x) => x.version.toLowerCase() === m[3].toLowerCase()) : latestVersion(key)) : undefined;
  const now = input.store.clock.now();
  // KMS needs an enabled, unexpired RSA key: an EC key cannot encrypt (AZURE.md).
  // rule: emu-cluster-kms-key-unusable
  if (!version || !version.enabled || !isRsa(version) || (version.expiresMs !== undefined && version.expiresMs <= now)) throw denied();
}

/** Throws the service's 400 when the PUT breaks a rule; returns normally when AKS would accept it. */
export function validateClusterPut(input: RuleInput): void {
  const before = view(input.before);
  const after = view(input.after);
  const identity = checkIdentity(input);
  checkKmsSettings(input, after, identity.type);
  checkNoDowngrade(before, after);

  const beforeSp = getPath(input.before, ['properties', 'securityProfile']);
  const afterSp = getPath(input.after, ['properties', 'securityProfile']);
  const kmsChanged =
    input.before === undefined ||
    !same(isJsonObject(beforeSp) ? beforeSp.azureKeyVaultKms : undefined, isJsonObject(afterSp) ? afterSp.azureKeyVaultKms : undefined) ||
    !same(isJsonObject(beforeSp) ? beforeSp[INFRA_PROFILE_KEY] : undefined, isJsonObject(afterSp) ? afterSp[INFRA_PROFILE_KEY] : undefined) ||
    !same(getPath(input.before, ['identity', 'userAssignedIdentities']), getPath(input.after, ['identity', 'userAssignedIdentities']));
  if (!kmsChanged) return;
  if (usesNewExperience(after)) {
    checkFeature(input);
    checkKubernetesVersion(input.after);
    // The new experience (platform or customer-managed keys) runs only on clusters whose identity is a managed
    // identity (KMS data encryption concepts, "Requirements"); a service-principal cluster has none.
    // rule: emu-cluster-new-kms-managed-identity
    if (identity.type !== 'SystemAssigned' && identity.type !== 'UserAssigned') {
      throw bad(`KMS infrastructure encryption and Azure Key Vault KMS with a versionless key ID require a managed identity for the cluster (identity type SystemAssigned or UserAssigned); the cluster's identity type is ${identity.type}.`);
    }
  }
  if (after.kmsEnabled && identity.principalId) checkKeyVaultAccess(input, after, identity.principalId);
}
