/**
 * "New version not yet picked up by AKS" is only true when an older version exists that AKS may still be using: a key
 * with one version (just created) has nothing to be picked up from. Checked where it is decided (summarizeRotation)
 * and where it becomes the key warning the tree and the hover show (assessKeyHealth → "pending-pickup").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessKeyHealth } from '../../src/kms/keyHealth';
import { KeyVersionInfo, summarizeRotation } from '../../src/kms/rotation';

const now = new Date('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const v = (version: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version, createdOn: new Date(now.getTime() - ageMs), ...extra });

const table: [string, KeyVersionInfo[], boolean][] = [
  ['one version, 1 hour old (a key just created): no pickup text', [v('a', HOUR)], false],
  ['one version, 0 minutes old', [v('a', 0)], false],
  ['two versions, the newest 2 hours old: pickup text', [v('a', 30 * DAY), v('b', 2 * HOUR)], true],
  ['two versions, the newest 7 hours old: none', [v('a', 30 * DAY), v('b', 7 * HOUR)], false],
  ['two versions, the older one disabled: still pending (it is what AKS used)', [v('a', 30 * DAY, { enabled: false }), v('b', 2 * HOUR)], true],
  ['the newest version disabled: the enabled one has nothing older', [v('a', 3 * HOUR), v('b', HOUR, { enabled: false })], false],
];

describe('pending pickup needs an older version', () => {
  for (const [name, versions, pending] of table) {
    it(`summarizeRotation: ${name}`, () => assert.equal(summarizeRotation(versions, now)?.pendingPickup, pending));
    it(`assessKeyHealth: ${name}`, () => {
      const h = assessKeyHealth({ keyName: 'aks-kms', versions, vault: { name: 'kv1', enablePurgeProtection: true }, now });
      assert.equal(h.summary.pendingPickup, pending);
      assert.equal(h.warnings.some(w => w.code === 'pending-pickup'), pending);
    });
  }
});
