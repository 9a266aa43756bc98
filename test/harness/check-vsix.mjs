#!/usr/bin/env node
// The VSIX check of `npm test`: `npm run package`, then install that VSIX into a throw-away code-server profile
// with `--install-extension` (offline, a local file) and require `--list-extensions` to list it. Also checks that
// the package holds the bundle and none of the test infrastructure (the emulator, its sign-in companion).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { EXTENSION_ID, ROOT, codeServerInstalled, installVsix, listExtensions, mkProfile } from './lib.mjs';

const require = createRequire(import.meta.url);
const VSIX = path.join(ROOT, 'dist/aks-kms.vsix');
const problems = [];
const T0 = Date.now();
const say = msg => console.log(`[vsix ${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

if (!codeServerInstalled()) {
  console.error('code-server is not installed: bash scripts/setup-code-server.sh');
  process.exit(1);
}
fs.rmSync(VSIX, { force: true });
const npm = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
if (npm.status !== 0 || !fs.existsSync(VSIX)) {
  console.error(`npm run package failed (exit ${npm.status}) or wrote no ${path.relative(ROOT, VSIX)}`);
  process.exit(1);
}
say(`packaged ${path.relative(ROOT, VSIX)} (${(fs.statSync(VSIX).size / 1024).toFixed(0)} KiB)`);

// What is inside: the bundle yes; tests, sources, the emulator and the companion no.
const entries = await new Promise((resolve, reject) => {
  const yauzl = require('yauzl');
  yauzl.open(VSIX, { lazyEntries: true }, (err, zip) => {
    if (err) return reject(err);
    const names = [];
    zip.on('entry', e => { names.push(e.fileName); zip.readEntry(); });
    zip.on('end', () => resolve(names));
    zip.on('error', reject);
    zip.readEntry();
  });
});
if (!entries.includes('extension/dist/extension.js')) problems.push('the VSIX has no extension/dist/extension.js');
// The lazy bundles (esbuild.mjs) are required by name from the main bundle; a missing one fails only on first use.
const lazy = [...fs.readFileSync(path.join(ROOT, 'dist/extension.js'), 'utf8').matchAll(/require\("\.\/([\w-]+\.js)"\)/g)].map(m => m[1]);
if (!lazy.length) problems.push('dist/extension.js requires no lazy bundle (expected ./azure.js at least): is the lazy-bundles plugin in esbuild.mjs applied?');
for (const file of lazy) if (!entries.includes(`extension/dist/${file}`)) problems.push(`the VSIX lacks extension/dist/${file}, which dist/extension.js requires (.vscodeignore)`);
say(`lazy bundles in the VSIX: ${lazy.join(', ')}`);
if (!entries.includes('extension/package.json')) problems.push('the VSIX has no extension/package.json');
const leaked = entries.filter(e => /^extension\/(test|src|tmp|test-results|\.vscode-test|node_modules|scripts)\//.test(e) || /\.map$/.test(e));
if (leaked.length) problems.push(`the VSIX contains files that are not part of the product: ${leaked.slice(0, 10).join(', ')}${leaked.length > 10 ? ' …' : ''}`);
say(`${entries.length} entries`);

const profile = mkProfile('vsix');
try {
  const { stdout, stderr } = await installVsix(profile, VSIX);
  process.stdout.write(stdout);
  if (stderr.trim()) process.stdout.write(stderr);
  const ids = await listExtensions(profile);
  say(`--list-extensions: ${ids.join(', ') || '(none)'}`);
  if (!ids.includes(EXTENSION_ID)) problems.push(`${EXTENSION_ID} is not listed after --install-extension`);
} catch (e) {
  problems.push(`install/list failed: ${e?.message ?? e}`);
} finally {
  profile.remove();
}

if (problems.length) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
say('OK: the VSIX installs into code-server and is listed');
