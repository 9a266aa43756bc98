/**
 * A batch of cluster updates (e.g. "Enable Platform Keys on…" many clusters): what runs, in which order, and how a
 * batch ends. Pure: the work per subscription and per cluster is passed in.
 *
 * - The clusters of a subscription share one preparation (the preview feature is registered once per subscription),
 *   and at most `perSubscription` of its clusters update at a time — ARM counts writes per subscription, so the bound
 *   is per subscription and subscriptions run side by side.
 * - Cancelling stops starting new updates; running ones finish (a cluster update cannot be stopped half-way).
 */
import { mapWithConcurrency } from '../concurrency';

/**
 * Cluster updates running at once per subscription. ARM throttles writes per subscription and principal with a token
 * bucket of 200 refilled at 10 per second ("Understand how Azure Resource Manager throttles requests", "Regional
 * throttling and token bucket algorithm"), and the AKS resource provider has tighter limits of its own. An update is
 * one PUT followed by polling reads, so a handful at a time stays far below both while the slow part — each cluster's
 * minutes of reconciliation — overlaps.
 */
export const BULK_UPDATES_PER_SUBSCRIPTION = 4;

export interface BatchCluster {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
}

/** `done`: this run changed it; `skipped`: nothing to do (e.g. already on platform keys); `notStarted`: cancelled before it started. */
export type BatchItemStatus = 'queued' | 'running' | 'done' | 'skipped' | 'failed' | 'notStarted';

export interface BatchItemResult {
  readonly cluster: BatchCluster;
  readonly status: Exclude<BatchItemStatus, 'queued' | 'running'>;
  /** Why it was skipped, or the error of a failure. */
  readonly detail?: string;
  /** The step that failed (a plan step id, or `registerFeature` for the subscription's preparation). */
  readonly failedStep?: string;
}

export interface BatchEvent {
  readonly cluster: BatchCluster;
  readonly status: BatchItemStatus;
  /** What runs now (a step's title) or how it ended. */
  readonly message?: string;
}

export interface BatchWork {
  /** Once per subscription, before any of its clusters (feature registration). A throw fails all its clusters. */
  prepareSubscription(subscriptionId: string, signal: AbortSignal): Promise<void>;
  /** One cluster's update; reports its progress through `progress`. */
  runCluster(cluster: BatchCluster, progress: (message: string) => void, signal: AbortSignal): Promise<Omit<BatchItemResult, 'cluster'>>;
}

export interface BatchOptions {
  /** Cluster updates running at once within one subscription. */
  readonly perSubscription: number;
  readonly onEvent?: (e: BatchEvent) => void;
  /** Cancel: no new cluster starts; running ones finish. */
  readonly signal?: AbortSignal;
}

/** Clusters grouped by subscription (lower-case id), in the order first seen. */
export function bySubscription<T extends { readonly subscriptionId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = item.subscriptionId.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

/** Runs the batch; resolves with one result per cluster, in the order given, when every started update has ended. */
export async function runBatch(clusters: readonly BatchCluster[], work: BatchWork, options: BatchOptions): Promise<BatchItemResult[]> {
  const signal = options.signal ?? new AbortController().signal;
  const emit = (e: BatchEvent) => options.onEvent?.(e);
  const results = new Map<BatchCluster, BatchItemResult>();
  const end = (result: BatchItemResult) => {
    results.set(result.cluster, result);
    emit({ cluster: result.cluster, status: result.status, message: result.detail });
  };
  for (const cluster of clusters) {
    emit({ cluster, status: 'queued' });
  }
  await Promise.all([...bySubscription(clusters).values()].map(async group => {
    if (signal.aborted) {
      group.forEach(cluster => end({ cluster, status: 'notStarted' }));
      return;
    }
    try {
      await work.prepareSubscription(group[0].subscriptionId, signal);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      // Cancelled during the registration: its clusters simply did not start (the abort is no failure of theirs).
      group.forEach(cluster => end(signal.aborted ? { cluster, status: 'notStarted' } : { cluster, status: 'failed', detail, failedStep: 'registerFeature' }));
      return;
    }
    await mapWithConcurrency(group, Math.max(1, options.perSubscription), async cluster => {
      if (signal.aborted) {
        end({ cluster, status: 'notStarted' });
        return;
      }
      emit({ cluster, status: 'running' });
      try {
        end({ cluster, ...(await work.runCluster(cluster, message => emit({ cluster, status: 'running', message }), signal)) });
      } catch (err) {
        end({ cluster, status: 'failed', detail: err instanceof Error ? err.message : String(err) });
      }
    });
  }));
  return clusters.map(cluster => results.get(cluster) ?? { cluster, status: 'notStarted' });
}

export interface BatchCounts {
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly notStarted: number;
}

export function countResults(results: readonly Pick<BatchItemResult, 'status'>[]): BatchCounts {
  const count = (status: BatchItemResult['status']) => results.filter(r => r.status === status).length;
  return { done: count('done'), skipped: count('skipped'), failed: count('failed'), notStarted: count('notStarted') };
}

/**
 * The lower bound of a batch's duration that the per-subscription bound implies: the busiest subscription needs
 * ceil(clusters / bound) waves, each at least one cluster's critical path long (the bench compares against it).
 */
export function batchLowerBoundMs(clustersPerSubscription: readonly number[], perSubscription: number, criticalPathMs: number): number {
  const waves = Math.max(0, ...clustersPerSubscription.map(n => Math.ceil(n / Math.max(1, perSubscription))));
  return waves * criticalPathMs;
}
