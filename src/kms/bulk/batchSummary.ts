/** The end of a batch in words: counts, then one row per cluster (done, skipped with why, failed with step and error), as Markdown to copy. */
import * as l10n from '@vscode/l10n';
import type { BatchItemResult } from './batch';
import { countResults } from './batch';

export interface SummaryOptions {
  readonly title: string;
  /** Subscription id (lower case) → display name. */
  readonly subscriptionNames?: ReadonlyMap<string, string>;
  /** A step id → its title ("Update the cluster"). */
  readonly stepTitle?: (stepId: string) => string;
}

const cell = (value: string) => value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function statusLabel(status: BatchItemResult['status']): string {
  switch (status) {
    case 'done':
      return l10n.t('done');
    case 'skipped':
      return l10n.t('skipped');
    case 'failed':
      return l10n.t('failed');
    case 'notStarted':
      return l10n.t('not started (cancelled)');
  }
}

/** One line of counts: "28 done, 1 skipped, 1 failed". */
export function countsLine(results: readonly BatchItemResult[]): string {
  const c = countResults(results);
  const parts = [l10n.t('{0} done', c.done), l10n.t('{0} skipped', c.skipped), l10n.t('{0} failed', c.failed)];
  if (c.notStarted) {
    parts.push(l10n.t('{0} not started', c.notStarted));
  }
  return parts.join(', ');
}

/** Failed first (what needs attention), then not started, skipped and done; by name within each. */
export function batchSummaryMarkdown(results: readonly BatchItemResult[], options: SummaryOptions): string {
  const order: Record<BatchItemResult['status'], number> = { failed: 0, notStarted: 1, skipped: 2, done: 3 };
  const rows = [...results].sort((a, b) => order[a.status] - order[b.status] || a.cluster.name.localeCompare(b.cluster.name));
  const subscription = (id: string) => options.subscriptionNames?.get(id.toLowerCase()) ?? id;
  const details = (r: BatchItemResult) => {
    const step = r.failedStep ? (options.stepTitle?.(r.failedStep) ?? r.failedStep) : undefined;
    return step ? l10n.t('at "{0}": {1}', step, r.detail ?? '') : r.detail ?? '';
  };
  return [
    `# ${cell(options.title)}`,
    '',
    countsLine(results),
    '',
    `| ${l10n.t('Cluster')} | ${l10n.t('Subscription')} | ${l10n.t('Result')} | ${l10n.t('Details')} |`,
    '|---|---|---|---|',
    ...rows.map(r => `| ${cell(r.cluster.name)} | ${cell(subscription(r.cluster.subscriptionId))} | ${cell(statusLabel(r.status))} | ${cell(details(r))} |`),
    '',
  ].join('\n');
}
