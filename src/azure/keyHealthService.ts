/**
 * Loads what the key-health assessment needs for one cluster: its vault (by resource ID, or by the key ID's host
 * for legacy profiles without one), the key's versions and its rotation policy. ARM is preferred wherever it can
 * answer (not blocked by the vault firewall, no data-plane role, one host for the whole fleet); the data plane fills
 * in what ARM cannot (a vault in another subscription, a deleted key). Reads only.
 */
import type { VaultFacts } from '../kms/enable/facts';
import { vaultForKeyOrigin, vaultOrigin } from '../kms/enable/legacyMigration';
import { clusterKeyRef, ClusterKeyRef } from '../kms/keyActions';
import { assessKeyHealth, DeletedKeyInfo, KeyHealth } from '../kms/keyHealth';
import type { ClusterFacts } from '../kms/kmsState';
import type { KeyVersionInfo } from '../kms/rotation';
import type { AzureContext } from './azureContext';
import { findVault, getRotationPolicyFromArm, listKeyVersions, listVaults, listVaultsInResourceGraph } from './keyVault';
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

/**
 * The key's rotation policy, through ARM where the vault is known (a key GET carries it, the firewall does not block
 * it and no data-plane role is needed — the same host as every other read, so no connection to each vault), else
 * through the data plane. A policy never set reads as none either way (keyRotation.getRotationPolicy).
 */
async function readPolicy(ctx: AzureContext, key: ClusterKeyRef, vault: VaultFacts | undefined, signal?: AbortSignal): Promise<PolicyRead> {
  if (vault) {
    try {
      return { policy: await getRotationPolicyFromArm(ctx, vault.id, key.keyName, signal), source: 'arm' };
    } catch (err) {
      if (isNotFound(err) || (err as { name?: string }).name === 'AbortError') {
        throw err;
      }
      // ARM refused (e.g. a role that reads the vault but not its keys): the data plane may still answer.
    }
  }
  return readRotationPolicy(ctx, { vaultUrl: key.vaultUrl, keyName: key.keyName }, signal);
}

async function readKey(ctx: AzureContext, key: ClusterKeyRef, vault: VaultFacts | undefined, signal?: AbortSignal): Promise<KeyReads> {
  const [versions, policy] = await Promise.allSettled([
    vault ? listKeyVersions(ctx, vault.id, key.keyName, signal) : listKeyVersionsFromDataPlane(ctx, key.vaultUrl, key.keyName, signal),
    readPolicy(ctx, key, vault, signal),
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

/** One promise per key, dropped when it fails so the next caller retries. */
function once<T>(cache: Map<string, Promise<T>>, id: string, read: () => Promise<T>): Promise<T> {
  let pending = cache.get(id);
  if (!pending) {
    pending = read();
    cache.set(id, pending);
    pending.catch(() => cache.delete(id));
  }
  return pending;
}

/** Vaults found in Resource Graph, by lower-case resource ID and by data-plane origin (scheme, host and port). */
interface VaultIndex {
  readonly byId: ReadonlyMap<string, VaultFacts>;
  readonly byOrigin: ReadonlyMap<string, VaultFacts>;
}

function indexOf(vaults: readonly VaultFacts[]): VaultIndex {
  const byId = new Map<string, VaultFacts>();
  const byOrigin = new Map<string, VaultFacts>();
  for (const vault of vaults) {
    byId.set(vault.id.toLowerCase(), vault);
    const origin = vaultOrigin(vault.vaultUri);
    if (origin) {
      byOrigin.set(origin, vault);
    }
  }
  return { byId, byOrigin };
}

/**
 * Reads shared by the clusters that use the same vault and key — fleets commonly point many clusters at one vault
 * and key, so a tree of thousands of clusters reads each vault and key once, not once per cluster. A key is named
 * by its vault's resource ID once the vault is found: clusters whose profile carries the ID and clusters whose
 * profile has only the key's URL share the read. Vaults come from one Resource Graph query over the fleet when
 * `indexVaults` was called, else (and for a vault the index lacks) through ARM: a GET by ID, or one listing per
 * subscription to match a URL. Holds results until it is dropped (the tree keeps one per load); a failed read is
 * forgotten.
 */
export class SharedKeyReads {
  private index?: Promise<VaultIndex | undefined>;
  private readonly vaultsById = new Map<string, Promise<VaultFacts | undefined>>();
  private readonly vaultsBySubscription = new Map<string, Promise<VaultFacts[]>>();
  private readonly keys = new Map<string, Promise<KeyReads>>();

  /**
   * Starts reading the vaults of these subscriptions in one query; key reads after this look there first. A failed
   * query only means each vault is read through ARM.
   */
  indexVaults(ctx: AzureContext, subscriptionIds: readonly string[], signal?: AbortSignal): void {
    this.index = subscriptionIds.length
      ? listVaultsInResourceGraph(ctx, subscriptionIds, signal).then(indexOf, () => undefined)
      : undefined;
  }

  async read(ctx: AzureContext, key: ClusterKeyRef, subscriptionId: string, signal?: AbortSignal): Promise<KeyReads> {
    const vault = await this.vault(ctx, key, subscriptionId, signal);
    return once(this.keys, `${vault?.id ?? key.vaultUrl}|${key.keyName}`.toLowerCase(), () => readKey(ctx, key, vault, signal));
  }

  private async vault(ctx: AzureContext, key: ClusterKeyRef, subscriptionId: string, signal?: AbortSignal): Promise<VaultFacts | undefined> {
    const index = await this.index;
    const { vaultId } = key;
    const indexed = vaultId ? index?.byId.get(vaultId.toLowerCase()) : index?.byOrigin.get(vaultOrigin(key.vaultUrl) ?? '');
    if (indexed) {
      return indexed;
    }
    if (vaultId) {
      return once(this.vaultsById, vaultId.toLowerCase(), () => findVault(ctx, vaultId, signal));
    }
    const vaults = await once(this.vaultsBySubscription, subscriptionId.toLowerCase(), () => listVaults(ctx, subscriptionId, signal));
    return vaultForKeyOrigin(vaults, key.vaultUrl);
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
  const { vault, versions, policy, deleted } = await (shared ?? new SharedKeyReads()).read(ctx, key, facts.subscriptionId, signal);
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
