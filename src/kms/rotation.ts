/**
 * Rotation age of a cluster's key: which version is current, how old it is, and whether AKS has had time to pick it
 * up (its KMS controller polls for new versions within 6 hours — AZURE.md, "rotation").
 */

export const AKS_PICKUP_WINDOW_MS = 6 * 60 * 60 * 1000;

export interface KeyVersionInfo {
  readonly version: string;
  readonly createdOn: Date;
  readonly enabled?: boolean;
  readonly expiresOn?: Date;
}

export interface RotationSummary {
  /** The newest enabled version: what the new KMS experience uses. */
  readonly current: KeyVersionInfo;
  readonly currentAgeMs: number;
  /**
   * A current version younger than the pickup window, with an older version AKS may still be using. A key with only
   * one version (just created) has nothing older to move from, so it is never pending.
   */
  readonly pendingPickup: boolean;
  /**
   * While a pickup is pending: the version AKS may still be using — the newest one created before `current`, enabled
   * or not (a disabled or expired one is exactly what must be flagged).
   */
  readonly previous?: KeyVersionInfo;
  /** While a pickup is pending: when the window ends (`current` created + 6 hours), after which AKS uses `current`. */
  readonly pickupDeadline?: Date;
  /** For a versioned (legacy) key ID: the version the cluster is pinned to, if found. */
  readonly pinned?: KeyVersionInfo;
  readonly pinnedAgeMs?: number;
  readonly versionCount: number;
}

/** Versions newest first (by creation time). */
export function newestFirst(versions: readonly KeyVersionInfo[]): KeyVersionInfo[] {
  return [...versions].sort((a, b) => b.createdOn.getTime() - a.createdOn.getTime());
}

export function summarizeRotation(versions: readonly KeyVersionInfo[], now: Date, pinnedVersion?: string): RotationSummary | undefined {
  const usable = versions.filter(v => v.enabled !== false);
  const current = newestFirst(usable.length ? usable : versions)[0];
  if (!current) {
    return undefined;
  }
  const currentAgeMs = Math.max(0, now.getTime() - current.createdOn.getTime());
  // "Not yet picked up" means AKS may still encrypt with an earlier version; without one there is nothing to pick up from.
  const hasOlder = versions.some(v => v.version !== current.version && v.createdOn.getTime() < current.createdOn.getTime());
  const pinned = pinnedVersion ? versions.find(v => v.version.toLowerCase() === pinnedVersion.toLowerCase()) : undefined;
  const pendingPickup = pinnedVersion === undefined && hasOlder && currentAgeMs < AKS_PICKUP_WINDOW_MS;
  const previous = pendingPickup
    ? newestFirst(versions.filter(v => v.createdOn.getTime() < current.createdOn.getTime()))[0]
    : undefined;
  return {
    current,
    currentAgeMs,
    pendingPickup,
    ...(previous ? { previous, pickupDeadline: new Date(current.createdOn.getTime() + AKS_PICKUP_WINDOW_MS) } : {}),
    pinned,
    pinnedAgeMs: pinned ? Math.max(0, now.getTime() - pinned.createdOn.getTime()) : undefined,
    versionCount: versions.length,
  };
}

export type AgeUnit = 'minutes' | 'hours' | 'days';

/** Splits an age into the one unit a person would say: "40 minutes", "2 hours", "12 days". */
export function ageInUnits(ageMs: number): { value: number; unit: AgeUnit } {
  const minutes = Math.floor(ageMs / 60_000);
  if (minutes < 60) {
    return { value: minutes, unit: 'minutes' };
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return { value: hours, unit: 'hours' };
  }
  return { value: Math.floor(hours / 24), unit: 'days' };
}
