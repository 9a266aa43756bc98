/**
 * "Enable platform keys": infrastructure encryption with platform-managed keys. Preflight first (nothing is written
 * when a rule fails), then a modal confirmation naming what cannot be undone, then the plan under a cancellable
 * progress notification, streamed to the output channel.
 */
import * as vscode from 'vscode';
import { executeEnable, prepareEnable } from '../azure/enableFlow';
import { ManagedClustersAdapter } from '../azure/managedClusters';
import { errorMessage } from '../views/fleetTree';
import { stepTitle } from '../views/stepTitles';
import type { CommandContext } from './commandContext';
import { clusterArgument } from './pickCluster';

export interface PmkCommandResult {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'blocked' | 'declined';
  readonly findings?: string[];
  readonly securityProfile?: unknown;
}

export function registerEnablePmk(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('aksKms.enablePmk', async (arg?: unknown): Promise<PmkCommandResult | undefined> => {
    const node = await clusterArgument(ctx, arg);
    const azure = ctx.account.context;
    if (!node || !azure) {
      return undefined;
    }
    const name = node.facts.name;
    const clusters = new ManagedClustersAdapter(azure, vscode.workspace.getConfiguration('aksKms').get<string>('managedClustersApiVersion') || undefined);
    try {
      const prepared = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', name) },
        () => prepareEnable(azure, clusters, { kind: 'pmk', clusterId: node.facts.id }),
      );
      const errors = prepared.findings.filter(f => f.severity === 'error').map(f => f.message);
      if (prepared.blocked) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Cannot enable platform keys on {0}: {1}', name, errors.join(' ')));
        return { status: 'blocked', findings: errors };
      }
      const notes = prepared.findings.filter(f => f.severity !== 'error' && f.code !== 'irreversible').map(f => f.message);
      const enable = vscode.l10n.t('Enable platform keys');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Encrypt Kubernetes Secrets in {0} with platform-managed keys?', name),
        { modal: true, detail: [vscode.l10n.t('Once infrastructure encryption is enabled it cannot be disabled. The cluster update takes several minutes.'), ...notes].join('\n\n') },
        enable,
      );
      if (answer !== enable) {
        return { status: 'declined' };
      }
      ctx.log.info(`Enable platform keys on ${name}: starting.`);
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Enabling platform keys on {0}', name), cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return executeEnable(clusters, prepared, e => {
            if (e.status === 'running') {
              progress.report({ message: e.message ? `${stepTitle(e.stepId)} — ${e.message}` : stepTitle(e.stepId) });
            }
            ctx.log.info(`[${name}] ${stepTitle(e.stepId)}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
          }, abort.signal);
        },
      );
      await ctx.tree.refresh();
      const r = outcome.result;
      if (r.status === 'succeeded') {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} now encrypts Kubernetes Secrets with platform-managed keys.', name));
      } else if (r.status === 'failed') {
        void vscode.window.showErrorMessage(vscode.l10n.t('Enabling platform keys on {0} stopped at "{1}": {2}. Run the command again to resume.', name, stepTitle(r.failedStep ?? ''), errorMessage(r.error)));
      }
      return { status: r.status, securityProfile: outcome.securityProfile };
    } catch (err) {
      ctx.log.error(`Enable platform keys on ${name}: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Enabling platform keys on {0} failed: {1}', name, errorMessage(err)));
      return { status: 'failed' };
    }
  });
}
