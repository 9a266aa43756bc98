/**
 * Loads what the key-health assessment needs for one cluster: its vault (by resource ID, or by the key ID's host
 * for legacy profiles without one), the key's versions and its rotation policy. ARM is preferred wherever it can
 * answer (not blocked by the vault firewall, no data-plane role); the data plane fills in what ARM cannot. Reads only.
 */
import type { VaultFacts } from '../kms/enable/facts';
import { clusterKeyRef, ClusterKeyRef, keyReadId } from '../kms/keyActions';
import { assessKeyHealth, KeyHealth } from '../kms/keyHealth';
import type { ClusterFacts } from '../kms/kmsState';
import type { KeyVersionInfo } from '../kms/rotation';
import type { AzureContext } from './azureContext';
import { findVault, findVaultByUri, listKeyVersions } from './keyVault';
import { listKeyVersionsFromDataPlane } from './keyVaultData';
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
}

async function readKey(ctx: AzureContext, key: ClusterKeyRef, subscriptionId: string, signal?: AbortSignal): Promise<KeyReads> {
  const vault = key.vaultId ? await findVault(ctx, key.vaultId, signal) : await findVaultByUri(ctx, subscriptionId, key.vaultUrl, signal);
  const [versions, policy] = await Promise.all([
    vault ? listKeyVersions(ctx, vault.id, key.keyName, signal) : listKeyVersionsFromDataPlane(ctx, key.vaultUrl, key.keyName, signal),
    readRotationPolicy(ctx, { vaultUrl: key.vaultUrl, keyName: key.keyName, vaultId: vault?.id }, signal),
  ]);
  return { vault, versions, policy };
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
  const { vault, versions, policy } = await (shared ? shared.read(ctx, key, facts.subscriptionId, signal) : readKey(ctx, key, facts.subscriptionId, signal));
  const health = assessKeyHealth({
    keyName: key.keyName,
    versions,
    policy: policy.policy,
    policyUnknown: policy.source === 'unavailable',
    vault,
    pinnedVersion: key.pinnedVersion,
    now: (options.now ?? (() => new Date()))(),
    maxAgeDays: options.maxAgeDays,
  });
  return { key, vault, versions, versionsSource: vault ? 'arm' : 'dataPlane', policySource: policy.source, health };
}
