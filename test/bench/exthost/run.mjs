#!/usr/bin/env node
// Scenarios 3 (activation) and 4 (extension-host memory) of `npm run bench`, in code-server's real extension host.
// Run by test/bench/main.ts under the bench's emulator (AKS_KMS_EMULATOR_INFO, NODE_EXTRA_CA_CERTS in the env):
//
//   node test/bench/exthost/run.mjs --reps N --subscriptions S --clusters C --out FILE
//
// Packages the extension the way users get it (`npm run package`: production bundles + VSIX), builds the probe
// (probe.ts) and the baseline — the same entry point bundled into one file, as before the lazy split — then opens a
// fresh workbench per repetition with the probe as its test payload. Writes {vsixBytes, bundles, eagerBytes, runs}.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import {
  ROOT, codeServerInstalled, emulatorSettings, freePort, installCompanion, launchChromium, mkProfile,
  startCodeServer, trustAuthAccess, workbenchUrl, writeSettings,
} from '../../harness/lib.mjs';

const { values: o } = parseArgs({ options: {
  reps: { type: 'string', default: '3' },
  subscriptions: { type: 'string', default: '200' },
  clusters: { type: 'string', default: '50' },
  out: { type: 'string' },
  timeout: { type: 'string', default: '420' },
} });
const T0 = Date.now();
const say = msg => process.stderr.write(`[bench exthost ${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}\n`);
const infoFile = process.env.AKS_KMS_EMULATOR_INFO;
if (!infoFile || !o.out) throw new Error('run under the bench emulator (AKS_KMS_EMULATOR_INFO) with --out FILE');
if (!codeServerInstalled()) throw new Error('code-server is not installed: bash scripts/setup-code-server.sh');

const npm = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } });
if (npm.status !== 0) throw new Error(`npm run package failed (exit ${npm.status})`);
const vsixBytes = fs.statSync(path.join(ROOT, 'dist/aks-kms.vsix')).size;
const bundles = Object.fromEntries(fs.readdirSync(path.join(ROOT, 'dist')).filter(f => f.endsWith('.js')).map(f => [f, fs.statSync(path.join(ROOT, 'dist', f)).size]));

const outDir = path.join(ROOT, 'dist/test/bench');
fs.mkdirSync(outDir, { recursive: true });
const probe = path.join(outDir, 'probe.js');
const eager = path.join(outDir, 'eager-extension.js');
await esbuild.build({
  entryPoints: [path.join(ROOT, 'test/bench/exthost/probe.ts')], outfile: probe, bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', external: ['vscode'], logLevel: 'warning',
});
// The baseline: dist/extension.js's entry with every import() inlined (no lazy bundles), as production builds it.
await esbuild.build({
  entryPoints: [path.join(ROOT, 'src/extension.ts')], outfile: eager, bundle: true, minify: true, legalComments: 'none',
  platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['module', 'main'],
  define: { 'import.meta.url': 'importMetaUrl' }, banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  logLevel: 'error',
});
const eagerBytes = fs.statSync(eager).size;
say(`VSIX ${vsixBytes} bytes; bundles ${JSON.stringify(bundles)}; baseline single bundle ${eagerBytes} bytes`);

say("built");
const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
const runs = [];
for (let rep = 1; rep <= Number(o.reps); rep++) {
  const profile = mkProfile('bench-exthost');
  let cs, browser;
  try {
    writeSettings(profile, emulatorSettings(info));
    installCompanion(profile);
    const results = path.join(profile.dir, 'probe.json');
    const port = await freePort();
    cs = await startCodeServer({
      port, profile,
      env: {
        BENCH_PROBE_RESULTS: results, BENCH_EAGER_BUNDLE: eager,
        BENCH_FLEET_SUBSCRIPTIONS: o.subscriptions, BENCH_FLEET_CLUSTERS: o.clusters,
        ...(process.env.BENCH_CPU_PROFILE ? { BENCH_CPU_PROFILE: process.env.BENCH_CPU_PROFILE.replace('{rep}', String(rep)) } : {}),
      },
    });
    browser = await launchChromium(profile);
    const page = browser.pages()[0] ?? await browser.newPage();
    await trustAuthAccess(page);
    const done = new Promise(resolve => page.exposeFunction('codeAutomationExit', code => resolve(code)));
    await page.exposeFunction('codeAutomationLog', () => {});
    await page.goto(workbenchUrl({ port, folder: profile.workspace, devPaths: [ROOT], testsPath: probe }));
    const opened = Date.now();
    const code = await Promise.race([done, new Promise(resolve => setTimeout(() => resolve('timeout'), Number(o.timeout) * 1000))]);
    say(`run ${rep}: workbench ended (${code}) ${((Date.now() - opened) / 1000).toFixed(1)} s after opening; probe wrote ${fs.existsSync(results) ? ((fs.statSync(results).mtimeMs - opened) / 1000).toFixed(1) : '-'} s after`);
    const result = fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, 'utf8')) : { ok: false, error: `no probe result (exit ${code})` };
    if (!result.ok) throw new Error(`probe run ${rep} failed: ${result.error}`);
    say(`run ${rep}: activate ${result.activateMs.toFixed(1)} ms, ${result.loadedAtActivationBytes} bytes at activation, ` +
      `${result.clusters} clusters listed in ${Math.round(result.treeLoadedMs)} ms, heap +${(result.heapGrowthBytes / 1048576).toFixed(1)} MB`);
    runs.push(result);
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
    profile.remove();
  }
}
say("done");
fs.writeFileSync(o.out, `${JSON.stringify({ vsixBytes, bundles, eagerBytes, runs }, null, 2)}\n`);
process.exit(0);
