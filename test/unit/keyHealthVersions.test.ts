// Key health around rotations and unreadable versions: the version AKS may still use during the pickup window, the
// times the messages quote, and a pinned key whose versions could not be listed (src/kms/keyHealth.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessKeyHealth, KeyHealthInput } from '../../src/kms/keyHealth';
import type { KeyVersionInfo } from '../../src/kms/rotation';

const now = new Date('2026-11-28T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const ahead = (ms: number) => new Date(now.getTime() + ms);
const v = (version: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version, createdOn: ago(ageMs), ...extra });
const base = (versions: KeyVersionInfo[], extra: Partial<KeyHealthInput> = {}): KeyHealthInput => ({ keyName: 'aks-kms', versions, vault: { name: 'kv1', enablePurgeProtection: true }, now, ...extra });

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
