/**
 * The "AKS KMS" tree: subscriptions → clusters → detail rows. Clusters come from one paged Resource Graph query
 * (subscriptions fill in as their rows arrive); a cluster's full GET and key versions are read only when it is
 * expanded or hovered, then cached until Refresh.
 */
import * as vscode from 'vscode';
import { managedClustersApiVersion, stateFilter } from './settings';
import type { AzureAccount } from '../azure/account';
import type { FleetService } from '../azure/fleetService';
import { azureSdk } from '../azure/lazySdk';
import type { SubscriptionInfo } from '../azure/subscriptions';
import { clusterContextValue } from '../kms/contextValue';
import { groupBy } from '../kms/groupBy';
import { clusterKeyRef, keyReadId } from '../kms/keyActions';
import type { ClusterFacts } from '../kms/kmsState';
import { mapWithConcurrency } from '../kms/concurrency';
import { passesStateFilter } from '../kms/stateFilter';
import { clusterDetailRows, clusterHover, KeyHealthResult, worstKeyWarning } from './clusterDetails';
import { kmsStateIcon, kmsStateLabel } from './labels';
import type { Log } from './log';
import type { PlanJournalStore } from './planJournalStore';
import type { ClusterNode, DetailNode, FleetNode, MessageNode, SubscriptionNode } from './treeNodes';

/** Distinct keys read at once after listing (each is 2–3 ARM calls). */
const KEY_HEALTH_CONCURRENCY = 4;

type LoadState = { phase: 'idle' } | { phase: 'loading' } | { phase: 'loaded' } | { phase: 'failed'; message: string };

export class FleetTreeProvider implements vscode.TreeDataProvider<FleetNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FleetNode | FleetNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private subscriptions: SubscriptionNode[] = [];
  private readonly clustersBySubscription = new Map<string, Map<string, ClusterNode>>();
  private readonly keyHealth = new Map<string, Promise<KeyHealthResult>>();
  /** Settled key health, so items can show a warning colour without awaiting. */
  private readonly keyHealthSettled = new Map<string, KeyHealthResult>();
  private readonly fullFacts = new Map<string, Promise<ClusterFacts>>();
  private state: LoadState = { phase: 'idle' };
  private generation = 0;
  private loading?: Promise<void>;
  private fleetService?: Promise<FleetService>;

  constructor(
    private readonly account: AzureAccount,
    private readonly log: Log,
    private readonly journal?: PlanJournalStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    journal?.onDidChange(() => this.changed.fire(undefined));
  }

  /** Drops every cache and reloads subscriptions and clusters. Resolves when the fleet is loaded. */
  refresh(): Promise<void> {
    this.generation++;
    this.subscriptions = [];
    this.clustersBySubscription.clear();
    this.keyHealth.clear();
    this.keyHealthSettled.clear();
    this.fullFacts.clear();
    this.fleetService = undefined;
    this.state = { phase: 'idle' };
    this.loading = undefined;
    this.changed.fire(undefined);
    return this.ensureLoaded();
  }

  /** Starts the load once; later callers await the same load. */
  ensureLoaded(): Promise<void> {
    this.loading ??= this.load(this.generation);
    return this.loading;
  }

  /**
   * One service per load, so clusters sharing a key share its reads until Refresh (FleetService.keyHealth). The Azure
   * SDK bundle loads on the first call (lazySdk.ts). Undefined while signed out.
   */
  private service(): Promise<FleetService | undefined> {
    const ctx = this.account.context;
    if (!ctx) {
      return Promise.resolve(undefined);
    }
    this.fleetService ??= azureSdk().then(
      sdk => new sdk.FleetService(ctx, managedClustersApiVersion()),
    );
    return this.fleetService;
  }

  private async load(generation: number): Promise<void> {
    if (!this.account.context) {
      return;
    }
    this.state = { phase: 'loading' };
    const started = Date.now();
    try {
      const service = await this.service();
      if (!service) {
        return;
      }
      const all = await service.listSubscriptions();
      const selected = selectedSubscriptionIds();
      const visible = selected.length ? all.filter(s => selected.includes(s.subscriptionId.toLowerCase())) : all;
      if (generation !== this.generation) {
        return;
      }
      this.subscriptions = visible.map(subscription => ({ kind: 'subscription', subscription }));
      this.changed.fire(undefined);
      await service.loadClusters(visible.map(s => s.subscriptionId), {
        onClusters: clusters => {
          if (generation === this.generation) {
            this.addClusters(clusters);
          }
        },
      });
      if (generation !== this.generation) {
        return;
      }
      this.state = { phase: 'loaded' };
      const count = [...this.clustersBySubscription.values()].reduce((n, m) => n + m.size, 0);
      this.log.info(`Listed ${count} clusters in ${visible.length} of ${all.length} subscriptions in ${Date.now() - started} ms.`);
      void this.loadKeyHealthInBackground(generation);
    } catch (err) {
      if (generation !== this.generation) {
        return;
      }
      const message = errorMessage(err);
      this.state = { phase: 'failed', message };
      this.log.error(`Listing the fleet failed: ${message}`);
    }
    this.changed.fire(undefined);
  }

  private addClusters(clusters: ClusterFacts[]): void {
    const touched = new Set<string>();
    for (const facts of clusters) {
      const key = facts.subscriptionId.toLowerCase();
      let map = this.clustersBySubscription.get(key);
      if (!map) {
        map = new Map();
        this.clustersBySubscription.set(key, map);
      }
      const existing = map.get(facts.id.toLowerCase());
      if (existing) {
        existing.facts = facts;
        this.changed.fire(existing);
      } else {
        map.set(facts.id.toLowerCase(), { kind: 'cluster', facts });
        touched.add(key);
      }
    }
    for (const node of this.subscriptions) {
      if (touched.has(node.subscription.subscriptionId.toLowerCase())) {
        this.changed.fire(node);
      }
    }
  }

  /**
   * Key warnings (too old, expiring, disabled, no purge protection) colour the cluster's icon, so customer-managed
   * keys are checked after listing — a few keys at a time, so ARM is not flooded on a large fleet. Clusters are
   * grouped by key: the reads are shared (FleetService.keyHealth), so the slots go to distinct keys, and each key's
   * clusters are redrawn in one event.
   */
  private async loadKeyHealthInBackground(generation: number): Promise<void> {
    const byKey = groupBy(this.clusterNodes().filter(c => c.facts.kms.key), node => {
      const ref = clusterKeyRef(node.facts);
      return ref ? keyReadId(ref, node.facts.subscriptionId) : node.facts.id.toLowerCase();
    });
    await mapWithConcurrency([...byKey.values()], KEY_HEALTH_CONCURRENCY, async nodes => {
      if (generation !== this.generation) {
        return;
      }
      await Promise.all(nodes.map(node => this.loadKeyHealth(node)));
      if (generation === this.generation) {
        this.changed.fire(nodes);
      }
    });
  }

  /** Re-renders from what is loaded (e.g. after the state filter changed); reads nothing from Azure. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  // ---- queries used by commands and tests ----

  get subscriptionNodes(): readonly SubscriptionNode[] {
    return this.subscriptions;
  }

  clusterNodes(): ClusterNode[] {
    return [...this.clustersBySubscription.values()].flatMap(m => [...m.values()]);
  }

  findCluster(clusterId: string): ClusterNode | undefined {
    return this.clusterNodes().find(c => c.facts.id.toLowerCase() === clusterId.toLowerCase());
  }

  // ---- TreeDataProvider ----

  getTreeItem(node: FleetNode): vscode.TreeItem {
    switch (node.kind) {
      case 'subscription':
        return this.subscriptionItem(node);
      case 'cluster':
        return this.clusterItem(node);
      case 'detail':
        return detailItem(node);
      case 'message':
        return messageItem(node);
    }
  }

  async getChildren(node?: FleetNode): Promise<FleetNode[]> {
    if (!node) {
      return this.rootChildren();
    }
    if (node.kind === 'subscription') {
      const all = [...(this.clustersBySubscription.get(node.subscription.subscriptionId.toLowerCase())?.values() ?? [])];
      const filter = stateFilter();
      const clusters = all.filter(c => passesStateFilter(c.facts, filter));
      if (all.length && !clusters.length) {
        return [message(`${node.subscription.subscriptionId}/filtered`, vscode.l10n.t('No clusters match the state filter ({0} hidden).', all.length), 'filter', { command: 'aksKms.filterByState', title: vscode.l10n.t('Filter by State…') })];
      }
      if (!clusters.length) {
        return [this.state.phase === 'loading' ? message(`${node.subscription.subscriptionId}/loading`, vscode.l10n.t('Loading clusters…'), 'loading~spin') : message(`${node.subscription.subscriptionId}/empty`, vscode.l10n.t('No AKS clusters in this subscription.'), 'info')];
      }
      return clusters.sort((a, b) => a.facts.name.localeCompare(b.facts.name));
    }
    if (node.kind === 'cluster') {
      return this.clusterChildren(node);
    }
    return [];
  }

  getParent(node: FleetNode): FleetNode | undefined {
    if (node.kind === 'detail') {
      return node.cluster;
    }
    if (node.kind === 'cluster') {
      return this.subscriptions.find(s => s.subscription.subscriptionId.toLowerCase() === node.facts.subscriptionId.toLowerCase());
    }
    return undefined;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: FleetNode): Promise<vscode.TreeItem> {
    if (node.kind === 'cluster') {
      item.tooltip = await this.clusterTooltip(node);
    }
    return item;
  }

  /** The cluster's hover: facts plus the key's rotation age and health (read through ARM on first need, then cached). */
  async clusterTooltip(node: ClusterNode): Promise<vscode.MarkdownString> {
    const keys = node.facts.kms.key ? await this.loadKeyHealth(node) : undefined;
    return clusterHover(node.facts, keys, this.now());
  }

  /** Loads (or returns the cached) key health of a cluster, for reports and actions. */
  loadKeyHealthFor(node: ClusterNode): Promise<KeyHealthResult> {
    return this.loadKeyHealth(node);
  }

  /** The key health of a cluster as last loaded (undefined until loaded, or without a customer-managed key). */
  keyHealthOf(node: ClusterNode): KeyHealthResult | undefined {
    return this.keyHealthSettled.get(node.facts.id.toLowerCase());
  }

  private rootChildren(): FleetNode[] {
    const status = this.account.status;
    if (status.problems?.length) {
      return status.problems.map((p, i) => message(`problem/${i}`, p, 'error', { command: 'workbench.action.openSettings', title: 'aksKms' }));
    }
    if (!status.signedIn) {
      return []; // the welcome view (package.json viewsWelcome) offers "Sign in to Azure"
    }
    void this.ensureLoaded();
    if (this.state.phase === 'failed') {
      return [message('failed', vscode.l10n.t('Could not list clusters: {0}', this.state.message), 'error', { command: 'aksKms.refresh', title: vscode.l10n.t('Refresh') })];
    }
    if (!this.subscriptions.length) {
      return this.state.phase === 'loaded'
        ? [message('no-subscriptions', vscode.l10n.t('No subscriptions selected. Choose some with "Select Subscriptions…".'), 'filter', { command: 'aksKms.selectSubscriptions', title: vscode.l10n.t('Select Subscriptions…') })]
        : [message('loading', vscode.l10n.t('Loading subscriptions…'), 'loading~spin')];
    }
    return this.subscriptions;
  }

  private async clusterChildren(node: ClusterNode): Promise<FleetNode[]> {
    try {
      node.facts = await this.loadFullFacts(node);
    } catch (err) {
      return [message(`${node.facts.id}/error`, vscode.l10n.t('Could not read the cluster: {0}', errorMessage(err)), 'error')];
    }
    const keys = node.facts.kms.key ? await this.loadKeyHealth(node) : undefined;
    return clusterDetailRows(node.facts, keys, this.now()).map(row => ({ kind: 'detail', cluster: node, row }) satisfies DetailNode);
  }

  private loadFullFacts(node: ClusterNode): Promise<ClusterFacts> {
    const key = node.facts.id.toLowerCase();
    let pending = this.fullFacts.get(key);
    if (!pending) {
      pending = this.service().then(service => (service ? service.getCluster(node.facts.id) : node.facts));
      this.fullFacts.set(key, pending);
      pending.catch(() => this.fullFacts.delete(key));
    }
    return pending;
  }

  private loadKeyHealth(node: ClusterNode): Promise<KeyHealthResult> {
    const key = node.facts.id.toLowerCase();
    let pending = this.keyHealth.get(key);
    if (!pending) {
      const maxAgeDays = vscode.workspace.getConfiguration('aksKms').get<number>('maxKeyAgeDays');
      pending = this.service().then(service =>
        service
          ? service.keyHealth(node.facts, { maxAgeDays, now: this.now }).then(
              health => ({ health }),
              err => {
                this.log.warn(`Reading the key of ${node.facts.name} failed: ${errorMessage(err)}`);
                return { error: errorMessage(err) };
              },
            )
          : { error: vscode.l10n.t('signed out') },
      );
      pending.then(r => this.keyHealthSettled.set(key, r));
      this.keyHealth.set(key, pending);
    }
    return pending;
  }

  private clusterItem(node: ClusterNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.facts.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.facts.id;
    const unfinished = this.journal?.resumable(node.facts.id);
    item.description = unfinished
      ? vscode.l10n.t('{0} · plan {1}, resumable', kmsStateLabel(node.facts.kms), unfinished.status === 'running' ? vscode.l10n.t('interrupted') : unfinished.status === 'failed' ? vscode.l10n.t('failed') : vscode.l10n.t('cancelled'))
      : kmsStateLabel(node.facts.kms);
    const warning = worstKeyWarning(this.keyHealthOf(node));
    // A key problem recolours the state icon: red for errors (disabled/expired), yellow for warnings.
    item.iconPath = warning
      ? new vscode.ThemeIcon(kmsStateIcon(node.facts.kms).id, new vscode.ThemeColor(warning.severity === 'error' ? 'list.errorForeground' : 'list.warningForeground'))
      : kmsStateIcon(node.facts.kms);
    item.contextValue = clusterContextValue(node.facts) + (warning ? ';keyWarning' : '') + (unfinished ? ';resumable' : '');
    item.accessibilityInformation = { label: `${node.facts.name}, ${kmsStateLabel(node.facts.kms)}${warning ? `, ${warning.message}` : ''}` };
    return item;
  }

  private subscriptionItem(node: SubscriptionNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.subscription.displayName, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `/subscriptions/${node.subscription.subscriptionId}`;
    const clusters = [...(this.clustersBySubscription.get(node.subscription.subscriptionId.toLowerCase())?.values() ?? [])];
    const encrypted = clusters.filter(c => c.facts.kms.kind === 'pmk' || c.facts.kms.kind === 'cmk' || c.facts.kms.kind === 'legacy').length;
    item.description = clusters.length ? vscode.l10n.t('{0} of {1} encrypted', encrypted, clusters.length) : undefined;
    item.tooltip = `${node.subscription.displayName}\n${node.subscription.subscriptionId}`;
    item.iconPath = new vscode.ThemeIcon('azure');
    item.contextValue = 'subscription';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function detailItem(node: DetailNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.row.label, vscode.TreeItemCollapsibleState.None);
  item.id = `${node.cluster.facts.id}/detail/${node.row.key}`;
  item.description = node.row.value;
  item.tooltip = node.row.detail ? `${node.row.label}: ${node.row.detail}` : `${node.row.label}: ${node.row.value}`;
  item.iconPath = node.row.warning
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(node.row.warning === 'error' ? 'list.errorForeground' : 'list.warningForeground'))
    : new vscode.ThemeIcon(node.row.icon);
  item.contextValue = `detail;${node.row.key}`;
  return item;
}

function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
  item.id = `message/${node.id}`;
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.tooltip = node.tooltip ?? node.text;
  item.contextValue = 'message';
  if (node.command) {
    item.command = { command: node.command.command, title: node.command.title, arguments: node.command.command === 'workbench.action.openSettings' ? ['aksKms'] : [] };
  }
  return item;
}

function message(id: string, text: string, icon: string, command?: MessageNode['command']): MessageNode {
  return { kind: 'message', id, text, icon, command };
}

function selectedSubscriptionIds(): string[] {
  return (vscode.workspace.getConfiguration('aksKms').get<string[]>('selectedSubscriptions') ?? []).map(s => s.toLowerCase());
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { SubscriptionInfo };
