/** A hand-rolled in-memory Azure for plan tests: implements EnablePorts over plain maps and records every write. */
import type { EnablePorts } from '../../src/kms/enable/ports';
import type { IdentityFacts, KeyFacts, VaultFacts } from '../../src/kms/enable/facts';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';

export interface FakeWorld {
  feature: string;
  vaults: Map<string, VaultFacts>;
  keys: Map<string, KeyFacts>;
  identities: Map<string, IdentityFacts>;
  roles: { scope: string; principalId: string; roleGuid: string; name: string }[];
  clusters: Map<string, ManagedClusterJson>;
  writes: string[];
  /** Errors to answer before a key create succeeds (e.g. a throttled ARM call). */
  createKeyDenials: number;
  /** Polls of the feature state until it turns Registered. */
  featurePollsUntilRegistered: number;
  failClusterPut?: Error;
  /**
   * Role assignment creates whose answer is lost: the assignment is made, the SDK re-sends the PUT and the service
   * answers that one 409 RoleAssignmentExists — so the port says 'exists'.
   */
  lostRoleAssignmentAnswers?: number;
}

export const SUB = '00000000-0000-4000-8000-000000000001';
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1`;
export const USER_OID = 'aaaaaaaa-0000-4000-8000-000000000001';

export function clusterJson(overrides: Partial<NonNullable<ManagedClusterJson['properties']>> = {}, identityType = 'UserAssigned'): ManagedClusterJson {
  const identityId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
  return {
    id: CLUSTER_ID,
    name: 'aks1',
    location: 'eastus',
    identity: identityType === 'UserAssigned' ? { type: 'UserAssigned', userAssignedIdentities: { [identityId]: { principalId: 'p-id-aks1', clientId: 'c' } } } : { type: identityType, principalId: 'p-sys' },
    properties: {
      kubernetesVersion: '1.33.2',
      provisioningState: 'Succeeded',
      apiServerAccessProfile: { enableVnetIntegration: true },
      agentPoolProfiles: [{ name: 'nodepool1', count: 3 }],
      futureField: { keep: 'me' },
      ...overrides,
    },
  };
}

export function newWorld(partial: Partial<FakeWorld> = {}): FakeWorld {
  return {
    feature: 'Registered', vaults: new Map(), keys: new Map(), identities: new Map(), roles: [], clusters: new Map([[CLUSTER_ID, clusterJson()]]),
    writes: [], createKeyDenials: 0, featurePollsUntilRegistered: 0, ...partial,
  };
}

const lower = (s: string) => s.toLowerCase();

export function fakePorts(world: FakeWorld): EnablePorts {
  return {
    async getFeatureState() {
      if (world.feature === 'Registering' && world.featurePollsUntilRegistered-- <= 0) {
        world.feature = 'Registered';
      }
      return world.feature;
    },
    async registerFeature() {
      world.writes.push('registerFeature');
      world.feature = 'Registering';
      return world.feature;
    },
    async registerProvider() {
      world.writes.push('registerProvider');
    },
    async getVault(id) {
      return world.vaults.get(lower(id));
    },
    async createVault(spec) {
      world.writes.push(`createVault ${spec.name}`);
      const v: VaultFacts = { id: spec.id, name: spec.name, location: spec.location, vaultUri: `https://${spec.name}.vault.azure.net/`, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded' };
      world.vaults.set(lower(spec.id), v);
      return v;
    },
    async updateVault(id, change) {
      world.writes.push(`updateVault ${JSON.stringify(change)}`);
      const v = { ...world.vaults.get(lower(id))!, ...change };
      world.vaults.set(lower(id), v);
      return v;
    },
    async getKey(vault, name) {
      return world.keys.get(`${lower(vault.name)}/${name}`);
    },
    async createKey(vault, name) {
      if (world.createKeyDenials > 0) {
        world.createKeyDenials--;
        throw Object.assign(new Error('Caller is not authorized (RBAC)'), { statusCode: 403 });
      }
      world.writes.push(`createKey ${name}`);
      const k: KeyFacts = { name, kty: 'RSA', enabled: true, keyIdWithVersion: `${vault.vaultUri}keys/${name}/v1` };
      world.keys.set(`${lower(vault.name)}/${name}`, k);
      return k;
    },
    async addKeyAccessPolicy(vault, _tenantId, objectId, keyPermissions) {
      world.writes.push(`accessPolicy ${objectId} ${keyPermissions.join(',')}`);
      const current = world.vaults.get(lower(vault.id))!;
      const v: VaultFacts = { ...current, accessPolicies: [...(current.accessPolicies ?? []), { objectId, keyPermissions }] };
      world.vaults.set(lower(vault.id), v);
      return v;
    },
    async getIdentity(id) {
      return world.identities.get(lower(id));
    },
    async createIdentity(spec) {
      world.writes.push(`createIdentity ${spec.name}`);
      const i: IdentityFacts = { id: spec.id, name: spec.name, principalId: `p-${spec.name}`, clientId: `c-${spec.name}` };
      world.identities.set(lower(spec.id), i);
      return i;
    },
    async hasRoleAssignment(scope, principalId, roleGuid) {
      return world.roles.some(r => lower(r.scope) === lower(scope) && r.principalId === principalId && r.roleGuid === roleGuid);
    },
    async createRoleAssignment(spec) {
      if (world.roles.some(r => lower(r.scope) === lower(spec.scope) && r.principalId === spec.principalId && r.roleGuid === spec.roleGuid)) {
        return 'exists';
      }
      world.writes.push(`role ${spec.roleGuid.slice(0, 8)} ${spec.principalId}`);
      world.roles.push({ scope: spec.scope, principalId: spec.principalId, roleGuid: spec.roleGuid, name: spec.name });
      if ((world.lostRoleAssignmentAnswers ?? 0) > 0) {
        world.lostRoleAssignmentAnswers!--;
        return 'exists';
      }
      return 'created';
    },
    async getRoleAssignment(scope, name) {
      const r = world.roles.find(x => lower(x.scope) === lower(scope) && lower(x.name) === lower(name));
      return r ? { scope: r.scope, principalId: r.principalId, roleGuid: r.roleGuid } : undefined;
    },
    async getCluster(id) {
      return structuredClone(world.clusters.get(id)!);
    },
    async putCluster(id, body, onProgress) {
      if (world.failClusterPut) {
        throw world.failClusterPut;
      }
      world.writes.push('putCluster');
      onProgress('Updating');
      world.clusters.set(id, structuredClone(body));
      return structuredClone(body);
    },
    async sleep() {
      // instant: tests do not wait for real time
    },
  };
}
