// Stryker (mutation testing) over the domain core src/kms, run by `npm run mutation` (scripts/mutation.mjs), which
// also writes the per-file scores (test-results/mutation/scores.{json,md}). Not part of `npm test`: it takes long.
//
// - Runner: @stryker-mutator/tap-runner. It starts each unit-test file as its own `node -r tsx/cjs` process (node:test
//   prints TAP) and records which mutants each file reaches, so a mutant only re-runs the test files that reach it.
//   Test files: test/unit/*.test.ts that import src/kms (the l10n, engines, cloud and docs/RULES.md checks reach no
//   domain code; the l10n export would also see the instrumented sources).
// - Excluded mutants: only the message text of `l10n.t(...)` calls (scripts/stryker-l10n-ignorer.mjs) — user-facing
//   wording, checked by the l10n tests. Other string literals (finding codes, ids, the az script) are mutated.
// - Incremental: results are kept in test-results/mutation/stryker-incremental.json (not committed: it holds every
//   mutant and a copy of every source and test file); the next run only re-tests mutants whose code or tests changed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const OUT = 'test-results/mutation';

// The preload (scripts/mutation-preload.cjs) hands tests that read src/ as text the original files from here.
process.env.AKS_KMS_MUTATION_ROOT ??= ROOT;

/** test/unit/*.test.ts that import the domain core (re-read on every run: new test files join automatically). */
const unitTestFiles = fs.readdirSync(path.join(ROOT, 'test/unit'))
  .filter(f => /\.test\.ts$/.test(f) && fs.readFileSync(path.join(ROOT, 'test/unit', f), 'utf8').includes('src/kms/'))
  .sort()
  .map(f => `test/unit/${f}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/kms/**/*.ts'],
  testRunner: 'tap',
  tap: {
    testFiles: unitTestFiles,
    // tsx/cjs (a require hook) rather than `--import tsx`: a test process then costs a third of the CPU (no ESM loader
    // thread); the unit tests are CommonJS TypeScript, as under `npm test`.
    nodeArgs: ['-r', '{{hookFile}}', '-r', 'tsx/cjs', '-r', './scripts/mutation-preload.cjs', '--test-reporter=tap', '{{testFile}}'],
  },
  coverageAnalysis: 'perTest', // per test file with the tap runner
  appendPlugins: ['./scripts/stryker-l10n-ignorer.mjs'],
  ignorers: ['l10n-messages'],
  checkers: [], // no TypeScript checker: type-incorrect mutants run (and usually fail fast) instead of a slow tsc pass
  disableTypeChecks: false, // tsx strips types without checking them; no need to rewrite // @ts- comments
  concurrency: 2,
  timeoutMS: 10_000, // on top of 1.5 × the file's normal time: the machine is shared
  dryRunTimeoutMinutes: 20,
  incremental: true,
  incrementalFile: `${OUT}/stryker-incremental.json`,
  ignorePatterns: ['/dist', '/tmp', '/.vscode-test', '/test-results', '/.ci', '/test/ui', '/test/harness', '/media'],
  reporters: ['json', 'html', 'clear-text', process.stdout.isTTY ? 'progress' : 'progress-append-only'],
  jsonReporter: { fileName: `${OUT}/mutation.json` },
  htmlReporter: { fileName: `${OUT}/mutation.html` },
  clearTextReporter: { reportMutants: false, reportTests: false, reportScoreTable: true }, // survivors: scores.md / mutation.html
  thresholds: { high: 80, low: 60, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always', // also after a failed run (a sandbox is a copy of the project)
};
