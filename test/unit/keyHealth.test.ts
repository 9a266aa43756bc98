import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessKeyHealth, bySeverity, describeAge, KeyHealthInput, KeyWarningCode } from '../../src/kms/keyHealth';
import type { KeyVersionInfo } from '../../src/kms/rotation';

const now = new Date('2026-11-28T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const ahead = (ms: number) => new Date(now.getTime() + ms);
const v = (version: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version, createdOn: ago(ageMs), ...extra });
const safeVault = { name: 'kv1', enablePurgeProtection: true };
const base = (versions: KeyVersionInfo[], extra: Partial<KeyHealthInput> = {}): KeyHealthInput => ({ keyName: 'aks-kms', versions, vault: safeVault, now, ...extra });
const codes = (input: KeyHealthInput) => assessKeyHealth(input).warnings.map(w => w.code).sort();

describe('assessKeyHealth: warnings for every state and boundary', () => {
  const table: [string, KeyHealthInput, KeyWarningCode[]][] = [
    ['healthy: 12-day-old current version', base([v('a', 200 * DAY), v('b', 12 * DAY)]), []],
    ['exactly 90 days is not too old', base([v('b', 90 * DAY)]), []],
    ['90 days and a minute is too old', base([v('b', 90 * DAY + 60_000)]), ['too-old']],
    ['the maximum age is a setting', base([v('b', 31 * DAY)], { maxAgeDays: 30 }), ['too-old']],
    ['an old previous version does not matter', base([v('a', 400 * DAY), v('b', 30 * DAY)]), []],
    ['expires in exactly 30 days: expires soon', base([v('b', 10 * DAY, { expiresOn: ahead(30 * DAY) })]), ['expires-soon']],
    ['expires in 30 days and a minute: fine', base([v('b', 10 * DAY, { expiresOn: ahead(30 * DAY + 60_000) })]), []],
    ['expires in an hour: expires soon', base([v('b', 10 * DAY, { expiresOn: ahead(HOUR) })]), ['expires-soon']],
    ['expires exactly now: expired', base([v('b', 10 * DAY, { expiresOn: now })]), ['expired']],
    ['expired yesterday', base([v('b', 10 * DAY, { expiresOn: ago(DAY) })]), ['expired']],
    ['an expired older version does not matter', base([v('a', 400 * DAY, { expiresOn: ago(DAY) }), v('b', 10 * DAY)]), []],
    ['newest version disabled', base([v('a', 50 * DAY), v('b', 10 * DAY, { enabled: false })]), ['disabled']],
    ['vault without purge protection', base([v('b', 10 * DAY)], { vault: { name: 'kvstglegacy', enablePurgeProtection: false } }), ['no-purge-protection']],
    ['vault unknown: no purge-protection claim', base([v('b', 10 * DAY)], { vault: undefined }), []],
    ['new version 2 hours old: pending pickup', base([v('a', 60 * DAY), v('b', 2 * HOUR)]), ['pending-pickup']],
    ['exactly 6 hours: picked up', base([v('a', 60 * DAY), v('b', 6 * HOUR)]), []],
    ['6 hours less a minute: pending', base([v('a', 60 * DAY), v('b', 6 * HOUR - 60_000)]), ['pending-pickup']],
    ['legacy pinned to a 120-day version; a newer one exists', base([v('old', 120 * DAY), v('new', 95 * DAY)], { pinnedVersion: 'OLD' }), ['too-old']],
    ['legacy pinned: a fresh version is not "pending pickup" (never picked up)', base([v('old', 20 * DAY), v('new', HOUR)], { pinnedVersion: 'old' }), []],
    ['legacy pinned version disabled', base([v('old', 20 * DAY, { enabled: false }), v('new', 10 * DAY)], { pinnedVersion: 'old' }), ['disabled']],
    ['everything at once', base([v('b', 100 * DAY, { enabled: false, expiresOn: ago(HOUR) })], { vault: { name: 'kv', enablePurgeProtection: false } }), ['disabled', 'expired', 'no-purge-protection', 'too-old']],
    ['no versions: nothing to say about versions', base([]), []],
    // The version AKS may still use for up to 6 hours after a rotation must stay usable.
    ['pending, the previous version disabled', base([v('a', 60 * DAY, { enabled: false }), v('b', 2 * HOUR)]), ['pending-pickup', 'previous-unusable']],
    ['pending, the previous version expired', base([v('a', 60 * DAY, { expiresOn: ago(HOUR) }), v('b', 2 * HOUR)]), ['pending-pickup', 'previous-unusable']],
    ['pending, the previous version expires before the window ends (in 3 h, window ends in 4 h)', base([v('a', 60 * DAY, { expiresOn: ahead(3 * HOUR) }), v('b', 2 * HOUR)]), ['pending-pickup', 'previous-expires-in-window']],
    ['pending, the previous version expires exactly when the window ends: fine', base([v('a', 60 * DAY, { expiresOn: ahead(4 * HOUR) }), v('b', 2 * HOUR)]), ['pending-pickup']],
    ['picked up (7 h): a disabled previous version no longer matters', base([v('a', 60 * DAY, { enabled: false }), v('b', 7 * HOUR)]), []],
    ['pending: only the version right before the newest counts, not older ones', base([v('x', 90 * DAY, { enabled: false }), v('a', 60 * DAY), v('b', 2 * HOUR)]), ['pending-pickup']],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.deepEqual(codes(input), [...expected].sort()));
  }

  it('severities: disabled and expired are errors, pending pickup is information', () => {
    const h = assessKeyHealth(base([v('a', 100 * DAY), v('b', HOUR, { expiresOn: ago(1) })], { vault: { name: 'kv', enablePurgeProtection: false } }));
    assert.deepEqual(h.warnings.map(w => `${w.code}:${w.severity}`), ['expired:error', 'no-purge-protection:warning', 'pending-pickup:info']);
    const disabled = assessKeyHealth(base([v('a', 50 * DAY), v('b', DAY, { enabled: false })])).warnings[0];
    assert.equal(disabled.severity, 'error');
  });

  it('errors come first, then warnings, then information, each in the order found (the tree colours by the first)', () => {
    // assessKeyHealth happens to find errors first; the order must not depend on that, so the input here is unsorted.
    const found = [
      { code: 'pending-pickup', severity: 'info' }, { code: 'too-old', severity: 'warning' }, { code: 'expired', severity: 'error' },
      { code: 'no-purge-protection', severity: 'warning' }, { code: 'disabled', severity: 'error' },
    ] as const;
    assert.deepEqual(bySeverity(found).map(w => w.code), ['expired', 'disabled', 'too-old', 'no-purge-protection', 'pending-pickup']);
    assert.deepEqual(found.map(w => w.code), ['pending-pickup', 'too-old', 'expired', 'no-purge-protection', 'disabled'], 'the input is left as it was');
  });

  it('every message names the problem and the fix', () => {
    const h = assessKeyHealth(base([v('b', 100 * DAY, { enabled: false, expiresOn: ahead(5 * DAY) })], { vault: { name: 'kv', enablePurgeProtection: false } }));
    const byCode = Object.fromEntries(h.warnings.map(w => [w.code, w.message]));
    assert.match(byCode['too-old'], /100 days old, older than the 90-day maximum\. Rotate it now/);
    assert.match(byCode['expires-soon'], /expires on 2026-12-03 \(in 5 days\)\. Rotate the key or extend the expiry/);
    assert.match(byCode.disabled, /is disabled.*Enable it again, or rotate the key/);
    assert.match(byCode['no-purge-protection'], /Key vault kv has no purge protection.*--enable-purge-protection true/);
    const legacy = assessKeyHealth(base([v('old', 120 * DAY)], { pinnedVersion: 'old' })).warnings[0];
    assert.match(legacy.message, /pinned to.*move the cluster to the new KMS experience/);
  });
});

describe('assessKeyHealth: summary', () => {
  it('the version in use, its age, the policy in words', () => {
    const h = assessKeyHealth(base([v('a', 200 * DAY), v('c', 12 * DAY), v('b', 100 * DAY)], {
      policy: { rotateAfterCreate: 'P90D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' },
    }));
    assert.equal(h.summary.inUse?.version, 'c');
    assert.equal(h.summary.inUseAgeMs, 12 * DAY);
    assert.equal(h.summary.pinned, false);
    assert.equal(h.summary.pendingPickup, false);
    assert.equal(h.summary.rotation?.versionCount, 3);
    assert.equal(h.summary.policyText, 'rotates 90 days after creation, expires after 1 year, notifies 30 days before expiry');
    assert.equal(h.summary.maxAgeDays, 90);
  });
  it('pending pickup: the summary names the version AKS may still use and when the window ends', () => {
    const h = assessKeyHealth(base([v('a', 60 * DAY, { enabled: false }), v('b', 2 * HOUR)]));
    assert.equal(h.summary.mayStillUse?.version, 'a');
    assert.equal(h.summary.pickupDeadline?.toISOString(), ahead(4 * HOUR).toISOString());
    assert.equal(h.warnings[0].code, 'previous-unusable');
    assert.equal(h.warnings[0].severity, 'error');
    assert.match(h.warnings[0].message, /previous version a for up to 4 hours \(until it picks up b\), but a is disabled/);
    assert.equal(assessKeyHealth(base([v('a', 60 * DAY), v('b', 7 * HOUR)])).summary.mayStillUse, undefined);
  });
  it('legacy: the pinned version is in use', () => {
    const h = assessKeyHealth(base([v('old', 120 * DAY), v('new', 95 * DAY)], { pinnedVersion: 'old' }));
    assert.equal(h.summary.inUse?.version, 'old');
    assert.equal(h.summary.pinned, true);
    assert.equal(h.summary.rotation?.current.version, 'new');
  });
  it('a disabled newest version is in use (Key Vault serves it) while the rotation summary shows the newest usable one', () => {
    const h = assessKeyHealth(base([v('a', 50 * DAY), v('b', DAY, { enabled: false })]));
    assert.equal(h.summary.inUse?.version, 'b');
    assert.equal(h.summary.rotation?.current.version, 'a');
  });
  const policyTexts: [string, Partial<KeyHealthInput>, string][] = [
    ['no policy', {}, 'no rotation policy'],
    ['unreadable policy', { policyUnknown: true }, 'rotation policy unknown (the vault could not be read)'],
    ['expiry only', { policy: { expiresAfter: 'P2Y' } }, 'no automatic rotation, expires after 2 years'],
    ['rotate before expiry', { policy: { rotateBeforeExpiry: 'P30D', expiresAfter: 'P6M' } }, 'rotates 30 days before expiry, expires after 6 months'],
  ];
  for (const [name, extra, text] of policyTexts) {
    it(`policy text: ${name}`, () => assert.equal(assessKeyHealth(base([v('a', DAY)], extra)).summary.policyText, text));
  }
});

describe('describeAge', () => {
  const table: [number, string][] = [[0, '0 minutes'], [60_000, '1 minute'], [HOUR, '1 hour'], [47 * HOUR, '47 hours'], [48 * HOUR, '2 days'], [DAY * 95 + 5, '95 days']];
  for (const [ms, text] of table) {
    it(`${ms} ms → ${text}`, () => assert.equal(describeAge(ms), text));
  }
});

// Key health around rotations and unreadable versions: the version AKS may still use during the pickup window, the
// times the messages quote, and a pinned key whose versions could not be listed (src/kms/keyHealth.ts).
describe('key health: versions during and around a rotation', () => {
  it('a legacy (pinned) key whose versions could not be listed: no version in use, no pickup pending, nothing claimed', () => {
    const h = assessKeyHealth(base([], { pinnedVersion: 'abc' }));
    assert.equal(h.summary.pinned, true);
    assert.equal(h.summary.inUse, undefined);
    assert.equal(h.summary.pendingPickup, false);
    assert.deepEqual(h.warnings, []);
  });

  it('no versions at all: no pickup is pending', () => {
    assert.equal(assessKeyHealth(base([])).summary.pendingPickup, false);
  });

  it('a previous version that expires at this very moment, while AKS may still use it, is already unusable', () => {
    const h = assessKeyHealth(base([v('aaaaaaaa-prev', 60 * DAY, { expiresOn: now }), v('bbbbbbbb-new', 2 * HOUR)]));
    assert.deepEqual(h.warnings.map(w => w.code), ['previous-unusable', 'pending-pickup']);
    assert.match(h.warnings[0].message, /expired on 2026-11-28/);
  });

  it('the messages quote the real times: the previous version expires in 3 hours, AKS picks up within 6 hours', () => {
    const h = assessKeyHealth(base([v('aaaaaaaa-prev', 60 * DAY, { expiresOn: ahead(3 * HOUR) }), v('bbbbbbbb-new', 2 * HOUR)]));
    const window = h.warnings.find(w => w.code === 'previous-expires-in-window');
    assert.match(window?.message ?? '', /the previous version aaaaaaaa expires in 3 hours, before AKS is sure to have picked up bbbbbbbb \(within 4 hours\)/);
    const pending = h.warnings.find(w => w.code === 'pending-pickup');
    assert.match(pending?.message ?? '', /the newest version bbbbbbbb is 2 hours old; AKS picks up a new version within 6 hours/);
  });
});

describe('a deleted key', () => {
  it('names the purge date and how long until then, carries the deletion in the summary, and has no policy to describe', () => {
    const deleted = { vaultName: 'kv1', deletedOn: ago(DAY), scheduledPurgeDate: ahead(90 * DAY) };
    const h = assessKeyHealth(base([], { deleted }));
    assert.deepEqual(h.warnings.map(w => [w.code, w.severity]), [['key-deleted', 'error']]);
    assert.match(h.warnings[0].message, /^Key aks-kms was deleted and Key Vault purges it on 2027-02-26 \(in 90 days\): .*az keyvault key recover --vault-name kv1 --name aks-kms/);
    assert.deepEqual(h.summary.deleted, deleted);
    assert.equal(h.summary.policyText, 'unknown (the key is deleted)');
    assert.equal(assessKeyHealth(base([v('a', DAY)])).summary.deleted, undefined, 'a key with versions is not deleted');
  });
});
