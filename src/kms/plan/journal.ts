/**
 * The journal of a running plan: enough to resume it after VS Code (or the extension host) died mid-run. It holds
 * the user's configuration and each step's last status — never tokens, keys or secrets. Pure data; the extension
 * persists it in its global storage.
 */
import type { EnableConfig } from '../enable/config';
import type { StepEvent, StepStatus } from './runner';

export interface PlanJournalEntry {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly config: EnableConfig;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** `running` in storage after a restart means the host died while the plan ran. */
  readonly status: 'running' | 'failed' | 'cancelled';
  readonly steps: Readonly<Record<string, StepStatus>>;
  readonly failedStep?: string;
}

export type PlanJournal = Readonly<Record<string, PlanJournalEntry>>;

const key = (clusterId: string) => clusterId.toLowerCase();

export function journalStart(journal: PlanJournal, clusterName: string, config: EnableConfig, now: number): PlanJournal {
  return { ...journal, [key(config.clusterId)]: { clusterId: config.clusterId, clusterName, config, startedAt: now, updatedAt: now, status: 'running', steps: {} } };
}

export function journalStep(journal: PlanJournal, clusterId: string, event: StepEvent): PlanJournal {
  const entry = journal[key(clusterId)];
  if (!entry) {
    return journal;
  }
  return { ...journal, [key(clusterId)]: { ...entry, updatedAt: event.at, steps: { ...entry.steps, [event.stepId]: event.status } } };
}

/** A finished run: success removes the entry (nothing to resume); failure and cancellation keep it, resumable. */
export function journalFinish(journal: PlanJournal, clusterId: string, status: 'succeeded' | 'failed' | 'cancelled', now: number, failedStep?: string): PlanJournal {
  const { [key(clusterId)]: entry, ...rest } = journal;
  if (!entry || status === 'succeeded') {
    return rest;
  }
  return { ...rest, [key(clusterId)]: { ...entry, status, updatedAt: now, failedStep } };
}

export function journalRemove(journal: PlanJournal, clusterId: string): PlanJournal {
  const { [key(clusterId)]: _removed, ...rest } = journal;
  return rest;
}

/** Entries a user can resume: every one left in the journal (interrupted, failed or cancelled). */
export function resumableEntry(journal: PlanJournal, clusterId: string): PlanJournalEntry | undefined {
  return journal[key(clusterId)];
}

/** Rejects stored data that is not a journal (older versions, hand edits): resuming must never act on garbage. */
export function parseJournal(value: unknown): PlanJournal {
  if (!value || typeof value !== 'object') {
    return {};
  }
  const result: Record<string, PlanJournalEntry> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const e = v as Partial<PlanJournalEntry> | undefined;
    const kind = (e?.config as { kind?: string } | undefined)?.kind;
    if (e && typeof e.clusterId === 'string' && typeof e.clusterName === 'string' && (kind === 'pmk' || kind === 'cmk' || kind === 'migrateToPmk') && e.config?.clusterId === e.clusterId) {
      result[k] = e as PlanJournalEntry;
    }
  }
  return result;
}
