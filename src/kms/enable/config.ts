/**
 * What the user asks for: platform keys, a customer-managed key with its vault, key, identity and network access,
 * or the move from a customer-managed (or legacy) key back to platform keys.
 */

export type NetworkAccess = 'Public' | 'Private';

export type VaultChoice =
  | { readonly kind: 'new'; readonly name: string; readonly resourceGroup: string; readonly location: string }
  | { readonly kind: 'existing'; readonly id: string };

/** A key in the chosen vault: created by the plan, or one that is there already. */
export type KeyChoice = { readonly kind: 'new' | 'existing'; readonly name: string };

export type IdentityChoice =
  | { readonly kind: 'new'; readonly name: string; readonly resourceGroup: string; readonly location: string }
  | { readonly kind: 'existing'; readonly id: string };

export interface PmkConfig {
  readonly kind: 'pmk';
  readonly clusterId: string;
}

export interface CmkConfig {
  readonly kind: 'cmk';
  readonly clusterId: string;
  readonly networkAccess: NetworkAccess;
  readonly vault: VaultChoice;
  readonly key: KeyChoice;
  readonly identity: IdentityChoice;
  /** Turn on purge protection on an existing vault that lacks it (recommended; cannot be undone). */
  readonly enablePurgeProtection?: boolean;
}

/**
 * CMK (or legacy KMS) → platform-managed keys: Key Vault KMS off, infrastructure encryption Enabled (AZURE.md,
 * "migrate CMK → PMK"). Nothing is deleted: the old key and vault stay, and must.
 */
export interface MigrateToPmkConfig {
  readonly kind: 'migrateToPmk';
  readonly clusterId: string;
}

export type EnableConfig = PmkConfig | CmkConfig | MigrateToPmkConfig;

/** The configurations that only touch the cluster (no vault, key or identity). */
export function isPlatformKeyConfig(config: EnableConfig): config is PmkConfig | MigrateToPmkConfig {
  return config.kind === 'pmk' || config.kind === 'migrateToPmk';
}

export const KMS_FEATURE = { namespace: 'Microsoft.ContainerService', name: 'KMSPMKPreview' } as const;

/** Built-in role definition GUIDs (the same in every cloud; AZURE.md). */
export const ROLES = {
  keyVaultCryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  keyVaultContributor: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
  /** What AKS's control-plane identity needs on a custom subnet ("Use a managed identity in AKS", bring your own VNet). */
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
} as const;

/** The key the plan creates (and the exports declare): RSA 2048, for encrypt/decrypt and wrap/unwrap. */
export const KMS_KEY = { kty: 'RSA', size: 2048, ops: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] } as const;

/**
 * The Microsoft.KeyVault management-plane api-version the exports and the az script write for vaults and keys: the
 * stable spec saved in ../shared/azure-specs (keys.json, `Keys_CreateIfNotExist`).
 */
export const KEY_VAULT_ARM_API_VERSION = '2025-05-01';

/** The ARM request body that creates the key the plan creates (Microsoft.KeyVault/vaults/keys PUT). */
export function kmsKeyArmBody(): { properties: { kty: string; keySize: number; keyOps: string[] } } {
  return { properties: { kty: KMS_KEY.kty, keySize: KMS_KEY.size, keyOps: [...KMS_KEY.ops] } };
}

/** Key permissions an access-policy vault must grant the cluster identity (legacy KMS page: encrypt and decrypt). */
export const KMS_KEY_PERMISSIONS = ['encrypt', 'decrypt'] as const;

export type RoleName = keyof typeof ROLES;

export function vaultIdOf(subscriptionId: string, choice: VaultChoice): string {
  return choice.kind === 'existing'
    ? choice.id
    : `/subscriptions/${subscriptionId}/resourceGroups/${choice.resourceGroup}/providers/Microsoft.KeyVault/vaults/${choice.name}`;
}

export function identityIdOf(subscriptionId: string, choice: IdentityChoice): string {
  return choice.kind === 'existing'
    ? choice.id
    : `/subscriptions/${subscriptionId}/resourceGroups/${choice.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${choice.name}`;
}
