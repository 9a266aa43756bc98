/**
 * Where the extension runs in a remote window (SSH, WSL, dev containers, Codespaces): in the remote ("workspace")
 * extension host when it is installed there, else in the local ("ui") one. The reasons are in README.md,
 * "Development" → "Remote windows (`extensionKind`)".
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));

describe('extensionKind', () => {
  it('declares both hosts, the workspace (remote) host first and the UI (local) host as the fallback', () => {
    assert.deepEqual(pkg.extensionKind, ['workspace', 'ui']);
  });

  it('has a Node entry only: it runs in a Node extension host on either side, not in the browser', () => {
    assert.equal(typeof pkg.main, 'string');
    assert.equal(pkg.browser, undefined, 'a browser entry adds the web extension host: revisit extensionKind (README)');
  });
});
