/** What every command needs; built once in activate(). */
import * as vscode from 'vscode';
import type { AzureAccount } from '../azure/account';
import type { FleetTreeProvider } from '../views/fleetTree';
import type { BatchJournalStore } from '../views/batchJournalStore';
import type { Log } from '../views/log';
import type { PlanJournalStore } from '../views/planJournalStore';
import type { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import type { Telemetry } from '../views/telemetry';
import type { FleetNode } from '../views/treeNodes';

export interface CommandContext {
  readonly extensionUri: vscode.Uri;
  readonly account: AzureAccount;
  readonly tree: FleetTreeProvider;
  /** The "AKS KMS" tree view, for revealing a cluster. */
  readonly view: vscode.TreeView<FleetNode>;
  /** One provider of the `aks-kms:` scheme for every read-only document (a second one would answer first, empty). */
  readonly documents: ReadOnlyDocuments;
  readonly log: Log;
  readonly telemetry: Telemetry;
  readonly journal: PlanJournalStore;
  /** The last batch's journal (bulk platform keys), for resuming it. */
  readonly batchJournal: BatchJournalStore;
}

/** Registers a command and records its use (the command id only) in telemetry. */
export function registerCommand<A extends unknown[], R>(ctx: CommandContext, id: string, handler: (...args: A) => R): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => {
    ctx.telemetry.send({ name: 'command', command: id });
    return handler(...args);
  });
}
