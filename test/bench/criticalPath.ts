/**
 * The critical-path bound of an enable plan: the longest path through its step graph (`plan.preview`: ids and
 * dependsOn) when each step costs exactly what Azure makes it wait — its operation's duration plus one round trip
 * per request it cannot avoid — and nothing else (no polling slack, no client or emulator overhead). No runner can
 * beat it with the same latencies; the product is judged by how close it comes.
 */
import type { StepId, StepPreview } from '../../src/kms/enable/plan';

export interface LatencyModel {
  readonly requestLatencyMs: number;
  readonly featureRegistrationDelayMs: number;
  readonly vaultCreateDurationMs: number;
  readonly identityCreateDurationMs: number;
  readonly roleAssignmentCreateDurationMs: number;
  readonly rolePropagationDelayMs: number;
  readonly clusterUpdateDurationMs: number;
}

export interface StepCost {
  /** Sequential requests the step must make (each one round trip). */
  readonly requests: number;
  /** Time Azure itself takes (an operation, a registration, propagation), ms. */
  readonly waitMs: number;
  readonly why: string;
}

/** What each step must do, at the least (mirrors the steps of src/kms/enable/plan.ts doing new work). */
export function stepCost(id: StepId, m: LatencyModel): StepCost {
  switch (id) {
    case 'registerFeature':
      return { requests: 3, waitMs: m.featureRegistrationDelayMs, why: 'GET state, POST register, registration, GET Registered' };
    case 'registerProvider':
      return { requests: 1, waitMs: 0, why: 'POST register' };
    case 'createVault':
      return { requests: 3, waitMs: m.vaultCreateDurationMs, why: 'GET (absent), PUT, DNS registration, GET Succeeded' };
    case 'enablePurgeProtection':
    case 'lockFirewall':
      return { requests: 2, waitMs: 0, why: 'GET, PATCH' };
    case 'assignCryptoOfficerToUser':
    case 'assignCryptoUserToIdentity':
    case 'assignContributorToIdentity':
    case 'assignNetworkContributorToIdentity':
      return { requests: 2, waitMs: m.roleAssignmentCreateDurationMs, why: 'list assignments, PUT (create)' };
    case 'grantAccessPolicyToIdentity':
      return { requests: 2, waitMs: 0, why: 'GET vault, PUT accessPolicies/add' };
    case 'createKey':
      // Through ARM (keys.createIfNotExist): no data-plane role to wait for, no firewall.
      return { requests: 2, waitMs: 0, why: 'GET (absent), PUT create' };
    case 'createIdentity':
      return { requests: 2, waitMs: m.identityCreateDurationMs, why: 'GET (absent), PUT (create)' };
    case 'updateCluster':
      return { requests: 4, waitMs: m.clusterUpdateDurationMs, why: 'GET, PUT, operation, GET status, GET cluster' };
    case 'verify':
      return { requests: 1, waitMs: 0, why: 'GET cluster' };
  }
}

export interface CriticalPath {
  /** Finish time of the whole graph, ms (plus `extraRequests` round trips after it). */
  readonly boundMs: number;
  /** The steps of the longest path, first to last. */
  readonly path: StepId[];
  readonly steps: Record<string, { startMs: number; endMs: number; cost: StepCost }>;
}

/**
 * Longest path by earliest start: a step starts when all its dependencies have finished. One constraint is not an
 * edge of the graph but Azure's: AKS checks the identity's Key Vault permissions when the cluster update is accepted,
 * so `updateCluster` cannot start before the identity's role assignments have propagated.
 * @param extraRequests round trips after the last step (executeEnable's final read of the security profile).
 */
export function criticalPath(preview: readonly StepPreview[], m: LatencyModel, extraRequests = 0): CriticalPath {
  const byId = new Map(preview.map((p) => [p.id, p]));
  const steps: CriticalPath['steps'] = {};
  const via = new Map<StepId, StepId | undefined>();
  const finish = (id: StepId): number => {
    const done = steps[id];
    if (done) return done.endMs;
    const p = byId.get(id);
    if (!p) throw new Error(`unknown step ${id}`);
    let startMs = 0;
    let from: StepId | undefined;
    for (const d of p.dependsOn) {
      let ready = finish(d);
      if (id === 'updateCluster' && (d === 'assignCryptoUserToIdentity' || d === 'assignContributorToIdentity')) ready += m.rolePropagationDelayMs;
      if (ready > startMs) [startMs, from] = [ready, d];
    }
    const cost = stepCost(id, m);
    const endMs = startMs + cost.waitMs + cost.requests * m.requestLatencyMs;
    steps[id] = { startMs, endMs, cost };
    via.set(id, from);
    return endMs;
  };
  let last: StepId | undefined;
  let end = 0;
  for (const p of preview) {
    const e = finish(p.id);
    if (e >= end) [end, last] = [e, p.id];
  }
  const path: StepId[] = [];
  for (let id = last; id; id = via.get(id)) path.unshift(id);
  return { boundMs: end + extraRequests * m.requestLatencyMs, path, steps };
}
