/**
 * "Resume Plan": finishes a plan that was interrupted (VS Code or the extension host died), failed or was cancelled.
 * Steps are idempotent, so resuming re-reads the world, skips what is done and converges. Offered on the cluster in
 * the tree and, after a restart, in a notification.
 */
import * as vscode from 'vscode';
import { parseArmId } from '../kms/armId';
import { managedClustersApiVersion } from '../views/settings';
import { azureSdk } from '../azure/lazySdk';
import type { PlanJournalEntry } from '../kms/plan/journal';
import { errorMessage } from '../views/fleetTree';
import type { PlanJournalStore } from '../views/planJournalStore';
import { stepTitle } from '../views/stepTitles';
import { CommandContext, registerCommand } from './commandContext';

export interface ResumeResult {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'blocked' | 'declined' | 'nothing';
  readonly securityProfile?: unknown;
}

function planLabel(entry: PlanJournalEntry): string {
  switch (entry.config.kind) {
    case 'pmk':
      return vscode.l10n.t('Enable platform keys');
    case 'cmk':
      return vscode.l10n.t('Enable customer-managed key');
    case 'migrateToPmk':
      return vscode.l10n.t('Migrate to platform keys');
  }
}

async function resume(ctx: CommandContext, clusterId: string, confirm: boolean): Promise<ResumeResult> {
  const entry = ctx.journal.resumable(clusterId);
  const subscriptionId = parseArmId(clusterId)?.subscriptionId;
  const azure = subscriptionId ? ctx.account.contextForSubscription(subscriptionId) : undefined;
  if (!entry) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no unfinished plan for this cluster.'));
    return { status: 'nothing' };
  }
  if (!azure) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
    return { status: 'nothing' };
  }
  const label = planLabel(entry);
  if (confirm) {
    const go = vscode.l10n.t('Resume');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Resume "{0}" on {1}?', label, entry.clusterName),
      { modal: true, detail: vscode.l10n.t('Every step checks Azure first and skips what is already done, so nothing is created twice. The cluster update cannot be undone.') },
      go,
    );
    if (answer !== go) {
      return { status: 'declined' };
    }
  }
  const { ManagedClustersAdapter, prepareEnable } = await azureSdk();
  const clusters = new ManagedClustersAdapter(azure, managedClustersApiVersion());
  try {
    const prepared = await prepareEnable(azure, clusters, entry.config);
    if (prepared.blocked) {
      const why = prepared.findings.filter(f => f.severity === 'error').map(f => f.message).join(' ');
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot resume "{0}" on {1}: {2}', label, entry.clusterName, why));
      return { status: 'blocked' };
    }
    ctx.log.info(`Resuming "${label}" on ${entry.clusterName}.`);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Resuming "{0}" on {1}', label, entry.clusterName), cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return ctx.journal.run(entry.clusterName, clusters, prepared, e => {
        if (e.status === 'running') {
          progress.report({ message: stepTitle(e.stepId) });
        }
        ctx.log.info(`[${entry.clusterName}] ${stepTitle(e.stepId)}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
      }, abort.signal);
    });
    await ctx.tree.refresh();
    const r = outcome.result;
    if (r.status === 'succeeded') {
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" on {1} finished.', label, entry.clusterName));
    } else if (r.status === 'failed') {
      void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" on {1} stopped at "{2}": {3}. Run Resume again later.', label, entry.clusterName, stepTitle(r.failedStep ?? ''), errorMessage(r.error)));
    }
    return { status: r.status, securityProfile: outcome.securityProfile };
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Resuming "{0}" on {1} failed: {2}', label, entry.clusterName, errorMessage(err)));
    return { status: 'failed' };
  }
}

export function registerResumePlan(ctx: CommandContext): vscode.Disposable[] {
  return [
    /** Second argument `false` skips the confirmation (used by the restart notification, which already asked). */
    registerCommand(ctx, 'aksKms.resumePlan', async (arg?: unknown, confirm?: unknown): Promise<ResumeResult | undefined> => {
      const node = arg as { kind?: string; facts?: { id: string } } | undefined;
      let clusterId = typeof arg === 'string' ? arg : node?.kind === 'cluster' ? node.facts?.id : undefined;
      if (!clusterId) {
        const entries = ctx.journal.entries();
        const pick = await vscode.window.showQuickPick(entries.map(e => ({ label: e.clusterName, description: planLabel(e), id: e.clusterId })), { placeHolder: vscode.l10n.t('Resume which plan?') });
        clusterId = pick?.id;
      }
      return clusterId ? resume(ctx, clusterId, confirm !== false) : undefined;
    }),
    registerCommand(ctx, 'aksKms.discardPlan', async (arg?: unknown) => {
      const node = arg as { kind?: string; facts?: { id: string } } | undefined;
      const clusterId = typeof arg === 'string' ? arg : node?.facts?.id;
      if (clusterId) {
        await ctx.journal.forget(clusterId);
      }
    }),
  ];
}

/** After a restart, a plan left `running` was interrupted: say so once, with a Resume button. */
export function offerResume(journal: PlanJournalStore): void {
  for (const entry of journal.entries().filter(e => e.status === 'running')) {
    const go = vscode.l10n.t('Resume');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('A plan on {0} was interrupted before it finished. Resume it? Steps already done are skipped.', entry.clusterName), go)
      .then(answer => answer === go && vscode.commands.executeCommand('aksKms.resumePlan', entry.clusterId, false));
  }
}
