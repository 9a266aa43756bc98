/**
 * Every package the lockfile installs must run on the Node of the oldest extension host `engines.vscode` allows;
 * otherwise `npm install` warns EBADENGINE and, for runtime dependencies, the bundled extension may use APIs that
 * host lacks (e.g. `@azure/arm-resources` 8.0.0 declares `node >=22`). And every Node version the project itself admits
 * (package.json `engines.node`) must be one every package accepts: a range wider than the packages' would let
 * `npm install` on such a Node warn EBADENGINE.
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

/** The lockfile's packages and their `engines.node` ranges ("" is the project itself, left out). */
function lockedRanges(): { name: string; range: string }[] {
  const lock = read('package-lock.json') as { lockfileVersion: number; packages: Record<string, LockPackage> };
  assert.ok(lock.lockfileVersion >= 2, 'lockfile v2+ (has "packages")');
  return Object.entries(lock.packages).flatMap(([where, pkg]) => {
    const range = nodeRange(pkg);
    return where && range !== undefined ? [{ name: `${where.replace(/^.*node_modules\//, '')}@${pkg.version ?? '?'}${pkg.dev ? ' (dev)' : ''}`, range }] : [];
  });
}

/**
 * Node versions the project's `engines.node` admits, to check every package against: the lowest version of each
 * alternative of the range (`^20.19.0` → 20.19.0), every x.y.0 it admits for majors and minors up to 40 (so the first
 * release of each later major, and each minor, is there), and the Node running this test.
 */
function admittedVersions(projectRange: string): string[] {
  const versions = new Set<string>();
  for (const set of new semver.Range(projectRange).set) {
    const lowest = semver.minVersion(set.map(c => c.value).join(' '));
    if (lowest) versions.add(lowest.version);
  }
  for (let major = 0; major <= 40; major++) {
    for (let minor = 0; minor <= 40; minor++) {
      if (semver.satisfies(`${major}.${minor}.0`, projectRange)) versions.add(`${major}.${minor}.0`);
    }
  }
  if (semver.satisfies(process.version, projectRange)) versions.add(semver.clean(process.version)!);
  return [...versions].sort(semver.compare);
}

describe('engines', () => {
  it(`engines.vscode is still ${ENGINES_VSCODE} (raise EXTENSION_HOST_NODE with it)`, () => {
    assert.equal(read('package.json').engines.vscode, ENGINES_VSCODE);
  });

  it(`every package in package-lock.json accepts Node ${EXTENSION_HOST_NODE} (no EBADENGINE)`, () => {
    const ranges = lockedRanges();
    assert.ok(ranges.length > 50, `only ${ranges.length} packages declare engines.node: is the lockfile complete?`);
    const excluded = ranges.filter(p => !semver.satisfies(EXTENSION_HOST_NODE, p.range, { includePrerelease: true })).map(p => `${p.name} needs node ${p.range}`);
    assert.deepEqual(excluded, [], 'pin or override these to versions that run on the extension host Node');
  });

  it(`the project's engines.node admits the extension host's Node ${EXTENSION_HOST_NODE} and the lockfile agrees with package.json`, () => {
    const declared = read('package.json').engines.node as string;
    assert.ok(semver.validRange(declared), `engines.node "${declared}" is a valid range`);
    assert.ok(semver.satisfies(EXTENSION_HOST_NODE, declared), `engines.node "${declared}" admits ${EXTENSION_HOST_NODE}`);
    assert.equal(read('package-lock.json').packages[''].engines.node, declared);
  });

  it('every package in package-lock.json accepts every Node version the project declares in engines.node (no EBADENGINE on any of them)', () => {
    const declared = read('package.json').engines.node as string;
    const versions = admittedVersions(declared);
    assert.ok(versions.includes(EXTENSION_HOST_NODE), `checked versions: ${versions.join(', ')}`);
    assert.ok(versions.length > 20, `checked versions: ${versions.join(', ')}`);
    const excluded = lockedRanges().flatMap(p => {
      const refused = versions.filter(v => !semver.satisfies(v, p.range, { includePrerelease: true }));
      return refused.length ? [`${p.name} needs node ${p.range}, refuses ${refused.join(', ')}`] : [];
    });
    assert.deepEqual(excluded, [], `engines.node "${declared}" admits Node versions these packages refuse: narrow it, or pin the packages`);
  });
});
