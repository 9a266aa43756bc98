/**
 * Snapshot files for the infrastructure-as-code exports (test/unit/snapshots/iac): a test compares an export with its
 * file; `UPDATE_SNAPSHOTS=1` rewrites the files instead (review the diff before committing). Hand-written: Node 20's
 * test runner has no snapshots (they arrive in Node 22).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, 'snapshots', 'iac');

export function assertSnapshot(name: string, actual: string): void {
  const file = join(DIR, name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `no snapshot ${file}: run the test with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)`);
}
