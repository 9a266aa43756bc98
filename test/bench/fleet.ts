/**
 * Scenario 1, fleet inventory: the product's code path of the tree (FleetService.listSubscriptions, then
 * loadClusters: Resource Graph, paged, plus per-cluster confirmation where the index omits the preview field)
 * against `baselineListClusters`, until every cluster's KMS state is known.
 */
import type { AzureContext } from '../../src/azure/azureContext';
import { FleetService } from '../../src/azure/fleetService';
import type { SubscriptionInfo } from '../../src/azure/subscriptions';
import type { ClusterFacts } from '../../src/kms/kmsState';
import { generatedSubscriptionId } from '../emulator/generate';
import { baselineListClusters } from './baseline';

export interface FleetRun {
  readonly totalMs: number;
  /** Until the first cluster reached the caller (the tree's first rows). */
  readonly firstPageMs: number;
  readonly facts: readonly ClusterFacts[];
}

/** The generated subscriptions only (the seeded four stay out of the numbers), as the tree's subscription filter would. */
export function generatedSubscriptions(count: number): (s: SubscriptionInfo) => boolean {
  const ids = new Set(Array.from({ length: count }, (_, i) => generatedSubscriptionId(i)));
  return (s) => ids.has(s.subscriptionId);
}

/** What the tree does on load (src/views/fleetTree.ts `load`): list subscriptions, then load every visible one's clusters. */
export async function productFleet(ctx: AzureContext, visible: (s: SubscriptionInfo) => boolean): Promise<FleetRun> {
  const started = performance.now();
  let firstPageMs: number | undefined;
  const service = new FleetService(ctx);
  const subscriptions = (await service.listSubscriptions()).filter(visible);
  const facts = await service.loadClusters(
    subscriptions.map((s) => s.subscriptionId),
    {
      onClusters: (clusters) => {
        if (clusters.length) firstPageMs ??= performance.now() - started;
      },
    },
  );
  const totalMs = performance.now() - started;
  return { totalMs, firstPageMs: firstPageMs ?? totalMs, facts };
}

/** The same subscription listing, then `az aks list` per subscription, one after another. */
export async function baselineFleet(ctx: AzureContext, visible: (s: SubscriptionInfo) => boolean, limit?: number): Promise<FleetRun> {
  const started = performance.now();
  const subscriptions = (await new FleetService(ctx).listSubscriptions()).filter(visible).slice(0, limit);
  let firstPageMs: number | undefined;
  const facts = await baselineListClusters(
    ctx,
    subscriptions.map((s) => s.subscriptionId),
    (clusters) => {
      if (clusters.length) firstPageMs ??= performance.now() - started;
    },
  );
  const totalMs = performance.now() - started;
  return { totalMs, firstPageMs: firstPageMs ?? totalMs, facts };
}

/** Differences between two classifications of the same fleet (id → KMS kind); empty when they agree. */
export function compareStates(product: readonly ClusterFacts[], baseline: readonly ClusterFacts[]): string[] {
  const expected = new Map(baseline.map((f) => [f.id.toLowerCase(), f.kms.kind]));
  const problems: string[] = [];
  if (product.length !== baseline.length) problems.push(`product knows ${product.length} clusters, baseline ${baseline.length}`);
  for (const f of product) {
    const want = expected.get(f.id.toLowerCase());
    if (want !== f.kms.kind) problems.push(`${f.name}: product ${f.kms.kind}, baseline ${want ?? 'absent'}`);
    if (problems.length > 10) break;
  }
  return problems;
}

export function kindCounts(facts: readonly ClusterFacts[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of facts) counts[f.kms.kind] = (counts[f.kms.kind] ?? 0) + 1;
  return counts;
}
