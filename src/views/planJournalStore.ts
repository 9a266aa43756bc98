/**
 * Persists running plans in the extension's global storage (src/kms/plan/journal), so a plan interrupted by a crash,
 * a reload or a failure can be offered for "Resume" next time. Every plan run goes through `run` here.
 */
import * as vscode from 'vscode';
import type { EnableOutcome, PreparedEnable } from '../azure/enableFlow';
import { azureSdk } from '../azure/lazySdk';
import type { ManagedClustersAdapter } from '../azure/managedClusters';
import { journalFinish, journalRemove, journalStart, journalStep, parseJournal, PlanJournal, PlanJournalEntry, resumableEntry } from '../kms/plan/journal';
import type { StepEvent } from '../kms/plan/runner';

const STORAGE_KEY = 'aksKms.planJournal';

export class PlanJournalStore implements vscode.Disposable {
  private journal: PlanJournal;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** Clusters whose plan runs in this window (so an entry marked `running` is not taken as interrupted). */
  private readonly active = new Set<string>();

  constructor(private readonly memento: vscode.Memento) {
    this.journal = parseJournal(memento.get(STORAGE_KEY));
  }

  /** A plan left unfinished for the cluster (interrupted, failed or cancelled), unless it is running right now. */
  resumable(clusterId: string): PlanJournalEntry | undefined {
    return this.active.has(clusterId.toLowerCase()) ? undefined : resumableEntry(this.journal, clusterId);
  }

  entries(): PlanJournalEntry[] {
    return Object.values(this.journal).filter(e => !this.active.has(e.clusterId.toLowerCase()));
  }

  async forget(clusterId: string): Promise<void> {
    await this.save(journalRemove(this.journal, clusterId));
  }

  /** Runs a prepared plan, journaling every step before the next one can start. */
  async run(clusterName: string, clusters: ManagedClustersAdapter, prepared: PreparedEnable, onEvent: (e: StepEvent) => void, signal?: AbortSignal): Promise<EnableOutcome> {
    const clusterId = prepared.config.clusterId;
    this.active.add(clusterId.toLowerCase());
    await this.save(journalStart(this.journal, clusterName, prepared.config, Date.now()));
    try {
      const { executeEnable } = await azureSdk();
      const outcome = await executeEnable(clusters, prepared, e => {
        // Saved without awaiting: the memento write is ordered, and the step must not wait on disk.
        void this.save(journalStep(this.journal, clusterId, e));
        onEvent(e);
      }, signal);
      await this.save(journalFinish(this.journal, clusterId, outcome.result.status, Date.now(), outcome.result.failedStep));
      return outcome;
    } catch (err) {
      await this.save(journalFinish(this.journal, clusterId, 'failed', Date.now()));
      throw err;
    } finally {
      this.active.delete(clusterId.toLowerCase());
      this.changed.fire();
    }
  }

  private async save(next: PlanJournal): Promise<void> {
    this.journal = next;
    await this.memento.update(STORAGE_KEY, next);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
