/**
 * Loads what the key-health assessment needs for one cluster: its vault (by resource ID, or by the key ID's host
 * for legacy profiles without one), the key's versions and its rotation policy. ARM is preferred wherever it can
 * answer (not blocked by the vault firewall, no data-plane role); the data plane fills in what ARM cannot. Reads only.
 */
import type { VaultFacts } from '../kms/enable/facts';
import { clusterKeyRef, ClusterKeyRef, keyReadId } from '../kms/keyActions';
import { assessKeyHealth, DeletedKeyInfo, KeyHealth } from '../kms/keyHealth';
import type { ClusterFacts } from '../kms/kmsState';
import type { KeyVersionInfo } from '../kms/rotation';
import type { AzureContext } from './azureContext';
import { findVault, findVaultByUri, listKeyVersions } from './keyVault';
import { isNotFound } from './errors';
import { listKeyVersionsFromDataPlane, readDeletedKey } from './keyVaultData';
import { PolicyRead, readRotationPolicy } from './keyRotation';

export interface KeyHealthOptions {
  /** Warn when the version in use is older than this many days (default 90; a setting). */
  readonly maxAgeDays?: number;
  readonly now?: () => Date;
}

export interface ClusterKeyHealth {
  readonly key: ClusterKeyRef;
  /** The key's vault; undefined when it is not readable in the cluster's subscription (e.g. another subscription). */
  readonly vault?: VaultFacts;
  readonly versions: readonly KeyVersionInfo[];
  readonly versionsSource: 'arm' | 'dataPlane';
  readonly policySource: PolicyRead['source'];
  readonly health: KeyHealth;
}

/** What is read once per key, however many clusters use it. */
interface KeyReads {
  readonly vault?: VaultFacts;
  readonly versions: readonly KeyVersionInfo[];
  readonly policy: PolicyRead;
  /** The key is not there because it was deleted (soft delete): when, and when Key Vault purges it. */
  readonly deleted?: DeletedKeyInfo;
}

async function readKey(ctx: AzureContext, key: ClusterKeyRef, subscriptionId: string, signal?: AbortSignal): Promise<KeyReads> {
  const vault = key.vaultId ? await findVault(ctx, key.vaultId, signal) : await findVaultByUri(ctx, subscriptionId, key.vaultUrl, signal);
  const [versions, policy] = await Promise.allSettled([
    vault ? listKeyVersions(ctx, vault.id, key.keyName, signal) : listKeyVersionsFromDataPlane(ctx, key.vaultUrl, key.keyName, signal),
    readRotationPolicy(ctx, { vaultUrl: key.vaultUrl, keyName: key.keyName, vaultId: vault?.id }, signal),
  ]);
  if (versions.status === 'rejected') {
    // A key that is not found may be soft-deleted: that is worth an error with its purge date, not a failed read.
    // Reading deleted keys goes through the data plane; where that is out of reach the original error stands.
    const deleted = isNotFound(versions.reason) ? await readDeletedKey(ctx, key.vaultUrl, key.keyName, signal).catch(() => undefined) : undefined;
    if (!deleted) {
      throw versions.reason;
    }
    // The vault's own name where ARM knows it (a vault URL's host need not start with it, e.g. behind a private endpoint).
    return { vault, versions: [], policy: { source: 'unavailable' }, deleted: { ...deleted, vaultName: vault?.name ?? deleted.vaultName } };
  }
  if (policy.status === 'rejected') {
    throw policy.reason;
  }
  return { vault, versions: versions.value, policy: policy.value };
}

/**
 * Key reads shared by the clusters that use the same key — fleets commonly point many clusters at one vault and key,
 * so a tree of thousands of clusters reads each key once, not once per cluster. Holds results until it is dropped
 * (the tree keeps one per load); a failed read is forgotten so the next caller retries.
 */
export class SharedKeyReads {
  private readonly reads = new Map<string, Promise<KeyReads>>();

  read(ctx: AzureContext, key: ClusterKeyRef, subscriptionId: string, signal?: AbortSignal): Promise<KeyReads> {
    const id = keyReadId(key, subscriptionId);
    let pending = this.reads.get(id);
    if (!pending) {
      pending = readKey(ctx, key, subscriptionId, signal);
      this.reads.set(id, pending);
      pending.catch(() => this.reads.delete(id));
    }
    return pending;
  }
}

/** Key health of a cluster's customer-managed key; undefined for clusters without one (PMK, not encrypted). */
export async function loadKeyHealth(
  ctx: AzureContext,
  facts: ClusterFacts,
  options: KeyHealthOptions = {},
  signal?: AbortSignal,
  shared?: SharedKeyReads,
): Promise<ClusterKeyHealth | undefined> {
  const key = clusterKeyRef(facts);
  if (!key) {
    return undefined;
  }
  const { vault, versions, policy, deleted } = await (shared ? shared.read(ctx, key, facts.subscriptionId, signal) : readKey(ctx, key, facts.subscriptionId, signal));
  const health = assessKeyHealth({
    keyName: key.keyName,
    versions,
    policy: policy.policy,
    policyUnknown: policy.source === 'unavailable',
    vault,
    pinnedVersion: key.pinnedVersion,
    now: (options.now ?? (() => new Date()))(),
    maxAgeDays: options.maxAgeDays,
    deleted,
  });
  return { key, vault, versions, versionsSource: vault ? 'arm' : 'dataPlane', policySource: policy.source, health };
}
