/** Entry point: builds the services, registers the view and commands. Nothing else happens here. */
import * as vscode from 'vscode';
import { stateFilter } from './views/settings';
import { AzureAccount } from './azure/account';
import { registerClusterInfo } from './commands/clusterInfo';
import { registerExportIac } from './commands/exportIac';
import { registerFleetViews } from './commands/fleetViews';
import { registerEnableCmk } from './commands/enableCmk';
import { registerKeyRotation } from './commands/keyRotation';
import { registerPlatformKeys } from './commands/platformKeys';
import { registerBulkPlatformKeys } from './commands/bulkPlatformKeys';
import { BatchJournalStore } from './views/batchJournalStore';
import { registerRegisterFeature } from './commands/registerFeature';
import { offerResume, registerResumePlan } from './commands/resumePlan';
import type { CommandContext } from './commands/commandContext';
import { registerRefresh } from './commands/refresh';
import { registerSelectSubscriptions } from './commands/selectSubscriptions';
import { registerShowKmsState } from './commands/showKmsState';
import { registerSignIn, registerSignInToDirectory } from './commands/signIn';
import { registerWalkthrough } from './commands/walkthrough';
import { FleetTreeProvider } from './views/fleetTree';
import type { FleetNode } from './views/treeNodes';
import { configureDomainL10n } from './views/domainL10n';
import { stateFilterDescription } from './views/labels';
import { SHARED_FILTER_SETTING } from './views/subscriptionFilter';
import { createLog } from './views/log';
import { PlanJournalStore } from './views/planJournalStore';
import { ReadOnlyDocuments } from './views/readOnlyDocuments';
import { Telemetry } from './views/telemetry';

/** What activate() returns: the extension's public API (used by other extensions and by the test suite). */
export interface AksKmsApi {
  readonly tree: FleetTreeProvider;
  /** The "AKS KMS" tree view (its selection and visibility). */
  readonly view: vscode.TreeView<FleetNode>;
  readonly account: AzureAccount;
  readonly telemetry: Telemetry;
  readonly journal: PlanJournalStore;
  /** This extension's log folder (the "AKS KMS" output channel's file lives beside it). */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): AksKmsApi {
  configureDomainL10n();
  const log = createLog();
  const account = new AzureAccount();
  const journal = new PlanJournalStore(context.globalState);
  const batchJournal = new BatchJournalStore(context.globalState);
  const tree = new FleetTreeProvider(account, log, journal);
  const view = vscode.window.createTreeView('aksKms.fleet', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  view.description = stateFilterDescription(stateFilter());
  const telemetry = new Telemetry((context.extension.packageJSON as { telemetryConnectionString?: string }).telemetryConnectionString);
  const documents = new ReadOnlyDocuments();
  const ctx: CommandContext = { extensionUri: context.extensionUri, account, tree, view, documents, log, telemetry, journal, batchJournal };

  context.subscriptions.push(
    log,
    telemetry,
    journal,
    account,
    tree,
    view,
    documents,
    registerSignIn(ctx),
    registerSignInToDirectory(ctx),
    registerRefresh(ctx),
    registerSelectSubscriptions(ctx),
    ...registerClusterInfo(ctx),
    ...registerExportIac(ctx),
    registerShowKmsState(ctx),
    ...registerFleetViews(ctx),
    ...registerEnableCmk(ctx),
    ...registerPlatformKeys(ctx),
    registerBulkPlatformKeys(ctx),
    ...registerKeyRotation(ctx),
    registerRegisterFeature(ctx),
    ...registerResumePlan(ctx),
    registerWalkthrough(context.extension.id),
    account.onDidChange(() => void tree.refresh()),
    vscode.workspace.onDidChangeConfiguration(e => {
      // The subscription filter all Azure extensions share: a choice made in the Azure view holds here too.
      if (e.affectsConfiguration(SHARED_FILTER_SETTING)) {
        void tree.refresh();
      }
      if (e.affectsConfiguration('aksKms.stateFilter')) {
        view.description = stateFilterDescription(stateFilter());
        tree.redraw();
      }
    }),
  );
  // Learn whether a session already exists without prompting; the welcome view shows until then.
  void account.refreshStatus();
  offerResume(journal);
  return { tree, view, account, telemetry, journal, logUri: context.logUri };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
