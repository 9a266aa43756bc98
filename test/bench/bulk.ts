/**
 * Scenario 5, "Enable Platform Keys on…" 200 clusters over 10 subscriptions at scenario 2's scaled latencies: the
 * product's batch (preflightBatch + executeBatch, as the command runs them) against the lower bound that its bound per
 * subscription implies (waves × one cluster's critical path), its requests against the minimum (one feature check per
 * subscription + what each cluster's plan cannot avoid), and the sequential loop (prepareEnable + executeEnable for
 * one cluster after another, what a script calling the single-cluster flow does) measured on a sample of it.
 */
import type { AzureContext } from '../../src/azure/azureContext';
import { executeBatch, preflightBatch } from '../../src/azure/bulkPlatformKeys';
import { executeEnable, prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { BatchCluster, batchLowerBoundMs, BatchItemResult, BULK_UPDATES_PER_SUBSCRIPTION, bySubscription } from '../../src/kms/bulk/batch';
import type { StepId } from '../../src/kms/enable/plan';
import type { RequestLogEntry } from '../emulator/requestLog';
import { generatedClusterName, generatedSubscriptionId, GENERATED_RESOURCE_GROUP } from '../emulator/generate';
import { admin, takeRequests } from './azure';
import { ENABLE } from './config';
import { criticalPath, stepCost } from './criticalPath';

export const BULK = {
  subscriptions: 10,
  perSubscription: 20,
  /** Generated clusters per subscription: enough for 20 unencrypted ones on Kubernetes ≥ 1.33 each (generate.ts's pattern). */
  generatedPerSubscription: 80,
  /** Clusters the sequential loop runs (it takes a cluster update's full duration each; the rest is extrapolated). */
  sequentialSample: 3,
  targets: { maxOverBound: 1.2 },
} as const;

/** The 20 eligible-by-construction clusters of each generated subscription: not encrypted, Kubernetes 1.33 or later. */
export function bulkClusters(): BatchCluster[] {
  const clusters: BatchCluster[] = [];
  for (let i = 0; i < BULK.subscriptions; i++) {
    const sub = generatedSubscriptionId(i);
    let taken = 0;
    for (let j = 0; j < BULK.generatedPerSubscription && taken < BULK.perSubscription; j++) {
      const g = i * BULK.generatedPerSubscription + j;
      // generate.ts: slots 0–7 of every 20 are unencrypted; those with g % 5 === 0 run 1.32.6.
      if (g % 20 < 8 && g % 5 !== 0) {
        const name = generatedClusterName(i, j);
        clusters.push({ id: `/subscriptions/${sub}/resourceGroups/${GENERATED_RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/${name}`, name, subscriptionId: sub });
        taken++;
      }
    }
  }
  return clusters;
}

export async function freshBulkEmulator(): Promise<void> {
  await admin.reset({ generateFleet: { subscriptions: BULK.subscriptions, clustersPerSubscription: BULK.generatedPerSubscription } });
  await admin.config({ ...ENABLE.emulator, resourceGraphOmitsPreviewFields: false });
  await admin.clearRequests();
}

export interface BulkRun {
  readonly preflightMs: number;
  readonly runMs: number;
  readonly eligible: number;
  readonly results: readonly BatchItemResult[];
  readonly lowerBoundMs: number;
  /** One cluster's critical path (its plan's steps at the scaled latencies) and the steps on it. */
  readonly perClusterMs: number;
  readonly perClusterPath: readonly StepId[];
  readonly requests: { readonly preflight: RequestLogEntry[]; readonly run: RequestLogEntry[] };
  /** One feature check per subscription + per cluster: its preflight read and its plan's unavoidable requests. */
  readonly minimumRequests: number;
}

export async function productBulk(ctx: AzureContext): Promise<BulkRun> {
  const clusters = bulkClusters();
  let t0 = performance.now();
  const check = await preflightBatch(() => ctx, clusters);
  const preflightMs = performance.now() - t0;
  const preflightRequests = await takeRequests();
  if (check.eligible.length !== clusters.length) {
    throw new Error(`expected ${clusters.length} eligible clusters, got ${check.eligible.length} (${check.ineligible.map(i => `${i.cluster.name}: ${i.reason}`).join('; ')})`);
  }
  t0 = performance.now();
  const results = await executeBatch(check, { perSubscription: BULK_UPDATES_PER_SUBSCRIPTION });
  const runMs = performance.now() - t0;
  const runRequests = await takeRequests();
  const preview = check.eligible[0].prepared.plan!.preview;
  // The steps with work to do (the feature is Registered: its steps are skipped without a request).
  const live = preview.filter(p => !p.alreadyDone);
  const liveIds = new Set(live.map(p => p.id));
  const path = criticalPath(live.map(p => ({ ...p, dependsOn: p.dependsOn.filter(d => liveIds.has(d)) })), ENABLE.emulator);
  const perCluster = path.boundMs;
  const planRequests = path.path.reduce((n, id) => n + stepCost(id, ENABLE.emulator).requests, 0);
  const counts = [...bySubscription(clusters).values()].map(g => g.length);
  return {
    preflightMs, runMs, eligible: check.eligible.length, results,
    lowerBoundMs: batchLowerBoundMs(counts, BULK_UPDATES_PER_SUBSCRIPTION, perCluster),
    perClusterMs: perCluster, perClusterPath: path.path,
    requests: { preflight: preflightRequests, run: runRequests },
    minimumRequests: BULK.subscriptions + clusters.length * (1 + planRequests),
  };
}

/** The single-cluster flow, one cluster after another, on the first `BULK.sequentialSample` clusters. */
export async function sequentialSample(ctx: AzureContext): Promise<{ readonly clusters: number; readonly totalMs: number; readonly perClusterMs: number }> {
  const sample = bulkClusters().slice(0, BULK.sequentialSample);
  const adapter = new ManagedClustersAdapter(ctx);
  const t0 = performance.now();
  for (const c of sample) {
    const prepared = await prepareEnable(ctx, adapter, { kind: 'pmk', clusterId: c.id });
    const outcome = await executeEnable(adapter, prepared, () => undefined);
    if (outcome.result.status !== 'succeeded') {
      throw new Error(`sequential loop: ${c.name} ${outcome.result.status}`);
    }
  }
  const totalMs = performance.now() - t0;
  await takeRequests();
  return { clusters: sample.length, totalMs, perClusterMs: totalMs / sample.length };
}
