/**
 * The real-Azure implementation of the enable plan's ports, and the fact-gathering that precedes preflight. Only
 * translation happens here; every decision is in src/kms/enable.
 */
import { templateDeploymentOf } from './deployments';
import { parseArmId, scopeCoversScope } from '../kms/armId';
import { identityChanges } from '../kms/enable/preflight';
import { EnableConfig, identityIdOf, ROLES, vaultIdOf } from '../kms/enable/config';
import type { EnableFacts, RoleAssignmentFact, SubnetFacts } from '../kms/enable/facts';
import type { ManagedClusterJson } from '../kms/managedCluster';
import type { EnablePorts } from '../kms/enable/ports';
import { clusterFactsOf } from '../kms/kmsState';
import { abortableSleep } from '../kms/plan/retry';
import type { AzureContext } from './azureContext';
import { getKmsFeatureState, registerContainerServiceProvider, registerKmsFeature } from './features';
import { createIdentity, getIdentity } from './identities';
import { addKeyAccessPolicy, createKeyIfNotExist, createVault, findKey, findVault, isVaultNameAvailable, updateVault } from './keyVault';
import { ManagedClustersAdapter } from './managedClusters';
import { isNotFound } from './errors';
import { principalTypeOf, tokenIdentity } from './tokenClaims';
import { canAssignRoles, createRoleAssignment, getRoleAssignment, holdsRole, listRoleAssignmentsFor } from './roleAssignments';

export function azureEnablePorts(ctx: AzureContext, clusters: ManagedClustersAdapter): EnablePorts {
  // The identity's two role steps start together and ask about the same principal: one request answers both.
  const principalAssignments = whileInFlight((scope: string, principalId: string, signal?: AbortSignal) => listRoleAssignmentsFor(ctx, scope, signal, principalId));
  return {
    getFeatureState: (s, signal) => getKmsFeatureState(ctx, s, signal),
    registerFeature: (s, signal) => registerKmsFeature(ctx, s, signal),
    registerProvider: (s, signal) => registerContainerServiceProvider(ctx, s, signal),
    getVault: (id, signal) => findVault(ctx, id, signal),
    createVault: (spec, signal) => createVault(ctx, spec, signal),
    updateVault: (id, change, signal) => updateVault(ctx, id, change, signal),
    getKey: (vault, name, signal) => findKey(ctx, vault.id, name, signal),
    createKey: (vault, name, signal) => createKeyIfNotExist(ctx, vault.id, name, signal),
    addKeyAccessPolicy: (vault, tenantId, objectId, permissions, signal) => addKeyAccessPolicy(ctx, vault.id, tenantId, objectId, permissions, signal),
    getIdentity: (id, signal) => getIdentity(ctx, id, signal),
    createIdentity: (spec, signal) => createIdentity(ctx, spec, signal),
    hasRoleAssignment: async (scope, principalId, roleGuid, signal) => holdsRole(await principalAssignments(scope, principalId, signal), scope, principalId, roleGuid),
    createRoleAssignment: (spec, signal) => createRoleAssignment(ctx, spec, signal),
    getRoleAssignment: (scope, name, signal) => getRoleAssignment(ctx, scope, name, signal),
    getCluster: (id, signal) => clusters.get(id, signal),
    putCluster: (id, body, onProgress, signal) => clusters.put(id, body, onProgress, signal),
    sleep: abortableSleep,
  };
}

/** The signed-in user's object id: the `oid` claim of the ARM access token (AZURE.md). */
export async function signedInObjectId(ctx: AzureContext): Promise<string> {
  return (await signedInPrincipal(ctx)).objectId;
}

/** The signed-in principal: object id (`oid`) and whether it is a user or a service principal (`idtyp`). */
export async function signedInPrincipal(ctx: AzureContext): Promise<{ objectId: string; principalType: 'User' | 'ServicePrincipal' }> {
  const identity = await tokenIdentity(ctx);
  if (!identity.oid) {
    throw new Error('The access token has no object id (oid) claim; sign in with a user account.');
  }
  return { objectId: identity.oid, principalType: principalTypeOf(identity) };
}

/** Roles that include Microsoft.Network/virtualNetworks/subnets/join/action and the rest AKS needs on a subnet. */
const SUBNET_ROLES = [ROLES.networkContributor, '8e3af657-a8ff-443f-a75c-2fe8c4bcb635' /* Owner */, 'b24988ac-6180-42a0-ab88-20f7382dd24c' /* Contributor */];

/**
 * The agent pools' custom subnets (`vnetSubnetID`) and who holds a network role there: the cluster's current
 * control-plane identity, and the chosen new identity when it exists. Unreadable assignments stay undefined.
 */
async function readSubnetFacts(ctx: AzureContext, cluster: ManagedClusterJson, newPrincipalId: string | undefined, signal?: AbortSignal): Promise<SubnetFacts[]> {
  const pools = Array.isArray(cluster.properties?.agentPoolProfiles) ? (cluster.properties.agentPoolProfiles as { vnetSubnetID?: unknown }[]) : [];
  const ids = [...new Map(pools.map(p => p.vnetSubnetID).filter((id): id is string => typeof id === 'string' && id !== '').map(id => [id.toLowerCase(), id])).values()];
  const current = cluster.identity?.principalId ?? Object.values(cluster.identity?.userAssignedIdentities ?? {})[0]?.principalId;
  const holds = async (subnetId: string, principalId: string | undefined) => {
    if (!principalId) {
      return undefined;
    }
    try {
      const assignments = await listRoleAssignmentsFor(ctx, subnetId, signal, principalId);
      return assignments.some(a => SUBNET_ROLES.includes(a.roleGuid) && scopeCoversScope(a.scope, subnetId));
    } catch {
      return undefined; // not readable: preflight says "may have held"
    }
  };
  return Promise.all(ids.map(async id => ({ id, currentIdentityHasRole: await holds(id, current), newIdentityHasRole: await holds(id, newPrincipalId) })));
}

/** Reads everything preflight and the plan decide from: independent reads run in parallel. */
/** Facts a caller already read for many clusters at once (a batch reads the feature state once per subscription). */
export interface KnownFacts {
  readonly featureState?: string;
  /** `skip`: do not read the resource group's deployment history (a batch checks eligibility only). */
  readonly deploymentHistory?: 'skip';
}

export async function readEnableFacts(ctx: AzureContext, clusters: ManagedClustersAdapter, config: EnableConfig, signal?: AbortSignal, known: KnownFacts = {}): Promise<EnableFacts> {
  const clusterJson = await clusters.get(config.clusterId, signal);
  const cluster = clusterFactsOf(clusterJson);
  const sub = cluster.subscriptionId;
  const vaultId = config.kind === 'cmk' ? vaultIdOf(sub, config.vault) : undefined;
  const [featureState, caller, vault, identity, deployedBy] = await Promise.all([
    known.featureState ?? getKmsFeatureState(ctx, sub, signal),
    signedInPrincipal(ctx),
    vaultId ? findVault(ctx, vaultId, signal) : Promise.resolve(undefined),
    config.kind === 'cmk' ? getIdentity(ctx, identityIdOf(sub, config.identity), signal) : Promise.resolve(undefined),
    known.deploymentHistory === 'skip' ? Promise.resolve(undefined) : templateDeploymentOf(ctx, cluster.id, signal),
  ]);
  const vaultName = vaultId ? parseArmId(vaultId)?.name : undefined;
  const [vaultNameAvailable, key, roleAssignments, mayAssign, subnets] = await Promise.all([
    vaultId && !vault && vaultName ? isVaultNameAvailable(ctx, sub, vaultName, signal) : Promise.resolve(undefined),
    vault && config.kind === 'cmk' ? findKey(ctx, vault.id, config.key.name, signal) : Promise.resolve(undefined),
    vault ? listRoleAssignmentsFor(ctx, vault.id, signal) : Promise.resolve([]),
    // A 404 here means the vault's scope (its resource group, or a foreign subscription) cannot be read: report it
    // as a finding instead of failing the whole check.
    vaultId ? canAssignRoles(ctx, vaultId, Boolean(vault), signal).catch(err => (isNotFound(err) ? 'scope-missing' as const : Promise.reject(err))) : Promise.resolve(true),
    // Only a control-plane identity that changes needs the subnets' roles (the current one already holds them).
    config.kind === 'cmk' && identityChanges(cluster, identityIdOf(sub, config.identity))
      ? readSubnetFacts(ctx, clusterJson, identity?.principalId, signal)
      : Promise.resolve([]),
  ]);
  return {
    cluster,
    clusterJson,
    ...(deployedBy ? { deployedBy } : {}),
    featureState,
    vault,
    vaultNameAvailable,
    vaultResourceGroupMissing: !vault && mayAssign === 'scope-missing',
    key,
    identity,
    user: { objectId: caller.objectId, principalType: caller.principalType, canAssignRoles: mayAssign === true },
    subnets,
    roleAssignments,
    keyVaultDnsSuffix: ctx.cloud.keyVaultDnsSuffix,
    now: new Date(),
  };
}

/**
 * Calls with the same (case-insensitive) scope and principal share the request while it is in flight; nothing is
 * kept once it settles, so a later check reads again. Sharing is safe because each role step writes only its own
 * role: a read the other step started still answers correctly for this step's role.
 */
function whileInFlight(
  read: (scope: string, principalId: string, signal?: AbortSignal) => Promise<RoleAssignmentFact[]>,
): (scope: string, principalId: string, signal?: AbortSignal) => Promise<RoleAssignmentFact[]> {
  const inFlight = new Map<string, Promise<RoleAssignmentFact[]>>();
  return (scope, principalId, signal) => {
    const key = `${scope}|${principalId}`.toLowerCase();
    let pending = inFlight.get(key);
    if (!pending) {
      pending = read(scope, principalId, signal).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}
