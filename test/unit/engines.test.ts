/**
 * Every package the lockfile installs must run on the Node of the oldest extension host `engines.vscode` allows;
 * otherwise `npm install` warns EBADENGINE and, for runtime dependencies, the bundled extension may use APIs that
 * host lacks (e.g. `@azure/arm-resources` 8.0.0 declares `node >=22`).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = path.resolve(__dirname, '../..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));

/**
 * VS Code 1.100 (Electron 34.5.1) runs its extension host on Node 20.19.0; 1.101 is the first on Node 22. Checked
 * against 20.19.0 rather than 20.0.0 because the dev tools (eslint 9, typescript-eslint 8, mocha 11, undici 7)
 * need ^20.9 / >=20.18.1 / ^20.19, which every Node 20 that can host VS Code 1.100 meets.
 */
const EXTENSION_HOST_NODE = '20.19.0';
const ENGINES_VSCODE = '^1.100.0';

interface LockPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: unknown;
}

/** The `engines.node` range of a lockfile entry; npm also accepted a legacy array/string form, which has no node range. */
function nodeRange(pkg: LockPackage): string | undefined {
  const engines = pkg.engines;
  if (engines && typeof engines === 'object' && !Array.isArray(engines)) {
    const node = (engines as Record<string, unknown>).node;
    return typeof node === 'string' ? node : undefined;
  }
  return undefined;
}

describe('engines', () => {
  it(`engines.vscode is still ${ENGINES_VSCODE} (raise EXTENSION_HOST_NODE with it)`, () => {
    assert.equal(read('package.json').engines.vscode, ENGINES_VSCODE);
  });

  it(`every package in package-lock.json accepts Node ${EXTENSION_HOST_NODE} (no EBADENGINE)`, () => {
    const lock = read('package-lock.json') as { lockfileVersion: number; packages: Record<string, LockPackage> };
    assert.ok(lock.lockfileVersion >= 2, 'lockfile v2+ (has "packages")');
    const excluded: string[] = [];
    let checked = 0;
    for (const [where, pkg] of Object.entries(lock.packages)) {
      const range = nodeRange(pkg);
      if (!where || range === undefined) continue; // "" is the project itself
      checked++;
      if (!semver.satisfies(EXTENSION_HOST_NODE, range, { includePrerelease: true })) {
        excluded.push(`${where.replace(/^.*node_modules\//, '')}@${pkg.version ?? '?'}${pkg.dev ? ' (dev)' : ''} needs node ${range}`);
      }
    }
    assert.ok(checked > 50, `only ${checked} packages declare engines.node: is the lockfile complete?`);
    assert.deepEqual(excluded, [], 'pin or override these to versions that run on the extension host Node');
  });
});
