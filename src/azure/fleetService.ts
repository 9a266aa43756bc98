/**
 * Loads the fleet: subscriptions, then every cluster's KMS state through one paged Resource Graph query, confirming
 * at the preview api-version only where the index omitted the preview-only field (a list call per subscription with
 * several such clusters, else a GET per cluster), while the next pages load. Also reads a cluster's key versions.
 */
import { clusterFactsFromRow, indexCarriesPreviewFields, reclassifiedFacts } from '../kms/fleet';
import { groupBy } from '../kms/groupBy';
import { ClusterFacts, clusterFactsOf, kmsStateOf } from '../kms/kmsState';
import type { SecurityProfileJson } from '../kms/managedCluster';
import type { KeyVersionInfo } from '../kms/rotation';
import type { AzureContext } from './azureContext';
import { ClusterKeyHealth, KeyHealthOptions, loadKeyHealth, SharedKeyReads } from './keyHealthService';
import { listKeyVersions } from './keyVault';
import { listKeyVersionsFromDataPlane } from './keyVaultData';
import { ManagedClustersAdapter } from './managedClusters';
import type { KmsPolicyState } from '../kms/kmsPolicy';
import { loadKmsPolicyStates } from './policyStates';
import { queryFleet } from './resourceGraph';
import { listSubscriptions, SubscriptionInfo } from './subscriptions';

/**
 * Confirmations in flight. Bounded so a fleet of thousands of "unknown" clusters cannot flood ARM, which throttles
 * reads per subscription (a bucket of ~250, refilled at ~25/s): most confirmations are list calls, one per
 * subscription, and GETs are left only for subscriptions with a few unknown clusters, so 32 at once (mostly in
 * different subscriptions) stays far below that. (test/bench, 10,000 clusters in 200 subscriptions, 50 ms per
 * request, index without the field: a GET per cluster, 8 at a time after the last page, 48 s; lists while the pages
 * load, 16 at a time 1.05–1.18 s, 32 at a time 0.83 s.)
 */
const CONFIRM_CONCURRENCY = 32;
/**
 * A subscription with at least this many unconfirmed clusters is confirmed with one list call at the preview
 * api-version (one round trip per ARM page, ~100 clusters) instead of a GET per cluster: with 50 clusters per
 * subscription that is 1 request instead of ~32.
 */
const LIST_CONFIRM_MIN_UNKNOWN = 4;
/** Clusters per ARM list page, for the estimate "a list costs fewer round trips than the GETs" (ARM pages of ~100). */
const ARM_LIST_PAGE_ESTIMATE = 100;

export interface FleetLoadCallbacks {
  /** Clusters that are new or whose facts changed (e.g. an "unknown" state confirmed by a GET). */
  onClusters(clusters: ClusterFacts[]): void;
}

/**
 * Runs tasks at most `limit` at a time; waiting tasks start lowest `priority` first, in the order added among equals.
 * (Hand-written: p-limit and its kin queue strictly first in, first out.)
 */
function priorityLimiter(limit: number): <T>(task: () => Promise<T>, priority: number) => Promise<T> {
  let active = 0;
  const waiting: { priority: number; run: () => void }[] = [];
  return (task, priority) => new Promise((resolve, reject) => {
    const run = () => {
      active++;
      task().then(resolve, reject).finally(() => {
        active--;
        waiting.shift()?.run();
      });
    };
    if (active < limit) {
      run();
    } else {
      const at = waiting.findIndex(w => w.priority > priority);
      waiting.splice(at < 0 ? waiting.length : at, 0, { priority, run });
    }
  });
}

/** Where the clusters of the last subscription of `facts` begin (Resource Graph orders rows by id, so by subscription). */
function lastSubscriptionStart(facts: readonly ClusterFacts[]): number {
  const last = facts[facts.length - 1]?.subscriptionId.toLowerCase();
  let i = facts.length;
  while (i > 0 && facts[i - 1].subscriptionId.toLowerCase() === last) {
    i--;
  }
  return i;
}

type ConfirmationWork = { kind: 'get'; subscriptionId: string; facts: ClusterFacts } | { kind: 'list'; subscriptionId: string; ids: Set<string> };

/** An unknown cluster's facts with its lower-case id (what list pages are matched by), worked out once. */
type KeyedFacts = readonly [lowerCaseId: string, facts: ClusterFacts];

/** Per subscription, the cheaper way to confirm its unknown clusters: a GET each, or one (paged) list of them all. */
function confirmationWork(all: readonly ClusterFacts[], unknown: readonly KeyedFacts[]): ConfirmationWork[] {
  const total = new Map<string, number>();
  for (const f of all) {
    total.set(f.subscriptionId.toLowerCase(), (total.get(f.subscriptionId.toLowerCase()) ?? 0) + 1);
  }
  const bySubscription = groupBy(unknown, ([, f]) => f.subscriptionId.toLowerCase());
  return [...bySubscription].flatMap(([key, clusters]): ConfirmationWork[] => {
    const listPages = Math.ceil((total.get(key) ?? clusters.length) / ARM_LIST_PAGE_ESTIMATE);
    return clusters.length >= LIST_CONFIRM_MIN_UNKNOWN && listPages < clusters.length
      ? [{ kind: 'list', subscriptionId: clusters[0][1].subscriptionId, ids: new Set(clusters.map(([id]) => id)) }]
      : clusters.map(([, facts]) => ({ kind: 'get' as const, subscriptionId: facts.subscriptionId, facts }));
  });
}

export class FleetService {
  readonly clusters: ManagedClustersAdapter;
  /** Keys read for one cluster serve every other cluster on the same key, for this service's lifetime. */
  private readonly keyReads = new SharedKeyReads();

  constructor(private readonly ctx: AzureContext, managedClustersApiVersion?: string) {
    this.clusters = new ManagedClustersAdapter(ctx, managedClustersApiVersion);
  }

  /** The KMS policy's compliance state per cluster (lower-case id), where the policy is assigned. */
  kmsPolicyStates(subscriptionIds: readonly string[], signal?: AbortSignal): Promise<Map<string, KmsPolicyState>> {
    return loadKmsPolicyStates(this.ctx, subscriptionIds, signal);
  }

  listSubscriptions(signal?: AbortSignal): Promise<SubscriptionInfo[]> {
    return listSubscriptions(this.ctx, signal);
  }

  /**
   * Every cluster of the subscriptions, reported through `callbacks` as pages arrive. Pass the subscriptions in the
   * order the user sees them: when the index lacks the preview field, their clusters are confirmed in that order.
   */
  async loadClusters(subscriptionIds: readonly string[], callbacks: FleetLoadCallbacks, signal?: AbortSignal): Promise<ClusterFacts[]> {
    /** Each row's facts as reported (computed once: 10,000 rows cost ~30 ms a pass). */
    const reported: ClusterFacts[] = [];
    /**
     * The security profiles of the rows reported before any page showed the preview field, parallel to `reported`:
     * all that reclassifiedFacts needs. The rows themselves are let go page by page, so the garbage collector does not
     * carry ten thousand parsed rows through every collection of the load (test/bench, omit-field row beside a busy
     * process, the old and the new code alternating in one process: median 1.12 s → 1.03 s).
     */
    const unsureProfiles: (SecurityProfileJson | null | undefined)[] = [];
    let previewFieldsKnown = false;
    const confirm = priorityLimiter(CONFIRM_CONCURRENCY);
    // Subscriptions the user sees first (the caller's order: the tree's) are confirmed first.
    const order = new Map(subscriptionIds.map((id, i) => [id.toLowerCase(), i]));
    const priorityOf = (work: ConfirmationWork) => order.get(work.subscriptionId.toLowerCase()) ?? subscriptionIds.length;
    const confirmations: Promise<void>[] = [];
    /** The confirmed facts of each unknown cluster, by the facts that were reported for it. */
    const confirmedFor = new Map<ClusterFacts, ClusterFacts>();
    /** Rows before this index are complete subscriptions whose confirmation has started (or was not needed). */
    let confirmedUpTo = 0;
    const startConfirming = (end: number) => {
      // Called only while no page has shown the field, so the reported facts are the ones read without it.
      const facts = reported.slice(confirmedUpTo, end);
      confirmedUpTo = end;
      const unknown = facts.filter(f => f.kms.kind === 'unknown').map((f): KeyedFacts => [f.id.toLowerCase(), f]);
      const works = confirmationWork(facts, unknown).sort((a, b) => priorityOf(a) - priorityOf(b));
      const byId = new Map(unknown);
      for (const work of works) {
        const confirmation = confirm(async () => {
          // A list confirms with the clusters' encryption settings; the rest of their facts are the index's, as for
          // every cluster the index could classify.
          const full: ClusterFacts[] = [];
          if (work.kind === 'get') {
            full.push(clusterFactsOf(await this.clusters.get(work.facts.id, signal)));
            confirmedFor.set(work.facts, full[0]);
          } else {
            for (const e of await this.clusters.listEncryption(work.subscriptionId, work.ids, signal)) {
              const row = byId.get(e.id);
              if (row) {
                full.push({ ...row, kms: kmsStateOf(e.securityProfile, true) });
                confirmedFor.set(row, full[full.length - 1]);
              }
            }
          }
          callbacks.onClusters(full);
        }, priorityOf(work));
        confirmation.catch(() => undefined); // awaited below; never an unhandled rejection while pages still load
        confirmations.push(confirmation);
      }
    };
    await queryFleet(this.ctx, subscriptionIds, page => {
      previewFieldsKnown ||= indexCarriesPreviewFields(page);
      const pageFacts = page.map(r => clusterFactsFromRow(r, previewFieldsKnown));
      reported.push(...pageFacts);
      callbacks.onClusters(pageFacts);
      if (!previewFieldsKnown) {
        unsureProfiles.push(...page.map(r => r.securityProfile));
        // Every subscription but the page's last is complete: confirm its unknown clusters while the next pages load.
        startConfirming(lastSubscriptionStart(reported));
      }
    }, signal);
    if (!previewFieldsKnown) {
      startConfirming(reported.length);
    }

    // A later page may have shown that the index carries the field: classify again the rows that arrived before
    // (confirmations already under way then only repeat what the rows say), and report only what changed.
    let facts = reported;
    if (previewFieldsKnown && unsureProfiles.length) {
      const again = reclassifiedFacts(reported, unsureProfiles);
      facts = again.facts;
      if (again.changed.length) {
        callbacks.onClusters(again.changed);
      }
    }

    await Promise.all(confirmations);
    if (confirmedFor.size) {
      // Only unknown clusters were confirmed, and each is still its reported facts (a row reclassified since then is
      // known, and already says what its confirmation says).
      facts = facts.map(f => (f.kms.kind === 'unknown' ? confirmedFor.get(f) ?? f : f));
    }
    return facts;
  }

  /** A cluster's full facts from a GET at the preview api-version (used on expand and before any action). */
  async getCluster(clusterId: string, signal?: AbortSignal): Promise<ClusterFacts> {
    return clusterFactsOf(await this.clusters.get(clusterId, signal));
  }

  /**
   * The key's versions: through ARM when the vault's resource ID is known (works behind a firewall), else through
   * the data plane at the key ID's vault URL.
   */
  async keyVersions(facts: ClusterFacts, signal?: AbortSignal): Promise<KeyVersionInfo[]> {
    const key = facts.kms.key;
    if (!key) {
      return [];
    }
    if (facts.kms.keyVaultResourceId) {
      return listKeyVersions(this.ctx, facts.kms.keyVaultResourceId, key.name, signal);
    }
    return listKeyVersionsFromDataPlane(this.ctx, key.vaultUrl, key.name, signal);
  }

  /**
   * Versions, rotation policy, vault facts and the warnings about them (keyHealthService); undefined without a
   * customer-managed key. A key is read once per service, however many clusters use it: make a new service to re-read.
   */
  keyHealth(facts: ClusterFacts, options?: KeyHealthOptions, signal?: AbortSignal): Promise<ClusterKeyHealth | undefined> {
    return loadKeyHealth(this.ctx, facts, options, signal, this.keyReads);
  }

  /**
   * Before the key health of many clusters: reads the vaults of their subscriptions in one Resource Graph query, so
   * each key costs its two key reads and no vault read (SharedKeyReads.indexVaults).
   */
  indexVaults(subscriptionIds: readonly string[], signal?: AbortSignal): void {
    this.keyReads.indexVaults(this.ctx, subscriptionIds, signal);
  }
}
