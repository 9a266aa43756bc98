// `npx tsx test/emulator/with-emulator.ts [emulator flags] -- <command...>`
// Starts the emulator process, runs the command with NODE_EXTRA_CA_CERTS and AKS_KMS_EMULATOR_INFO set,
// stops the emulator and exits with the command's exit code.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulatorProcess, type StartEmulatorOptions } from './client';
import { parsePoseCloud } from './cloudPose';
import { parseFleetSpec } from './generate';
import { EMULATOR_INFO_ENV } from './info';

const USAGE =
  'usage: with-emulator.ts [--tls-dir DIR] [--omit-preview-fields] [--page-size N] [--kv-page-size N] [--request-latency-ms N] [--generate-fleet NxM] [--cloud NAME] [--verbose] -- <command...>';

function parse(argv: readonly string[]): { opts: StartEmulatorOptions & { infoFile: string }; command: string[]; tempDir: string } {
  const sep = argv.indexOf('--');
  if (sep === -1 || sep === argv.length - 1) throw new Error(USAGE);
  const own = argv.slice(0, sep);
  const tempDir = mkdtempSync(join(tmpdir(), 'aks-kms-with-emulator-'));
  const opts: { -readonly [K in keyof StartEmulatorOptions]: StartEmulatorOptions[K] } & { infoFile: string } = { infoFile: join(tempDir, 'emulator-info.json') };
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    const next = () => {
      const v = own[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--tls-dir') opts.tlsDir = next();
    else if (a === '--omit-preview-fields') opts.omitPreviewFields = true;
    else if (a === '--page-size') opts.pageSize = Number(next());
    else if (a === '--kv-page-size') opts.keyVaultPageSize = Number(next());
    else if (a === '--request-latency-ms') opts.requestLatencyMs = Number(next());
    else if (a === '--generate-fleet') opts.generateFleet = parseFleetSpec(next());
    else if (a === '--cloud') opts.cloud = parsePoseCloud(next());
    else if (a === '--verbose') opts.inheritStderr = true;
    else throw new Error(`unknown flag '${a}'\n${USAGE}`);
  }
  // Keep the generated certificate with the info file so both go away with the run.
  opts.tlsDir ??= join(tempDir, 'tls');
  return { opts, command: argv.slice(sep + 1), tempDir };
}

/** A cloud pose: every SDK client goes through the emulator's CONNECT proxy; the admin API (127.0.0.1) does not. */
function poseEnv(proxyUrl: string | undefined): NodeJS.ProcessEnv {
  if (!proxyUrl) return {};
  return { HTTPS_PROXY: proxyUrl, https_proxy: proxyUrl, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
}

async function main(): Promise<number> {
  const { opts, command, tempDir } = parse(process.argv.slice(2));
  const started = Date.now();
  const emulator = await startEmulatorProcess(opts);
  process.stderr.write(`with-emulator: emulator ready at ${emulator.info.armEndpoint} in ${Date.now() - started} ms\n`);
  try {
    const code = await new Promise<number>((resolveCode, reject) => {
      const child = spawn(command[0], command.slice(1), {
        cwd: process.cwd(),
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.info.caCertPath, [EMULATOR_INFO_ENV]: opts.infoFile, ...poseEnv(emulator.info.proxyUrl) },
        // Let `npx …` and friends resolve like in a shell on every platform.
        shell: process.platform === 'win32',
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.once('error', reject);
      child.once('exit', (c, signal) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolveCode(c ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
      });
    });
    return code;
  } finally {
    await emulator.stop();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`with-emulator: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(1);
  },
);
