import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessKeyHealth } from '../../src/kms/keyHealth';
import { clusterKeyRef } from '../../src/kms/keyActions';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { ageInUnits, KeyVersionInfo, summarizeRotation } from '../../src/kms/rotation';

const now = new Date('2026-11-28T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe('summarizeRotation', () => {
  it('picks the newest enabled version as current', () => {
    const s = summarizeRotation([
      { version: 'a', createdOn: daysAgo(200) },
      { version: 'c', createdOn: daysAgo(12) },
      { version: 'b', createdOn: daysAgo(100) },
      { version: 'd', createdOn: daysAgo(1), enabled: false },
    ], now);
    assert.equal(s?.current.version, 'c');
    assert.equal(ageInUnits(s!.currentAgeMs).value, 12);
    assert.equal(s?.versionCount, 4);
    assert.equal(s?.pendingPickup, false);
  });
  it('flags a version younger than 6 hours as pending pickup', () => {
    const s = summarizeRotation([{ version: 'a', createdOn: daysAgo(60) }, { version: 'b', createdOn: hoursAgo(2) }], now);
    assert.equal(s?.current.version, 'b');
    assert.equal(s?.pendingPickup, true);
  });
  it('a 7-hour-old version is no longer pending', () => {
    assert.equal(summarizeRotation([{ version: 'b', createdOn: hoursAgo(7) }], now)?.pendingPickup, false);
  });
  it('reports the pinned version of a legacy key', () => {
    const s = summarizeRotation([{ version: 'old', createdOn: daysAgo(120) }, { version: 'new', createdOn: daysAgo(95) }], now, 'OLD');
    assert.equal(s?.pinned?.version, 'old');
    assert.equal(ageInUnits(s!.pinnedAgeMs!).value, 120);
    assert.equal(s?.pendingPickup, false);
  });
  it('returns undefined without versions', () => {
    assert.equal(summarizeRotation([], now), undefined);
  });
});

describe('ageInUnits', () => {
  const table: [number, number, string][] = [
    [0, 0, 'minutes'],
    [59 * 60_000, 59, 'minutes'],
    [60 * 60_000, 1, 'hours'],
    [47 * 3_600_000, 47, 'hours'],
    [48 * 3_600_000, 2, 'days'],
    [12 * 86_400_000 + 5_000, 12, 'days'],
  ];
  for (const [ms, value, unit] of table) {
    it(`${ms} ms → ${value} ${unit}`, () => assert.deepEqual(ageInUnits(ms), { value, unit }));
  }
});

describe('the pinned version of a legacy cluster', () => {
  const PINNED = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
  const NEWER = 'ffffeeeeddddccccbbbbaaaa99998888';
  const OLDER = '11112222333344445555666677778888';
  const legacy = (version: string) => clusterFactsOf({
    id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c1', name: 'c1',
    properties: { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: `https://kv1.vault.azure.net/keys/k1/${version}`, keyVaultNetworkAccess: 'Public' } } },
  });
  const versions: Record<string, KeyVersionInfo> = {
    [NEWER]: { version: NEWER, createdOn: daysAgo(10) },
    [PINNED]: { version: PINNED, createdOn: daysAgo(120) },
    [OLDER]: { version: OLDER, createdOn: daysAgo(300) },
  };
  // Every order the vault might list them in; in most the pinned one is neither first nor newest.
  const orders = [[NEWER, PINNED, OLDER], [OLDER, PINNED, NEWER], [NEWER, OLDER, PINNED], [OLDER, NEWER, PINNED], [PINNED, NEWER, OLDER], [PINNED, OLDER, NEWER]];

  it('is the version in its key ID', () => {
    assert.equal(legacy(PINNED).kms.kind, 'legacy');
    assert.equal(clusterKeyRef(legacy(PINNED))?.pinnedVersion, PINNED);
  });
  for (const order of orders) {
    it(`is found wherever the vault lists it: ${order.map(v => v === PINNED ? 'pinned' : v === NEWER ? 'newer' : 'older').join(', ')}`, () => {
      const pinnedVersion = clusterKeyRef(legacy(PINNED))!.pinnedVersion;
      const listed = order.map(v => versions[v]);
      const s = summarizeRotation(listed, now, pinnedVersion);
      assert.equal(s?.pinned?.version, PINNED);
      assert.equal(ageInUnits(s!.pinnedAgeMs!).value, 120);
      assert.equal(s?.current.version, NEWER, 'the rotation summary still shows the newest version');
      const h = assessKeyHealth({ keyName: 'k1', versions: listed, pinnedVersion, vault: { name: 'kv1', enablePurgeProtection: true }, now });
      assert.equal(h.summary.inUse?.version, PINNED);
      assert.deepEqual(h.warnings.map(w => w.code), ['too-old'], 'the 120-day pinned version, not the 10-day newest one');
      assert.match(h.warnings[0].message, new RegExp(`pinned to is 120 days old|${PINNED.slice(0, 8)}`));
    });
  }
  it('matches the key ID\'s version in any letter case', () => {
    const pinnedVersion = clusterKeyRef(legacy(PINNED.toUpperCase()))!.pinnedVersion;
    assert.equal(summarizeRotation([versions[NEWER], versions[PINNED]], now, pinnedVersion)?.pinned?.version, PINNED);
  });
  it('a pinned version the vault does not list is not replaced by another', () => {
    const s = summarizeRotation([versions[NEWER], versions[OLDER]], now, PINNED);
    assert.equal(s?.pinned, undefined);
    assert.equal(assessKeyHealth({ keyName: 'k1', versions: [versions[NEWER], versions[OLDER]], pinnedVersion: PINNED, now }).summary.inUse, undefined);
  });
});
