#!/usr/bin/env node
// Resume after a crash, in the real extension host (code-server + chromium), in two phases on ONE profile:
//
//   phase 1  (test/crash/phase1.ts) starts a PMK plan on aks-prod-plain through the journal; once the plan reports
//            `updateCluster: running` and the emulator accepted the cluster PUT, it writes a marker file and kills
//            its own extension host with SIGKILL.
//   between  the runner waits until the journal (`updateCluster: running`) is in VS Code's global storage, then
//            closes chromium and stops code-server (SIGTERM to its process group).
//   phase 2  (test/crash/phase2.ts) code-server and chromium again, same profile and same port: the journal entry,
//            the tree's "plan interrupted, resumable", the restart notification with its Resume button (checked
//            here, in the page), Resume refused while the update still runs, then Resume finishing with no second
//            PUT.
//
// Where global state lives: code-server runs the workbench in the browser, and the workbench's storage service is
// the browser one — extension globalState (MainThreadStorage → storage scope PROFILE) is kept in the page's
// IndexedDB database `vscode-web-state-db-global`, table `ItemTable`, key `<publisher>.<name>`, flushed there about
// 100 ms after a change. Nothing of it is on the server's --user-data-dir. So: the same chromium user-data-dir
// and the same origin (IndexedDB is per origin, so the same port) in both phases; the runner reads that database to
// know the write arrived before it closes the browser.
//
//   node test/harness/run-crash-test.mjs [--verbose] [--keep] [--timeout SECONDS (per phase, default 90)]
//
// Builds its own test bundles (dist/test/crash/phase{1,2}.js, esbuild's API); needs dist/extension.js (`node
// esbuild.mjs`) and code-server (`bash scripts/setup-code-server.sh`). Writes test-results/crash.json
// {passed, failed, tests:[{title, state, err?}]} and test-results/crash-host.log; prints `N passed, N failed`;
// exit 1 on any failure. On a hang: test-results/crash-phase<N>-timeout.png.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { format, parseArgs } from 'node:util';
import {
  CHROMIUM, EXTENSION_ID, NOISE, RESULTS_DIR, ROOT, codeServerInstalled, emulatorSettings, freePort, installCompanion,
  launchChromium, mkProfile, portIsFree, requireTs, sleep, startCodeServer, startEmulator, trustAuthAccess, workbenchUrl,
  writeSettings,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { values: o } = parseArgs({ options: {
  timeout: { type: 'string', default: '90' },
  verbose: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
} });

/** The cluster update (LRO) phase 1 starts lasts this long: far beyond both phases, phase 2 ends it with the clock. */
const UPDATE_MS = 120_000;
const CLUSTER = 'aks-prod-plain';
const JOURNAL_KEY = 'aksKms.planJournal';
const STATE_DB = 'vscode-web-state-db-global';

const T0 = Date.now();
const since = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
const say = msg => console.log(`[crash ${since()}] ${msg}`);
const summaryFile = path.join(RESULTS_DIR, 'crash.json');
const hostLogFile = path.join(RESULTS_DIR, 'crash-host.log');
const bundleDir = path.join(ROOT, 'dist/test/crash');
fs.mkdirSync(RESULTS_DIR, { recursive: true });

const tests = [];
const record = (title, err, durationMs) => {
  tests.push({ title, state: err ? 'failed' : 'passed', ...(durationMs !== undefined ? { durationMs } : {}), ...(err ? { err: String(err) } : {}) });
};

const hostLog = fs.createWriteStream(hostLogFile);
const hostLines = [];
const hostLine = line => { hostLog.write(`${line}\n`); hostLines.push(line); if (o.verbose) console.log(line); };

function finish(code) {
  const passed = tests.filter(t => t.state === 'passed').length;
  const failed = tests.filter(t => t.state === 'failed').length;
  if (code !== 0 && failed === 0) throw new Error('failing run with no failed test');
  fs.writeFileSync(summaryFile, `${JSON.stringify({ passed, failed, durationMs: Date.now() - T0, tests }, null, 2)}\n`);
  for (const t of tests) {
    console.log(`  ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs} ms)` : ''}`);
    if (t.err) console.log(`       ${t.err.split('\n').slice(0, 8).join('\n       ')}`);
  }
  say(`done, results in ${path.relative(ROOT, summaryFile)}`);
  console.log(`${passed} passed, ${failed} failed`);
  hostLog.end();
  process.exit(code);
}

/** The test bundles, made here so esbuild.mjs stays as it is (same options as its extension-host test bundle). */
async function buildBundles() {
  const esbuild = require('esbuild');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { phase1: 'test/crash/phase1.ts', phase2: 'test/crash/phase2.ts' },
    outdir: bundleDir,
    bundle: true, sourcemap: true, minify: false, logLevel: 'warning', legalComments: 'none',
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'],
  });
}

/**
 * The extension's global state as the workbench stored it: read straight from the page's IndexedDB (a fresh
 * connection, so only what the storage service has flushed counts). `undefined` when the database or key is absent.
 */
async function storedGlobalState(page) {
  const raw = await page.evaluate(({ dbName, key }) => new Promise((resolve, reject) => {
    const req = globalThis.indexedDB.open(dbName);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('ItemTable')) { db.close(); resolve(null); return; }
      const get = db.transaction('ItemTable', 'readonly').objectStore('ItemTable').get(key);
      get.onerror = () => { db.close(); reject(get.error); };
      get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
    };
  }), { dbName: STATE_DB, key: EXTENSION_ID });
  return typeof raw === 'string' ? JSON.parse(raw) : undefined;
}

const journalEntryOf = state => Object.values(state?.[JOURNAL_KEY] ?? {}).find(e => e?.clusterName === CLUSTER);

/** chromium on the profile, with the harness hooks: auth trust, the test-exit hook and the extension host's console. */
async function openWorkbench(profile, port, testsPath, phase) {
  const browser = await launchChromium(profile);
  const page = browser.pages()[0] ?? await browser.newPage();
  await trustAuthAccess(page);
  const exited = new Promise(resolve => page.exposeFunction('codeAutomationExit', code => resolve({ code })));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    if (!NOISE.test(line)) hostLine(`[phase${phase} exthost:${type}] ${line}`);
  });
  page.on('console', m => { if (m.type() === 'error' && !NOISE.test(m.text())) hostLine(`[phase${phase} browser:error] ${m.text()}`); });
  page.on('pageerror', e => hostLine(`[phase${phase} browser:pageerror] ${e.message}`));
  await page.goto(workbenchUrl({ port, folder: profile.workspace, devPaths: [ROOT], testsPath }));
  return { browser, page, exited };
}

async function screenshot(page, name) {
  const shot = path.join(RESULTS_DIR, name);
  await page?.screenshot({ path: shot }).catch(() => {});
  return path.relative(ROOT, shot);
}

/** Polls `check` (truthy = done) every `everyMs` until `timeoutMs`; answers its value or undefined. */
async function poll(check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------

for (const [what, ok] of [
  ['code-server (bash scripts/setup-code-server.sh)', codeServerInstalled()],
  ['chromium', fs.existsSync(CHROMIUM)],
  ['the extension bundle dist/extension.js (node esbuild.mjs)', fs.existsSync(path.join(ROOT, 'dist/extension.js'))],
]) {
  if (!ok) { record('prerequisites', `missing ${what}`); finish(1); }
}

const phaseMs = Number(o.timeout) * 1000;
let emulator, cs, browser, page, profile;
let exitCode = 1;
try {
  await buildBundles();
  say('bundled dist/test/crash/phase1.js, phase2.js');
  profile = mkProfile('crash');
  emulator = await startEmulator({ infoFile: path.join(profile.dir, 'emulator', 'info.json') });
  const { emulatorAdmin } = requireTs('test/emulator/client.ts');
  const admin = emulatorAdmin(emulator.info);
  await admin.config({ clusterUpdateDurationMs: UPDATE_MS });
  say(`emulator ready at ${emulator.info.armEndpoint}; cluster updates take ${UPDATE_MS / 1000} s`);
  writeSettings(profile, emulatorSettings(emulator.info));
  installCompanion(profile);
  const port = await freePort();
  const csLog = o.verbose ? t => process.stdout.write(`[code-server] ${t}`) : () => {};

  // ---- phase 1: start the plan, die in the middle of the cluster update --------------------------------------
  const marker = path.join(profile.dir, 'phase1-marker.json');
  cs = await startCodeServer({ port, profile, env: { ...emulator.env, CRASH_MARKER: marker }, log: csLog });
  say(`phase 1: code-server on ${port} after ${cs.startMs} ms (profile ${path.relative(ROOT, profile.dir)})`);
  let phase1Exit;
  let exited1;
  ({ browser, page, exited: exited1 } = await openWorkbench(profile, port, path.join(bundleDir, 'phase1.js'), 1));
  exited1.then(r => { phase1Exit = r; say(`phase 1: the workbench reports the extension host gone (exit ${r.code})`); });
  const t1 = Date.now();
  const markerData = await poll(() => (fs.existsSync(marker) ? JSON.parse(fs.readFileSync(marker, 'utf8')) : phase1Exit && { ok: false, error: `the test run ended (exit ${phase1Exit.code}) without a marker` }), phaseMs, 200);
  if (!markerData) {
    record('phase 1: the plan reaches updateCluster and the extension host is killed', `no marker within ${o.timeout} s; screenshot ${await screenshot(page, 'crash-phase1-timeout.png')}`);
    throw new Error('phase 1 hung');
  }
  if (!markerData.ok) {
    record('phase 1: the plan reaches updateCluster and the extension host is killed', markerData.error);
    throw new Error('phase 1 failed');
  }
  const killedAt = Date.now();
  say(`phase 1: marker after ${killedAt - t1} ms (extension host pid ${markerData.pid}, cluster PUT at ${markerData.putAt})`);
  const dead = await poll(() => { try { process.kill(markerData.pid, 0); return false; } catch { return true; } }, 5000, 50);
  record('phase 1: the plan reaches updateCluster (cluster PUT accepted) and the extension host is killed with SIGKILL',
    dead ? undefined : `extension host pid ${markerData.pid} still alive 5 s after the kill`, killedAt - t1);

  // ---- between: the journal must be in VS Code's storage before the browser and server go ---------------------
  const persisted = await poll(async () => {
    const entry = journalEntryOf(await storedGlobalState(page).catch(() => undefined));
    return entry?.status === 'running' && entry.steps?.updateCluster === 'running' ? entry : undefined;
  }, 10_000, 100);
  const persistMs = Date.now() - killedAt;
  const lastSeen = persisted ?? journalEntryOf(await storedGlobalState(page).catch(() => undefined));
  record('the journal (updateCluster: running) is in global storage (IndexedDB) after the kill',
    persisted ? undefined : `not within 10 s; stored entry: ${JSON.stringify(lastSeen) ?? 'none'}`, persistMs);
  say(`journal in IndexedDB ${persisted ? `${persistMs} ms after the kill` : 'NOT found'}: steps ${JSON.stringify(lastSeen?.steps)}`);
  if (!persisted) await screenshot(page, 'crash-phase1-not-persisted.png');
  // Graceful: chromium closes its IndexedDB (LevelDB) files; code-server gets SIGTERM on its process group.
  await browser.close();
  browser = undefined;
  await cs.stop();
  cs = undefined;
  say('phase 1: chromium closed, code-server stopped');
  if (!persisted) throw new Error('journal not persisted');

  // ---- phase 2: same profile, same origin ---------------------------------------------------------------------
  if (!(await poll(() => portIsFree(port), 10_000, 200))) throw new Error(`port ${port} (the profile's origin) stays busy`);
  const uiChecked = path.join(profile.dir, 'ui-checked');
  const results2 = path.join(profile.dir, 'phase2-results.json');
  cs = await startCodeServer({
    port, profile, log: csLog,
    env: { ...emulator.env, CRASH_PHASE1: marker, CRASH_UI_CHECKED: uiChecked, CRASH_UPDATE_MS: String(UPDATE_MS), EXT_TEST_RESULTS: results2 },
  });
  say(`phase 2: code-server on ${port} again after ${cs.startMs} ms`);
  const t2 = Date.now();
  let exited;
  ({ browser, page, exited } = await openWorkbench(profile, port, path.join(bundleDir, 'phase2.js'), 2));

  // The restart notification, as the user sees it: a toast with the message and a Resume button.
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `A plan on ${CLUSTER} was interrupted before it finished` });
  const seen = await toast.locator('.monaco-button', { hasText: /^Resume$/ }).first().waitFor({ state: 'visible', timeout: 30_000 }).then(() => true, () => false);
  const toastText = seen ? (await toast.first().innerText()).replace(/\s+/g, ' ').trim() : (await page.locator('.notifications-toasts').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
  record('after the restart a notification says the plan was interrupted and offers Resume',
    seen ? undefined : `no such toast within 30 s; toasts: ${JSON.stringify(toastText)}; screenshot ${await screenshot(page, 'crash-phase2-no-notification.png')}`, Date.now() - t2);
  say(`phase 2: notification ${seen ? `shown: ${JSON.stringify(toastText)}` : 'NOT shown'}`);
  fs.writeFileSync(uiChecked, JSON.stringify({ seen, text: toastText }));

  const r = await Promise.race([exited, sleep(phaseMs).then(() => 'timeout')]);
  if (r === 'timeout') say(`phase 2: timed out after ${o.timeout} s`);
  else say(`phase 2: test run exited with ${r.code} after ${Date.now() - t2} ms`);
  const raw = fs.existsSync(results2) ? JSON.parse(fs.readFileSync(results2, 'utf8')) : undefined;
  for (const t of raw?.tests ?? []) record(`phase 2: ${t.title}`, t.state === 'failed' ? t.err ?? 'failed' : undefined, t.durationMs);
  if (r === 'timeout') record('phase 2 finished', `timed out after ${o.timeout} s; screenshot ${await screenshot(page, 'crash-phase2-timeout.png')}`);
  else if (!raw?.tests?.length) record('phase 2 finished', `no results (exit code ${r.code}); see ${path.relative(ROOT, hostLogFile)}`);
  else if (r.code !== 0 && !raw.tests.some(t => t.state === 'failed')) record('phase 2 exit code', `exit code ${r.code}`);
  exitCode = tests.every(t => t.state === 'passed') ? 0 : 1;
} catch (e) {
  if (!tests.some(t => t.state === 'failed')) record('crash suite run', e?.stack ?? e);
  say(`error: ${e?.message ?? e}`);
  exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  await cs?.stop();
  await emulator?.stop();
  if (profile && exitCode === 0 && !o.keep) profile.remove();
  else if (profile) say(`profile kept: ${path.relative(ROOT, profile.dir)} (code-server.log, chromium/, user-data/logs)`);
}
if (exitCode !== 0 && !o.verbose && hostLines.length) {
  console.log(`--- extension host output (last 120 of ${hostLines.length} lines; all in ${path.relative(ROOT, hostLogFile)}) ---`);
  for (const l of hostLines.slice(-120)) console.log(l);
  console.log('--- end of extension host output ---');
}
finish(exitCode);
