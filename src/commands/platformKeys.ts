/**
 * "Enable Platform Keys" and "Migrate to Platform Keys": infrastructure encryption with platform-managed keys, from
 * an unencrypted cluster or from a customer-managed key. Preflight first (nothing is written when a rule fails), then
 * a modal confirmation naming what cannot be undone, then the plan under a cancellable progress notification,
 * streamed to the output channel. The extension never deletes a key or a vault.
 */
import * as vscode from 'vscode';
import { managedClustersApiVersion } from '../views/settings';
import { azureSdk } from '../azure/lazySdk';
import { secretsRewriteFollowUp, SecretsRewriteFollowUp } from '../kms/enable/legacyMigration';
import { errorMessage } from '../views/fleetTree';
import { stepTitle } from '../views/stepTitles';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';

export interface PlatformKeysResult {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'blocked' | 'declined';
  readonly findings?: string[];
  /** Finding codes, for telemetry (never the sentences). */
  readonly findingCodes?: string[];
  readonly failedStep?: string;
  readonly securityProfile?: unknown;
  /** The command shown as a follow-up (legacy KMS: rewrite the Secrets), if any. */
  readonly followUpCommand?: string;
}

type Kind = 'pmk' | 'migrateToPmk';

function texts(kind: Kind, name: string, keyId?: string) {
  return kind === 'pmk'
    ? {
        checking: vscode.l10n.t('Checking {0}…', name),
        blocked: (why: string) => vscode.l10n.t('Cannot enable platform keys on {0}: {1}', name, why),
        question: vscode.l10n.t('Encrypt Kubernetes Secrets in {0} with platform-managed keys?', name),
        consequence: vscode.l10n.t('Once infrastructure encryption is enabled it cannot be disabled. The cluster update takes several minutes.'),
        action: vscode.l10n.t('Enable platform keys'),
        progress: vscode.l10n.t('Enabling platform keys on {0}', name),
        done: vscode.l10n.t('{0} now encrypts Kubernetes Secrets with platform-managed keys.', name),
        stopped: (step: string, why: string) => vscode.l10n.t('Enabling platform keys on {0} stopped at "{1}": {2}. Run the command again to resume.', name, step, why),
        failed: (why: string) => vscode.l10n.t('Enabling platform keys on {0} failed: {1}', name, why),
      }
    : {
        checking: vscode.l10n.t('Checking {0}…', name),
        blocked: (why: string) => vscode.l10n.t('Cannot migrate {0} to platform keys: {1}', name, why),
        question: vscode.l10n.t('Migrate {0} from its customer-managed key to platform-managed keys?', name),
        consequence: vscode.l10n.t('Key Vault KMS is turned off and infrastructure encryption stays on (it cannot be disabled). Keep the old key {0} and its vault: do not delete, disable or purge them — the extension never does.', keyId ?? ''),
        action: vscode.l10n.t('Migrate to platform keys'),
        progress: vscode.l10n.t('Migrating {0} to platform keys', name),
        done: vscode.l10n.t('{0} now encrypts Kubernetes Secrets with platform-managed keys. Keep the old key and vault.', name),
        stopped: (step: string, why: string) => vscode.l10n.t('Migrating {0} stopped at "{1}": {2}. Run the command again to resume.', name, step, why),
        failed: (why: string) => vscode.l10n.t('Migrating {0} to platform keys failed: {1}', name, why),
      };
}

async function runPlatformKeys(ctx: CommandContext, arg: unknown, kind: Kind): Promise<PlatformKeysResult | undefined> {
  const node = await clusterArgument(ctx, arg);
  const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
  if (!node || !azure) {
    return undefined;
  }
  const name = node.facts.name;
  const t = texts(kind, name, node.facts.kms.keyId);
  const { ManagedClustersAdapter, prepareEnable } = await azureSdk();
  const clusters = new ManagedClustersAdapter(azure, managedClustersApiVersion());
  try {
    const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t.checking }, () =>
      prepareEnable(azure, clusters, { kind, clusterId: node.facts.id }),
    );
    const errors = prepared.findings.filter(f => f.severity === 'error').map(f => f.message);
    if (prepared.blocked) {
      void vscode.window.showErrorMessage(t.blocked(errors.join(' ')));
      return { status: 'blocked', findings: errors, findingCodes: prepared.findings.filter(f => f.severity === 'error').map(f => f.code) };
    }
    const notes = prepared.findings.filter(f => f.severity !== 'error' && f.code !== 'irreversible' && f.code !== 'keep-old-key').map(f => f.message);
    const answer = await vscode.window.showWarningMessage(t.question, { modal: true, detail: [t.consequence, ...notes].join('\n\n') }, t.action);
    if (answer !== t.action) {
      return { status: 'declined' };
    }
    ctx.log.info(`${t.progress}: starting.`);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t.progress, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return ctx.journal.run(name, clusters, prepared, e => {
        if (e.status === 'running') {
          progress.report({ message: e.message ? `${stepTitle(e.stepId)} — ${e.message}` : stepTitle(e.stepId) });
        }
        ctx.log.info(`[${name}] ${stepTitle(e.stepId)}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
      }, abort.signal);
    });
    await ctx.tree.refresh();
    const r = outcome.result;
    // Legacy if the tree or the fresh read before the run said so: Secrets written before may use the legacy key.
    const kindBefore = node.facts.kms.kind === 'legacy' ? 'legacy' : prepared.facts?.cluster.kms.kind;
    const followUp = secretsRewriteFollowUp({ flow: kind, kindBefore, updateCluster: r.steps.updateCluster });
    if (followUp) {
      ctx.log.warn(`[${name}] ${followUp.message} ${followUp.command}`);
    }
    if (r.status === 'succeeded') {
      showWithFollowUp('info', t.done, followUp);
    } else if (r.status === 'failed') {
      showWithFollowUp('error', t.stopped(stepTitle(r.failedStep ?? ''), errorMessage(r.error)), followUp);
    } else if (followUp) {
      showWithFollowUp('warning', followUp.message, followUp);
    }
    return { status: r.status, failedStep: r.failedStep, securityProfile: outcome.securityProfile, followUpCommand: followUp?.command };
  } catch (err) {
    ctx.log.error(`${t.progress}: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(t.failed(errorMessage(err)));
    return { status: 'failed' };
  }
}

/**
 * The result notification; with a follow-up, its sentence and command are appended (a notification shows no detail)
 * and a "Copy command" action puts the command on the clipboard.
 */
function showWithFollowUp(severity: 'info' | 'warning' | 'error', text: string, followUp: SecretsRewriteFollowUp | undefined): void {
  const show = (message: string, ...items: string[]): Thenable<string | undefined> =>
    severity === 'info' ? vscode.window.showInformationMessage(message, ...items)
      : severity === 'warning' ? vscode.window.showWarningMessage(message, ...items)
        : vscode.window.showErrorMessage(message, ...items);
  if (!followUp) {
    void show(text);
    return;
  }
  const copy = vscode.l10n.t('Copy command');
  const message = text === followUp.message ? `${text} ${followUp.command}` : `${text} ${followUp.message} ${followUp.command}`;
  void show(message, copy).then(async answer => {
    if (answer === copy) {
      await vscode.env.clipboard.writeText(followUp.command);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the command'), 3000);
    }
  });
}

export function registerPlatformKeys(ctx: CommandContext): vscode.Disposable[] {
  const run = async (arg: unknown, kind: Kind) => {
    const started = Date.now();
    const result = await runPlatformKeys(ctx, arg, kind);
    if (result) {
      ctx.telemetry.send({
        name: 'flow', flow: kind === 'pmk' ? 'enablePmk' : 'migrateToPmk', outcome: result.status,
        failedStep: result.failedStep, findingCodes: result.findingCodes, durationMs: Date.now() - started,
      });
    }
    return result;
  };
  return [
    registerCommand(ctx, 'aksKms.enablePmk', (arg?: unknown) => run(arg, 'pmk')),
    registerCommand(ctx, 'aksKms.migrateToPmk', (arg?: unknown) => run(arg, 'migrateToPmk')),
  ];
}
