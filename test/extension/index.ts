/**
 * Mocha entry loaded by the VS Code extension host (payload `extensionTestsPath` = dist/test/extension/index.js).
 * Runs every `*.test.js` bundled beside it with the `tdd` UI and writes a results JSON to EXT_TEST_RESULTS:
 * `{passed, failed, tests: [{title, fullTitle, file, state, durationMs, error?}]}`.
 * EXT_TEST_GREP (optional) filters tests by full title (a regular expression).
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

interface TestRecord {
  title: string;
  fullTitle: string;
  file?: string;
  state: 'passed' | 'failed';
  durationMs?: number;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: Number(process.env.EXT_TEST_TIMEOUT_MS) || 30_000 });
  if (process.env.EXT_TEST_GREP) {
    mocha.grep(new RegExp(process.env.EXT_TEST_GREP));
  }
  const files = fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort();
  for (const f of files) {
    mocha.addFile(path.join(__dirname, f));
  }
  const tests: TestRecord[] = [];
  const t0 = Date.now();
  const write = (extra: Record<string, unknown> = {}) => {
    const summary = {
      passed: tests.filter(t => t.state === 'passed').length,
      failed: tests.filter(t => t.state === 'failed').length,
      durationMs: Date.now() - t0,
      files,
      tests,
      ...extra,
    };
    if (process.env.EXT_TEST_RESULTS) {
      fs.mkdirSync(path.dirname(process.env.EXT_TEST_RESULTS), { recursive: true });
      fs.writeFileSync(process.env.EXT_TEST_RESULTS, JSON.stringify(summary, null, 2));
    }
    return summary;
  };
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run(failures => {
        const summary = write();
        console.log(`EXT-TEST-SUMMARY ${JSON.stringify({ passed: summary.passed, failed: summary.failed, ms: summary.durationMs })}`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
        else resolve();
      });
    } catch (e) {
      // A test file that throws while loading: report it as one failure instead of an empty run.
      tests.push({ title: 'load test files', fullTitle: 'load test files', state: 'failed', error: String((e as Error)?.stack ?? e) });
      write();
      reject(e);
      return;
    }
    runner.on('pass', t => tests.push({ title: t.title, fullTitle: t.fullTitle(), file: t.file && path.basename(t.file), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err: Error) => tests.push({
      title: t.title, fullTitle: t.fullTitle(), file: t.file && path.basename(t.file), state: 'failed', durationMs: t.duration,
      error: String(err?.stack ?? err),
    }));
  });
}
