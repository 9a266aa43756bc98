/**
 * "Enable Platform Keys on…": many clusters with one plan. From a subscription (its unencrypted clusters), a
 * multi-selection of clusters, or the palette (the unencrypted clusters, all pre-selected). Preflight runs for every
 * cluster first; one confirmation lists the clusters that will change and, apart, those that will not and why. The
 * batch then runs (src/kms/bulk): progress on each cluster's tree row, in a cancellable notification and in the
 * output channel; Cancel starts no new update and lets running ones finish. Every change is journaled, so a batch
 * cut short is resumed from the palette, and a re-run writes nothing for the clusters already done. It ends with a
 * summary (done / skipped with why / failed with the step and error) that opens as Markdown and can be copied.
 */
import * as vscode from 'vscode';
import type { BatchPreflight } from '../azure/bulkPlatformKeys';
import { azureSdk } from '../azure/lazySdk';
import { BatchCluster, BatchItemResult, BULK_UPDATES_PER_SUBSCRIPTION, countResults } from '../kms/bulk/batch';
import type { StepEvent } from '../kms/plan/runner';
import { batchJournalFinish, batchJournalItem, batchJournalStart, batchRemaining } from '../kms/bulk/batchJournal';
import { batchSummaryMarkdown, countsLine } from '../kms/bulk/batchSummary';
import { errorMessage } from '../views/fleetTree';
import { batchStatusLabel } from '../views/labels';
import { managedClustersApiVersion } from '../views/settings';
import { stepTitle } from '../views/stepTitles';
import type { ClusterNode, FleetNode } from '../views/treeNodes';
import { CommandContext, registerCommand } from './commandContext';

/** Lines of each list in the confirmation before "…and N more" (the output channel has them all). */
const LIST_LIMIT = 15;

export interface BulkPlatformKeysResult {
  readonly status: 'completed' | 'cancelled' | 'declined' | 'nothingToDo';
  /** One per cluster asked for: the batch's results, and the clusters left out as skipped with the reason. */
  readonly results: readonly BatchItemResult[];
  readonly summaryMarkdown: string;
  /** Names of the clusters the confirmation offered to change. */
  readonly eligible: readonly string[];
}

const clusterOf = (node: ClusterNode): BatchCluster => ({ id: node.facts.id, name: node.facts.name, subscriptionId: node.facts.subscriptionId });
const mayNeedPlatformKeys = (node: ClusterNode) => node.facts.kms.kind === 'notEncrypted' || node.facts.kms.kind === 'unknown';

/** The clusters a command invocation names; undefined when the user dismissed the pick. */
async function chooseClusters(ctx: CommandContext, arg: unknown, selection: unknown): Promise<BatchCluster[] | 'resume' | undefined> {
  const given = arg as FleetNode | { clusterIds?: unknown; resume?: unknown } | undefined;
  if (given && 'resume' in given && given.resume === true) {
    return 'resume';
  }
  await ctx.tree.ensureLoaded();
  if (given && 'clusterIds' in given && Array.isArray(given.clusterIds)) {
    const ids = given.clusterIds.filter((id): id is string => typeof id === 'string');
    return ids.map(id => ctx.tree.findCluster(id)).filter((n): n is ClusterNode => !!n).map(clusterOf);
  }
  if (given && 'kind' in given && given.kind === 'subscription') {
    const id = given.subscription.subscriptionId.toLowerCase();
    return ctx.tree.clusterNodes().filter(c => c.facts.subscriptionId.toLowerCase() === id && mayNeedPlatformKeys(c)).map(clusterOf);
  }
  if (given && 'kind' in given && given.kind === 'cluster') {
    // A multi-selection in the tree arrives as the second argument (canSelectMany); other node kinds are ignored.
    const selected = Array.isArray(selection) ? (selection as FleetNode[]).filter((n): n is ClusterNode => n?.kind === 'cluster') : [];
    return (selected.length ? selected : [given]).map(clusterOf);
  }
  if (batchRemaining(ctx.batchJournal.current).length) {
    const left = batchRemaining(ctx.batchJournal.current).length;
    const resume = vscode.l10n.t('Resume the unfinished batch');
    const fresh = vscode.l10n.t('Choose clusters');
    const answer = await vscode.window.showInformationMessage(vscode.l10n.t('A batch of platform-key updates did not finish: {0} clusters are left.', left), resume, fresh);
    if (answer === resume) {
      return 'resume';
    }
    if (answer !== fresh) {
      return undefined;
    }
  }
  const candidates = ctx.tree.clusterNodes().filter(mayNeedPlatformKeys).sort((a, b) => a.facts.name.localeCompare(b.facts.name));
  if (!candidates.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No listed cluster is without encryption: nothing needs platform keys.'));
    return undefined;
  }
  const names = new Map(ctx.tree.subscriptionNodes.map(s => [s.subscription.subscriptionId.toLowerCase(), s.subscription.displayName]));
  const picks = await vscode.window.showQuickPick(
    candidates.map(c => ({ label: c.facts.name, description: names.get(c.facts.subscriptionId.toLowerCase()) ?? c.facts.subscriptionId, detail: c.facts.resourceGroup, picked: true, node: c })),
    { canPickMany: true, placeHolder: vscode.l10n.t('Clusters to encrypt with platform-managed keys'), matchOnDescription: true },
  );
  return picks?.map(p => clusterOf(p.node));
}

function bulletList(lines: readonly string[]): string {
  const shown = lines.slice(0, LIST_LIMIT).map(l => `• ${l}`);
  if (lines.length > LIST_LIMIT) {
    shown.push(vscode.l10n.t('…and {0} more (see the AKS KMS output)', lines.length - LIST_LIMIT));
  }
  return shown.join('\n');
}

/** The confirmation's detail: what happens, the clusters that change, and apart those that do not, with why. */
function confirmationDetail(check: BatchPreflight): string {
  const parts = [vscode.l10n.t('Once infrastructure encryption is enabled it cannot be disabled. Each cluster update takes several minutes; up to {0} clusters per subscription update at a time.', BULK_UPDATES_PER_SUBSCRIPTION)];
  parts.push(`${vscode.l10n.t('Will change ({0}):', check.eligible.length)}\n${bulletList(check.eligible.map(e => e.cluster.name))}`);
  const left = [
    ...check.alreadyDone.map(c => vscode.l10n.t('{0} — already on platform-managed keys', c.name)),
    ...check.ineligible.map(i => `${i.cluster.name} — ${i.reason}`),
  ];
  if (left.length) {
    parts.push(`${vscode.l10n.t('Not included ({0}):', left.length)}\n${bulletList(left)}`);
  }
  return parts.join('\n\n');
}

/** What preflight left out, as results: skipped, with the reason. */
function leftOut(check: BatchPreflight): BatchItemResult[] {
  return [
    ...check.alreadyDone.map(cluster => ({ cluster, status: 'skipped' as const, detail: vscode.l10n.t('already on platform-managed keys') })),
    ...check.ineligible.map(i => ({ cluster: i.cluster, status: 'skipped' as const, detail: i.reason })),
  ];
}

async function runBulk(ctx: CommandContext, clusters: readonly BatchCluster[]): Promise<BulkPlatformKeysResult> {
  const sdk = await azureSdk();
  const total = clusters.length;
  const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0} clusters…', total) }, async progress => {
    let checked = 0;
    return sdk.preflightBatch(id => ctx.account.contextForSubscription(id), clusters, {
      apiVersion: managedClustersApiVersion(),
      onChecked: () => progress.report({ message: vscode.l10n.t('{0} of {1}', ++checked, total), increment: 100 / total }),
    });
  });
  ctx.log.info(`Platform keys for ${total} clusters: ${check.eligible.length} to change, ${check.alreadyDone.length} already done, ${check.ineligible.length} not eligible.`);
  for (const i of check.ineligible) {
    ctx.log.info(`[${i.cluster.name}] not included: ${i.reason}`);
  }
  const names = new Map(ctx.tree.subscriptionNodes.map(s => [s.subscription.subscriptionId.toLowerCase(), s.subscription.displayName]));
  const summarize = (results: readonly BatchItemResult[]) => batchSummaryMarkdown(results, {
    title: vscode.l10n.t('Enable platform keys: {0} clusters ({1})', results.length, new Date().toISOString().slice(0, 16).replace('T', ' ')),
    subscriptionNames: names,
    stepTitle,
  });
  const eligibleNames = check.eligible.map(e => e.cluster.name);
  if (!check.eligible.length) {
    const results = leftOut(check);
    void vscode.window.showInformationMessage(vscode.l10n.t('None of the {0} clusters needs or allows platform keys now: {1}.', total, countsLine(results)));
    return { status: 'nothingToDo', results, summaryMarkdown: summarize(results), eligible: eligibleNames };
  }
  const action = vscode.l10n.t('Enable platform keys');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Encrypt Kubernetes Secrets in {0} clusters with platform-managed keys?', check.eligible.length),
    { modal: true, detail: confirmationDetail(check) },
    action,
  );
  if (answer !== action) {
    return { status: 'declined', results: leftOut(check), summaryMarkdown: summarize(leftOut(check)), eligible: eligibleNames };
  }

  const batch = check.eligible.map(e => e.cluster);
  let journal = batchJournalStart(batch, Date.now());
  await ctx.batchJournal.update(journal);
  const started = Date.now();
  const abort = new AbortController();
  const logStep = (who: { name?: string; subscriptionId: string }, e: StepEvent) =>
    ctx.log.info(`[${who.name ?? who.subscriptionId}] ${stepTitle(e.stepId)}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
  const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Enabling platform keys on {0} clusters', batch.length), cancellable: true }, (progress, token) => {
    token.onCancellationRequested(() => {
      ctx.log.warn('Platform keys batch: cancelled; no new cluster update starts, running ones finish.');
      abort.abort();
    });
    let ended = 0;
    return sdk.executeBatch(check, {
      perSubscription: BULK_UPDATES_PER_SUBSCRIPTION,
      signal: abort.signal,
      onStep: logStep,
      // Each cluster's plan goes through the plan journal, as a single "Enable Platform Keys" does.
      runPlan: (eligible, onStep) => ctx.journal.run(eligible.cluster.name, eligible.clusters, eligible.prepared, onStep),
      onEvent: e => {
        // While running, the message is the running step's id.
        const message = e.status === 'running' && e.message ? stepTitle(e.message) : e.message;
        ctx.tree.setBatchProgress(e.cluster.id, { status: e.status, message });
        if (e.status !== 'queued' && !(e.status === 'running' && e.message)) {
          journal = batchJournalItem(journal, e.cluster.id, e.status, e.status === 'running' ? undefined : e.message);
          void ctx.batchJournal.update(journal);
        }
        if (e.status !== 'queued' && e.status !== 'running') {
          ended++;
          ctx.log.info(`[${e.cluster.name}] batch: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
          progress.report({ message: vscode.l10n.t('{0} of {1} ended — {2}: {3}', ended, batch.length, e.cluster.name, batchStatusLabel(e.status)), increment: 100 / batch.length });
        }
      },
    });
  });
  journal = batchJournalFinish(journal, Date.now());
  // A batch with nothing left to do is forgotten; otherwise the palette offers to resume it.
  await ctx.batchJournal.update(batchRemaining(journal).length ? journal : undefined);
  for (const c of batch) {
    ctx.tree.setBatchProgress(c.id, undefined);
  }
  void ctx.tree.refresh();
  const all = [...results.map(r => (r.status === 'done' ? { ...r, detail: vscode.l10n.t('encrypts Secrets with platform-managed keys') } : r)), ...leftOut(check)];
  const summaryMarkdown = summarize(all);
  const counts = countResults(results);
  ctx.log.info(`Platform keys batch ended in ${Math.round((Date.now() - started) / 1000)} s: ${countsLine(all)}; throttled ${check.gate.throttled} times.`);
  await showSummary(summaryMarkdown, countsLine(all), counts.failed > 0 || counts.notStarted > 0);
  return { status: abort.signal.aborted ? 'cancelled' : 'completed', results: all, summaryMarkdown, eligible: eligibleNames };
}

/** Opens the summary as a Markdown document (editable, so it can be saved) and offers to copy it. */
async function showSummary(markdown: string, counts: string, problems: boolean): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  const copy = vscode.l10n.t('Copy as Markdown');
  const message = vscode.l10n.t('Platform keys batch: {0}.', counts);
  // Not awaited: the notification stays until the user answers; the command has ended by then.
  void (problems ? vscode.window.showWarningMessage(message, copy) : vscode.window.showInformationMessage(message, copy)).then(async answer => {
    if (answer === copy) {
      await vscode.env.clipboard.writeText(markdown);
    }
  });
}

export function registerBulkPlatformKeys(ctx: CommandContext): vscode.Disposable {
  /**
   * Arguments: a subscription node; a cluster node and the tree's selection (canSelectMany); `{ clusterIds: [...] }`
   * (automation); `{ resume: true }` (the unfinished batch); none (the palette asks).
   */
  return registerCommand(ctx, 'aksKms.enablePmkBulk', async (arg?: unknown, selection?: unknown): Promise<BulkPlatformKeysResult | undefined> => {
    if (!ctx.account.status.signedIn) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
      return undefined;
    }
    const started = Date.now();
    try {
      const chosen = await chooseClusters(ctx, arg, selection);
      const clusters = chosen === 'resume' ? batchRemaining(ctx.batchJournal.current) : chosen;
      if (!clusters?.length) {
        return undefined;
      }
      const result = await runBulk(ctx, clusters);
      ctx.telemetry.send({ name: 'flow', flow: 'enablePmkBulk', outcome: result.status === 'completed' ? 'succeeded' : result.status === 'nothingToDo' ? 'blocked' : result.status, durationMs: Date.now() - started });
      return result;
    } catch (err) {
      ctx.log.error(`Enable platform keys on many clusters: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Enabling platform keys on many clusters failed: {0}', errorMessage(err)));
      return undefined;
    }
  });
}
