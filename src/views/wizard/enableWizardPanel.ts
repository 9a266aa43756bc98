/**
 * Hosts the CMK wizard webview for one cluster: answers the webview's validated messages by reading facts, running
 * preflight, showing the plan, and running it with live progress (also in the "AKS KMS" output channel).
 */
import * as vscode from 'vscode';
import type { AzureContext } from '../../azure/azureContext';
import type { PreparedEnable } from '../../azure/enableFlow';
import { azureSdk } from '../../azure/lazySdk';
import type { ManagedClustersAdapter } from '../../azure/managedClusters';
import type { CmkConfig } from '../../kms/enable/config';
import { legacyMigrationDefaults, secretsRewriteFollowUp, SecretsRewriteFollowUp } from '../../kms/enable/legacyMigration';
import type { ClusterFacts } from '../../kms/kmsState';
import type { HostToWebview, WebviewToHost, WizardForm } from '../../webview/protocol';
import { parseWebviewMessage } from '../../webview/protocol';
import { errorMessage } from '../fleetTree';
import { openIac } from '../iacDocument';
import { identityLabel, kmsStateLabel } from '../labels';
import type { Log } from '../log';
import type { PlanJournalStore } from '../planJournalStore';
import type { Telemetry } from '../telemetry';
import { stepDescription, stepTitle } from '../stepTitles';
import { webviewRoots, wizardHtml } from './webviewHtml';

export interface WizardDependencies {
  readonly extensionUri: vscode.Uri;
  readonly azure: AzureContext;
  readonly managedClustersApiVersion?: string;
  readonly log: Log;
  readonly telemetry: Telemetry;
  readonly journal: PlanJournalStore;
  /** Called when a run ends, so the tree can re-read the cluster. */
  onFinished(clusterId: string): void;
}

export class EnableWizardPanel implements vscode.Disposable {
  private static readonly open = new Map<string, EnableWizardPanel>();
  private readonly posted = new vscode.EventEmitter<HostToWebview>();
  /** Every message sent to the webview (the wizard's observable state, e.g. for an accessibility mirror or tests). */
  readonly onDidPost = this.posted.event;
  private adapter?: Promise<ManagedClustersAdapter>;
  private prepared?: PreparedEnable;
  private running?: AbortController;
  /** The follow-up shown on the result page; kept here so "copy" copies the host's text, never the webview's. */
  private followUp?: SecretsRewriteFollowUp;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens (or reveals) the wizard for a cluster. */
  static show(deps: WizardDependencies, cluster: ClusterFacts): EnableWizardPanel {
    const existing = EnableWizardPanel.open.get(cluster.id.toLowerCase());
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel('aksKms.enableCmk', vscode.l10n.t('Enable KMS (CMK): {0}', cluster.name), vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: webviewRoots(deps.extensionUri),
    });
    const wizard = new EnableWizardPanel(panel, deps, cluster);
    EnableWizardPanel.open.set(cluster.id.toLowerCase(), wizard);
    return wizard;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: WizardDependencies, private cluster: ClusterFacts) {
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.html = wizardHtml(panel.webview, deps.extensionUri, panel.title);
    this.disposables.push(
      this.posted,
      panel.webview.onDidReceiveMessage(m => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Handles one message from the webview; anything that fails validation is rejected and logged. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`Rejected a message from the CMK wizard webview: ${parsed.error}`);
      return;
    }
    try {
      await this.handle(parsed.value);
    } catch (err) {
      this.deps.log.error(`CMK wizard: ${errorMessage(err)}`);
      this.post({ type: 'error', message: errorMessage(err) });
    }
  }

  private async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
      case 'check':
        return this.check(m.form);
      case 'run':
        return this.run(m.form);
      case 'cancel':
        this.running?.abort();
        return;
      case 'copyScript':
        if (this.prepared?.script) {
          await vscode.env.clipboard.writeText(this.prepared.script);
          void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the Azure CLI script'), 3000);
        }
        return;
      case 'exportIac':
        // The plan as checked (the same preview the page shows), never the webview's copy of it.
        if (this.prepared && !this.prepared.blocked) {
          await openIac(this.prepared, this.prepared.facts?.cluster.name ?? 'cluster');
        }
        return;
      case 'copyFollowUp':
        if (this.followUp) {
          await vscode.env.clipboard.writeText(this.followUp.command);
          void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the command'), 3000);
        }
        return;
      case 'close':
        this.panel.dispose();
        return;
    }
  }

  private clusters(): Promise<ManagedClustersAdapter> {
    this.adapter ??= azureSdk().then(sdk => new sdk.ManagedClustersAdapter(this.deps.azure, this.deps.managedClustersApiVersion));
    return this.adapter;
  }

  private async sendInit(): Promise<void> {
    const c = this.cluster;
    const { listIdentities, listVaults } = await azureSdk();
    const [vaults, identities, full] = await Promise.all([
      listVaults(this.deps.azure, c.subscriptionId).catch(() => []),
      listIdentities(this.deps.azure, c.subscriptionId).catch(() => []),
      (await this.clusters()).get(c.id),
    ]);
    const location = full.location ?? c.location ?? '';
    const currentIdentity = c.userAssignedIdentityIds[0];
    // A legacy cluster moves to the new experience with its own vault and key, so those are prefilled.
    const legacy = c.kms.kind === 'legacy' ? legacyMigrationDefaults(c, vaults) : undefined;
    const defaults: WizardForm = legacy?.ok
      ? { networkAccess: legacy.config.networkAccess, vault: legacy.config.vault, key: legacy.config.key, identity: legacy.config.identity, enablePurgeProtection: legacy.config.enablePurgeProtection ?? true }
      : {
          networkAccess: c.kms.keyVaultNetworkAccess ?? 'Public',
          vault: { kind: 'new', name: defaultVaultName(c.name), resourceGroup: c.resourceGroup, location },
          key: { kind: 'new', name: 'aks-kms' },
          identity: currentIdentity ? { kind: 'existing', id: currentIdentity } : { kind: 'new', name: `id-${c.name}-kms`, resourceGroup: c.resourceGroup, location },
          enablePurgeProtection: true,
        };
    if (legacy && !legacy.ok) {
      this.deps.log.warn(`Move ${c.name} to the new KMS experience: ${legacy.reason}`);
    }
    this.post({
      type: 'init',
      cluster: {
        id: c.id, name: c.name, resourceGroup: c.resourceGroup, location, kubernetesVersion: c.kubernetesVersion ?? '?',
        stateLabel: kmsStateLabel(c.kms), identityLabel: identityLabel(c),
      },
      defaults,
      vaults: vaults.map(v => ({ id: v.id, label: v.name, description: v.location })),
      identities: identities.map(i => ({ id: i.id, label: i.name, description: i.id.split('/')[4] })),
      l10n: vscode.l10n.bundle,
    });
  }

  private config(form: WizardForm): CmkConfig {
    return { kind: 'cmk', clusterId: this.cluster.id, ...form };
  }

  private async check(form: WizardForm): Promise<void> {
    this.post({ type: 'checking' });
    this.prepared = await (await azureSdk()).prepareEnable(this.deps.azure, await this.clusters(), this.config(form));
    const p = this.prepared;
    this.post({
      type: 'checked',
      findings: p.findings.map(f => ({ code: f.code, severity: f.severity, message: f.message })),
      steps: (p.plan?.preview ?? []).map(s => ({ id: s.id, title: stepTitle(s.id), description: stepDescription(s.id), alreadyDone: s.alreadyDone, irreversible: s.irreversible })),
      script: p.script ?? '',
      blocked: p.blocked,
    });
  }

  private async run(form: WizardForm): Promise<void> {
    if (this.running) {
      return;
    }
    // Facts may have changed since the check: read them again and re-run every rule before the first write.
    this.prepared = await (await azureSdk()).prepareEnable(this.deps.azure, await this.clusters(), this.config(form));
    if (this.prepared.blocked) {
      const errors = this.prepared.findings.filter(f => f.severity === 'error');
      this.deps.telemetry.send({ name: 'flow', flow: 'enableCmk', outcome: 'blocked', findingCodes: errors.map(f => f.code) });
      this.post({ type: 'finished', status: 'failed', message: errors.map(f => f.message).join(' ') });
      return;
    }
    const started = Date.now();
    const log = this.deps.log;
    // Legacy if the cluster was legacy when the wizard opened or when the run re-read it: either way Secrets written
    // before may still be encrypted with the legacy key (someone else may have moved it in between).
    const kindBefore = this.cluster.kms.kind === 'legacy' ? 'legacy' : this.prepared.facts?.cluster.kms.kind;
    log.info(`Enable CMK on ${this.cluster.name}: starting (${this.prepared.plan?.steps.length} steps).`);
    this.running = new AbortController();
    try {
      const outcome = await this.deps.journal.run(this.cluster.name, await this.clusters(), this.prepared, e => {
        this.post({ type: 'step', stepId: e.stepId, status: e.status, message: e.message });
        log.info(`[${this.cluster.name}] ${stepTitle(e.stepId)}: ${e.status}${e.message ? ` — ${e.message}` : ''}`);
      }, this.running.signal);
      const r = outcome.result;
      const message = r.status === 'failed' ? vscode.l10n.t('Step "{0}" failed: {1}', stepTitle(r.failedStep ?? ''), errorMessage(r.error)) : undefined;
      log.info(`Enable CMK on ${this.cluster.name}: ${r.status}.`);
      this.followUp = secretsRewriteFollowUp({ flow: 'cmk', kindBefore, updateCluster: r.steps.updateCluster });
      if (this.followUp) {
        log.warn(`[${this.cluster.name}] ${this.followUp.message} ${this.followUp.command}`);
      }
      this.deps.telemetry.send({ name: 'flow', flow: 'enableCmk', outcome: r.status, failedStep: r.failedStep, networkAccess: form.networkAccess, durationMs: Date.now() - started });
      this.post({
        type: 'finished', status: r.status, message, securityProfile: JSON.stringify(outcome.securityProfile ?? null, null, 2),
        ...(this.followUp ? { followUp: { message: this.followUp.message, command: this.followUp.command } } : {}),
      });
    } finally {
      this.running = undefined;
      this.deps.onFinished(this.cluster.id);
    }
  }

  private post(message: HostToWebview): void {
    this.posted.fire(message);
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.running?.abort();
    EnableWizardPanel.open.delete(this.cluster.id.toLowerCase());
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/** `kv-<cluster>` made into a valid vault name (3–24 letters, digits, hyphens; no `--`; ends alphanumeric). */
export function defaultVaultName(clusterName: string): string {
  const base = `kv-${clusterName}`.replace(/[^A-Za-z0-9-]/g, '').replace(/-+/g, '-').slice(0, 24).replace(/-+$/, '');
  return base.length >= 3 ? base : `kv-${base}aks`.slice(0, 24);
}
