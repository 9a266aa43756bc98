// How tests and tools reach the emulator (docs/CONTRACTS.md): start it as a child process, read its
// info from AKS_KMS_EMULATOR_INFO, drive the admin API, and make raw HTTPS calls trusting its CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { resolve } from 'node:path';
import type { PoseCloudName } from './cloudPose';
import type { ConcurrentClusterChange } from './clusterMerge';
import type { FaultRule, FaultRuleInput } from './faults';
import { EMULATOR_INFO_ENV, parseEmulatorInfo, readEmulatorInfoFile, READY_PREFIX, type EmulatorInfo } from './info';
import type { RequestLogEntry } from './requestLog';
import type { ResourceSummary } from './resourceSummary';
import type { EmulatorConfig, EmulatorConfigPatch } from './state';

/** The repository root, whatever the caller's cwd. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const EMULATOR_MAIN = resolve(__dirname, 'main.ts');

export interface StartEmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly tlsDir?: string;
  readonly infoFile?: string;
  readonly omitPreviewFields?: boolean;
  readonly pageSize?: number;
  readonly keyVaultPageSize?: number;
  /** `--request-latency-ms`: a fixed delay before each ARM and data-plane request. */
  readonly requestLatencyMs?: number;
  /** `--generate-fleet NxM`: N subscriptions × M clusters added to the seed. */
  readonly generateFleet?: { readonly subscriptions: number; readonly clustersPerSubscription: number };
  /** `--cloud`: pose as this cloud (cloudPose.ts); info then has `cloud`, `proxyUrl`, `resourceManagerEndpoint`. */
  readonly cloud?: PoseCloudName;
  /** `--foreign-vault` (posing only): these vaults' URIs are in another cloud's Key Vault domain. */
  readonly foreignVaults?: readonly string[];
  /** How long to wait for the READY line (default 20 s). */
  readonly timeoutMs?: number;
  /** Copy the emulator's stderr to this process's stderr (default false; it is kept for errors anyway). */
  readonly inheritStderr?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface EmulatorProcess {
  readonly info: EmulatorInfo;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after 3 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

const STDERR_KEEP = 64 * 1024;

function flagsOf(opts: StartEmulatorOptions): string[] {
  const flags: string[] = [];
  if (opts.port !== undefined) flags.push('--port', String(opts.port));
  if (opts.host !== undefined) flags.push('--host', opts.host);
  if (opts.tlsDir !== undefined) flags.push('--tls-dir', resolve(opts.tlsDir));
  if (opts.infoFile !== undefined) flags.push('--info-file', resolve(opts.infoFile));
  if (opts.omitPreviewFields) flags.push('--omit-preview-fields');
  if (opts.pageSize !== undefined) flags.push('--page-size', String(opts.pageSize));
  if (opts.keyVaultPageSize !== undefined) flags.push('--kv-page-size', String(opts.keyVaultPageSize));
  if (opts.requestLatencyMs !== undefined) flags.push('--request-latency-ms', String(opts.requestLatencyMs));
  if (opts.generateFleet) flags.push('--generate-fleet', `${opts.generateFleet.subscriptions}x${opts.generateFleet.clustersPerSubscription}`);
  if (opts.cloud !== undefined) flags.push('--cloud', opts.cloud);
  for (const v of opts.foreignVaults ?? []) flags.push('--foreign-vault', v);
  return flags;
}

/** Spawns `node --import tsx test/emulator/main.ts` from the repo root and waits for EMULATOR_READY. */
export function startEmulatorProcess(opts: StartEmulatorOptions = {}): Promise<EmulatorProcess> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  // cwd = repo root so `--import tsx` resolves from this repository's node_modules.
  const child = spawn(process.execPath, ['--import', 'tsx', EMULATOR_MAIN, ...flagsOf(opts)], {
    cwd: REPO_ROOT,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
    if (opts.inheritStderr) process.stderr.write(chunk);
  });

  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<EmulatorProcess>((resolveReady, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`emulator did not become ready: ${why}\n--- emulator stderr ---\n${stderr.trim() || '(empty)'}\n--- emulator stdout ---\n${stdout.trim() || '(empty)'}`));
    };
    const timer = setTimeout(() => fail(`no ${READY_PREFIX.trim()} line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(`spawn failed: ${e.message}`));
    child.once('exit', (code, signal) => fail(`process exited early (code ${code}, signal ${signal})`));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith(READY_PREFIX));
      if (!line) return;
      try {
        const info = parseEmulatorInfo(line.slice(READY_PREFIX.length));
        settled = true;
        clearTimeout(timer);
        resolveReady({ info, child, stop });
      } catch (e) {
        fail(`unreadable READY line: ${(e as Error).message}`);
      }
    });
  });
}

/** The info of the emulator this process should use (env AKS_KMS_EMULATOR_INFO = path of the info file). */
export function readEmulatorInfo(env: NodeJS.ProcessEnv = process.env): EmulatorInfo {
  const path = env[EMULATOR_INFO_ENV];
  if (!path) {
    throw new Error(`${EMULATOR_INFO_ENV} is not set: run through the emulator wrapper, e.g. npx tsx test/emulator/with-emulator.ts -- <command>`);
  }
  return readEmulatorInfoFile(path);
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  readonly body: unknown;
  readonly text: string;
  /** The body as received (still encoded when the reply has a Content-Encoding). */
  readonly bytes: Buffer;
}

export interface EmulatorRequest {
  readonly method?: string;
  /** Absolute URL, or a path (with query) on the ARM listener. */
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Serialised as JSON unless a string. */
  readonly body?: unknown;
  /** Sends `Authorization: Bearer <token>` when given. */
  readonly token?: string;
}

const caCache = new Map<string, string>();

/** One HTTPS call to the emulator, trusting its self-signed CA explicitly (no env needed). */
export function emulatorRequest(info: EmulatorInfo, r: EmulatorRequest): Promise<EmulatorResponse> {
  let ca = caCache.get(info.caCertPath);
  if (!ca) {
    ca = readFileSync(info.caCertPath, 'utf8');
    caCache.set(info.caCertPath, ca);
  }
  const url = new URL(/^https:\/\//i.test(r.url) ? r.url : `${info.armEndpoint}${r.url}`);
  const payload = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const headers: Record<string, string> = { accept: 'application/json', ...(r.headers ?? {}) };
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  return new Promise((resolveResponse, reject) => {
    const req = httpsRequest(
      { method: r.method ?? 'GET', hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers, ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let body: unknown = text;
          if (/json/i.test(String(res.headers['content-type'] ?? '')) && text !== '') {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body, text, bytes });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface ResetResult {
  readonly ok: true;
  readonly subscriptions: number;
  readonly clusters: number;
  readonly seedMs: number;
}

export interface EmulatorAdmin {
  /**
   * Drops all state and re-seeds; `generateFleet` builds that generated fleet with the seed instead of the start-up
   * one (`null`: the seed alone). Answers the fleet's size and how long seeding took.
   */
  reset(opts?: { generateFleet?: { subscriptions: number; clustersPerSubscription: number } | null }): Promise<ResetResult>;
  config(c: EmulatorConfigPatch): Promise<EmulatorConfig>;
  /** The current switches. */
  getConfig(): Promise<EmulatorConfig>;
  /** Moves the emulator clock forward; resources age and due operations complete. */
  advanceClock(ms: number): Promise<{ offsetMs: number; now: string }>;
  /** The request log; `{write: true}` keeps only non-GET/HEAD calls. */
  requests(filter?: { write?: boolean }): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  /** Adds fault rules (POST /_emulator/faults); answers them with their ids. */
  injectFaults(...rules: FaultRuleInput[]): Promise<FaultRule[]>;
  /** The rules with their counts (`matched`, `hits`). */
  faults(): Promise<FaultRule[]>;
  /** Drops every rule and forgets expired tokens. */
  clearFaults(): Promise<void>;
  /** Adds a template deployment to a resource group's history (POST /_emulator/deployments). */
  addDeployment(deployment: { subscriptionId: string; resourceGroup: string; name: string; outputResources: string[] }): Promise<void>;
  /**
   * Arms a one-shot `concurrentChange` fault: just before the next PUT of `clusterId` is served, the stored cluster
   * gets `change` and a new eTag, as if someone else had written it after the client's GET.
   */
  changeClusterBeforeNextPut(clusterId: string, change: ConcurrentClusterChange): Promise<FaultRule>;
  /** Every cluster, vault, key (with its version count), identity and role assignment, sorted. */
  resources(): Promise<ResourceSummary>;
  health(): Promise<boolean>;
}

export function emulatorAdmin(info: EmulatorInfo): EmulatorAdmin {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await emulatorRequest(info, { method, url: `/_emulator${path}`, body });
    if (res.status >= 300) throw new Error(`emulator admin ${method} ${path} failed: ${res.status} ${res.text}`);
    return res.body;
  };
  return {
    reset: async (opts) => (await call('POST', '/reset', opts ?? {})) as ResetResult,
    config: async (c) => (await call('POST', '/config', c)) as EmulatorConfig,
    getConfig: async () => (await call('GET', '/config')) as EmulatorConfig,
    advanceClock: async (ms) => (await call('POST', '/clock', { advanceMs: ms })) as { offsetMs: number; now: string },
    requests: async (filter) => (await call('GET', `/requests${filter?.write ? '?write=true' : ''}`)) as RequestLogEntry[],
    clearRequests: async () => void (await call('DELETE', '/requests')),
    injectFaults: async (...rules) => (await call('POST', '/faults', rules)) as FaultRule[],
    faults: async () => (await call('GET', '/faults')) as FaultRule[],
    clearFaults: async () => void (await call('DELETE', '/faults')),
    addDeployment: async (deployment) => void (await call('POST', '/deployments', deployment)),
    changeClusterBeforeNextPut: async (clusterId, change) => {
      const pathRegex = `^${clusterId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
      const [rule] = (await call('POST', '/faults', [{ fault: 'concurrentChange', match: { method: 'PUT', pathRegex }, times: 1, change }])) as FaultRule[];
      return rule;
    },
    resources: async () => (await call('GET', '/resources')) as ResourceSummary,
    health: async () => ((await call('GET', '/health')) as { ok?: boolean }).ok === true,
  };
}
