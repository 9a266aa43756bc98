/**
 * Fleet-wide views of what the tree has loaded: "Filter by State…" (e.g. only unencrypted clusters) and
 * "Export Fleet Report…" (the KMS posture of every listed cluster as Markdown, CSV or JSON).
 */
import * as vscode from 'vscode';
import { renderReport, ReportFormat, reportRow, ReportRow } from '../kms/fleetReport';
import { KMS_STATE_FILTER_VALUES, normalizeStateFilter, POLICY_NON_COMPLIANT, STATE_FILTER_VALUES } from '../kms/stateFilter';
import { errorMessage } from '../views/fleetTree';
import { kmsStateLabel, stateFilterLabel } from '../views/labels';
import { CommandContext, registerCommand } from './commandContext';

function reportHeaders(): Record<keyof ReportRow, string> {
  return {
    subscription: vscode.l10n.t('Subscription'),
    subscriptionId: vscode.l10n.t('Subscription ID'),
    cluster: vscode.l10n.t('Cluster'),
    resourceGroup: vscode.l10n.t('Resource group'),
    location: vscode.l10n.t('Region'),
    state: vscode.l10n.t('Encryption'),
    kubernetesVersion: vscode.l10n.t('Kubernetes'),
    identity: vscode.l10n.t('Identity'),
    keyId: vscode.l10n.t('Key ID'),
    keyVaultResourceId: vscode.l10n.t('Key vault'),
    networkAccess: vscode.l10n.t('Network access'),
    keyAgeDays: vscode.l10n.t('Key version age (days)'),
    versionStillInUse: vscode.l10n.t('Previous version AKS may still use'),
    warnings: vscode.l10n.t('Key warnings'),
    kmsPolicy: vscode.l10n.t('Azure Policy (KMS)'),
  };
}

export function registerFleetViews(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'aksKms.filterByState', async (given?: unknown) => {
      const config = vscode.workspace.getConfiguration('aksKms');
      const current = config.get<string[]>('stateFilter') ?? [];
      let chosen: string[] | undefined = Array.isArray(given) ? given.filter((v): v is string => STATE_FILTER_VALUES.includes(v as never)) : undefined;
      if (!chosen) {
        const anyState = !current.some(v => (KMS_STATE_FILTER_VALUES as readonly string[]).includes(v));
        const picks = await vscode.window.showQuickPick<vscode.QuickPickItem & { value?: string }>(
          [
            ...KMS_STATE_FILTER_VALUES.map(v => ({ label: stateFilterLabel(v), value: v, picked: anyState || current.includes(v) })),
            { label: vscode.l10n.t('Azure Policy'), kind: vscode.QuickPickItemKind.Separator },
            {
              label: stateFilterLabel(POLICY_NON_COMPLIANT),
              description: vscode.l10n.t('only clusters that the built-in KMS policy reports non-compliant'),
              value: POLICY_NON_COMPLIANT,
              picked: current.includes(POLICY_NON_COMPLIANT),
            },
          ],
          { canPickMany: true, placeHolder: vscode.l10n.t('Show clusters in these states') },
        );
        chosen = picks?.flatMap(p => (p.value ? [p.value] : []));
      }
      if (!chosen) {
        return undefined;
      }
      // Every KMS state chosen is stored as "any state"; the policy condition is kept beside it.
      const value = normalizeStateFilter(chosen);
      await config.update('stateFilter', value, vscode.ConfigurationTarget.Global);
      return value;
    }),

    /** Arguments for automation: a format (`markdown`, `csv`, `json`) and a target file URI; otherwise both are asked. */
    registerCommand(ctx, 'aksKms.exportFleetReport', async (givenFormat?: unknown, givenUri?: unknown) => {
      if (!ctx.account.status.signedIn) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
        return undefined;
      }
      const formats: { label: string; format: ReportFormat; ext: string }[] = [
        { label: 'Markdown', format: 'markdown', ext: 'md' },
        { label: 'CSV', format: 'csv', ext: 'csv' },
        { label: 'JSON', format: 'json', ext: 'json' },
      ];
      const format = formats.find(f => f.format === givenFormat) ?? (await vscode.window.showQuickPick(formats, { placeHolder: vscode.l10n.t('Report format') }));
      if (!format) {
        return undefined;
      }
      const uri = givenUri instanceof vscode.Uri ? givenUri : await vscode.window.showSaveDialog({
        filters: { [format.label]: [format.ext] },
        saveLabel: vscode.l10n.t('Export'),
        defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, `aks-kms-fleet-report.${format.ext}`) : undefined,
      });
      if (!uri) {
        return undefined;
      }
      try {
        const rows = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Building the fleet report…') }, async () => {
          await ctx.tree.ensurePolicyStatesLoaded();
          const names = new Map(ctx.tree.subscriptionNodes.map(s => [s.subscription.subscriptionId.toLowerCase(), s.subscription.displayName]));
          const clusters = ctx.tree.clusterNodes().sort((a, b) => a.facts.subscriptionId.localeCompare(b.facts.subscriptionId) || a.facts.name.localeCompare(b.facts.name));
          return Promise.all(clusters.map(async c => {
            const health = c.facts.kms.key ? (await ctx.tree.loadKeyHealthFor(c)).health?.health : undefined;
            return reportRow(names.get(c.facts.subscriptionId.toLowerCase()) ?? c.facts.subscriptionId, c.facts, kmsStateLabel(c.facts.kms), health, ctx.tree.kmsPolicyOf(c));
          }));
        });
        const text = renderReport(rows, format.format, reportHeaders(), vscode.l10n.t('AKS KMS fleet report ({0})', new Date().toISOString().slice(0, 10)));
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
        ctx.log.info(`Exported the fleet report (${rows.length} clusters, ${format.format}).`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} clusters to {1}.', rows.length, uri.fsPath));
        return { clusters: rows.length, uri: uri.toString() };
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Exporting the fleet report failed: {0}', errorMessage(err)));
        return undefined;
      }
    }),
  ];
}
