/**
 * Checks before "Rotate key now" and "Set rotation policy…" on a cluster's key: whether there is a key to act on,
 * and what the user should know first (legacy KMS does not follow new versions; a firewalled vault blocks the data
 * plane these actions need). Each finding says what is wrong and how to fix it.
 */
import * as l10n from '@vscode/l10n';
import { parseArmId } from './armId';
import { type VaultFacts, vaultDeniesPublicDataPlane } from './enable/facts';
import type { Finding } from './enable/preflight';
import type { ClusterFacts } from './kmsState';
import { AKS_PICKUP_WINDOW_MS, newestFirst, type KeyVersionInfo } from './rotation';

export type KeyAction = 'rotate' | 'setPolicy';

/** The key a cluster encrypts with, in the shape the rotation adapters take. */
export interface ClusterKeyRef {
  /** `https://{host}` of the vault's data plane. */
  readonly vaultUrl: string;
  readonly keyName: string;
  /** The vault's ARM ID when the cluster's profile names it. */
  readonly vaultId?: string;
  /** Legacy KMS: the version the key ID pins. */
  readonly pinnedVersion?: string;
}

export function clusterKeyRef(facts: ClusterFacts): ClusterKeyRef | undefined {
  const key = facts.kms.key;
  if (!key || (facts.kms.kind !== 'cmk' && facts.kms.kind !== 'legacy')) {
    return undefined;
  }
  return { vaultUrl: key.vaultUrl, keyName: key.name, vaultId: facts.kms.keyVaultResourceId || undefined, pinnedVersion: key.version };
}

/**
 * What a key-health read fetches, as one string, so clusters on the same key share the read: the vault (by ARM ID,
 * or — when the profile lacks it — looked up by host in the cluster's subscription) and the key's name.
 */
export function keyReadId(ref: ClusterKeyRef, subscriptionId: string): string {
  return `${ref.vaultId ?? subscriptionId}|${ref.vaultUrl}|${ref.keyName}`.toLowerCase();
}

/**
 * What to say before a key action. `versions` (the key's versions as last read, when known) lets Rotate Key Now warn
 * before it leaves AKS on a version that will not last: after a rotation AKS may keep encrypting with the version in
 * use now for up to 6 hours.
 */
export function keyActionFindings(action: KeyAction, facts: ClusterFacts, vault?: VaultFacts, versions?: readonly KeyVersionInfo[], now: Date = new Date()): Finding[] {
  const findings: Finding[] = [];
  const ref = clusterKeyRef(facts);
  if (!ref) {
    findings.push({
      code: 'no-customer-key',
      severity: 'error',
      message: action === 'rotate'
        ? l10n.t('{0} does not encrypt Secrets with a customer-managed key, so it has no key to rotate.', facts.name)
        : l10n.t('{0} does not encrypt Secrets with a customer-managed key, so it has no key to set a rotation policy on.', facts.name),
    });
    return findings;
  }
  if (ref.pinnedVersion) {
    findings.push({
      code: 'legacy-pinned',
      severity: 'warning',
      message: action === 'rotate'
        ? l10n.t('{0} uses legacy KMS pinned to version {1} of {2}: the new version will not be used until the cluster moves to the new KMS experience (versionless key ID). Move it first with "Enable KMS (CMK)" and the same vault and key.', facts.name, ref.pinnedVersion.slice(0, 8), ref.keyName)
        : l10n.t('{0} uses legacy KMS pinned to version {1} of {2}: versions the policy creates will not be used until the cluster moves to the new KMS experience (versionless key ID). Move it first with "Enable KMS (CMK)" and the same vault and key.', facts.name, ref.pinnedVersion.slice(0, 8), ref.keyName),
    });
  }
  if (vault && vaultDeniesPublicDataPlane(vault)) {
    const vaultName = vault.name ?? parseArmId(vault.id)?.name ?? vault.id;
    findings.push({
      code: 'vault-firewall',
      severity: 'warning',
      message: action === 'rotate'
        ? l10n.t('The key vault {0} blocks public network access; rotating goes through its data plane, so run it from a network the vault allows (or through its private endpoint).', vaultName)
        : l10n.t('The key vault {0} blocks public network access; setting the rotation policy goes through its data plane, so run it from a network the vault allows (or through its private endpoint).', vaultName),
    });
  }
  const inUse = action === 'rotate' && !ref.pinnedVersion && versions?.length
    ? newestFirst(versions)[0]
    : undefined;
  if (inUse) {
    const version = inUse.version.slice(0, 8);
    const hours = AKS_PICKUP_WINDOW_MS / 3_600_000;
    const expiresIn = inUse.expiresOn ? inUse.expiresOn.getTime() - now.getTime() : undefined;
    if (inUse.enabled === false || (expiresIn !== undefined && expiresIn <= 0)) {
      findings.push({
        code: 'rotate-from-unusable',
        severity: 'warning',
        message: l10n.t('The version in use, {0}, is disabled or expired, so {1} cannot encrypt Secrets now; the new version fixes that only once AKS picks it up (within {2} hours). Enabling {0} again (or extending its expiry) restores the cluster at once.', version, facts.name, hours),
      });
    } else if (expiresIn !== undefined && expiresIn < AKS_PICKUP_WINDOW_MS) {
      findings.push({
        code: 'rotate-previous-expires',
        severity: 'warning',
        message: l10n.t("After the rotation AKS may keep using {0} for up to {1} hours, but {0} expires in {2} minutes: extend {0}'s expiry past that window, or the cluster cannot encrypt Secrets in between.", version, hours, Math.round(expiresIn / 60_000)),
      });
    }
  }
  if (action === 'rotate' && !ref.pinnedVersion) {
    findings.push({
      code: 'rotation-pickup',
      severity: 'info',
      message: l10n.t('AKS picks up the new version within {0} hours and re-encrypts by itself; keep the previous version enabled, and never delete the key or the vault.', AKS_PICKUP_WINDOW_MS / 3_600_000),
    });
  }
  return findings;
}
