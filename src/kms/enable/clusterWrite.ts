/**
 * The cluster update as an optimistic-concurrency write (DESIGN.md, "Managed clusters are raw JSON … with If-Match").
 * The PUT body is the whole cluster as we last read it, so a change someone else made between our GET and our PUT
 * (a node-pool scale, a tag) would be silently reverted. The body carries that GET's `eTag` (managedClusters.json,
 * `ManagedCluster.eTag`, read-only) and the adapter sends it as `If-Match`; AKS then answers 412 instead of
 * overwriting (learn.microsoft.com/azure/aks/use-etags). On 412 we read again, re-check what matters, re-apply our
 * change to the fresh GET and PUT again — a bounded number of times, so two writers cannot ping-pong forever.
 *
 * A PUT whose answer was lost (the connection dropped after AKS accepted it) is re-sent by the SDK and then meets its
 * own update: 412 (the first attempt changed the eTag), 409 OperationNotAllowed (the update is running), or, when
 * every answer is lost, no answer at all. Then the re-read shows our target settings: while the cluster is still
 * Updating we wait for that update (polling the GET, boundedly) instead of failing or writing again.
 */
import * as l10n from '@vscode/l10n';
import type { ManagedClusterJson } from '../managedCluster';
import { abortableSleep } from '../plan/retry';

/** The first PUT plus two re-applied ones: enough for an occasional concurrent edit, short of a tug of war. */
export const MAX_CLUSTER_WRITE_ATTEMPTS = 3;

/**
 * 412 Precondition Failed: the cluster's eTag no longer matches the PUT's If-Match (ARM's `PreconditionFailed`).
 * Recognised by shape, like the predicates of ../plan/retry.ts, so src/kms needs no SDK error class.
 */
export function isPreconditionFailed(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  return e?.statusCode === 412 || (typeof e?.code === 'string' && /^PreconditionFailed$/i.test(e.code));
}

/**
 * 409 OperationNotAllowed: AKS refuses a PUT while an operation runs on the cluster ("Operation is not allowed because
 * there's an in progress update managed cluster operation …").
 */
export function isOperationInProgress(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  return (e?.statusCode === 409 || e?.statusCode === undefined) && typeof e?.code === 'string' && /^OperationNotAllowed$/i.test(e.code);
}

/** Codes of a request that got no HTTP answer at all (the connection failed or was dropped). */
const NO_ANSWER_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE']);

/**
 * No answer came back (after the SDK's own retries): the PUT may or may not have been applied. Recognised by shape,
 * so src/kms needs no SDK error class. A refused connection is not one of them: nothing was sent.
 */
export function isNoAnswer(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown } | undefined;
  if (!e || e.statusCode !== undefined || e.name === 'AbortError') {
    return false;
  }
  return (typeof e.code === 'string' && NO_ANSWER_CODES.has(e.code)) || (typeof e.message === 'string' && /socket hang up/i.test(e.message));
}

/** How long and how often to poll a cluster whose update (ours, answer lost) is already running: bounded like the LRO. */
export interface ClusterWait {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Total time spent waiting between GETs before giving up (counted from the waits). */
  readonly timeoutMs: number;
}

export const CLUSTER_UPDATE_WAIT: ClusterWait = { initialDelayMs: 5_000, maxDelayMs: 30_000, timeoutMs: 60 * 60_000 };

/** ManagedClusterProperties.provisioningState values after which a new update may start. */
const SETTLED_STATES = /^(succeeded|failed|canceled|cancelled)$/i;

/** An operation is running on the cluster (Updating, Upgrading, Scaling, Deleting…): AKS would refuse another update. */
export function isClusterBusy(cluster: ManagedClusterJson): boolean {
  const state = cluster.properties?.provisioningState;
  return typeof state === 'string' && !SETTLED_STATES.test(state);
}

export interface ClusterWrite {
  /** The cluster as the caller just read it: the first attempt modifies this GET (and sends its eTag). */
  readonly current: ManagedClusterJson;
  /** Our change, applied to a GET body; keeps every other field, including the GET's `eTag`. */
  readonly apply: (cluster: ManagedClusterJson) => ManagedClusterJson;
  /** The cluster already has what we want (then nothing is written). */
  readonly matches: (cluster: ManagedClusterJson) => boolean;
  /** One PUT (with whatever waiting the caller wraps around it); resolves with the cluster after the operation. */
  readonly put: (body: ManagedClusterJson) => Promise<ManagedClusterJson>;
  /** A fresh GET. */
  readonly reread: () => Promise<ManagedClusterJson>;
  /** Told before each re-read, with the number of the attempt that met a 412. */
  readonly onConflict?: (attempt: number) => void;
  readonly maxAttempts?: number;
  /** Waiting for an update that is already running (default: CLUSTER_UPDATE_WAIT, a timer). */
  readonly wait?: ClusterWait;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before each wait for the running update, with the cluster's provisioningState. */
  readonly onWaiting?: (provisioningState: string) => void;
}

export type ClusterWriteOutcome =
  /** Our PUT went through; `cluster` is what the final GET shows. */
  | { readonly kind: 'written'; readonly cluster: ManagedClusterJson; readonly attempts: number }
  /**
   * After a 412, 409 or a PUT without answer, the fresh GET already had our change, settled: an earlier attempt of ours
   * whose answer was lost applied it (or someone else did). Nothing more to write.
   */
  | { readonly kind: 'alreadyMatches'; readonly cluster: ManagedClusterJson; readonly attempts: number }
  /** The fresh GET showed our change still being applied (provisioningState Updating): we waited until it Succeeded. */
  | { readonly kind: 'joinedRunningUpdate'; readonly cluster: ManagedClusterJson; readonly attempts: number };

/** A 412 we gave up on, or a cluster that became busy meanwhile; keeps the Azure code for the log. */
export class ClusterWriteConflictError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, readonly code: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ClusterWriteConflictError';
    this.statusCode = (cause as { statusCode?: unknown } | undefined)?.statusCode === 412 ? 412 : undefined;
  }
}

/** The cluster's update ended Failed (or Canceled) while we waited for it; keeps AKS's error code for the log. */
export class ClusterUpdateFailedError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'ClusterUpdateFailedError';
  }
}

export async function writeCluster(w: ClusterWrite): Promise<ClusterWriteOutcome> {
  const max = Math.max(1, w.maxAttempts ?? MAX_CLUSTER_WRITE_ATTEMPTS);
  const name = w.current.name;
  let current = w.current;
  for (let attempt = 1; ; attempt++) {
    let conflict: unknown;
    try {
      return { kind: 'written', cluster: await w.put(w.apply(current)), attempts: attempt };
    } catch (err) {
      if (!isPreconditionFailed(err) && !isOperationInProgress(err) && !isNoAnswer(err)) {
        throw err;
      }
      conflict = err;
    }
    const changed = isPreconditionFailed(conflict);
    if (changed && attempt >= max) {
      throw keptChanging(name, max, conflict);
    }
    if (changed) {
      w.onConflict?.(attempt);
    }
    // A 412: someone wrote the cluster after our GET (perhaps our own earlier attempt, whose answer was lost). A 409 or
    // no answer: an update runs (perhaps ours). Either way, decide again on a fresh copy.
    current = changed ? await w.reread() : await w.reread().catch(() => Promise.reject(conflict));
    if (w.matches(current)) {
      if (!isClusterBusy(current)) {
        return { kind: 'alreadyMatches', cluster: current, attempts: attempt };
      }
      // Our target is being applied right now: that is our update (or one just like it). Wait for it.
      current = await waitUntilSettled(w, current);
      if (isFailedState(current)) {
        throw updateFailed(name, current);
      }
      if (w.matches(current)) {
        return { kind: 'joinedRunningUpdate', cluster: current, attempts: attempt };
      }
    }
    if (isClusterBusy(current)) {
      throw changed
        ? new ClusterWriteConflictError(
          l10n.t('The cluster {0} changed while it was being updated and is now {1}; wait for that operation to finish, then run the plan again.', name, String(current.properties?.provisioningState)),
          'OperationNotAllowed',
          conflict,
        )
        : new ClusterWriteConflictError(
          l10n.t('Another operation is running on the cluster {0} (it is {1}) and it is not this update; wait for it to finish, then run the plan again.', name, String(current.properties?.provisioningState)),
          'OperationNotAllowed',
          conflict,
        );
    }
    if (isNoAnswer(conflict)) {
      // The cluster does not show our change: the PUT was not applied, and the SDK already tried again.
      throw conflict;
    }
    if (attempt >= max) {
      throw keptChanging(name, max, conflict);
    }
  }
}

function keptChanging(name: string, max: number, conflict: unknown): ClusterWriteConflictError {
  return new ClusterWriteConflictError(
    l10n.t('The cluster {0} kept changing while it was being updated ({1} attempts); run the plan again once nobody else is changing it.', name, max),
    'PreconditionFailed',
    conflict,
  );
}

const isFailedState = (cluster: ManagedClusterJson) => /^(failed|canceled|cancelled)$/i.test(String(cluster.properties?.provisioningState ?? ''));

/** Polls the cluster until its provisioningState settles, boundedly (the total of the waits). */
async function waitUntilSettled(w: ClusterWrite, cluster: ManagedClusterJson): Promise<ManagedClusterJson> {
  const wait = w.wait ?? CLUSTER_UPDATE_WAIT;
  const sleep = w.sleep ?? ((ms: number) => abortableSleep(ms));
  let waited = 0;
  let delay = wait.initialDelayMs;
  let current = cluster;
  while (isClusterBusy(current)) {
    const state = String(current.properties?.provisioningState);
    if (waited + delay > wait.timeoutMs) {
      throw new ClusterWriteConflictError(
        l10n.t('The cluster {0} is still {1} after {2} minutes; check it in the portal and run the plan again to resume.', w.current.name, state, Math.round(waited / 60_000)),
        'OperationNotAllowed',
        undefined,
      );
    }
    w.onWaiting?.(state);
    await sleep(delay);
    waited += delay;
    delay = Math.min(wait.maxDelayMs, delay * 2);
    current = await w.reread();
  }
  return current;
}

/** The error AKS keeps on a cluster whose operation failed (ManagedClusterStatus.provisioningError), as one sentence. */
function updateFailed(name: string, cluster: ManagedClusterJson): ClusterUpdateFailedError {
  const state = String(cluster.properties?.provisioningState);
  const status = cluster.properties?.status as { provisioningError?: { code?: unknown; message?: unknown } } | undefined;
  const error = status?.provisioningError;
  const code = typeof error?.code === 'string' ? error.code : state;
  return typeof error?.message === 'string'
    ? new ClusterUpdateFailedError(l10n.t('The update of the cluster {0} ended {1}: {2}', name, state, error.message), code)
    : new ClusterUpdateFailedError(l10n.t('The update of the cluster {0} ended {1}; see the cluster\'s activity log, then run the plan again.', name, state), code);
}
