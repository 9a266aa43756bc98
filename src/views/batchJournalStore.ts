/** Keeps the journal of the last batch (src/kms/bulk/batchJournal) in the extension's global storage, saved after every change. */
import type * as vscode from 'vscode';
import { BatchJournal, parseBatchJournal } from '../kms/bulk/batchJournal';

const STORAGE_KEY = 'aksKms.batchJournal';

export class BatchJournalStore {
  private journal: BatchJournal | undefined;
  /** Saves in the order they were made, without making a cluster's progress wait on the disk. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly memento: vscode.Memento) {
    this.journal = parseBatchJournal(memento.get(STORAGE_KEY));
  }

  get current(): BatchJournal | undefined {
    return this.journal;
  }

  update(next: BatchJournal | undefined): Promise<void> {
    this.journal = next;
    this.saving = this.saving.then(() => this.memento.update(STORAGE_KEY, next), () => this.memento.update(STORAGE_KEY, next));
    return this.saving;
  }
}
