/** Shared set-up for integration tests: the emulator as a custom cloud, with the real SDK clients. */
import assert from 'node:assert/strict';
import type { AzureContext } from '../../../src/azure/azureContext';
import { resolveCloud } from '../../../src/azure/cloud';
import { executeEnable, prepareEnable } from '../../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../../src/azure/managedClusters';
import type { EnableConfig } from '../../../src/kms/enable/config';
import type { StepEvent } from '../../../src/kms/plan/runner';
import { emulatorAdmin, readEmulatorInfo } from '../../emulator/client';
import { testCredential } from '../../emulator/token';

export const info = readEmulatorInfo();
export const admin = emulatorAdmin(info);

export function azureContext(credential = testCredential(info)): AzureContext {
  // The settings a user writes for a custom cloud (test/harness/lib.mjs emulatorSettings), read as the extension reads them.
  const resolved = resolveCloud('custom', {
    name: 'Local emulator',
    portalUrl: info.portalUrl,
    managementEndpointUrl: `${info.armEndpoint}/`,
    resourceManagerEndpointUrl: info.armEndpoint,
    activeDirectoryEndpointUrl: 'https://login.microsoftonline.com/',
    activeDirectoryResourceId: `${info.armEndpoint}/`,
    keyVaultDnsSuffix: info.keyVaultDnsSuffix,
  });
  assert.ok(resolved.ok, JSON.stringify(resolved));
  return { cloud: resolved.cloud, credential, tenantId: info.tenantId };
}

/** Requests that changed state (the emulator's write log), excluding the admin API. */
export async function writes(): Promise<string[]> {
  return (await admin.requests())
    .filter(r => r.write && !r.path.startsWith('/_emulator'))
    .map(r => `${r.method} ${r.path.split('?')[0]}`);
}

/** Writes the emulator accepted (the Key Vault client's first, token-less request is answered 401 and retried). */
export async function acceptedWrites(): Promise<string[]> {
  return (await admin.requests())
    .filter(r => r.write && r.status < 400 && !r.path.startsWith('/_emulator'))
    .map(r => `${r.method} ${r.path.split('?')[0]}`);
}

export const SUB1 = '11111111-1111-4111-8111-111111111111';
export const SUB2 = '22222222-2222-4222-8222-222222222222';
export const SUB3 = '33333333-3333-4333-8333-333333333333';

export function clusterId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

/** Resets the emulator with short operation durations and an empty request log (for flow tests). */
export async function resetFast(): Promise<void> {
  await admin.reset();
  await admin.config({ featureRegistrationDelayMs: 300, clusterUpdateDurationMs: 300, vaultCreateDurationMs: 200, rolePropagationDelayMs: 0 });
  await admin.clearRequests();
}

/** Feature polling fast enough for tests (the product polls every 2 s, doubling). */
const FAST = { featurePollMs: 200 };

/** Prepares (asserting preflight passed) and runs a flow as the wizard and commands do. */
export async function runFlow(config: EnableConfig, events: StepEvent[] = []) {
  const ctx = azureContext();
  const clusters = new ManagedClustersAdapter(ctx);
  const prepared = await prepareEnable(ctx, clusters, config, FAST);
  assert.equal(prepared.blocked, false, JSON.stringify(prepared.findings.filter(f => f.severity === 'error')));
  const outcome = await executeEnable(clusters, prepared, e => events.push(e));
  return { prepared, outcome, clusters };
}

/** Preflight refuses `config` with the error `code`, and nothing was written (call after clearing the request log). */
export async function assertBlockedWithoutWrites(config: EnableConfig, code: string): Promise<void> {
  const ctx = azureContext();
  const prepared = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), config, FAST);
  assert.equal(prepared.blocked, true);
  assert.ok(prepared.findings.some(f => f.code === code && f.severity === 'error'), JSON.stringify(prepared.findings));
  assert.deepEqual(await writes(), []);
}
