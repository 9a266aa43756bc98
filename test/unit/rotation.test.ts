import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ageInUnits, summarizeRotation } from '../../src/kms/rotation';

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
