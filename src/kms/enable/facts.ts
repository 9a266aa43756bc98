/** What the plan reads from Azure before deciding anything: plain data, gathered by src/azure. */
import type { ClusterFacts } from '../kmsState';
import type { ManagedClusterJson } from '../managedCluster';

export interface VaultFacts {
  readonly id: string;
  readonly name: string;
  readonly location?: string;
  /** `https://{host}/` as Key Vault returns it. */
  readonly vaultUri: string;
  readonly enableRbacAuthorization: boolean;
  readonly enableSoftDelete: boolean;
  readonly enablePurgeProtection: boolean;
  readonly publicNetworkAccess?: string;
  readonly networkDefaultAction?: string;
  readonly networkBypass?: string;
  readonly provisioningState?: string;
}

export interface KeyFacts {
  readonly name: string;
  readonly kty?: string;
  readonly enabled: boolean;
  readonly expiresOn?: Date;
  /** The key's ID with its current version. */
  readonly keyIdWithVersion?: string;
}

export interface IdentityFacts {
  readonly id: string;
  readonly name: string;
  readonly principalId: string;
  readonly clientId?: string;
}

export interface RoleAssignmentFact {
  readonly scope: string;
  readonly principalId: string;
  /** The role definition GUID (last segment of roleDefinitionId). */
  readonly roleGuid: string;
}

export interface EnableFacts {
  readonly cluster: ClusterFacts;
  readonly clusterJson: ManagedClusterJson;
  /** `KMSPMKPreview` registration state in the cluster's subscription. */
  readonly featureState: string;
  /** The chosen vault, if it exists. */
  readonly vault?: VaultFacts;
  /** For a new vault whose resource does not exist yet: whether the (globally unique) name is free. */
  readonly vaultNameAvailable?: boolean;
  /** For a new vault: its resource group does not exist (or cannot be read); the plan does not create groups. */
  readonly vaultResourceGroupMissing?: boolean;
  /** The chosen key, if it exists (read through ARM, which the vault firewall does not block). */
  readonly key?: KeyFacts;
  /** The chosen identity, if it exists. */
  readonly identity?: IdentityFacts;
  readonly user: { readonly objectId: string; readonly canAssignRoles: boolean };
  /** Role assignments on the vault's scope (and above) that exist now. */
  readonly roleAssignments: readonly RoleAssignmentFact[];
  readonly keyVaultDnsSuffix: string;
  readonly now: Date;
}
