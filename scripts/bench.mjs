#!/usr/bin/env node
// `npm run bench`: the benchmarks of test/bench against the local emulator (not part of `npm test`).
// Starts the emulator with ARM pages of 100 through test/emulator/with-emulator.ts (which sets NODE_EXTRA_CA_CERTS
// and AKS_KMS_EMULATOR_INFO), runs test/bench/main.ts, and passes its options on:
//   npm run bench [-- --reps N] [-- --only fleet,memory,enable,bulk,exthost]
// Prints the table; writes test-results/bench.json and test-results/bench.md (the README "Performance" snippet).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.execPath;
const ARM_PAGE_SIZE = '100';

// Scenarios 3 and 4 run in code-server's extension host: install it first (idempotent; instant when it is there).
const onlyArg = process.argv.slice(2).find((a, i, all) => all[i - 1] === '--only' || a.startsWith('--only='));
if (!onlyArg || /exthost/.test(onlyArg)) {
  const setup = spawnSync('bash', [path.join(ROOT, 'scripts/setup-code-server.sh')], { cwd: ROOT, stdio: 'inherit' });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
}

const child = spawn(
  NODE,
  ['--import', 'tsx', 'test/emulator/with-emulator.ts', '--page-size', ARM_PAGE_SIZE, '--',
    NODE, '--import', 'tsx', 'test/bench/main.ts', ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit' },
);
const forward = signal => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
