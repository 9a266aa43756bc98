/**
 * Loads the fleet: subscriptions, then every cluster's KMS state through one paged Resource Graph query, confirming
 * with per-cluster GETs only where the index omitted the preview-only field. Also reads a cluster's key versions.
 */
import { mapWithConcurrency } from '../kms/concurrency';
import { clusterFactsFromRow, FleetRow, indexCarriesPreviewFields } from '../kms/fleet';
import { ClusterFacts, clusterFactsOf } from '../kms/kmsState';
import type { KeyVersionInfo } from '../kms/rotation';
import type { AzureContext } from './azureContext';
import { ClusterKeyHealth, KeyHealthOptions, loadKeyHealth } from './keyHealthService';
import { listKeyVersions } from './keyVault';
import { listKeyVersionsFromDataPlane } from './keyVaultData';
import { ManagedClustersAdapter } from './managedClusters';
import { queryFleet } from './resourceGraph';
import { listSubscriptions, SubscriptionInfo } from './subscriptions';

/** Bounded so a fleet of thousands of "unknown" clusters cannot flood ARM (which throttles per principal). */
const CONFIRM_CONCURRENCY = 8;

export interface FleetLoadCallbacks {
  /** Clusters that are new or whose facts changed (e.g. an "unknown" state confirmed by a GET). */
  onClusters(clusters: ClusterFacts[]): void;
}

export class FleetService {
  readonly clusters: ManagedClustersAdapter;

  constructor(private readonly ctx: AzureContext, managedClustersApiVersion?: string) {
    this.clusters = new ManagedClustersAdapter(ctx, managedClustersApiVersion);
  }

  listSubscriptions(signal?: AbortSignal): Promise<SubscriptionInfo[]> {
    return listSubscriptions(this.ctx, signal);
  }

  async loadClusters(subscriptionIds: readonly string[], callbacks: FleetLoadCallbacks, signal?: AbortSignal): Promise<ClusterFacts[]> {
    const rows: FleetRow[] = [];
    let previewFieldsKnown = false;
    await queryFleet(this.ctx, subscriptionIds, page => {
      rows.push(...page);
      previewFieldsKnown ||= indexCarriesPreviewFields(page);
      callbacks.onClusters(page.map(r => clusterFactsFromRow(r, previewFieldsKnown)));
    }, signal);

    // A later page may have shown that the index carries the field; reclassify rows that arrived before that.
    let facts = rows.map(r => clusterFactsFromRow(r, previewFieldsKnown));
    callbacks.onClusters(facts.filter(f => f.kms.kind !== 'unknown'));

    const unknown = facts.filter(f => f.kms.kind === 'unknown');
    if (unknown.length) {
      const confirmed = await mapWithConcurrency(unknown, CONFIRM_CONCURRENCY, async f => {
        const full = clusterFactsOf(await this.clusters.get(f.id, signal));
        callbacks.onClusters([full]);
        return full;
      });
      const byId = new Map(confirmed.map(c => [c.id.toLowerCase(), c]));
      facts = facts.map(f => byId.get(f.id.toLowerCase()) ?? f);
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

  /** Versions, rotation policy, vault facts and the warnings about them (keyHealthService); undefined without a customer-managed key. */
  keyHealth(facts: ClusterFacts, options?: KeyHealthOptions, signal?: AbortSignal): Promise<ClusterKeyHealth | undefined> {
    return loadKeyHealth(this.ctx, facts, options, signal);
  }
}
