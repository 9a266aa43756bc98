/**
 * Scenario 2, enable CMK: the product's plan runner (prepareEnable's facts and plan, executeEnable) against the docs'
 * commands one after another (`baselineEnableCmk`), on a fresh emulator each run, with real-Azure latencies scaled
 * down (config.ts). Also: the step graph's critical-path bound, whether feature registration overlapped the
 * vault/key/identity work, how soon the cluster update's completion was noticed, and the requests each flow made.
 */
import type { AzureContext } from '../../src/azure/azureContext';
import { azureEnablePorts } from '../../src/azure/enablePorts';
import { executeEnable, prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import type { CmkConfig } from '../../src/kms/enable/config';
import { buildPlan, DEFAULT_PLAN_OPTIONS, type StepId, type StepPreview } from '../../src/kms/enable/plan';
import { abortableSleep } from '../../src/kms/plan/retry';
import type { StepEvent } from '../../src/kms/plan/runner';
import type { RequestLogEntry } from '../emulator/requestLog';
import { seedCluster } from '../emulator/seed';
import { admin, info, requestKind, takeRequests } from './azure';
import { baselineEnableCmk, type BaselineEnableInput, type BaselineTimings } from './baseline';
import { ENABLE, scaledWaitMs } from './config';

/** The docs' case: a cluster whose subscription has not registered KMSPMKPreview, a new vault, key and identity. */
const CLUSTER = seedCluster('aks-stg-novnet');
export const ENABLE_INPUT: BaselineEnableInput = {
  clusterId: `/subscriptions/${CLUSTER.subscriptionId}/resourceGroups/${CLUSTER.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${CLUSTER.name}`,
  subscriptionId: CLUSTER.subscriptionId,
  tenantId: info.tenantId,
  userObjectId: info.userObjectId,
  resourceGroup: CLUSTER.resourceGroup,
  location: CLUSTER.location,
  vaultName: 'kvbenchcmk01',
  keyName: 'aks-kms',
  identityName: 'id-bench-kms',
  networkAccess: 'Public',
};

const CONFIG: CmkConfig = {
  kind: 'cmk',
  clusterId: ENABLE_INPUT.clusterId,
  networkAccess: ENABLE_INPUT.networkAccess,
  vault: { kind: 'new', name: ENABLE_INPUT.vaultName, resourceGroup: ENABLE_INPUT.resourceGroup, location: ENABLE_INPUT.location },
  key: { kind: 'new', name: ENABLE_INPUT.keyName },
  identity: { kind: 'new', name: ENABLE_INPUT.identityName, resourceGroup: ENABLE_INPUT.resourceGroup, location: ENABLE_INPUT.location },
};

/** The product's real-Azure waits, in bench time (config.ts): what its `sleep` port does here. */
const scaledSleep = (ms: number, signal?: AbortSignal) => abortableSleep(scaledWaitMs(ms), signal);

/** A fresh emulator (seed only: the feature NotRegistered in the cluster's subscription) with the scaled latencies. */
export async function freshEnableEmulator(): Promise<void> {
  await admin.reset({ generateFleet: null });
  await admin.config({ ...ENABLE.emulator, resourceGraphOmitsPreviewFields: false });
  await admin.clearRequests();
}

export interface StepSpan {
  readonly startMs: number;
  readonly endMs: number;
  readonly status: string;
}

export interface ProductEnableRun {
  /** prepareEnable: facts, preflight, plan (before the user presses Run). */
  readonly prepareMs: number;
  /** executeEnable: the plan runner plus its final read of the security profile. */
  readonly executeMs: number;
  readonly status: string;
  readonly steps: Record<string, StepSpan>;
  readonly preview: readonly StepPreview[];
  readonly prepareRequests: RequestLogEntry[];
  readonly executeRequests: RequestLogEntry[];
}

/**
 * The product: prepareEnable exactly as the wizard calls it, then the same plan rebuilt from its facts with one
 * difference — the plan's `sleep` port waits in bench time (config.ts: the product's 2 s…30 s feature polling and
 * RBAC retry are real-Azure constants; against 60×-shorter operations they would measure the constants, not the
 * runner) — then executeEnable, the runner the wizard runs.
 */
export async function productEnable(ctx: AzureContext): Promise<ProductEnableRun> {
  const clusters = new ManagedClustersAdapter(ctx);
  const t0 = performance.now();
  const prepared = await prepareEnable(ctx, clusters, CONFIG);
  if (prepared.blocked || !prepared.facts || !prepared.plan) throw new Error(`the bench's enable config is blocked: ${JSON.stringify(prepared.findings)}`);
  const ports = { ...azureEnablePorts(ctx, clusters), sleep: scaledSleep };
  const plan = buildPlan(CONFIG, prepared.facts, ports, { ...DEFAULT_PLAN_OPTIONS, tenantId: info.tenantId });
  const prepareMs = performance.now() - t0;
  const prepareRequests = await takeRequests();

  const events: StepEvent[] = [];
  const t1 = performance.now();
  const wallStart = Date.now();
  const outcome = await executeEnable(clusters, { ...prepared, plan }, (e) => events.push(e));
  const executeMs = performance.now() - t1;
  const executeRequests = await takeRequests();
  if (outcome.result.status !== 'succeeded') throw new Error(`the product's plan ended ${outcome.result.status}: ${String((outcome.result.error as Error)?.message ?? '')}`);
  return { prepareMs, executeMs, status: outcome.result.status, steps: spans(events, wallStart), preview: plan.preview, prepareRequests, executeRequests };
}

function spans(events: readonly StepEvent[], wallStart: number): Record<string, StepSpan> {
  const out: Record<string, { startMs: number; endMs: number; status: string }> = {};
  for (const e of events) {
    const span = (out[e.stepId] ??= { startMs: e.at - wallStart, endMs: e.at - wallStart, status: e.status });
    span.endMs = e.at - wallStart;
    span.status = e.status;
  }
  return out;
}

export interface BaselineEnableRun {
  readonly totalMs: number;
  readonly timings: BaselineTimings;
  readonly requests: RequestLogEntry[];
}

export async function baselineEnable(ctx: AzureContext): Promise<BaselineEnableRun> {
  const t0 = performance.now();
  const timings = await baselineEnableCmk(ctx, ENABLE_INPUT, scaledSleep);
  const totalMs = performance.now() - t0;
  return { totalMs, timings, requests: await takeRequests() };
}

/** Vault, key and identity work, and how much of it ran while the feature was still registering. */
export function registrationOverlap(steps: Record<string, StepSpan>): { overlappedShare: number; allStartedBefore: boolean; allFinishedBefore: boolean } {
  const feature = steps.registerFeature;
  const work: StepId[] = ['createVault', 'assignCryptoOfficerToUser', 'createKey', 'createIdentity', 'assignCryptoUserToIdentity', 'assignContributorToIdentity'];
  let total = 0;
  let overlapped = 0;
  let allStartedBefore = true;
  let allFinishedBefore = true;
  for (const id of work) {
    const s = steps[id];
    if (!s || !feature) continue;
    total += s.endMs - s.startMs;
    overlapped += Math.max(0, Math.min(s.endMs, feature.endMs) - Math.max(s.startMs, feature.startMs));
    allStartedBefore &&= s.startMs < feature.endMs;
    allFinishedBefore &&= s.endMs <= feature.endMs;
  }
  return { overlappedShare: total ? overlapped / total : 0, allStartedBefore, allFinishedBefore };
}

/**
 * From the cluster PUT's answer to the status poll that saw it finished (the flow's last poll), against the
 * Retry-After the PUT carried (⌈clusterUpdateDurationMs⌉ s).
 */
export function lroNotice(requests: readonly RequestLogEntry[]): { noticeMs: number; retryAfterMs: number; polls: number } | undefined {
  const put = requests.find((r) => r.method === 'PUT' && requestKind(r) === 'PUT managedCluster' && r.status < 300);
  const polls = requests.filter((r) => requestKind(r) === 'GET managedClusters operation status');
  if (!put || polls.length === 0) return undefined;
  const retryAfterMs = Math.max(1, Math.ceil(ENABLE.emulator.clusterUpdateDurationMs / 1000)) * 1000;
  return { noticeMs: Date.parse(polls[polls.length - 1].at) - Date.parse(put.at), retryAfterMs, polls: polls.length };
}

export interface RepeatedRead {
  readonly request: string;
  readonly count: number;
  /** `poll` (waiting for the flow's own write to finish), `recheck` (a step re-reads what prepare read), `redundant`. */
  readonly kind: 'poll' | 'recheck' | 'redundant';
}

/**
 * GETs of the same resource made more than once in a flow, and why: after a write to it (polling its progress, or
 * reading the result) the first read is needed and later ones are polls only while it is in flux — a vault or a
 * feature (body-mode progress); a cluster's progress is polled on its operation URL, so a second GET of it after
 * the write is redundant. Reads before the run (prepare) repeated by a step are the steps' own idempotency checks.
 */
export function repeatedReads(prepare: readonly RequestLogEntry[], execute: readonly RequestLogEntry[]): RepeatedRead[] {
  // A filtered list ($filter, e.g. one principal's role assignments) asks a different question than another filter.
  const resourceOf = (e: RequestLogEntry) => {
    const [path, query = ''] = e.path.split('?');
    const filter = new URLSearchParams(query).get('$filter');
    return `${e.host}${path}${filter ? ` $filter=${filter}` : ''}`.toLowerCase();
  };
  const polled = /\/(vaults|features)\/[^/]+$/i;
  const preparedReads = new Set(prepare.filter((e) => e.method === 'GET').map(resourceOf));
  const readsSinceWrite = new Map<string, number>();
  const written = new Set<string>();
  const found = new Map<string, RepeatedRead>();
  for (const e of execute) {
    const resource = resourceOf(e);
    if (e.method !== 'GET') {
      // A write changes the resource, the collection it is in, and (an action: …/register) its parent.
      for (const r of [resource, resource.replace(/\/[^/]+$/, '')]) {
        readsSinceWrite.set(r, 0);
        written.add(r);
      }
      continue;
    }
    if (requestKind(e) === 'GET managedClusters operation status') continue;
    const n = (readsSinceWrite.get(resource) ?? 0) + 1;
    readsSinceWrite.set(resource, n);
    let kind: RepeatedRead['kind'] | undefined;
    if (written.has(resource)) kind = n > 1 ? (polled.test(resource) ? 'poll' : 'redundant') : undefined;
    else if (n > 1) kind = 'redundant';
    else if (preparedReads.has(resource)) kind = 'recheck';
    if (!kind) continue;
    const key = `${kind} ${requestKind(e)}`;
    const prev = found.get(key);
    found.set(key, { request: requestKind(e), kind, count: (prev?.count ?? 0) + 1 });
  }
  return [...found.values()];
}
