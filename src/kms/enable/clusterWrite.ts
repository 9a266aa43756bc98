/**
 * The cluster update as an optimistic-concurrency write (DESIGN.md, "Managed clusters are raw JSON … with If-Match").
 * The PUT body is the whole cluster as we last read it, so a change someone else made between our GET and our PUT
 * (a node-pool scale, a tag) would be silently reverted. The body carries that GET's `eTag` (managedClusters.json,
 * `ManagedCluster.eTag`, read-only) and the adapter sends it as `If-Match`; AKS then answers 412 instead of
 * overwriting (learn.microsoft.com/azure/aks/use-etags). On 412 we read again, re-check what matters, re-apply our
 * change to the fresh GET and PUT again — a bounded number of times, so two writers cannot ping-pong forever.
 */
import * as l10n from '@vscode/l10n';
import type { ManagedClusterJson } from '../managedCluster';

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
}

export type ClusterWriteOutcome =
  /** Our PUT went through; `cluster` is what the final GET shows. */
  | { readonly kind: 'written'; readonly cluster: ManagedClusterJson; readonly attempts: number }
  /** After a 412 the fresh GET already had our change (someone else applied it): nothing more to write. */
  | { readonly kind: 'alreadyMatches'; readonly cluster: ManagedClusterJson; readonly attempts: number };

/** A 412 we gave up on, or a cluster that became busy meanwhile; keeps the Azure code for the log. */
export class ClusterWriteConflictError extends Error {
  readonly statusCode: number | undefined;
  constructor(message: string, readonly code: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ClusterWriteConflictError';
    this.statusCode = (cause as { statusCode?: unknown } | undefined)?.statusCode === 412 ? 412 : undefined;
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
      if (!isPreconditionFailed(err)) {
        throw err;
      }
      conflict = err;
    }
    if (attempt >= max) {
      throw new ClusterWriteConflictError(
        l10n.t('The cluster {0} kept changing while it was being updated ({1} attempts); run the plan again once nobody else is changing it.', name, max),
        'PreconditionFailed',
        conflict,
      );
    }
    w.onConflict?.(attempt);
    // Someone else wrote the cluster after our GET: what we were about to PUT is stale. Decide again on the fresh copy.
    current = await w.reread();
    if (w.matches(current)) {
      return { kind: 'alreadyMatches', cluster: current, attempts: attempt };
    }
    if (isClusterBusy(current)) {
      throw new ClusterWriteConflictError(
        l10n.t('The cluster {0} changed while it was being updated and is now {1}; wait for that operation to finish, then run the plan again.', name, String(current.properties?.provisioningState)),
        'OperationNotAllowed',
        conflict,
      );
    }
  }
}
