/**
 * Azure China and US Government, end to end: the product with the clouds' REAL definitions (src/azure/cloud.ts,
 * unmodified, challenge-resource verification on) against emulators posing as those clouds (test/emulator/cloudPose.ts:
 * `--cloud`, vault hosts in the cloud's Key Vault domain, the cloud's challenge, a CONNECT proxy for the cloud's host
 * names only). The flows run in child processes (support/sovereignFlow.ts), because HTTPS_PROXY and the pose's
 * NODE_EXTRA_CA_CERTS must be in place before the process starts; this file starts its own emulators and does not use
 * the shared one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_CLOUDS } from '../../src/azure/cloud';
import type { CloudDefinition } from '../../src/azure/cloud';
import { REPO_ROOT, startEmulatorProcess, type EmulatorProcess } from '../emulator/client';
import type { PoseCloudName } from '../emulator/cloudPose';
import { EMULATOR_INFO_ENV, type EmulatorInfo } from '../emulator/info';

const FLOW = resolve(__dirname, 'support', 'sovereignFlow.ts');
const RESULT_PREFIX = 'SOVEREIGN_RESULT ';
const FOREIGN_VAULT = 'kvforeign01';
const PROXY_VARS = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'];

interface Served {
  method: string;
  host: string;
  path: string;
  status: number;
}
interface Preflight {
  blocked: boolean;
  codes: string[];
  errors: string[];
  vaultUri?: string;
}
interface FlowResult {
  error?: string;
  info: EmulatorInfo;
  cloud: CloudDefinition;
  cloudIsBuiltinEntry: boolean;
  env: Record<string, string | undefined>;
  subscriptions: number;
  clusters: number;
  seededCmkKeyId?: string;
  enable: { preflight: Preflight; status?: string; runResult?: unknown; securityProfile?: { azureKeyVaultKms?: Record<string, unknown>; kubernetesResourceObjectEncryptionProfile?: unknown } };
  rerunPreflight?: Preflight;
  foreignPreflight?: Preflight;
  foreignWrites?: string[];
  vaultName: string;
  clusterPortalUrl: string;
  clusterPortalUrlWithTenant: string;
  dataPlaneVersions: number;
  requests: Served[];
  tunnels: { target: string; status: number }[];
  scopes: string[];
  directChallenge: { refused: boolean; message?: string };
}

interface Posed {
  readonly emulator: EmulatorProcess;
  readonly result: FlowResult;
  readonly ms: number;
  readonly dir: string;
}

/** Runs support/sovereignFlow.ts against the emulator, with only the pose's proxy and certificate in its environment. */
function runFlow(emulator: EmulatorProcess, infoFile: string, mode: 'full' | 'small'): Promise<FlowResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const v of PROXY_VARS) {
    delete env[v];
    delete env[v.toLowerCase()];
  }
  Object.assign(env, {
    HTTPS_PROXY: emulator.info.proxyUrl,
    NO_PROXY: '127.0.0.1',
    NODE_EXTRA_CA_CERTS: emulator.info.caCertPath,
    [EMULATOR_INFO_ENV]: infoFile,
  });
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FLOW, mode], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (!line) {
        reject(new Error(`sovereignFlow ${mode} printed no result (code ${code}, signal ${signal})\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
        return;
      }
      const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as FlowResult;
      if (result.error) reject(new Error(`sovereignFlow ${mode} failed: ${result.error}\n--- stderr ---\n${stderr}`));
      else resolveResult(result);
    });
  });
}

async function pose(cloud: PoseCloudName, mode: 'full' | 'small', foreignVaults: string[] = []): Promise<Posed> {
  const dir = mkdtempSync(join(tmpdir(), `aks-kms-${cloud}-`));
  const infoFile = join(dir, 'info.json');
  const emulator = await startEmulatorProcess({ cloud, foreignVaults, tlsDir: join(dir, 'tls'), infoFile });
  try {
    const started = Date.now();
    const result = await runFlow(emulator, infoFile, mode);
    return { emulator, result, ms: Date.now() - started, dir };
  } catch (e) {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** What the proxy answers a CONNECT to `target` with (the status code). */
function connectStatus(proxyUrl: string, target: string): Promise<number> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolveStatus, reject) => {
    const req = httpRequest({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target, headers: { host: target }, agent: false });
    req.once('connect', (res, socket) => {
      socket.destroy();
      resolveStatus(res.statusCode ?? 0);
    });
    req.once('response', (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

const hostOf = (url: string) => new URL(url).hostname;

// Both poses start at once; each describe waits for its own.
let china: Promise<Posed> | undefined;
let usGov: Promise<Posed> | undefined;
before(() => {
  china = pose('AzureChinaCloud', 'full', [FOREIGN_VAULT]);
  usGov = pose('AzureUSGovernment', 'small');
  // Failures are reported by the describe that awaits them.
  china.catch(() => undefined);
  usGov.catch(() => undefined);
});
after(async () => {
  for (const p of [china, usGov]) {
    const posed = await p?.catch(() => undefined);
    if (!posed) continue;
    await posed.emulator.stop();
    rmSync(posed.dir, { recursive: true, force: true });
  }
});

describe('Azure China: a CMK flow against the emulator posing as AzureChinaCloud', () => {
  let r: FlowResult;
  let emulator: EmulatorProcess;
  before(async () => {
    const posed = await china!;
    r = posed.result;
    emulator = posed.emulator;
  });

  it('the product runs with the real AzureChinaCloud entry, through the proxy and the pose certificate', () => {
    assert.equal(r.info.cloud, 'AzureChinaCloud');
    assert.equal(r.info.resourceManagerEndpoint, 'https://management.chinacloudapi.cn');
    assert.equal(r.info.keyVaultDnsSuffix, 'vault.azure.cn');
    assert.match(r.info.proxyUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(r.cloudIsBuiltinEntry, 'resolveCloud returned the table entry itself');
    assert.deepEqual(r.cloud, { ...BUILTIN_CLOUDS.AzureChinaCloud });
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
    assert.deepEqual(r.env, { HTTPS_PROXY: emulator.info.proxyUrl, NO_PROXY: '127.0.0.1', NODE_EXTRA_CA_CERTS: emulator.info.caCertPath });
  });

  it('lists the fleet through Resource Graph at management.chinacloudapi.cn; seeded key ids are in vault.azure.cn', () => {
    assert.equal(r.subscriptions, 4);
    assert.equal(r.clusters, 13);
    assert.equal(r.seededCmkKeyId, 'https://kvprodpublic.vault.azure.cn/keys/aks-kms');
    assert.ok(r.requests.some((q) => q.method === 'POST' && q.host === 'management.chinacloudapi.cn' && /\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(q.path) && q.status === 200));
  });

  it('enables CMK (public) with a new vault, key and identity: the key id is versionless in vault.azure.cn', () => {
    assert.equal(r.enable.preflight.blocked, false, r.enable.preflight.errors.join('\n'));
    assert.equal(r.enable.status, 'succeeded', JSON.stringify(r.enable.runResult));
    const vaultId = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvchinakms01';
    assert.deepEqual(r.enable.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: 'https://kvchinakms01.vault.azure.cn/keys/aks-kms', keyVaultNetworkAccess: 'Public', keyVaultResourceId: vaultId },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
  });

  it('preflight accepts a vault in vault.azure.cn and refuses one in vault.azure.net with key-wrong-cloud, writing nothing', () => {
    assert.equal(r.rerunPreflight?.vaultUri, 'https://kvchinakms01.vault.azure.cn/');
    assert.equal(r.rerunPreflight?.blocked, false, r.rerunPreflight?.errors.join('\n'));
    assert.ok(!r.rerunPreflight?.codes.includes('key-wrong-cloud'));
    assert.equal(r.foreignPreflight?.vaultUri, `https://${FOREIGN_VAULT}.vault.azure.net/`);
    assert.equal(r.foreignPreflight?.blocked, true);
    assert.deepEqual(r.foreignPreflight?.errors.map((e) => e.split(':')[0]), ['key-wrong-cloud']);
    assert.match(r.foreignPreflight!.errors[0], /kvforeign01\.vault\.azure\.net.*vault\.azure\.cn/);
    assert.deepEqual(r.foreignWrites, []);
  });

  it('the Key Vault data plane answered at <vault>.vault.azure.cn with challenge-resource verification on', () => {
    const dataPlane = r.requests.filter((q) => q.host === 'kvchinakms01.vault.azure.cn');
    // The plan creates the key through ARM (keys.createIfNotExist); the product's data-plane read of its versions
    // is what meets the challenge: first without a token (401), then with the token it asked for.
    const versions = dataPlane.filter((q) => q.method === 'GET' && q.path.startsWith('/keys/aks-kms/versions'));
    assert.deepEqual(versions.map((q) => q.status), [401, 200], 'the challenge, then the read with the token it asked for');
    assert.equal(dataPlane.filter((q) => q.method === 'POST' && q.path === '/keys/aks-kms/create').length, 0, 'no data-plane create');
    assert.equal(r.dataPlaneVersions, 1);
    assert.ok(r.scopes.includes('https://vault.azure.cn/.default'), r.scopes.join(', '));
    assert.deepEqual(r.scopes.filter((s) => !/^https:\/\/(management\.chinacloudapi\.cn|vault\.azure\.cn)\/\.default$/.test(s)), []);
    // The same product client at the vault's 127.0.0.1 listener gets the same challenge and refuses it: the check is on.
    assert.equal(r.directChallenge.refused, true);
    assert.match(r.directChallenge.message ?? '', /challenge resource 'vault\.azure\.cn' does not match the requested domain/);
  });

  it('every call used the cloud host names, through the proxy', () => {
    const hosts = new Set(r.requests.map((q) => q.host));
    assert.deepEqual([...hosts].sort(), ['kvchinakms01.vault.azure.cn', 'management.chinacloudapi.cn']);
    const targets = new Set(r.tunnels.map((t) => `${t.target} ${t.status}`));
    assert.deepEqual([...targets].sort(), ['kvchinakms01.vault.azure.cn:443 200', 'management.chinacloudapi.cn:443 200']);
  });

  it('portal links go to portal.azure.cn', () => {
    assert.ok(r.clusterPortalUrl.startsWith('https://portal.azure.cn/'), r.clusterPortalUrl);
    assert.ok(r.clusterPortalUrl.endsWith('/resource/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-plain'));
    assert.ok(r.clusterPortalUrlWithTenant.startsWith(`https://portal.azure.cn/#@${r.info.tenantId}/resource/`), r.clusterPortalUrlWithTenant);
  });

  it('the proxy tunnels only the cloud: other hosts and ports are refused', async () => {
    const proxy = emulator.info.proxyUrl!;
    assert.equal(await connectStatus(proxy, 'management.chinacloudapi.cn:443'), 200);
    assert.equal(await connectStatus(proxy, 'kvprodpublic.vault.azure.cn:443'), 200);
    assert.equal(await connectStatus(proxy, 'kvnosuchvault.vault.azure.cn:443'), 502);
    for (const target of ['example.com:443', 'management.azure.com:443', 'kvprodpublic.vault.azure.net:443', `${FOREIGN_VAULT}.vault.azure.net:443`, 'login.chinacloudapi.cn:443', 'management.chinacloudapi.cn:80', `127.0.0.1:${new URL(emulator.info.armEndpoint).port}`]) {
      assert.equal(await connectStatus(proxy, target), 403, target);
    }
  });
});

describe('Azure US Government: the emulator posing as AzureUSGovernment', () => {
  let r: FlowResult;
  before(async () => {
    r = (await usGov!).result;
  });

  it('lists the fleet at management.usgovcloudapi.net and enables CMK with the seeded vault in vault.usgovcloudapi.net', () => {
    assert.equal(r.info.cloud, 'AzureUSGovernment');
    assert.ok(r.cloudIsBuiltinEntry);
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
    assert.equal(r.clusters, 13);
    assert.equal(r.seededCmkKeyId, 'https://kvprodpublic.vault.usgovcloudapi.net/keys/aks-kms');
    assert.equal(r.enable.preflight.vaultUri, 'https://kvprodpublic.vault.usgovcloudapi.net/');
    assert.ok(!r.enable.preflight.codes.includes('key-wrong-cloud'));
    assert.equal(r.enable.status, 'succeeded', JSON.stringify(r.enable.runResult));
    assert.equal(r.enable.securityProfile?.azureKeyVaultKms?.keyId, 'https://kvprodpublic.vault.usgovcloudapi.net/keys/aks-kms');
  });

  it('reads key versions on the data plane with verification on, under the cloud names only; portal links go to portal.azure.us', () => {
    assert.equal(r.dataPlaneVersions, 3);
    assert.deepEqual([...new Set(r.requests.map((q) => q.host))].sort(), ['kvprodpublic.vault.usgovcloudapi.net', 'management.usgovcloudapi.net']);
    assert.deepEqual(r.scopes, ['https://management.usgovcloudapi.net/.default', 'https://vault.usgovcloudapi.net/.default']);
    assert.match(r.directChallenge.message ?? '', /challenge resource 'vault\.usgovcloudapi\.net' does not match/);
    assert.equal(hostOf(r.clusterPortalUrl), 'portal.azure.us');
    assert.ok(r.clusterPortalUrl.startsWith('https://portal.azure.us/'));
  });
});
