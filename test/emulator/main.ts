// The emulator process (docs/CONTRACTS.md): `npx tsx test/emulator/main.ts [flags]`.
// Prints exactly one `EMULATOR_READY <info json>` line when listening; exits on SIGTERM/SIGINT.
import { parsePoseCloud } from './cloudPose';
import { startEmulator, type EmulatorOptions } from './emulator';
import { parseFleetSpec } from './generate';
import { READY_PREFIX, writeEmulatorInfo } from './info';

const USAGE = `usage: main.ts [--port N] [--host 127.0.0.1] [--tls-dir DIR] [--info-file PATH] [--omit-preview-fields]
                [--page-size N] [--kv-page-size N] [--request-latency-ms N] [--generate-fleet NxM]
                [--cloud AzureCloud|AzureChinaCloud|AzureUSGovernment [--foreign-vault NAME]...]`;

interface Cli {
  options: EmulatorOptions;
  infoFile?: string;
}

function parseArgs(argv: readonly string[]): Cli {
  const options: { -readonly [K in keyof EmulatorOptions]: EmulatorOptions[K] } = {};
  let infoFile: string | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  const int = (text: string, flag: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got '${text}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--port':
        options.port = int(value(i++, a), a, 0);
        break;
      case '--host':
        options.host = value(i++, a);
        break;
      case '--tls-dir':
        options.tlsDir = value(i++, a);
        break;
      case '--info-file':
        infoFile = value(i++, a);
        break;
      case '--omit-preview-fields':
        options.omitPreviewFields = true;
        break;
      case '--page-size':
        options.pageSize = int(value(i++, a), a, 1);
        break;
      case '--kv-page-size':
        options.keyVaultPageSize = int(value(i++, a), a, 1);
        break;
      case '--request-latency-ms':
        options.requestLatencyMs = int(value(i++, a), a, 0);
        break;
      case '--generate-fleet':
        options.generateFleet = parseFleetSpec(value(i++, a));
        break;
      case '--cloud':
        options.cloud = parsePoseCloud(value(i++, a));
        break;
      case '--foreign-vault':
        options.foreignVaults = [...(options.foreignVaults ?? []), value(i++, a)];
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown flag '${a}'\n${USAGE}`);
    }
  }
  return { options, infoFile };
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(cli.options);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Never hang on shutdown: a wedged connection must not keep a test run alive.
    setTimeout(() => process.exit(0), 2000).unref();
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`emulator: error while stopping on ${signal}: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  // Handlers first: whoever reads READY may send SIGTERM right away.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  if (cli.infoFile) writeEmulatorInfo(cli.infoFile, emulator.info);
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(emulator.info)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator: failed to start: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
