#!/usr/bin/env node
// The extension-host mocha suite (dist/test/extension/index.js) in desktop VS Code, through @vscode/test-electron:
// the second launcher of the one suite (the first, used by `npm test` and CI, is run-extension-tests.mjs on
// code-server). Needs internet (downloads VS Code 1.100.3 into .vscode-test/) and a display (xvfb-run on Linux).
// Build first: `node esbuild.mjs`. Usage: node test/harness/run-desktop-tests.mjs [--version 1.100.3]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { COMPANION_DIR, COMPANION_ID, EXTENSION_ID, ROOT, mkProfile, startEmulator } from './lib.mjs';
import { prepareDesktopUserData } from './desktop-profile.mjs';

const { values: o } = parseArgs({ options: { version: { type: 'string', default: '1.100.3' } } });
const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

/**
 * Extension-host tests refuse to show dialogs, so VS Code's "wants to sign in" consent would fail every sign-in.
 * As the code-server harness does for its page (trustAuthAccess in lib.mjs), trust the extension and the companion
 * for authentication — here by editing the downloaded test copy of VS Code: product.json and, where the build has
 * inlined product.json into its JavaScript, that copy too. Best effort: returns the files changed.
 */
function trustAuthInDownloadedVsCode(executable) {
  const ids = [EXTENSION_ID, COMPANION_ID];
  let dir = path.dirname(executable);
  let app;
  for (let i = 0; i < 4 && !app; i++, dir = path.dirname(dir)) {
    for (const c of ['resources/app', 'Resources/app']) if (fs.existsSync(path.join(dir, c, 'product.json'))) app = path.join(dir, c);
  }
  if (!app) return [];
  const changed = [];
  const productFile = path.join(app, 'product.json');
  const product = JSON.parse(fs.readFileSync(productFile, 'utf8'));
  const trusted = product.trustedExtensionAuthAccess;
  if (Array.isArray(trusted) || trusted === undefined) {
    product.trustedExtensionAuthAccess = [...new Set([...(trusted ?? []), ...ids])];
  } else {
    for (const key of Object.keys(trusted)) trusted[key] = [...new Set([...trusted[key], ...ids])];
    for (const provider of ['microsoft-sovereign-cloud', 'microsoft']) trusted[provider] = ids;
  }
  fs.writeFileSync(productFile, JSON.stringify(product, null, '\t'));
  changed.push(productFile);
  const marker = /(["']?trustedExtensionAuthAccess["']?\s*:\s*\[)/;
  const insert = ids.map(id => JSON.stringify(id)).join(',');
  const walk = d => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.js') && fs.statSync(f).size < 40 * 1024 * 1024) {
        const text = fs.readFileSync(f, 'utf8');
        if (marker.test(text) && !text.includes(`${insert},`)) {
          fs.writeFileSync(f, text.replace(new RegExp(marker.source, 'g'), `$1${insert},`));
          changed.push(f);
        }
      }
    }
  };
  walk(path.join(app, 'out'));
  return changed;
}

const profile = mkProfile('desktop');
const resultsFile = path.join(profile.dir, 'results.json');
let emulator;
let code = 1;
try {
  emulator = await startEmulator({ infoFile: path.join(profile.dir, 'emulator', 'info.json') });
  prepareDesktopUserData(profile.userData, emulator.info);
  const vscodeExecutablePath = await downloadAndUnzipVSCode({ version: o.version, cachePath: path.join(ROOT, '.vscode-test') });
  console.log(`[desktop-tests] trusted for sign-in in: ${trustAuthInDownloadedVsCode(vscodeExecutablePath).map(f => path.relative(ROOT, f)).join(', ') || '(nothing patched)'}`);
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: [ROOT, COMPANION_DIR],
    extensionTestsPath: path.join(ROOT, 'dist/test/extension/index.js'),
    launchArgs: [profile.workspace, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensionsDir,
      '--disable-extensions', '--disable-extension', 'vscode.microsoft-authentication', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { ...emulator.env, EXT_TEST_RESULTS: resultsFile },
  });
} catch (e) {
  console.error('[desktop-tests]', e?.message ?? e);
} finally {
  await emulator?.stop();
}
let passed = 0;
let failed = code === 0 ? 0 : 1;
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  for (const t of r.tests) console.log(`  ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.fullTitle}`);
  ({ passed, failed } = r);
  if (code !== 0 && failed === 0) failed = 1;
}
if (code === 0) profile.remove();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
