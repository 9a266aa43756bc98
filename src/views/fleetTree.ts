/**
 * The "AKS KMS" tree: [directories →] subscriptions → clusters → detail rows. Directories (tenants) appear when the
 * signed-in accounts reach more than one. Clusters come from one paged Resource Graph query per directory
 * (subscriptions fill in as their rows arrive); a cluster's full GET and key versions are read only when it is
 * expanded or hovered, then cached until Refresh.
 */
import * as vscode from 'vscode';
import { managedClustersApiVersion, stateFilter } from './settings';
import type { AzureAccount } from '../azure/account';
import type { FleetService } from '../azure/fleetService';
import { azureSdk } from '../azure/lazySdk';
import type { DirectoryListing } from '../azure/directories';
import type { SubscriptionInfo } from '../azure/subscriptions';
import { clusterContextValue } from '../kms/contextValue';
import { groupBy } from '../kms/groupBy';
import { clusterKeyRef, keyReadId } from '../kms/keyActions';
import type { KmsPolicyState } from '../kms/kmsPolicy';
import type { BatchItemStatus } from '../kms/bulk/batch';
import type { ClusterFacts } from '../kms/kmsState';
import { mapWithConcurrency } from '../kms/concurrency';
import { passesStateFilter, POLICY_NON_COMPLIANT } from '../kms/stateFilter';
import { clusterDetailRows, clusterHover, KeyHealthResult, worstKeyWarning } from './clusterDetails';
import { batchStatusIcon, batchStatusLabel, kmsStateIcon, kmsStateLabel } from './labels';
import type { Log } from './log';
import type { PlanJournalStore } from './planJournalStore';
import { isSubscriptionSelected } from '../kms/subscriptionFilter';
import { sharedSubscriptionFilter } from './subscriptionFilter';
import type { ClusterNode, DetailNode, DirectoryNode, FleetNode, MessageNode, SubscriptionNode } from './treeNodes';

/**
 * Distinct keys read at once after listing (each is 2–3 sequential calls, so the round trips set the pace). ARM
 * throttles reads per subscription and principal (a bucket of 250, refilled at 25 per second: "Understand how Azure
 * Resource Manager throttles requests"); keys usually live in different subscriptions' vaults, and even 16 keys of one
 * subscription at once stay within its bucket.
 */
const KEY_HEALTH_CONCURRENCY = 16;
/** Key-health rows arriving within this long are redrawn in one tree event (a tenth of a second reads as at once). */
const REDRAW_BATCH_MS = 100;

type LoadState = { phase: 'idle' } | { phase: 'loading' } | { phase: 'loaded' } | { phase: 'failed'; message: string };

export class FleetTreeProvider implements vscode.TreeDataProvider<FleetNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FleetNode | FleetNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Rows whose key health arrived and that wait for the next redraw (see `redrawSoon`). */
  private readonly pendingRedraw = new Set<ClusterNode>();
  private redrawTimer?: ReturnType<typeof setTimeout>;

  private directories: DirectoryNode[] = [];
  private listing: DirectoryListing[] = [];
  private subscriptions: SubscriptionNode[] = [];
  /** Directory (lower case) → why listing its clusters failed. */
  private readonly directoryErrors = new Map<string, string>();
  private readonly clustersBySubscription = new Map<string, Map<string, ClusterNode>>();
  private readonly keyHealth = new Map<string, Promise<KeyHealthResult>>();
  /** Settled key health, so items can show a warning colour without awaiting. */
  private readonly keyHealthSettled = new Map<string, KeyHealthResult>();
  /**
   * `aksKms.maxKeyAgeDays` as of this load: read once, not once per key (a large fleet's key health read the setting
   * ~3,500 times). Like the key health itself, it is read again on Refresh.
   */
  private maxKeyAgeDays: { value: number | undefined } | undefined;
  private readonly fullFacts = new Map<string, Promise<ClusterFacts>>();
  /** The built-in KMS policy's state per cluster (lower-case id), where it is assigned. */
  private readonly kmsPolicyStates = new Map<string, KmsPolicyState>();
  /** A running batch's progress per cluster (lower-case id), shown on the cluster's own row until the batch ends. */
  private readonly batchProgress = new Map<string, { status: BatchItemStatus; message?: string }>();
  /** This load's reads of the policy states (one per directory), for callers that need them complete. */
  private kmsPolicyLoads: Promise<void>[] = [];
  private state: LoadState = { phase: 'idle' };
  private generation = 0;
  private loading?: Promise<void>;
  /** One service per directory per load (keyed by tenant id, lower case): each reads with its directory's token. */
  private readonly fleetServices = new Map<string, Promise<FleetService>>();

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
    this.pendingRedraw.clear();
    this.directories = [];
    this.listing = [];
    this.directoryErrors.clear();
    this.subscriptions = [];
    this.clustersBySubscription.clear();
    this.keyHealth.clear();
    this.keyHealthSettled.clear();
    this.maxKeyAgeDays = undefined;
    this.fullFacts.clear();
    this.kmsPolicyStates.clear();
    this.kmsPolicyLoads = [];
    this.fleetServices.clear();
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
   * One service per directory per load, so clusters sharing a key share its reads until Refresh
   * (FleetService.keyHealth). The Azure SDK bundle loads on the first call (lazySdk.ts). Undefined while signed out.
   */
  private service(subscriptionId: string): Promise<FleetService | undefined> {
    const ctx = this.account.contextForSubscription(subscriptionId);
    if (!ctx) {
      return Promise.resolve(undefined);
    }
    const key = (ctx.tenantId ?? '').toLowerCase();
    let service = this.fleetServices.get(key);
    if (!service) {
      service = azureSdk().then(sdk => new sdk.FleetService(ctx, managedClustersApiVersion()));
      this.fleetServices.set(key, service);
    }
    return service;
  }

  private async listDirectories(): Promise<DirectoryListing[]> {
    const sdk = await azureSdk();
    const home = this.account.context;
    if (this.account.authenticationMode === 'azureCli') {
      return home ? sdk.listCliDirectory(home) : [];
    }
    return sdk.listDirectories();
  }

  private async load(generation: number): Promise<void> {
    if (!this.account.context) {
      return;
    }
    this.state = { phase: 'loading' };
    const started = Date.now();
    try {
      const directories = await this.listDirectories();
      if (generation !== this.generation) {
        return;
      }
      this.account.rememberDirectories(directories);
      this.listing = directories;
      const filter = sharedSubscriptionFilter();
      const visible = directories.map(d => ({ directory: d, subscriptions: d.subscriptions.filter(s => isSubscriptionSelected(filter, s.subscriptionId)) }));
      const all = directories.reduce((n, d) => n + d.subscriptions.length, 0);
      // A directory shows when it has something to show: selected subscriptions, a sign-in to ask for, or an error.
      this.directories = visible.filter(v => v.subscriptions.length || v.directory.state !== 'signedIn').map(v => ({ kind: 'directory', directory: v.directory }));
      this.subscriptions = visible.flatMap(v => v.subscriptions.map(subscription => ({ kind: 'subscription' as const, subscription: { ...subscription, tenantId: v.directory.tenantId } })));
      this.changed.fire(undefined);
      await Promise.all(visible.filter(v => v.subscriptions.length).map(async v => {
        const service = await this.service(v.subscriptions[0].subscriptionId);
        // The vaults' facts in one query while the clusters are listed, for the key health that follows.
        service?.indexVaults(v.subscriptions.map(s => s.subscriptionId));
        try {
          await service?.loadClusters(v.subscriptions.map(s => s.subscriptionId), {
            onClusters: clusters => {
              if (generation === this.generation) {
                this.addClusters(clusters);
              }
            },
          });
          this.kmsPolicyLoads.push(this.loadKmsPolicyStates(service, v.subscriptions.map(s => s.subscriptionId), generation));
        } catch (err) {
          if (visible.length === 1) {
            throw err;
          }
          // One directory failing never hides the others.
          this.directoryErrors.set(v.directory.tenantId.toLowerCase(), errorMessage(err));
          this.log.error(`Listing the clusters of directory ${v.directory.displayName} failed: ${errorMessage(err)}`);
        }
      }));
      if (generation !== this.generation) {
        return;
      }
      this.state = { phase: 'loaded' };
      const count = [...this.clustersBySubscription.values()].reduce((n, m) => n + m.size, 0);
      this.log.info(`Listed ${count} clusters in ${this.subscriptions.length} of ${all} subscriptions in ${directories.length} directories in ${Date.now() - started} ms.`);
      this.redrawAfterLoad();
      void this.loadKeyHealthInBackground(generation);
      return;
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
        // Confirmed facts may name another key (or one at last): the health read for the old facts no longer holds.
        this.keyHealth.delete(facts.id.toLowerCase());
        this.keyHealthSettled.delete(facts.id.toLowerCase());
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
   * clusters are redrawn together. (Reading keys while the listing still runs was measured too: the tree filled
   * later and the warnings came no sooner, both processes sharing the same CPU — test/bench, scenario 4.)
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
        // A row changes only with a warning (icon colour, context value); hovers and detail rows wait for the key
        // health themselves. Most of a healthy fleet's thousands of rows need no round trip to the workbench.
        this.redrawSoon(nodes.filter(node => worstKeyWarning(this.keyHealthOf(node))));
      }
    });
  }

  /**
   * The rows that said "loading" change when the load ends: each subscription without clusters, and the root when
   * there is no subscription or a directory's clusters could not be listed. A subscription with clusters was redrawn
   * when they arrived (addClusters); redrawing the root would make the workbench fetch every row again — ten
   * thousand on a large fleet, in the same thread as the key reads (test/bench, scenario 4).
   */
  private redrawAfterLoad(): void {
    if (!this.subscriptions.length || this.directoryErrors.size) {
      this.changed.fire(undefined);
      return;
    }
    const empty = this.subscriptions.filter(s => !this.clustersBySubscription.get(s.subscription.subscriptionId.toLowerCase())?.size);
    if (empty.length) {
      this.changed.fire(empty);
    }
  }

  /**
   * Key health arrives key by key (hundreds of events on a large fleet); each tree event is a round trip to the
   * workbench that re-renders the rows, so rows are redrawn together at most every REDRAW_BATCH_MS.
   */
  private redrawSoon(nodes: readonly ClusterNode[]): void {
    if (!nodes.length) {
      return;
    }
    nodes.forEach(n => this.pendingRedraw.add(n));
    this.redrawTimer ??= setTimeout(() => {
      this.redrawTimer = undefined;
      const batch = [...this.pendingRedraw];
      this.pendingRedraw.clear();
      this.changed.fire(batch);
    }, REDRAW_BATCH_MS);
  }

  /** What Azure Policy's KMS policy says of each cluster; a failure (no access to policy states) only loses that row. */
  private async loadKmsPolicyStates(service: FleetService | undefined, subscriptionIds: string[], generation: number): Promise<void> {
    try {
      const states = await service?.kmsPolicyStates(subscriptionIds);
      if (!states || generation !== this.generation) {
        return;
      }
      for (const [id, state] of states) {
        this.kmsPolicyStates.set(id, state);
      }
      // Under the "policy: non-compliant" filter the states decide which clusters show: redraw the lists, not only rows.
      this.changed.fire(stateFilter().includes(POLICY_NON_COMPLIANT) ? undefined : this.clusterNodes().filter(c => states.has(c.facts.id.toLowerCase())));
    } catch (err) {
      this.log.warn(`Reading the Azure Policy states of the KMS policy failed: ${errorMessage(err)}`);
    }
  }

  /** Shows a batch's progress on the cluster's row (undefined: the batch is over, back to the plain row). */
  setBatchProgress(clusterId: string, progress: { status: BatchItemStatus; message?: string } | undefined): void {
    const id = clusterId.toLowerCase();
    if (progress) {
      this.batchProgress.set(id, progress);
    } else {
      this.batchProgress.delete(id);
    }
    const node = this.findCluster(clusterId);
    if (node) {
      this.changed.fire(node);
    }
  }

  batchProgressOf(node: ClusterNode): { status: BatchItemStatus; message?: string } | undefined {
    return this.batchProgress.get(node.facts.id.toLowerCase());
  }

  /** Resolves when the fleet and the KMS policy's states are read (a failed policy read is logged, never thrown). */
  async ensurePolicyStatesLoaded(): Promise<void> {
    await this.ensureLoaded();
    await Promise.all(this.kmsPolicyLoads);
  }

  /** The built-in KMS policy's state of a cluster; undefined where it is not assigned (or not read yet). */
  kmsPolicyOf(node: ClusterNode): KmsPolicyState | undefined {
    return this.kmsPolicyStates.get(node.facts.id.toLowerCase());
  }

  /** Re-renders from what is loaded (e.g. after the state filter changed); reads nothing from Azure. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  // ---- queries used by commands and tests ----

  get subscriptionNodes(): readonly SubscriptionNode[] {
    return this.subscriptions;
  }

  /** Every directory of the last listing, shown or not (for pickers). */
  get listedDirectories(): readonly DirectoryListing[] {
    return this.listing;
  }

  /** The directories the tree shows (empty until listed). */
  get directoryNodes(): readonly DirectoryNode[] {
    return this.directories;
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
      case 'directory':
        return directoryItem(node);
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
    if (node.kind === 'directory') {
      return this.directoryChildren(node.directory);
    }
    if (node.kind === 'subscription') {
      const all = [...(this.clustersBySubscription.get(node.subscription.subscriptionId.toLowerCase())?.values() ?? [])];
      const filter = stateFilter();
      const clusters = all.filter(c => passesStateFilter(c.facts, filter, this.kmsPolicyOf(c)));
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
    if (node.kind === 'subscription' && this.groupsByDirectory()) {
      return this.directories.find(d => d.directory.tenantId.toLowerCase() === node.subscription.tenantId?.toLowerCase());
    }
    return undefined;
  }

  /**
   * Directories are a level of their own when the account reaches more than one, even if the filter leaves one
   * shown: its subscriptions still say which directory they are in.
   */
  private groupsByDirectory(): boolean {
    return this.listing.length > 1;
  }

  private directoryChildren(directory: DirectoryListing): FleetNode[] {
    const tenant = directory.tenantId.toLowerCase();
    if (directory.state === 'needsSignIn') {
      return [{
        ...message(`${tenant}/sign-in`, vscode.l10n.t('Sign in to {0}…', directory.displayName), 'sign-in',
          { command: 'aksKms.signInToDirectory', title: vscode.l10n.t('Sign In to Directory…'), arguments: [directory.tenantId] }),
        tooltip: vscode.l10n.t('{0} asks for its own sign-in (such as multifactor authentication) before it hands out a token.', directory.displayName),
      }];
    }
    if (directory.state === 'failed') {
      return [message(`${tenant}/failed`, vscode.l10n.t('Could not list the subscriptions of {0}: {1}', directory.displayName, directory.error ?? ''), 'error',
        { command: 'aksKms.refresh', title: vscode.l10n.t('Refresh') })];
    }
    const clusterError = this.directoryErrors.get(tenant);
    const subscriptions = this.subscriptions.filter(s => s.subscription.tenantId?.toLowerCase() === tenant);
    return clusterError
      ? [message(`${tenant}/clusters-failed`, vscode.l10n.t('Could not list clusters: {0}', clusterError), 'error', { command: 'aksKms.refresh', title: vscode.l10n.t('Refresh') }), ...subscriptions]
      : subscriptions;
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
    return clusterHover(node.facts, keys, this.now(), this.kmsPolicyOf(node));
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
      const setting = this.account.authenticationMode === 'azureCli' ? 'aksKms.authentication' : 'microsoft-sovereign-cloud';
      return status.problems.map((p, i) => message(`problem/${i}`, p, 'error', { command: 'workbench.action.openSettings', title: vscode.l10n.t('Open Settings'), arguments: [setting] }));
    }
    if (!status.signedIn) {
      return []; // the welcome view (package.json viewsWelcome) offers "Sign in to Azure"
    }
    void this.ensureLoaded();
    if (this.state.phase === 'failed') {
      return [message('failed', vscode.l10n.t('Could not list clusters: {0}', this.state.message), 'error', { command: 'aksKms.refresh', title: vscode.l10n.t('Refresh') })];
    }
    if (this.groupsByDirectory() && this.directories.length) {
      return this.directories;
    }
    // One directory: its rows stand at the root, as before there were several.
    const only = this.directories[0];
    if (only && only.directory.state !== 'signedIn') {
      return this.directoryChildren(only.directory);
    }
    if (!this.subscriptions.length) {
      return this.state.phase === 'loaded'
        ? [message('no-subscriptions', vscode.l10n.t('No subscriptions selected. Choose some with "Select Subscriptions…".'), 'filter', { command: 'aksKms.selectSubscriptions', title: vscode.l10n.t('Select Subscriptions…') })]
        : [message('loading', vscode.l10n.t('Loading subscriptions…'), 'loading~spin')];
    }
    return only ? this.directoryChildren(only.directory) : this.subscriptions;
  }

  private async clusterChildren(node: ClusterNode): Promise<FleetNode[]> {
    try {
      node.facts = await this.loadFullFacts(node);
    } catch (err) {
      return [message(`${node.facts.id}/error`, vscode.l10n.t('Could not read the cluster: {0}', errorMessage(err)), 'error')];
    }
    const keys = node.facts.kms.key ? await this.loadKeyHealth(node) : undefined;
    return clusterDetailRows(node.facts, keys, this.now(), this.kmsPolicyOf(node)).map(row => ({ kind: 'detail', cluster: node, row }) satisfies DetailNode);
  }

  private loadFullFacts(node: ClusterNode): Promise<ClusterFacts> {
    const key = node.facts.id.toLowerCase();
    let pending = this.fullFacts.get(key);
    if (!pending) {
      pending = this.service(node.facts.subscriptionId).then(service => (service ? service.getCluster(node.facts.id) : node.facts));
      this.fullFacts.set(key, pending);
      pending.catch(() => this.fullFacts.delete(key));
    }
    return pending;
  }

  private loadKeyHealth(node: ClusterNode): Promise<KeyHealthResult> {
    const key = node.facts.id.toLowerCase();
    let pending = this.keyHealth.get(key);
    if (!pending) {
      this.maxKeyAgeDays ??= { value: vscode.workspace.getConfiguration('aksKms').get<number>('maxKeyAgeDays') };
      const maxAgeDays = this.maxKeyAgeDays.value;
      pending = this.service(node.facts.subscriptionId).then(service =>
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
    const batch = this.batchProgressOf(node);
    if (batch) {
      // During a batch the row says where this cluster is (queued, the running step, done, failed…).
      const label = batchStatusLabel(batch.status);
      // Only the batch's word: the state label would crowd it out of a narrow side bar (the hover still has the state).
      item.description = batch.status === 'running' && batch.message ? batch.message : label;
      item.iconPath = batchStatusIcon(batch.status);
      item.accessibilityInformation = { label: `${node.facts.name}, ${kmsStateLabel(node.facts.kms)}, ${label}` };
    }
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
    clearTimeout(this.redrawTimer);
    this.changed.dispose();
  }
}

function directoryItem(node: DirectoryNode): vscode.TreeItem {
  const d = node.directory;
  const item = new vscode.TreeItem(d.displayName, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `/tenants/${d.tenantId}`;
  item.description = d.state === 'needsSignIn' ? vscode.l10n.t('sign-in required') : d.state === 'failed' ? vscode.l10n.t('could not be listed') : d.defaultDomain;
  item.tooltip = [d.displayName, d.defaultDomain, d.tenantId, d.account?.label].filter(Boolean).join('\n');
  item.iconPath = new vscode.ThemeIcon(d.state === 'signedIn' ? 'organization' : d.state === 'needsSignIn' ? 'lock' : 'error');
  item.contextValue = `directory;${d.state}`;
  return item;
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
    item.command = { command: node.command.command, title: node.command.title, arguments: node.command.arguments ?? (node.command.command === 'workbench.action.openSettings' ? ['aksKms'] : []) };
  }
  return item;
}

function message(id: string, text: string, icon: string, command?: MessageNode['command']): MessageNode {
  return { kind: 'message', id, text, icon, command };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type { SubscriptionInfo };
