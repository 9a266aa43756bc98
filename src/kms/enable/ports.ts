/**
 * What the enable/migrate plans need from Azure, as plain-data interfaces. src/azure implements them with the real
 * SDK clients; unit tests fake them with plain objects. Every method is a single read or a single write.
 */
import type { ManagedClusterJson } from '../managedCluster';
import type { IdentityFacts, KeyFacts, RoleAssignmentFact, VaultFacts } from './facts';

export interface NewVaultSpec {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly tenantId: string;
}

export interface NewIdentitySpec {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
  readonly location: string;
}

export interface RoleAssignmentSpec {
  readonly scope: string;
  /** Deterministic (roleAssignmentName), so a retry is a no-op. */
  readonly name: string;
  readonly principalId: string;
  readonly principalType: 'User' | 'ServicePrincipal';
  readonly roleGuid: string;
}

export interface EnablePorts {
  getFeatureState(subscriptionId: string, signal?: AbortSignal): Promise<string>;
  registerFeature(subscriptionId: string, signal?: AbortSignal): Promise<string>;
  registerProvider(subscriptionId: string, signal?: AbortSignal): Promise<void>;

  getVault(vaultId: string, signal?: AbortSignal): Promise<VaultFacts | undefined>;
  /** Creates the vault (RBAC, soft delete, purge protection, public network access) and waits until it is ready. */
  createVault(spec: NewVaultSpec, signal?: AbortSignal): Promise<VaultFacts>;
  updateVault(vaultId: string, change: { networkDefaultAction?: 'Deny'; networkBypass?: 'AzureServices'; enablePurgeProtection?: true }, signal?: AbortSignal): Promise<VaultFacts>;

  /** Reads a key through ARM (not blocked by the vault firewall). */
  getKey(vault: VaultFacts, keyName: string, signal?: AbortSignal): Promise<KeyFacts | undefined>;
  /**
   * Creates an RSA 2048 key through ARM (`keys.createIfNotExist`): not blocked by the vault firewall, needs no
   * data-plane role, and a retry returns the existing key instead of adding a version (AZURE.md, "Reading keys
   * without tripping the firewall").
   */
  createKey(vault: VaultFacts, keyName: string, signal?: AbortSignal): Promise<KeyFacts>;
  /** Adds key permissions for a principal to an access-policy vault (ARM `vaults.updateAccessPolicy`, kind `add`). */
  addKeyAccessPolicy(vault: VaultFacts, tenantId: string, objectId: string, keyPermissions: readonly string[], signal?: AbortSignal): Promise<VaultFacts>;

  getIdentity(identityId: string, signal?: AbortSignal): Promise<IdentityFacts | undefined>;
  createIdentity(spec: NewIdentitySpec, signal?: AbortSignal): Promise<IdentityFacts>;

  /** True when the principal already holds the role at the scope (assigned there or inherited from above). */
  hasRoleAssignment(scope: string, principalId: string, roleGuid: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Creates the assignment. `exists`: the service answered 409 RoleAssignmentExists — the same role for the same
   * principal at the scope under another name, or this very assignment (also when a retried PUT meets the one its
   * first attempt created, whose answer was lost).
   */
  createRoleAssignment(spec: RoleAssignmentSpec, signal?: AbortSignal): Promise<'created' | 'exists'>;
  /** The assignment with this name at this scope (GET …/roleAssignments/{name}), or undefined (404). */
  getRoleAssignment(scope: string, name: string, signal?: AbortSignal): Promise<RoleAssignmentFact | undefined>;

  getCluster(clusterId: string, signal?: AbortSignal): Promise<ManagedClusterJson>;
  /** PUTs the cluster and waits for the long-running operation, honouring Retry-After; returns the final GET. */
  putCluster(clusterId: string, body: ManagedClusterJson, onProgress: (message: string) => void, signal?: AbortSignal): Promise<ManagedClusterJson>;

  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
