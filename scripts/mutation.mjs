#!/usr/bin/env node
// `npm run mutation`: Stryker over src/kms (stryker.config.mjs), then the mutation score per file.
//
//   npm run mutation                                          # every file of src/kms (incremental: only what changed)
//   npm run mutation -- --files src/kms/enable/preflight.ts   # just these (comma-separated or repeated); lists survivors
//   npm run mutation -- --force                               # ignore the incremental results, test every mutant again
//
// Writes test-results/mutation/: mutation.json + mutation.html (Stryker's report of this run), stryker-incremental.json
// (Stryker's incremental results, the latest for every file), scores.json and scores.md (the per-file table below).
//
// Score = Stryker's `mutationScore`: detected / valid × 100, where detected = killed + timeout and
// valid = killed + timeout + survived + no coverage (ignored mutants and runtime/compile errors are not counted).
// A --files run updates those files' rows and keeps the other rows from the earlier runs (each row says when).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'test-results', 'mutation');
const REPORT = path.join(OUT, 'mutation.json');
const SCORES_JSON = path.join(OUT, 'scores.json');
const SCORES_MD = path.join(OUT, 'scores.md');

const { values: o } = parseArgs({
  options: {
    files: { type: 'string', multiple: true, default: [] },
    force: { type: 'boolean', default: false },
  },
});
const files = o.files.flatMap(f => f.split(',')).map(f => f.trim()).filter(Boolean).map(f => path.relative(ROOT, path.resolve(f)).split(path.sep).join('/'));
for (const f of files) {
  if (!/^src\/kms\//.test(f.replace(/:.*$/, ''))) {
    console.error(`--files ${f}: only files under src/kms are mutated`);
    process.exit(2);
  }
}

const readJson = file => { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return undefined; } };

const previousScores = readJson(SCORES_JSON);

fs.mkdirSync(OUT, { recursive: true });
fs.rmSync(REPORT, { force: true });
const argv = [path.join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.config.mjs'];
if (files.length) argv.push('--mutate', files.join(','));
if (o.force) argv.push('--force');
console.log(`$ stryker ${argv.slice(1).join(' ')}`);
const t0 = Date.now();
let reused; // "Result: 1782 of 3574 mutant result(s) are reused." (Stryker's incremental differ)
const code = await new Promise(resolve => {
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['inherit', 'pipe', 'inherit'] });
  let tail = '';
  child.stdout.on('data', d => {
    process.stdout.write(d);
    tail = (tail + d).slice(-4000);
    const m = /(\d+) of (\d+) mutant result\(s\) are reused/.exec(tail);
    if (m) reused = { reused: Number(m[1]), of: Number(m[2]) };
  });
  child.on('error', e => { console.error(e.message); resolve(1); });
  child.on('close', c => resolve(c ?? 1));
});
const seconds = (Date.now() - t0) / 1000;
const report = readJson(REPORT);
if (code !== 0 || !report) {
  console.error(`stryker failed (exit code ${code}${report ? '' : ', no report'}); scores not updated`);
  process.exit(code || 1);
}

// With --files, Stryker's report (and its incremental file) still holds the other files, from the incremental results
// of earlier runs; their rows keep the time they were measured.
const latest = report;
// ---- per-file scores ------------------------------------------------------------------------------------------
const DETECTED = new Set(['Killed', 'Timeout']);
const now = new Date().toISOString();
const mutated = f => !files.length || files.some(m => m.replace(/:[\d:-]+$/, '') === f);
const previousRow = new Map((previousScores?.files ?? []).map(r => [r.file, r]));

function relPath(f) {
  return path.relative(ROOT, path.resolve(ROOT, f)).split(path.sep).join('/');
}

function countsOf(mutants) {
  const n = status => mutants.filter(m => m.status === status).length;
  const c = {
    killed: n('Killed'), survived: n('Survived'), noCoverage: n('NoCoverage'), timeout: n('Timeout'),
    ignored: n('Ignored'), errors: n('RuntimeError') + n('CompileError'),
  };
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  const detected = mutants.filter(m => DETECTED.has(m.status)).length;
  return { mutants: valid, ...c, score: valid ? Math.round((detected / valid) * 10000) / 100 : null };
}

const rows = Object.entries(latest.files).map(([f, file]) => {
  const file_ = relPath(f);
  return {
    file: file_,
    ...countsOf(file.mutants),
    measuredAt: mutated(file_) ? now : previousRow.get(file_)?.measuredAt ?? null,
  };
});
rows.sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || a.file.localeCompare(b.file));
const total = countsOf(Object.values(latest.files).flatMap(f => f.mutants));

const result = {
  generatedAt: now,
  run: { files: files.length ? files : ['src/kms/**/*.ts'], force: o.force, seconds: Math.round(seconds), reusedFromIncremental: reused ?? null },
  scoreDefinition: "Stryker's mutationScore: (killed + timeout) / (killed + timeout + survived + noCoverage) × 100; ignored (l10n.t message text) and runtime/compile errors not counted",
  files: rows,
  total: { file: 'all files', ...total },
};
fs.writeFileSync(SCORES_JSON, JSON.stringify(result, null, 2) + '\n');

const pct = s => (s === null ? '–' : `${s.toFixed(1)} %`);
const cols = ['file', 'mutants', 'killed', 'survived', 'no coverage', 'timeout', 'score'];
const cells = r => [r.file, r.mutants, r.killed, r.survived, r.noCoverage, r.timeout, pct(r.score)].map(String);
const older = rows.filter(r => r.measuredAt !== now);
const when = iso => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'an unknown time');
/** "02:19 UTC (33 files), 01:46 UTC (src/kms/a.ts)" */
function olderRuns(list) {
  const by = list.reduce((m, r) => m.set(r.measuredAt, [...(m.get(r.measuredAt) ?? []), r]), new Map());
  return [...by].map(([at, rs]) => `${when(at)} (${rs.length > 3 ? `${rs.length} files` : rs.map(r => r.file).join(', ')})`).join(', ');
}
const md = [
  `Mutation score per file of src/kms (\`npm run mutation\`), lowest first; measured ${now.slice(0, 16).replace('T', ' ')} UTC`
    + (files.length ? ` for ${files.join(', ')}` : '') + `, ${Math.round(seconds)} s`
    + (reused?.reused ? ` (${reused.reused} of ${reused.of} mutant results reused from the incremental file: their code and covering tests were unchanged).` : '.')
    + (older.length ? ` The other rows are from earlier runs: ${olderRuns(older)}.` : ''),
  '',
  `| ${cols.join(' | ')} |`,
  `| ${cols.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`,
  ...rows.map(r => `| ${cells(r).map((c, i) => (i ? c : `\`${c}\``)).join(' | ')} |`),
  `| ${cells(result.total).map(c => `**${c}**`).join(' | ')} |`,
  '',
  `Score = detected / valid mutants (Stryker's mutationScore): detected = killed + timeout; valid = killed + timeout + survived + no coverage. ${total.ignored} mutants in l10n.t message text ignored${total.errors ? `, ${total.errors} runtime/compile errors not counted` : ''}.`,
  '',
].join('\n');
fs.writeFileSync(SCORES_MD, md);

// ---- console ----------------------------------------------------------------------------------------------------
const table = [cols, ...rows.map(cells), cells(result.total)];
const widths = cols.map((_, i) => Math.max(...table.map(r => r[i].length)));
console.log('');
table.forEach((r, k) => {
  console.log(r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  if (k === 0 || k === table.length - 2) console.log(widths.map(w => '-'.repeat(w)).join('  '));
});
if (files.length) {
  // A quick run on a few files: list what the tests let through.
  const open = Object.entries(report.files).filter(([f]) => mutated(relPath(f))).flatMap(([f, file]) => file.mutants
    .filter(m => m.status === 'Survived' || m.status === 'NoCoverage')
    .map(m => ({ f: relPath(f), m })));
  if (open.length) {
    console.log(`\nsurvived / no coverage (${open.length}):`);
    for (const { f, m } of open.sort((a, b) => a.f.localeCompare(b.f) || a.m.location.start.line - b.m.location.start.line)) {
      console.log(`  ${f}:${m.location.start.line}:${m.location.start.column}  ${m.status === 'NoCoverage' ? 'no coverage' : 'survived'}  ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
}
console.log(`\n${path.relative(ROOT, SCORES_MD)}, ${path.relative(ROOT, SCORES_JSON)}, ${path.relative(ROOT, path.join(OUT, 'mutation.html'))} — ${Math.round(seconds)} s`);
