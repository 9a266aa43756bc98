/**
 * Bulk "Enable Platform Keys": preflight for many clusters with one feature read per subscription, then the batch —
 * one feature registration per subscription shared by its clusters, cluster updates in parallel within a bound per
 * subscription, and one back-off for the whole batch when ARM throttles (src/kms/bulk).
 */
import * as l10n from '@vscode/l10n';
import type { EnableConfig } from '../kms/enable/config';
import type { EnableFacts } from '../kms/enable/facts';
import { featureSteps } from '../kms/enable/featureSteps';
import { DEFAULT_PLAN_OPTIONS, PlanOptions } from '../kms/enable/plan';
import { BatchCluster, BatchEvent, BatchItemResult, bySubscription, runBatch } from '../kms/bulk/batch';
import { ThrottleGate } from '../kms/bulk/throttleGate';
import { mapWithConcurrency } from '../kms/concurrency';
import { abortableSleep } from '../kms/plan/retry';
import { runPlan, StepEvent } from '../kms/plan/runner';
import type { AzureContext } from './azureContext';
import { EnableOutcome, executeEnable, PreparedEnable, prepareEnable } from './enableFlow';
import { azureEnablePorts } from './enablePorts';
import { getKmsFeatureState } from './features';
import { ManagedClustersAdapter } from './managedClusters';
import { batchThrottlePolicy } from './throttlePolicy';

/** Clusters checked at once during the batch's preflight (reads only; spread over the subscriptions). */
const PREFLIGHT_CONCURRENCY = 8;

export interface EligibleCluster {
  readonly cluster: BatchCluster;
  readonly prepared: PreparedEnable;
  readonly clusters: ManagedClustersAdapter;
  readonly ctx: AzureContext;
}

export interface IneligibleCluster {
  readonly cluster: BatchCluster;
  /** What stops it, in the preflight's own words (or the read's error). */
  readonly reason: string;
  readonly codes: readonly string[];
}

export interface BatchPreflight {
  readonly eligible: readonly EligibleCluster[];
  /** Already on platform keys: nothing to write. */
  readonly alreadyDone: readonly BatchCluster[];
  readonly ineligible: readonly IneligibleCluster[];
  /** The batch's shared back-off (one per batch: every client of its contexts waits at it). */
  readonly gate: ThrottleGate;
}

export interface BatchPreflightOptions {
  readonly apiVersion?: string;
  readonly signal?: AbortSignal;
  /** After each cluster is checked (for a progress count). */
  readonly onChecked?: (cluster: BatchCluster) => void;
  /** Plan options of every cluster's plan and of the feature registration (tests poll faster). */
  readonly planOptions?: Partial<PlanOptions>;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads and checks every cluster; writes nothing. `contextFor` gives the subscription's directory's context. */
export async function preflightBatch(
  contextFor: (subscriptionId: string) => AzureContext | undefined,
  clusters: readonly BatchCluster[],
  options: BatchPreflightOptions = {},
): Promise<BatchPreflight> {
  const gate = new ThrottleGate(abortableSleep);
  // One context, adapter and feature read per subscription, shared by its clusters.
  const subscriptions = new Map<string, Promise<{ ctx: AzureContext; adapter: ManagedClustersAdapter; featureState: string }>>();
  for (const group of bySubscription(clusters).values()) {
    const subscriptionId = group[0].subscriptionId;
    const base = contextFor(subscriptionId);
    if (!base) {
      continue;
    }
    const ctx: AzureContext = { ...base, additionalPolicies: [...(base.additionalPolicies ?? []), batchThrottlePolicy(gate)] };
    subscriptions.set(subscriptionId.toLowerCase(), getKmsFeatureState(ctx, subscriptionId, options.signal).then(featureState => ({
      ctx, adapter: new ManagedClustersAdapter(ctx, options.apiVersion), featureState,
    })));
  }
  type Checked = { kind: 'eligible'; value: EligibleCluster } | { kind: 'alreadyDone'; value: BatchCluster } | { kind: 'ineligible'; value: IneligibleCluster };
  // Results come back in the order the clusters were given, whatever order the checks finish in.
  const checked = await mapWithConcurrency(clusters, PREFLIGHT_CONCURRENCY, async (cluster): Promise<Checked> => {
    const subscription = subscriptions.get(cluster.subscriptionId.toLowerCase());
    try {
      if (!subscription) {
        return { kind: 'ineligible', value: { cluster, reason: l10n.t('Not signed in to the directory of its subscription: sign in to that directory first.'), codes: ['not-signed-in'] } };
      }
      const { ctx, adapter, featureState } = await subscription;
      const config: EnableConfig = { kind: 'pmk', clusterId: cluster.id };
      const prepared = await prepareEnable(ctx, adapter, config, { ...options.planOptions, featureRegisteredByBatch: true }, options.signal, { featureState, deploymentHistory: 'skip' });
      const errors = prepared.findings.filter(f => f.severity === 'error');
      if (prepared.blocked) {
        return { kind: 'ineligible', value: { cluster, reason: errors.map(f => f.message).join(' '), codes: errors.map(f => f.code) } };
      }
      return prepared.plan?.preview.find(p => p.id === 'updateCluster')?.alreadyDone
        ? { kind: 'alreadyDone', value: cluster }
        : { kind: 'eligible', value: { cluster, prepared, clusters: adapter, ctx } };
    } catch (err) {
      return { kind: 'ineligible', value: { cluster, reason: messageOf(err), codes: ['read-failed'] } };
    } finally {
      options.onChecked?.(cluster);
    }
  });
  return {
    eligible: checked.flatMap(c => (c.kind === 'eligible' ? [c.value] : [])),
    alreadyDone: checked.flatMap(c => (c.kind === 'alreadyDone' ? [c.value] : [])),
    ineligible: checked.flatMap(c => (c.kind === 'ineligible' ? [c.value] : [])),
    gate,
  };
}

/**
 * The subscription's feature registration, once for all its clusters (the same steps as a single plan's: register
 * KMSPMKPreview, wait until Registered, re-register the provider). Nothing is written when it is already Registered.
 */
export async function registerFeatureForBatch(first: EligibleCluster, onEvent: (e: StepEvent) => void, signal?: AbortSignal, planOptions: Partial<PlanOptions> = {}): Promise<void> {
  const facts: EnableFacts | undefined = first.prepared.facts;
  if (!facts || /^registered$/i.test(facts.featureState)) {
    return;
  }
  const options = { ...DEFAULT_PLAN_OPTIONS, tenantId: first.ctx.tenantId ?? '', ...planOptions, featureRegisteredByBatch: false };
  const { steps } = featureSteps(facts, azureEnablePorts(first.ctx, first.clusters), options);
  const result = await runPlan(steps, onEvent, signal);
  if (result.status !== 'succeeded') {
    throw result.error instanceof Error ? result.error : new Error(result.status === 'cancelled' ? 'The feature registration was cancelled.' : messageOf(result.error));
  }
}

export interface ExecuteBatchOptions {
  readonly perSubscription: number;
  /** Cancel: no new cluster update starts; running ones finish. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: BatchEvent) => void;
  /** The feature registration's and each plan's step events (for the log). */
  readonly onStep?: (cluster: BatchCluster | { subscriptionId: string }, e: StepEvent) => void;
  readonly planOptions?: Partial<PlanOptions>;
  /**
   * Runs one cluster's prepared plan; default executeEnable. The extension passes its plan journal's run, so every
   * cluster's steps are journaled like a single plan's. It gets no abort signal: a started update finishes.
   */
  readonly runPlan?: (eligible: EligibleCluster, onStep: (e: StepEvent) => void) => Promise<EnableOutcome>;
}

/** Runs the eligible clusters of a preflight as one batch (src/kms/bulk/batch.ts); a cluster's failure never stops the others. */
export function executeBatch(check: BatchPreflight, options: ExecuteBatchOptions): Promise<BatchItemResult[]> {
  const byId = new Map(check.eligible.map(e => [e.cluster.id.toLowerCase(), e]));
  const firstOf = new Map<string, EligibleCluster>();
  for (const e of check.eligible) {
    if (!firstOf.has(e.cluster.subscriptionId.toLowerCase())) {
      firstOf.set(e.cluster.subscriptionId.toLowerCase(), e);
    }
  }
  const runPlan = options.runPlan ?? ((e: EligibleCluster, onStep: (s: StepEvent) => void) => executeEnable(e.clusters, e.prepared, onStep));
  return runBatch(check.eligible.map(e => e.cluster), {
    prepareSubscription: async (subscriptionId, signal) => {
      const first = firstOf.get(subscriptionId.toLowerCase());
      if (first) {
        await registerFeatureForBatch(first, e => options.onStep?.({ subscriptionId }, e), signal, options.planOptions);
      }
    },
    runCluster: async (cluster, report) => {
      const outcome = await runPlan(byId.get(cluster.id.toLowerCase())!, e => {
        if (e.status === 'running') {
          report(e.stepId);
        }
        options.onStep?.(cluster, e);
      });
      const r = outcome.result;
      return r.status === 'succeeded'
        ? { status: 'done' }
        : { status: 'failed', failedStep: r.failedStep, detail: messageOf(r.error) };
    },
  }, { perSubscription: options.perSubscription, signal: options.signal, onEvent: options.onEvent });
}
