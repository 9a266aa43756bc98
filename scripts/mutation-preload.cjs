// Preloaded (`-r`) into every unit-test process that Stryker's tap runner starts (stryker.config.mjs, tap.nodeArgs).
//
// Stryker runs the tests in a sandbox copy whose src/kms files are instrumented (every mutant compiled in, switched
// on at run time), so a test that reads a source file as text — e.g. "every finding code in enable/preflight.ts has a
// case" greps `error('code', …)` — would see `error(stryMutAct_9fa48("12") ? "" : "code", …)` and fail the initial
// run. Such a test cannot kill a mutant anyway (the text is the same whichever mutant is active), so when a test file
// itself calls fs.readFileSync / fs.promises.readFile on a file under the sandbox's src/, it gets the original file
// from the project instead. Module loading (tsx, node) is not a test-file caller and still reads the instrumented copy.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const original = process.env.AKS_KMS_MUTATION_ROOT;
const sandbox = process.cwd();
const sandboxSrc = path.join(sandbox, 'src') + path.sep;
const sandboxTest = path.join(sandbox, 'test') + path.sep;

/** The file of the first stack frame outside this preload: whoever called the patched function. */
function callerFile() {
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const m = /\((?:file:\/\/)?(.*?):\d+:\d+\)$/.exec(line) ?? /at (?:file:\/\/)?(.*?):\d+:\d+$/.exec(line);
    if (m && m[1] !== __filename) return m[1];
  }
  return '';
}

function redirect(file) {
  if (typeof file !== 'string' && !(file instanceof URL)) return file;
  const abs = path.resolve(file instanceof URL ? file.pathname : file);
  if (!abs.startsWith(sandboxSrc) || !callerFile().startsWith(sandboxTest)) return file;
  return path.join(original, path.relative(sandbox, abs));
}

if (original && path.resolve(original) !== sandbox) {
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function (file, ...rest) { return readFileSync.call(this, redirect(file), ...rest); };
  const readFile = fs.promises.readFile;
  fs.promises.readFile = function (file, ...rest) { return readFile.call(this, redirect(file), ...rest); };
  require('node:module').syncBuiltinESMExports(); // `import { readFileSync } from 'node:fs'` in an ES module too
}
