/**
 * ISO 8601 durations as Key Vault rotation policies use them (`P90D`, `P3M`, `P1Y`, `P1Y10D`, `PT48H`).
 * Key Vault documents months and years without calendar rules, so a month counts as 30 days and a year as 365
 * (the same approximation the service's minimums — 7 and 28 days — are checked with).
 */
import * as l10n from '@vscode/l10n';
import { boundedMemo } from './boundedMemo';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Parses a duration; undefined when `text` is not one (including the empty `P` and a dangling `T`). Answers are kept
 * per text: every cluster's key health describes its key's rotation policy, and 3,505 clusters share 200 policies
 * (the parse was the largest self time of key health in the extension host, test/bench scenario 4 with BENCH_CPU_PROFILE).
 */
export const parseIsoDuration: (text: string) => IsoDuration | undefined = boundedMemo(parseIsoDurationOnce, 1000);

function parseIsoDurationOnce(text: string): IsoDuration | undefined {
  const t = text.trim().toUpperCase();
  const m = PATTERN.exec(t);
  if (!m || t === 'P' || t.endsWith('T')) {
    return undefined;
  }
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function durationMs(d: IsoDuration): number {
  const days = d.years * 365 + d.months * 30 + d.weeks * 7 + d.days;
  return days * DAY_MS + ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

/** Milliseconds of a duration string, or undefined when it is not one. */
export function isoDurationMs(text: string): number | undefined {
  const d = parseIsoDuration(text);
  return d ? durationMs(d) : undefined;
}

export function durationDays(text: string): number | undefined {
  const ms = isoDurationMs(text);
  return ms === undefined ? undefined : ms / DAY_MS;
}

/** `P90D` for 90 days: how a number of days the user typed is sent to Key Vault. */
export function daysDuration(days: number): string {
  return `P${days}D`;
}


/** "1 year", "90 days", "3 months", "1 year 10 days", "48 hours" — the words a person would use. */
export function describeIsoDuration(text: string): string {
  const d = parseIsoDuration(text);
  if (!d) {
    return text;
  }
  const parts: string[] = [];
  // One call per literal so `npm run l10n` extracts every unit.
  const push = (n: number, one: () => string, many: (n: number) => string) => n > 0 && parts.push(n === 1 ? one() : many(n));
  push(d.years, () => l10n.t('1 year'), n => l10n.t('{0} years', n));
  push(d.months, () => l10n.t('1 month'), n => l10n.t('{0} months', n));
  push(d.weeks, () => l10n.t('1 week'), n => l10n.t('{0} weeks', n));
  push(d.days, () => l10n.t('1 day'), n => l10n.t('{0} days', n));
  push(d.hours, () => l10n.t('1 hour'), n => l10n.t('{0} hours', n));
  push(d.minutes, () => l10n.t('1 minute'), n => l10n.t('{0} minutes', n));
  push(d.seconds, () => l10n.t('1 second'), n => l10n.t('{0} seconds', n));
  return parts.length ? parts.join(' ') : l10n.t('{0} days', 0);
}
