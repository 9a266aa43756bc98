/**
 * Shared by the emulator's own integration tests (emulator-*.test.ts): raw ARM calls with a test token,
 * LRO polling, seeded ids and the option bag the real SDK clients take to point at the emulator.
 */
import assert from 'node:assert/strict';
import { emulatorRequest, readEmulatorInfo, type EmulatorResponse } from '../emulator/client';
import type { EmulatorInfo } from '../emulator/info';
import { seedCluster, seedVault } from '../emulator/seed';
import { mintTestToken } from '../emulator/token';

export const MC_API = '2026-10-02-preview';
export const KV_MGMT_API = '2026-02-01';
export const KV_DATA_API = '2025-07-01';

let cached: EmulatorInfo | undefined;
export function emulatorInfo(): EmulatorInfo {
  cached ??= readEmulatorInfo();
  return cached;
}

/** Options both kinds of ARM client read: modular (`credentials.scopes`) and classic (`credentialScopes`). */
export function armClientOptions(info: EmulatorInfo = emulatorInfo()): { endpoint: string; credentials: { scopes: string[] }; credentialScopes: string[] } {
  const scope = `${info.armEndpoint}/.default`;
  return { endpoint: info.armEndpoint, credentials: { scopes: [scope] }, credentialScopes: [scope] };
}

/** One call as the signed-in user (or `oid`). */
export function call(method: string, url: string, body?: unknown, oid?: string): Promise<EmulatorResponse> {
  const info = emulatorInfo();
  return emulatorRequest(info, { method, url, body, token: mintTestToken({ tid: info.tenantId, oid: oid ?? info.userObjectId }) });
}

export function errorOf(res: EmulatorResponse): { code: string; message: string; innererror?: { code: string } } {
  const e = (res.body as { error?: { code: string; message: string; innererror?: { code: string } } }).error;
  assert.ok(e, `expected an error body, got ${res.status} ${res.text.slice(0, 300)}`);
  return e;
}

export function expectError(res: EmulatorResponse, status: number, code: string, message?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text.slice(0, 600)}`);
  const e = errorOf(res);
  assert.equal(e.code, code, e.message);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
}

export function clusterUrl(name: string, apiVersion = MC_API): string {
  const c = seedCluster(name);
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}?api-version=${apiVersion}`;
}

export function vaultUrl(name: string): string {
  const v = seedVault(name);
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}?api-version=${KV_MGMT_API}`;
}

export function vaultId(name: string): string {
  const v = seedVault(name);
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}`;
}

/** The data-plane base URL of a vault (no trailing slash), from its ARM `vaultUri`. */
export async function vaultBaseUrl(name: string): Promise<string> {
  const res = await call('GET', vaultUrl(name));
  assert.equal(res.status, 200, res.text);
  return (res.body as { properties: { vaultUri: string } }).properties.vaultUri.replace(/\/$/, '');
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await call('GET', url);
  assert.equal(res.status, 200, `GET ${url}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body as T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface OperationStatus {
  name: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
}

/** Polls an Azure-AsyncOperation URL until it is terminal (faster than Retry-After, for tests). */
export async function pollOperation(url: string, intervalMs = 50, timeoutMs = 15_000): Promise<OperationStatus[]> {
  const seen: OperationStatus[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('GET', url);
    assert.equal(res.status, 200, res.text);
    const body = res.body as OperationStatus;
    seen.push(body);
    if (body.status !== 'InProgress') return seen;
    assert.ok(Date.now() < deadline, `operation still InProgress after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** What the SDKs' RestError carries that the emulator tests check. */
export interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: { error?: { code?: string; innerError?: { code?: string } } };
}

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (e) {
    return e as RestErrorLike;
  }
  assert.fail('expected the call to fail');
}
