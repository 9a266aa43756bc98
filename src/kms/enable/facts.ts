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
  /** The Entra tenant of the vault (its access policies name principals of this tenant). */
  readonly tenantId?: string;
  /** Access policies (meaningful when enableRbacAuthorization is false): who holds which key permissions. */
  readonly accessPolicies?: readonly { readonly objectId: string; readonly keyPermissions: readonly string[] }[];
}

/**
 * The vault already refuses public data-plane calls: its firewall denies by default, or public access is off. Keys
 * are then created through Azure Resource Manager (Microsoft.KeyVault/vaults/keys), which the firewall does not
 * filter (learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints, "Usage scenarios").
 */
export function vaultDeniesPublicDataPlane(vault: Pick<VaultFacts, 'networkDefaultAction' | 'publicNetworkAccess'>): boolean {
  return /^deny$/i.test(vault.networkDefaultAction ?? '') || /^disabled$/i.test(vault.publicNetworkAccess ?? '');
}

export interface KeyFacts {
  readonly name: string;
  readonly kty?: string;
  readonly enabled: boolean;
  readonly expiresOn?: Date;
  /** The key's ID with its current version. */
  readonly keyIdWithVersion?: string;
  /** Permitted operations (`key_ops`); undefined or empty when the key does not restrict them. */
  readonly keyOps?: readonly string[];
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

/** A custom VNet subnet of the cluster's agent pools (`vnetSubnetID`): the control-plane identity manages it. */
export interface SubnetFacts {
  readonly id: string;
  /**
   * Whether the cluster's current control-plane identity holds Network Contributor (or Owner/Contributor) on the
   * subnet or above; undefined when the assignments could not be read.
   */
  readonly currentIdentityHasRole?: boolean;
  /** Whether the chosen new identity already holds Network Contributor there; undefined when unknown or no identity yet. */
  readonly newIdentityHasRole?: boolean;
}

export interface EnableFacts {
  readonly cluster: ClusterFacts;
  readonly clusterJson: ManagedClusterJson;
  /** The latest template deployment whose output names the cluster, where the group's history is readable. */
  readonly deployedBy?: { readonly name: string; readonly timestamp?: Date };
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
  readonly user: {
    readonly objectId: string;
    readonly canAssignRoles: boolean;
    /** From the token (`idtyp`): a service principal signed in through the Azure CLI is `ServicePrincipal`. */
    readonly principalType: 'User' | 'ServicePrincipal';
  };
  /** Custom subnets of the agent pools (empty when the cluster uses the managed VNet). */
  readonly subnets?: readonly SubnetFacts[];
  /** Role assignments on the vault's scope (and above) that exist now. */
  readonly roleAssignments: readonly RoleAssignmentFact[];
  readonly keyVaultDnsSuffix: string;
  readonly now: Date;
}
