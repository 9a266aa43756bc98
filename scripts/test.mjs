#!/usr/bin/env node
// `npm test`: every check of the project, in order, each timed; nothing stops early (all run, then the report).
//
//   typecheck · lint · unit · build · integration (emulator) · code-server setup · extension host (code-server)
//   · crash resume (code-server, two phases) · UI (Playwright) · VSIX install check · `npm start --check`
//
// Each step's output goes to test-results/logs/<suite>.log (its tail is echoed when the step fails). The report is
// a per-suite table, the official-spec validation status, and one final line `N passed, N failed`.
// Exit code 1 on any failure. Options: --only a,b (run just these suites), --list.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'test-results');
const LOGS = path.join(RESULTS, 'logs');
const NODE = process.execPath;
const bin = rel => path.join(ROOT, 'node_modules', rel);

const { values: o } = parseArgs({ options: { only: { type: 'string' }, list: { type: 'boolean', default: false } } });

/** Test files under `dir` whose names match `re` (node 20's `--test <dir>` finds no .ts files, so we list them). */
function testFiles(dir, re) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true }).map(String).filter(f => re.test(path.basename(f))).sort().map(f => path.join(dir, f));
}

// kind: 'check' = one check (pass/fail by exit code); 'step' = counts only when it fails; 'tap' = node:test
// counts (# pass / # fail); 'json' = {passed, failed} from a results file.
const SUITES = [
  { name: 'typecheck', kind: 'check', timeout: 600, cmd: () => [NODE, bin('typescript/bin/tsc'), '-p', '.', '--noEmit'] },
  { name: 'lint', kind: 'check', timeout: 600, cmd: () => [NODE, bin('eslint/bin/eslint.js'), '.'] },
  { name: 'unit', kind: 'tap', timeout: 600, files: () => testFiles('test/unit', /\.test\.(ts|mts|js|mjs)$/),
    cmd: files => [NODE, '--import', 'tsx', '--test', '--test-reporter=tap', ...files] },
  { name: 'build', kind: 'step', timeout: 300, before: () => fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true }),
    cmd: () => [NODE, 'esbuild.mjs'] },
  { name: 'integration', kind: 'tap', timeout: 900, files: () => testFiles('test/integration', /\.test\.(ts|mts|js|mjs)$/),
    before: () => fs.rmSync(path.join(RESULTS, 'specs-status.json'), { force: true }),
    cmd: files => [NODE, '--import', 'tsx', 'test/emulator/with-emulator.ts', '--',
      NODE, '--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', ...files] },
  { name: 'code-server setup', log: 'code-server-setup', kind: 'step', timeout: 1200, cmd: () => ['bash', 'scripts/setup-code-server.sh'] },
  { name: 'extension host', log: 'extension', kind: 'json', timeout: 1200, results: path.join(RESULTS, 'extension.json'),
    before: () => fs.rmSync(path.join(RESULTS, 'extension.json'), { force: true }),
    cmd: () => [NODE, 'test/harness/run-extension-tests.mjs'] },
  // Resume after a crash: phase 1 kills its extension host mid-plan, phase 2 restarts code-server on the same profile.
  { name: 'crash resume', log: 'crash', kind: 'json', timeout: 300, results: path.join(RESULTS, 'crash.json'),
    before: () => fs.rmSync(path.join(RESULTS, 'crash.json'), { force: true }),
    cmd: () => [NODE, 'test/harness/run-crash-test.mjs'] },
  { name: 'ui', kind: 'tap', timeout: 1200, files: () => testFiles('test/ui', /\.ui\.test\.mjs$/),
    before: () => fs.rmSync(path.join(RESULTS, 'screenshots'), { recursive: true, force: true }),
    cmd: files => [NODE, '--test', '--test-reporter=tap', '--test-concurrency=1', ...files] },
  { name: 'vsix', kind: 'check', timeout: 600, cmd: () => [NODE, 'test/harness/check-vsix.mjs'] },
  { name: 'npm start --check', log: 'start', kind: 'check', timeout: 600, cmd: () => [NODE, 'scripts/start.mjs', '--check', '--no-build'] },
];

if (o.list) {
  for (const s of SUITES) console.log(s.log ?? s.name);
  process.exit(0);
}
const only = o.only ? new Set(o.only.split(',').map(s => s.trim())) : undefined;

function runLogged(argv, logFile, timeoutSec) {
  return new Promise(resolve => {
    const out = fs.createWriteStream(logFile);
    out.write(`$ ${argv.map(a => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
    let text = '';
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000).unref();
    }, timeoutSec * 1000);
    for (const s of [child.stdout, child.stderr]) s.on('data', d => { out.write(d); text += d; });
    child.on('error', e => { text += `\n${e.message}\n`; });
    child.on('close', code => {
      clearTimeout(timer);
      if (timedOut) out.write(`\n[test.mjs] killed after ${timeoutSec} s\n`);
      out.end(() => resolve({ code: timedOut ? 124 : code ?? 1, text, timedOut }));
    });
  });
}

/** The last `# pass N` / `# fail N` (and `# cancelled N`) of node:test's TAP output. */
function tapCounts(text) {
  const last = re => { const m = [...text.matchAll(re)].pop(); return m ? Number(m[1]) : undefined; };
  const pass = last(/^# pass (\d+)\s*$/gm);
  const fail = last(/^# fail (\d+)\s*$/gm);
  const cancelled = last(/^# cancelled (\d+)\s*$/gm) ?? 0;
  return pass === undefined || fail === undefined ? undefined : { passed: pass, failed: fail + cancelled };
}

fs.mkdirSync(LOGS, { recursive: true });
// Throw-away profiles that failed runs kept (tmp/<kind>-XXXX): drop those older than a day.
for (const e of fs.existsSync(path.join(ROOT, 'tmp')) ? fs.readdirSync(path.join(ROOT, 'tmp')) : []) {
  const p = path.join(ROOT, 'tmp', e);
  try { if (Date.now() - fs.statSync(p).mtimeMs > 24 * 3600_000) fs.rmSync(p, { recursive: true, force: true }); } catch { /* in use or gone */ }
}
const rows = [];
const T0 = Date.now();
for (const suite of SUITES) {
  const logName = suite.log ?? suite.name;
  if (only && !only.has(logName) && !only.has(suite.name)) continue;
  const logFile = path.join(LOGS, `${logName.replace(/[^\w.-]+/g, '-')}.log`);
  const t0 = Date.now();
  process.stdout.write(`▶ ${suite.name} … `);
  let passed = 0;
  let failed = 0;
  let note = '';
  let result = { code: 0, text: '' };
  const files = suite.files?.();
  if (files && files.length === 0) {
    note = 'no test files';
    fs.writeFileSync(logFile, 'no test files\n');
  } else {
    try { suite.before?.(); } catch { /* best effort */ }
    result = await runLogged(suite.cmd(files), logFile, suite.timeout);
    if (suite.kind === 'check') {
      if (result.code === 0) passed = 1; else failed = 1;
    } else if (suite.kind === 'step') {
      if (result.code !== 0) failed = 1;
    } else {
      const counts = suite.kind === 'tap' ? tapCounts(result.text) : readJsonCounts(suite.results);
      if (counts) {
        ({ passed, failed } = counts);
        if (result.code !== 0 && failed === 0) { failed = 1; note = `exit code ${result.code} with no failed test`; }
      } else {
        failed = 1;
        note = 'crashed: no counts';
      }
    }
    if (result.timedOut) note = `timed out after ${suite.timeout} s`;
  }
  const seconds = (Date.now() - t0) / 1000;
  rows.push({ name: suite.name, kind: suite.kind, passed, failed, seconds, note });
  console.log(`${failed ? 'FAILED' : 'ok'} (${seconds.toFixed(1)} s)${note ? ` — ${note}` : ''}`);
  if (failed) {
    // The failing tests' own diagnostics first: the tail alone can miss them when later tests pass.
    for (const block of failingTapBlocks(result.text)) {
      console.log('  ┌─ failing test');
      for (const l of block) console.log(`  │ ${l}`);
      console.log('  └─');
    }
    const tail = result.text.trimEnd().split('\n').slice(-60);
    console.log(`  ┌─ last ${tail.length} lines of ${path.relative(ROOT, logFile)}`);
    for (const l of tail) console.log(`  │ ${l}`);
    console.log('  └─');
  }
}

/** Each `not ok` line of a TAP log with its indented diagnostic (first 40 lines), at most 5 blocks. */
function failingTapBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length && blocks.length < 5; i++) {
    const m = /^(\s*)not ok \d+/.exec(lines[i]);
    if (!m) continue;
    const block = [lines[i]];
    for (let j = i + 1; j < lines.length && block.length < 40; j++) {
      if (!lines[j].startsWith(m[1] + ' ')) break;
      block.push(lines[j]);
    }
    blocks.push(block);
  }
  return blocks;
}

function readJsonCounts(file) {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Number.isInteger(j.passed) && Number.isInteger(j.failed) ? { passed: j.passed, failed: j.failed } : undefined;
  } catch {
    return undefined;
  }
}

// ---- report --------------------------------------------------------------------------------------------------
const show = r => (r.kind === 'step' && !r.failed ? '-' : String(r.passed));
const w = Math.max(...rows.map(r => r.name.length), 5);
console.log('');
console.log(`${'suite'.padEnd(w)}  ${'passed'.padStart(6)}  ${'failed'.padStart(6)}  ${'seconds'.padStart(7)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(w)}  ${show(r).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.seconds.toFixed(1).padStart(7)}${r.note ? `  ${r.note}` : ''}`);
}
let totalPassed = rows.reduce((n, r) => n + r.passed, 0);
let totalFailed = rows.reduce((n, r) => n + r.failed, 0);
console.log(`${'total'.padEnd(w)}  ${String(totalPassed).padStart(6)}  ${String(totalFailed).padStart(6)}  ${((Date.now() - T0) / 1000).toFixed(1).padStart(7)}`);

// Official OpenAPI validation of the emulator's responses (written by test/integration/emulator-schemas.test.ts).
if (!only || only.has('integration')) {
  let status;
  try { status = JSON.parse(fs.readFileSync(path.join(RESULTS, 'specs-status.json'), 'utf8')); } catch { /* not written */ }
  if (status?.specs === 'ran') {
    console.log(`spec validation: ran (${status.validated} responses)${status.missing?.length ? `; spec files missing: ${status.missing.join(', ')}` : ''}`);
  } else {
    console.log(`spec validation: not run (AZURE_SPECS_DIR missing)${status?.dir ? ` — looked in ${status.dir}` : ''}`);
    if (process.env.CI === 'true') {
      console.log('spec validation is required in CI: counted as 1 failure');
      totalFailed += 1;
    }
  }
}
console.log(`${totalPassed} passed, ${totalFailed} failed`);
process.exit(totalFailed ? 1 : 0);
