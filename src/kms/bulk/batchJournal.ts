/**
 * The journal of a batch (bulk platform keys): which clusters it covers and how each ended, saved after every change
 * so a batch cut short (a crash, a reload, Cancel) can be resumed: only the clusters not yet done or skipped run
 * again, and their own plans are idempotent (preflight sees a cluster already on platform keys as done). Pure.
 */
import type { BatchCluster, BatchItemStatus } from './batch';

export interface BatchJournalItem extends BatchCluster {
  readonly status: BatchItemStatus;
  readonly detail?: string;
}

export interface BatchJournal {
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly items: readonly BatchJournalItem[];
}

export function batchJournalStart(clusters: readonly BatchCluster[], now: number): BatchJournal {
  return { startedAt: now, items: clusters.map(c => ({ id: c.id, name: c.name, subscriptionId: c.subscriptionId, status: 'queued' })) };
}

export function batchJournalItem(journal: BatchJournal, clusterId: string, status: BatchItemStatus, detail?: string): BatchJournal {
  const id = clusterId.toLowerCase();
  return { ...journal, items: journal.items.map(i => (i.id.toLowerCase() === id ? { ...i, status, ...(detail === undefined ? {} : { detail }) } : i)) };
}

export function batchJournalFinish(journal: BatchJournal, now: number): BatchJournal {
  return { ...journal, finishedAt: now };
}

/**
 * The clusters a resume runs again: everything not done or skipped. A `running` item of a batch that did not finish
 * was cut off by a crash; its update may have been applied, which its plan's preflight then sees.
 */
export function batchRemaining(journal: BatchJournal | undefined): BatchCluster[] {
  return (journal?.items ?? []).filter(i => i.status !== 'done' && i.status !== 'skipped').map(({ id, name, subscriptionId }) => ({ id, name, subscriptionId }));
}

const STATUSES: readonly BatchItemStatus[] = ['queued', 'running', 'done', 'skipped', 'failed', 'notStarted'];

/** A stored journal, or undefined for anything else (an older or damaged value is dropped, never trusted). */
export function parseBatchJournal(value: unknown): BatchJournal | undefined {
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const v = value as { startedAt?: unknown; finishedAt?: unknown; items?: unknown };
  if (typeof v.startedAt !== 'number' || !Array.isArray(v.items)) {
    return undefined;
  }
  const items = v.items.filter((i): i is BatchJournalItem => !!i && typeof i === 'object'
    && typeof (i as BatchJournalItem).id === 'string' && typeof (i as BatchJournalItem).name === 'string'
    && typeof (i as BatchJournalItem).subscriptionId === 'string' && STATUSES.includes((i as BatchJournalItem).status));
  if (items.length !== v.items.length) {
    return undefined;
  }
  return { startedAt: v.startedAt, ...(typeof v.finishedAt === 'number' ? { finishedAt: v.finishedAt } : {}), items };
}
