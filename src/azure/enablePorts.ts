/**
 * The real-Azure implementation of the enable plan's ports, and the fact-gathering that precedes preflight. Only
 * translation happens here; every decision is in src/kms/enable.
 */
import { parseArmId } from '../kms/armId';
import { EnableConfig, identityIdOf, vaultIdOf } from '../kms/enable/config';
import type { EnableFacts, RoleAssignmentFact } from '../kms/enable/facts';
import type { EnablePorts } from '../kms/enable/ports';
import { clusterFactsOf } from '../kms/kmsState';
import { abortableSleep } from '../kms/plan/retry';
import type { AzureContext } from './azureContext';
import { getKmsFeatureState, registerContainerServiceProvider, registerKmsFeature } from './features';
import { createIdentity, getIdentity } from './identities';
import { createRsaKey } from './keyVaultData';
import { createVault, findKey, findVault, isVaultNameAvailable, updateVault } from './keyVault';
import { ManagedClustersAdapter } from './managedClusters';
import { isNotFound } from './errors';
import { tokenIdentity } from './tokenClaims';
import { canAssignRoles, createRoleAssignment, holdsRole, listRoleAssignmentsFor } from './roleAssignments';

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
    createKey: (vault, name, signal) => createRsaKey(ctx, vault.vaultUri, name, signal),
    getIdentity: (id, signal) => getIdentity(ctx, id, signal),
    createIdentity: (spec, signal) => createIdentity(ctx, spec, signal),
    hasRoleAssignment: async (scope, principalId, roleGuid, signal) => holdsRole(await principalAssignments(scope, principalId, signal), principalId, roleGuid),
    createRoleAssignment: (spec, signal) => createRoleAssignment(ctx, spec, signal),
    getCluster: (id, signal) => clusters.get(id, signal),
    putCluster: (id, body, onProgress, signal) => clusters.put(id, body, onProgress, signal),
    sleep: abortableSleep,
  };
}

/** The signed-in user's object id: the `oid` claim of the ARM access token (AZURE.md). */
export async function signedInObjectId(ctx: AzureContext): Promise<string> {
  const { oid } = await tokenIdentity(ctx);
  if (!oid) {
    throw new Error('The access token has no object id (oid) claim; sign in with a user account.');
  }
  return oid;
}

/** Reads everything preflight and the plan decide from: independent reads run in parallel. */
export async function readEnableFacts(ctx: AzureContext, clusters: ManagedClustersAdapter, config: EnableConfig, signal?: AbortSignal): Promise<EnableFacts> {
  const clusterJson = await clusters.get(config.clusterId, signal);
  const cluster = clusterFactsOf(clusterJson);
  const sub = cluster.subscriptionId;
  const vaultId = config.kind === 'cmk' ? vaultIdOf(sub, config.vault) : undefined;
  const [featureState, objectId, vault, identity] = await Promise.all([
    getKmsFeatureState(ctx, sub, signal),
    signedInObjectId(ctx),
    vaultId ? findVault(ctx, vaultId, signal) : Promise.resolve(undefined),
    config.kind === 'cmk' ? getIdentity(ctx, identityIdOf(sub, config.identity), signal) : Promise.resolve(undefined),
  ]);
  const vaultName = vaultId ? parseArmId(vaultId)?.name : undefined;
  const [vaultNameAvailable, key, roleAssignments, mayAssign] = await Promise.all([
    vaultId && !vault && vaultName ? isVaultNameAvailable(ctx, sub, vaultName, signal) : Promise.resolve(undefined),
    vault && config.kind === 'cmk' ? findKey(ctx, vault.id, config.key.name, signal) : Promise.resolve(undefined),
    vault ? listRoleAssignmentsFor(ctx, vault.id, signal) : Promise.resolve([]),
    // A 404 here means the vault's scope (its resource group, or a foreign subscription) cannot be read: report it
    // as a finding instead of failing the whole check.
    vaultId ? canAssignRoles(ctx, vaultId, Boolean(vault), signal).catch(err => (isNotFound(err) ? 'scope-missing' as const : Promise.reject(err))) : Promise.resolve(true),
  ]);
  return {
    cluster,
    clusterJson,
    featureState,
    vault,
    vaultNameAvailable,
    vaultResourceGroupMissing: !vault && mayAssign === 'scope-missing',
    key,
    identity,
    user: { objectId, canAssignRoles: mayAssign === true },
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
