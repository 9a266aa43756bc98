#!/usr/bin/env node
// Runs the mocha suite (test/extension, bundled to dist/test/extension) inside code-server's real extension host,
// against the local Azure emulator. Builds nothing: run `node esbuild.mjs` first (scripts/test.mjs does).
//
//   node test/harness/run-extension-tests.mjs [--verbose] [--grep RE] [--timeout SECONDS] [--keep]
//
// Writes test-results/extension.json {passed, failed, tests:[…]} and test-results/extension-host.log, prints one
// line per test and ends with `N passed, N failed`. Extension-host console output is echoed only on failure or
// with --verbose. On a hang: a screenshot test-results/extension-timeout.png, then exit 1.
import fs from 'node:fs';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import {
  NOISE, RESULTS_DIR, ROOT, codeServerInstalled, emulatorSettings, freePort, installCompanion, launchChromium,
  mkProfile, startCodeServer, startEmulator, trustAuthAccess, workbenchUrl, writeSettings,
} from './lib.mjs';

const { values: o } = parseArgs({ options: {
  ext: { type: 'string', default: ROOT },
  tests: { type: 'string' },
  timeout: { type: 'string', default: '600' },
  grep: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
} });

const T0 = Date.now();
const since = () => `${((Date.now() - T0) / 1000).toFixed(1)}s`;
const say = msg => console.log(`[exthost-tests ${since()}] ${msg}`);
const ext = path.resolve(o.ext);
const testsPath = path.resolve(o.tests ?? path.join(ext, 'dist/test/extension/index.js'));
const summaryFile = path.join(RESULTS_DIR, 'extension.json');
const hostLogFile = path.join(RESULTS_DIR, 'extension-host.log');
fs.mkdirSync(RESULTS_DIR, { recursive: true });

function finish(summary, code) {
  fs.writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  for (const t of summary.tests) {
    console.log(`  ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.fullTitle ?? t.title}${t.durationMs ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(`       ${t.error.split('\n').slice(0, 6).join('\n       ')}`);
  }
  say(`done, results in ${path.relative(ROOT, summaryFile)}`);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  process.exit(code);
}
const crashed = why => ({ passed: 0, failed: 1, tests: [{ title: 'extension host run', fullTitle: 'extension host run', state: 'failed', error: why }] });

for (const [what, file] of [['code-server (bash scripts/setup-code-server.sh)', null], ['the extension bundle', path.join(ext, 'dist/extension.js')], ['the test bundle', testsPath]]) {
  const ok = file ? fs.existsSync(file) : codeServerInstalled();
  if (!ok) finish(crashed(`missing ${what}${file ? `: ${file}` : ''} — run \`node esbuild.mjs\` and \`bash scripts/setup-code-server.sh\``), 1);
}

const hostLog = fs.createWriteStream(hostLogFile);
const hostLines = [];
const hostLine = line => { hostLog.write(`${line}\n`); hostLines.push(line); if (o.verbose) console.log(line); };

let emulator, cs, browser, profile;
let exitCode = 1;
let summary;
try {
  profile = mkProfile('exthost');
  emulator = await startEmulator({ infoFile: path.join(profile.dir, 'emulator', 'info.json') });
  say(`emulator ready at ${emulator.info.armEndpoint}`);
  writeSettings(profile, emulatorSettings(emulator.info));
  installCompanion(profile);
  const resultsFile = path.join(profile.dir, 'results.json');
  const port = await freePort();
  cs = await startCodeServer({
    port, profile,
    env: {
      ...emulator.env,
      EXT_TEST_RESULTS: resultsFile,
      ...(o.grep ? { EXT_TEST_GREP: o.grep } : {}),
    },
    log: o.verbose ? t => process.stdout.write(`[code-server] ${t}`) : () => {},
  });
  say(`code-server listening on ${port} after ${cs.startMs} ms (profile ${path.relative(ROOT, profile.dir)})`);

  browser = await launchChromium(profile);
  const page = browser.pages()[0] ?? await browser.newPage();
  await trustAuthAccess(page);
  // The workbench calls window.codeAutomationExit(code) when the test run ends, and forwards the extension
  // host's console to window.codeAutomationLog(type, args) (the hooks @vscode/test-web uses).
  const done = new Promise(resolve => page.exposeFunction('codeAutomationExit', code => resolve({ code })));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = format(...(Array.isArray(args) ? args : [args]));
    if (!NOISE.test(line)) hostLine(`[exthost:${type}] ${line}`);
  });
  page.on('console', m => { if (m.type() === 'error' && !NOISE.test(m.text())) hostLine(`[browser:error] ${m.text()}`); });
  page.on('pageerror', e => hostLine(`[browser:pageerror] ${e.message}`));
  const url = workbenchUrl({ port, folder: profile.workspace, devPaths: [ext], testsPath });
  if (o.verbose) say(`opening ${url}`);
  await page.goto(url);
  const timeoutMs = Number(o.timeout) * 1000;
  const r = await Promise.race([done, new Promise(resolve => setTimeout(() => resolve('timeout'), timeoutMs))]);
  if (r === 'timeout') {
    const shot = path.join(RESULTS_DIR, 'extension-timeout.png');
    await page.screenshot({ path: shot }).catch(() => {});
    say(`timed out after ${o.timeout} s; screenshot ${path.relative(ROOT, shot)}`);
  } else {
    say(`extension host test run exited with ${r.code}`);
  }
  if (fs.existsSync(resultsFile)) {
    const raw = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    summary = { passed: raw.passed, failed: raw.failed, durationMs: raw.durationMs, files: raw.files, tests: raw.tests };
    if (r === 'timeout') { summary.failed += 1; summary.tests.push({ title: 'timeout', fullTitle: `run finished within ${o.timeout} s`, state: 'failed', error: 'timed out' }); }
    else if (r.code !== 0 && summary.failed === 0) { summary.failed = 1; summary.tests.push({ title: 'exit code', fullTitle: 'extension host exit code', state: 'failed', error: `exit code ${r.code}` }); }
  } else {
    summary = crashed(r === 'timeout' ? `timed out after ${o.timeout} s before any result` : `no results written (exit code ${r.code}); see ${path.relative(ROOT, hostLogFile)}`);
  }
  if (summary.passed + summary.failed === 0) {
    summary = crashed('no test ran (no *.test.ts in test/extension?)');
  }
  exitCode = summary.failed === 0 ? 0 : 1;
} catch (e) {
  summary = crashed(String(e?.stack ?? e));
  say(`error: ${e?.message ?? e}`);
} finally {
  await browser?.close().catch(() => {});
  await cs?.stop();
  await emulator?.stop();
  hostLog.end();
  if (profile && exitCode === 0 && !o.keep) profile.remove();
  else if (profile) say(`profile kept: ${path.relative(ROOT, profile.dir)} (code-server.log, user-data/logs)`);
}
if (exitCode !== 0 && !o.verbose && hostLines.length) {
  console.log(`--- extension host output (last 150 of ${hostLines.length} lines; all in ${path.relative(ROOT, hostLogFile)}) ---`);
  for (const l of hostLines.slice(-150)) console.log(l);
  console.log('--- end of extension host output ---');
}
finish(summary, exitCode);
