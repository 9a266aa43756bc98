/**
 * Key health of a cluster's customer-managed key: which version AKS uses and how old it is, the rotation policy in
 * words, and the warnings worth a person's attention (too old, expiring, expired, disabled, no purge protection,
 * a new version AKS may not have picked up yet). Pure: versions, policy and vault facts in, plain data out.
 */
import * as l10n from '@vscode/l10n';
import type { Severity } from './enable/preflight';
import { AKS_PICKUP_WINDOW_MS, KeyVersionInfo, newestFirst, RotationSummary, summarizeRotation } from './rotation';
import { describeRotationPolicy, RotationPolicy } from './rotationPolicy';

export const DEFAULT_MAX_KEY_AGE_DAYS = 90;
/** Expiry this close (or closer) is worth a warning: the default near-expiry notification of Key Vault is 30 days too. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export type KeyWarningCode =
  | 'too-old' | 'expires-soon' | 'expired' | 'disabled' | 'no-purge-protection' | 'pending-pickup'
  | 'previous-unusable' | 'previous-expires-in-window' | 'key-deleted';

export interface KeyWarning {
  readonly code: KeyWarningCode;
  readonly severity: Severity;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** A soft-deleted key (Key Vault's DeletedKeyBundle): recoverable until its scheduled purge date. */
export interface DeletedKeyInfo {
  readonly vaultName: string;
  readonly deletedOn?: Date;
  readonly scheduledPurgeDate?: Date;
}

export interface KeyHealthInput {
  readonly keyName: string;
  readonly versions: readonly KeyVersionInfo[];
  /** The key's rotation policy; undefined when it has none (or it could not be read — see `policyUnknown`). */
  readonly policy?: RotationPolicy;
  /** The policy could not be read (no data-plane reach and no ARM answer): say so instead of "no rotation policy". */
  readonly policyUnknown?: boolean;
  /** The vault, when known; only its name and purge protection matter here. */
  readonly vault?: { readonly name: string; readonly enablePurgeProtection: boolean };
  /** Legacy KMS: the version the cluster's versioned key ID is pinned to. */
  readonly pinnedVersion?: string;
  readonly now: Date;
  /** Warn when the version in use is older than this (a setting; default 90 days). */
  readonly maxAgeDays?: number;
  /** The key was deleted (it has no versions until it is recovered); its deletion and scheduled purge. */
  readonly deleted?: DeletedKeyInfo;
}

export interface KeyHealthSummary {
  /** The version AKS encrypts with: the pinned one (legacy) or the newest one (new experience). */
  readonly inUse?: KeyVersionInfo;
  readonly inUseAgeMs?: number;
  /** True for a legacy cluster pinned to one version (rotations are not picked up). */
  readonly pinned: boolean;
  /** The newest version is younger than 6 hours and an older one exists: AKS may still use that one (see `summarizeRotation`). */
  readonly pendingPickup: boolean;
  /** While a pickup is pending: the version AKS may still be using, which must stay enabled and unexpired until `pickupDeadline`. */
  readonly mayStillUse?: KeyVersionInfo;
  readonly pickupDeadline?: Date;
  /** Newest enabled version, pinned version, counts (the tree's rotation age). */
  readonly rotation?: RotationSummary;
  readonly policy?: RotationPolicy;
  /** "rotates 90 days after creation, expires after 1 year, notifies 30 days before expiry". */
  readonly policyText: string;
  readonly maxAgeDays: number;
  /** The key is soft-deleted: AKS cannot use it, and Key Vault purges it on `deleted.scheduledPurgeDate`. */
  readonly deleted?: DeletedKeyInfo;
}

export interface KeyHealth {
  readonly summary: KeyHealthSummary;
  /** Errors first, then warnings, then information. */
  readonly warnings: readonly KeyWarning[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const shortVersion = (v: string) => v.slice(0, 8);

/** "12 days", "5 hours", "40 minutes": the largest whole unit. */
export function describeAge(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 60) {
    return minutes === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', minutes);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return hours === 1 ? l10n.t('1 hour') : l10n.t('{0} hours', hours);
  }
  const days = Math.floor(hours / 24);
  return days === 1 ? l10n.t('1 day') : l10n.t('{0} days', days);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then information; within a severity, in the order they were found (a stable sort). */
export function bySeverity<T extends { readonly severity: Severity }>(findings: readonly T[]): T[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

export function assessKeyHealth(input: KeyHealthInput): KeyHealth {
  const maxAgeDays = input.maxAgeDays ?? DEFAULT_MAX_KEY_AGE_DAYS;
  const now = input.now.getTime();
  const rotation = summarizeRotation(input.versions, input.now, input.pinnedVersion);
  const pinned = input.pinnedVersion !== undefined;
  // With a versionless key ID AKS follows Key Vault's current version: the newest one, enabled or not.
  const newest = newestFirst(input.versions)[0];
  const inUse = pinned ? rotation?.pinned : newest;
  const inUseAgeMs = inUse ? Math.max(0, now - inUse.createdOn.getTime()) : undefined;
  const policyText = input.policyUnknown && !input.policy ? l10n.t('rotation policy unknown (the vault could not be read)') : describeRotationPolicy(input.policy);

  const warnings: KeyWarning[] = [];
  const add = (code: KeyWarningCode, severity: Severity, message: string) => warnings.push({ code, severity, message });
  const name = input.keyName;

  // A deleted key has no usable version: every encrypt and decrypt of the cluster's Secrets fails until it is recovered,
  // and after the purge date the Secrets cannot be decrypted at all ([kv-softdelete], [kms-concepts] "Limitations").
  const deleted = input.deleted;
  if (deleted) {
    const purge = deleted.scheduledPurgeDate;
    add('key-deleted', 'error', purge
      ? l10n.t('Key {0} was deleted and Key Vault purges it on {1} (in {2}): until it is recovered AKS cannot encrypt or decrypt Secrets, and after the purge they are lost. Recover it now (az keyvault key recover --vault-name {3} --name {0}).', name, day(purge), describeAge(purge.getTime() - now), deleted.vaultName)
      : l10n.t('Key {0} was deleted: until it is recovered AKS cannot encrypt or decrypt Secrets, and once it is purged they are lost. Recover it now (az keyvault key recover --vault-name {1} --name {0}).', name, deleted.vaultName));
  }

  if (inUse) {
    const version = shortVersion(inUse.version);
    const which = pinned ? l10n.t('the version {0} that the cluster is pinned to', version) : l10n.t('the current version {0}', version);
    if (inUse.enabled === false) {
      add('disabled', 'error', pinned
        ? l10n.t('Key {0}: {1} is disabled, so AKS cannot encrypt or decrypt Secrets with it. Enable that version again in Key Vault.', name, which)
        : l10n.t('Key {0}: {1} is disabled, so AKS cannot encrypt Secrets with it. Enable it again, or rotate the key to create a new enabled version (keep the old versions enabled until AKS has picked up the new one).', name, which));
    }
    const expiresIn = inUse.expiresOn ? inUse.expiresOn.getTime() - now : undefined;
    if (expiresIn !== undefined && expiresIn <= 0) {
      const on = day(inUse.expiresOn!);
      add('expired', 'error', pinned
        ? l10n.t("Key {0}: {1} expired on {2}, so AKS cannot encrypt Secrets with it. Extend the version's expiry in Key Vault.", name, which, on)
        : l10n.t("Key {0}: {1} expired on {2}, so AKS cannot encrypt Secrets with it. Rotate the key now (a new version) or extend the version's expiry.", name, which, on));
    } else if (expiresIn !== undefined && expiresIn <= EXPIRY_WARNING_DAYS * DAY_MS) {
      const on = day(inUse.expiresOn!);
      add('expires-soon', 'warning', pinned
        ? l10n.t("Key {0}: {1} expires on {2} (in {3}). Extend the version's expiry, or move the cluster to the new KMS experience so it follows rotations.", name, which, on, describeAge(expiresIn))
        : l10n.t('Key {0}: {1} expires on {2} (in {3}). Rotate the key or extend the expiry before then; an expired key stops AKS from encrypting Secrets.', name, which, on, describeAge(expiresIn)));
    }
    if (inUseAgeMs !== undefined && inUseAgeMs > maxAgeDays * DAY_MS) {
      add('too-old', 'warning', pinned
        ? l10n.t('Key {0}: {1} is {2} old, older than the {3}-day maximum. Legacy KMS does not follow rotations: move the cluster to the new KMS experience (versionless key ID), then rotate.', name, which, describeAge(inUseAgeMs), maxAgeDays)
        : l10n.t('Key {0}: {1} is {2} old, older than the {3}-day maximum. Rotate it now, or set a rotation policy that rotates within {3} days.', name, which, describeAge(inUseAgeMs), maxAgeDays));
    }
  }
  if (input.vault && !input.vault.enablePurgeProtection) {
    add('no-purge-protection', 'warning', l10n.t("Key vault {0} has no purge protection: a purged key makes the cluster's Secrets unrecoverable. Turn it on (az keyvault update --name {0} --enable-purge-protection true); it cannot be turned off.", input.vault.name));
  }
  const pendingPickup = rotation?.pendingPickup ?? false;
  const previous = rotation?.previous;
  const deadline = rotation?.pickupDeadline;
  // AKS keeps encrypting with the previous version until it picks up the new one: that version must stay usable.
  if (previous && deadline && rotation) {
    const version = shortVersion(previous.version);
    const current = shortVersion(rotation.current.version);
    const left = describeAge(deadline.getTime() - now);
    if (previous.enabled === false) {
      add('previous-unusable', 'error', l10n.t('Key {0}: AKS may still use the previous version {1} for up to {2} (until it picks up {3}), but {1} is disabled. Enable it again in Key Vault now; disable it only after the cluster uses {3}.', name, version, left, current));
    } else if (previous.expiresOn && previous.expiresOn.getTime() <= now) {
      add('previous-unusable', 'error', l10n.t("Key {0}: AKS may still use the previous version {1} for up to {2} (until it picks up {3}), but {1} expired on {4}. Extend that version's expiry in Key Vault now.", name, version, left, current, day(previous.expiresOn)));
    } else if (previous.expiresOn && previous.expiresOn.getTime() < deadline.getTime()) {
      add('previous-expires-in-window', 'warning', l10n.t("Key {0}: the previous version {1} expires in {2}, before AKS is sure to have picked up {3} (within {4}). Extend {1}'s expiry until the pickup is done.", name, version, describeAge(previous.expiresOn.getTime() - now), current, left));
    }
  }
  if (pendingPickup && rotation) {
    add('pending-pickup', 'info', l10n.t('Key {0}: the newest version {1} is {2} old; AKS picks up a new version within {3} hours, so the cluster may still use the previous one. Keep the previous version enabled.', name, shortVersion(rotation.current.version), describeAge(rotation.currentAgeMs), AKS_PICKUP_WINDOW_MS / 3_600_000));
  }
  return {
    summary: {
      inUse, inUseAgeMs, pinned, pendingPickup, ...(previous ? { mayStillUse: previous, pickupDeadline: deadline } : {}), rotation,
      policy: input.policy, policyText: deleted ? l10n.t('unknown (the key is deleted)') : policyText, maxAgeDays, ...(deleted ? { deleted } : {}),
    },
    warnings: bySeverity(warnings),
  };
}
