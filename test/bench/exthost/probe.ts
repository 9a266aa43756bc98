/**
 * Scenarios 3 and 4 inside code-server's real extension host (the `extensionTestsPath` payload that
 * test/bench/exthost/run.mjs opens; bundled by it to dist/test/bench/probe.js). One probe per fresh workbench:
 *
 * 1. The emulator holds the generated 10,000-cluster fleet; nobody is signed in, the extension is not active.
 * 2. Activation: the time to load dist/extension.js (compile and evaluate), the time spent in its `activate()`, and
 *    `ext.activate()`'s wall time (both, plus the extension host's own bookkeeping and round trips to the workbench),
 *    and which files of the extension's dist/ entered Node's module cache, with their sizes. The first two are
 *    taken by hooking Node's loader for that one file (the extension host loads CommonJS extensions through it).
 * 3. First use: sign in, open the view, wait until every cluster is listed and every customer-managed key's health
 *    is read (what the tree does after a load), let the view render, then collect garbage and take the heap. The
 *    growth counted is activation's plus the tree's (every other extension is activated in between, so their heap
 *    is not counted).
 * 4. Baseline: `require` of the single pre-split bundle (everything in one file, built by run.mjs) — loading only,
 *    without running activate(), so a lower bound for what activation cost before the split. Runs last, so it
 *    benefits from Node built-ins already loaded by the product; the ratio errs in the baseline's favour.
 *
 * Writes one JSON object to BENCH_PROBE_RESULTS.
 */
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Session } from 'inspector';
import * as vscode from 'vscode';
import type { AksKmsApi } from '../../../src/extension';
import { emulatorAdmin, readEmulatorInfo } from '../../emulator/client';
import { EXTENSION_ID, signInAtProvider, waitFor } from '../../extension/helpers';

interface LoadedFile {
  file: string;
  bytes: number;
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap in use after full collections (several, so weak references and finalizers settle). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise(r => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

/** Files of this extension's bundles (dist/) that entered Node's module cache since `before`. */
interface ActivationTimes {
  loadMs?: number;
  activateCallMs?: number;
}

type CompileHook = (module: { exports: Record<string, unknown> }, filename: string) => void;

/**
 * Times how long Node takes to load `file` and how long its exported `activate` runs. Node's `.js` handler is
 * wrapped for that one file; its exports are replaced with a copy whose `activate` is timed (esbuild's exports are
 * getters, so they cannot be reassigned in place). Undone by the returned function.
 */
function timeActivation(file: string, times: ActivationTimes): () => void {
  const handlers = (Module as unknown as { _extensions: Record<string, CompileHook> })._extensions;
  const original = handlers['.js'];
  handlers['.js'] = function (this: unknown, module, filename) {
    if (filename !== file) {
      return original.call(this, module, filename);
    }
    const t = performance.now();
    original.call(this, module, filename);
    times.loadMs = performance.now() - t;
    const exports = { ...module.exports };
    const activate = exports.activate as (...args: unknown[]) => unknown;
    exports.activate = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return activate.apply(this, args);
      } finally {
        times.activateCallMs = performance.now() - started;
      }
    };
    module.exports = exports;
  };
  return () => {
    handlers['.js'] = original;
  };
}

function newFiles(before: ReadonlySet<string>, extDir: string): LoadedFile[] {
  const dist = path.join(extDir, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter(f => !before.has(f) && f.startsWith(dist))
    .map(f => ({ file: path.relative(extDir, f), bytes: fs.statSync(f).size }));
}

async function measure(): Promise<Record<string, unknown>> {
  const fleet = { subscriptions: Number(process.env.BENCH_FLEET_SUBSCRIPTIONS), clustersPerSubscription: Number(process.env.BENCH_FLEET_CLUSTERS) };
  const eagerBundle = process.env.BENCH_EAGER_BUNDLE ?? '';
  const admin = emulatorAdmin(readEmulatorInfo());
  const seeded = await admin.reset({ generateFleet: fleet });
  await admin.config({ requestLatencyMs: 0 });

  const ext = vscode.extensions.getExtension<AksKmsApi>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`${EXTENSION_ID} is not loaded in this extension host`);
  }
  if (ext.isActive) {
    throw new Error(`${EXTENSION_ID} was already active before the probe: activation cannot be measured`);
  }
  const extDir = fs.realpathSync(ext.extensionPath);
  const heapBeforeActivation = await settledHeap();
  const cacheBefore = new Set(Object.keys(require.cache));
  const times: ActivationTimes = {};
  const unhook = timeActivation(path.join(extDir, 'dist', 'extension.js'), times);
  const t0 = performance.now();
  const api = await Promise.resolve(ext.activate()).finally(unhook);
  const activateMs = performance.now() - t0;
  if (times.loadMs === undefined || times.activateCallMs === undefined) {
    throw new Error('dist/extension.js was not loaded through Node\'s CommonJS loader: the probe cannot time it');
  }
  const loadedAtActivation = newFiles(cacheBefore, extDir);
  const heapAfterActivation = await settledHeap();

  // Other extensions share this heap. Some start while the tree loads (the JSON and TypeScript clients activate
  // when the workbench opens a JSON document), which would count against AKS KMS; so everything else is activated
  // now, and the tree's growth is measured from here.
  const others = vscode.extensions.all.filter(e => e.id !== EXTENSION_ID && !e.isActive);
  await Promise.allSettled(others.map(e => e.activate()));
  await new Promise(r => setTimeout(r, 2000));
  const heapBeforeTree = await settledHeap();

  const cacheAfterActivation = new Set(Object.keys(require.cache));
  const profiler = await startCpuProfile(process.env.BENCH_CPU_PROFILE);
  const t1 = performance.now();
  await vscode.commands.executeCommand('workbench.view.extension.aksKms');
  await signInAtProvider();
  await vscode.commands.executeCommand('aksKms.signIn');
  await api.tree.ensureLoaded();
  const treeLoadedMs = performance.now() - t1;
  const clusters = api.tree.clusterNodes();
  const withKeys = clusters.filter(c => c.facts.kms.key);
  // Health once known stays known: each poll resumes at the first cluster still without it, so polling costs the
  // extension host (whose time this measures) one look per cluster in all, and can be frequent.
  let known = 0;
  await waitFor('the key health of every customer-managed key', () => {
    while (known < withKeys.length && api.tree.keyHealthOf(withKeys[known])) {
      known++;
    }
    return known === withKeys.length ? true : undefined;
  }, 300_000, 20);
  const keyHealthMs = performance.now() - t1;
  await profiler?.stop();
  // Let the workbench fetch and render the tree (the subscriptions start expanded).
  await new Promise(r => setTimeout(r, 2000));
  const loadedOnFirstUse = newFiles(cacheAfterActivation, extDir);
  const heapWithTree = await settledHeap();

  let eagerLoadMs: number | undefined;
  let eagerBytes: number | undefined;
  if (eagerBundle) {
    eagerBytes = fs.statSync(eagerBundle).size;
    const t2 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(eagerBundle);
    eagerLoadMs = performance.now() - t2;
    // The same measure as `loadMs` above (Node's loader, compile and evaluate), for the one-file bundle.
  }
  return {
    seeded,
    activeBefore: false,
    activateMs,
    loadMs: times.loadMs,
    activateCallMs: times.activateCallMs,
    loadedAtActivation,
    loadedAtActivationBytes: loadedAtActivation.reduce((n, f) => n + f.bytes, 0),
    loadedOnFirstUse,
    clusters: clusters.length,
    subscriptions: api.tree.subscriptionNodes.length,
    clustersWithKeys: withKeys.length,
    treeLoadedMs,
    keyHealthMs,
    heapBeforeActivation,
    heapAfterActivation,
    heapWithTree,
    heapBeforeTree,
    othersActivated: others.length,
    activationHeapBytes: heapAfterActivation - heapBeforeActivation,
    treeHeapBytes: heapWithTree - heapBeforeTree,
    heapGrowthBytes: heapAfterActivation - heapBeforeActivation + (heapWithTree - heapBeforeTree),
    eagerLoadMs,
    eagerBytes,
  };
}

/** Called by the extension host with the payload; its settling ends the workbench's test run. */
export async function run(): Promise<void> {
  const out = process.env.BENCH_PROBE_RESULTS;
  if (!out) {
    throw new Error('BENCH_PROBE_RESULTS is not set');
  }
  let result: Record<string, unknown>;
  try {
    result = { ok: true, ...(await measure()) };
  } catch (e) {
    result = { ok: false, error: String((e as Error)?.stack ?? e) };
  }
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
  if (!result.ok) {
    throw new Error(String(result.error));
  }
}

/**
 * `BENCH_CPU_PROFILE=<file>` (npm run bench -- --profile): a CPU profile of the extension host from sign-in until every
 * key's health is known, written as a .cpuprofile (Chrome DevTools, or scripts/cpuprofile-summary.mjs).
 */
async function startCpuProfile(file: string | undefined): Promise<{ stop(): Promise<void> } | undefined> {
  if (!file) {
    return undefined;
  }
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post('Profiler.stop') as { profile: unknown };
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
