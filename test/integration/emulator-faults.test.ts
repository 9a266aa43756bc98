/**
 * The emulator's fault injection (POST/GET/DELETE /_emulator/faults, docs/CONTRACTS.md): rule validation, what each
 * fault answers in ARM's and Key Vault's shapes, `times` / `after` / `always`, the hit counts, a reset connection,
 * an answer lost after the write took effect, an expired token that stays expired, an LRO that ends Failed, and that DELETE and reset clear everything.
 * Raw HTTPS calls, so the SDK's retries do not hide what the emulator answers. Run through with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { emulatorAdmin, emulatorRequest } from '../emulator/client';
import { SEED } from '../emulator/seed';
import { mintTestToken } from '../emulator/token';
import { call, clusterUrl, emulatorInfo, expectError, getJson, KV_DATA_API, KV_MGMT_API, pollOperation, vaultBaseUrl, type OperationStatus } from './emulator-helpers';

const info = emulatorInfo();
const admin = emulatorAdmin(info);
const SUB1 = '11111111-1111-4111-8111-111111111111';
const FEATURE_URL = `/subscriptions/${SUB1}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/KMSPMKPreview?api-version=2021-07-01`;

const rawFaults = (method: string, body?: unknown) => emulatorRequest(info, { method, url: '/_emulator/faults', body });

describe('emulator fault injection', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });
  after(async () => {
    await admin.reset();
  });

  it('refuses malformed rules with 400 InvalidFaultRule', async () => {
    for (const body of [
      { fault: 'teapot', times: 1 },
      { fault: '500', times: 0 },
      { fault: '500', times: 'sometimes' },
      { fault: '500', times: 1, retryAfterSeconds: 1 },
      { fault: 'reset', times: 1, code: 'X' },
      { fault: 'lostResponse', times: 1, message: 'X' },
      { fault: '429', times: 1, match: { pathRegex: '(' } },
      { fault: '429', times: 1, match: { verb: 'GET' } },
      { fault: '429', times: 1, after: -1 },
    ]) {
      expectError(await rawFaults('POST', body), 400, 'InvalidFaultRule');
    }
    assert.deepEqual(await admin.faults(), []);
  });

  it('429 on ARM: the throttling error with Retry-After, for the first `times` matching requests, counted', async () => {
    const [rule] = await admin.injectFaults({ match: { method: 'GET', pathRegex: '/features/KMSPMKPreview$' }, fault: '429', times: 2, retryAfterSeconds: 3 });
    assert.ok(rule.id);
    for (let i = 0; i < 2; i++) {
      const res = await call('GET', FEATURE_URL);
      expectError(res, 429, 'SubscriptionRequestsThrottled', /Number of 'read' requests for subscription '11111111-.*' exceeded\. Please try again after '3' seconds/);
      assert.equal(res.headers['retry-after'], '3');
      assert.ok(res.headers['x-ms-request-id'], 'ARM headers');
    }
    assert.equal((await call('GET', FEATURE_URL)).status, 200);
    assert.equal((await call('POST', FEATURE_URL.replace('?', '/register?'))).status, 200, 'another method does not match');
    const [counted] = await admin.faults();
    assert.deepEqual([counted.matched, counted.hits], [2, 2]);
    const log = await admin.requests();
    assert.deepEqual(log.map((e) => e.status), [429, 429, 200, 200], 'faulted requests are in the request log');
  });

  it('`after` lets the first matching requests through; `always` never runs out; code and message can be chosen', async () => {
    await admin.injectFaults({ match: { pathRegex: '/features/KMSPMKPreview$' }, fault: '500', times: 'always', after: 1, code: 'Boom', message: 'Injected boom.' });
    assert.equal((await call('GET', FEATURE_URL)).status, 200);
    for (let i = 0; i < 3; i++) expectError(await call('GET', FEATURE_URL), 500, 'Boom', 'Injected boom.');
    const [rule] = await admin.faults();
    assert.deepEqual([rule.matched, rule.hits], [4, 3]);
  });

  it('503 on one vault\'s data plane, in Key Vault\'s error shape; other vaults and ARM are untouched', async () => {
    const base = await vaultBaseUrl('kvprodpublic');
    const other = await vaultBaseUrl('kvfabkeys');
    await admin.injectFaults({ match: { vault: 'kvprodpublic' }, fault: '503', times: 'always' });
    const url = `${base}/keys/aks-kms/?api-version=${KV_DATA_API}`;
    const res = await call('GET', url);
    expectError(res, 503, 'ServiceUnavailable');
    assert.equal(res.headers['retry-after'], '1', 'default Retry-After');
    assert.notEqual((await call('GET', `${other}/keys?api-version=${KV_DATA_API}`)).status, 503);
    assert.equal((await call('GET', FEATURE_URL)).status, 200);
  });

  it('reset: the connection is destroyed without an answer, and the log shows it with status 0', async () => {
    await admin.injectFaults({ match: { method: 'GET', pathRegex: '/features/KMSPMKPreview$' }, fault: 'reset', times: 1 });
    await assert.rejects(call('GET', FEATURE_URL), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    assert.equal((await call('GET', FEATURE_URL)).status, 200);
    assert.deepEqual((await admin.requests()).map((e) => e.status), [0, 200]);
  });

  it('lostResponse: a vault PUT is served (the vault exists) but its answer never arrives; the retry meets the vault', async () => {
    const name = 'kvlostanswer01';
    const url = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/${name}?api-version=${KV_MGMT_API}`;
    const body = { location: 'eastus', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true } };
    await admin.config({ vaultCreateDurationMs: 0 });
    await admin.injectFaults({ match: { method: 'PUT', pathRegex: `/vaults/${name}$` }, fault: 'lostResponse', times: 1 });
    const vaultsBefore = (await admin.resources()).vaults;
    await assert.rejects(call('PUT', url, body), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    // The write took effect although the client heard nothing.
    const created = await call('GET', url);
    assert.equal(created.status, 200, created.text);
    assert.equal((created.body as { name: string }).name, name);
    assert.deepEqual((await admin.resources()).vaults.filter((v) => !vaultsBefore.includes(v)).map((v) => v.split('/').pop()), [name]);
    // The retry (what an SDK sends after ECONNRESET) updates the same vault: one vault, an answer this time.
    const again = await call('PUT', url, body);
    assert.equal(again.status, 200, again.text);
    assert.equal((await admin.resources()).vaults.filter((v) => v.toLowerCase().endsWith(`/${name}`)).length, 1);
    const [rule] = await admin.faults();
    assert.equal(rule.hits, 1);
    const puts = (await admin.requests()).filter((e) => e.method === 'PUT');
    assert.deepEqual(puts.map((e) => [e.status, e.responseLost ?? false]), [[201, true], [200, false]], 'the log shows what was served and that its answer was lost');
  });

  it('tokenExpired: 401 ExpiredAuthenticationToken; that token stays expired, a new one works; token-less requests do not match', async () => {
    await admin.injectFaults({ fault: 'tokenExpired', times: 1 });
    const token = mintTestToken({ tid: info.tenantId, oid: info.userObjectId });
    const res = await emulatorRequest(info, { url: FEATURE_URL, token });
    expectError(res, 401, 'ExpiredAuthenticationToken', /^The access token expiry UTC time '.*' is earlier than current UTC time '.*'\.$/);
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/);
    expectError(await emulatorRequest(info, { url: FEATURE_URL, token }), 401, 'ExpiredAuthenticationToken');
    assert.equal((await call('GET', FEATURE_URL)).status, 200, 'a new token');
    assert.equal((await admin.faults())[0].hits, 1);

    // Key Vault: the token-less first request gets the usual challenge; an expired token a challenge too.
    await admin.clearFaults();
    await admin.injectFaults({ match: { vault: 'kvprodpublic' }, fault: 'tokenExpired', times: 1 });
    const url = `${await vaultBaseUrl('kvprodpublic')}/keys/aks-kms/?api-version=${KV_DATA_API}`;
    const challenge = await emulatorRequest(info, { url });
    expectError(challenge, 401, 'Unauthorized', /AKV10000/);
    const expired = await call('GET', url);
    expectError(expired, 401, 'Unauthorized', "[TokenExpired] Error validating token: 'S2S12086'.");
    assert.match(String(expired.headers['www-authenticate']), /resource="https:\/\/vault\.azure\.net"/);
    assert.equal((await call('GET', url)).status, 200);
  });

  it('lroFailed: the cluster PUT is accepted and its operation ends Failed; a refused PUT does not use it up', async () => {
    await admin.config({ clusterUpdateDurationMs: 50 });
    await admin.injectFaults({ match: { method: 'PUT', pathRegex: '/managedClusters/aks-prod-plain$' }, fault: 'lroFailed', times: 1, code: 'InternalOperationError', message: 'Injected: the update failed.' });
    const cluster = await getJson<{ properties: Record<string, unknown> }>(clusterUrl('aks-prod-plain'));
    const refused = structuredClone(cluster);
    refused.properties.kubernetesVersion = 'not-a-version';
    refused.properties.securityProfile = { azureKeyVaultKms: { enabled: true } };
    assert.equal((await call('PUT', clusterUrl('aks-prod-plain'), refused)).status, 400);
    assert.equal((await admin.faults())[0].hits, 0, 'the refused PUT started no operation');
    assert.equal((await admin.getConfig()).failNextClusterOperations.count, 0);

    const body = structuredClone(cluster);
    body.properties.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
    const res = await call('PUT', clusterUrl('aks-prod-plain'), body);
    assert.equal(res.status, 200);
    const statuses: OperationStatus[] = await pollOperation(String(res.headers['azure-asyncoperation']));
    assert.deepEqual(statuses[statuses.length - 1].error, { code: 'InternalOperationError', message: 'Injected: the update failed.' });
    assert.equal((await admin.faults())[0].hits, 1);
    const afterFail = await getJson<{ properties: { provisioningState: string; securityProfile?: unknown } }>(clusterUrl('aks-prod-plain'));
    assert.equal(afterFail.properties.provisioningState, 'Failed');
    assert.deepEqual(afterFail.properties.securityProfile, cluster.properties.securityProfile);
    // The GET tells what went wrong too (ManagedClusterStatus.provisioningError), until an update succeeds.
    assert.deepEqual((afterFail.properties as { status?: unknown }).status, { provisioningError: { code: 'InternalOperationError', message: 'Injected: the update failed.' } });
  });

  it('DELETE /_emulator/faults and reset clear the rules (and expired tokens)', async () => {
    await admin.injectFaults({ fault: '500', times: 'always' }, { fault: 'tokenExpired', times: 1 });
    assert.equal((await admin.faults()).length, 2);
    assert.equal((await rawFaults('DELETE')).status, 204);
    assert.deepEqual(await admin.faults(), []);
    assert.equal((await call('GET', FEATURE_URL)).status, 200);
    await admin.injectFaults({ fault: 'tokenExpired', times: 1 });
    const token = mintTestToken({ tid: info.tenantId, oid: info.userObjectId });
    assert.equal((await emulatorRequest(info, { url: FEATURE_URL, token })).status, 401);
    await admin.reset();
    assert.deepEqual(await admin.faults(), []);
    assert.equal((await emulatorRequest(info, { url: FEATURE_URL, token })).status, 200, 'reset forgets expired tokens');
  });

  it('GET /_emulator/resources summarises the fleet in one call', async () => {
    const r = await admin.resources();
    // Every cluster the emulator holds, the other directories' too.
    assert.equal(r.clusters.length, SEED.clusters.length + SEED.otherTenantClusters.length);
    assert.ok(r.vaults.some((v) => v.endsWith('/vaults/kvprodpublic')));
    assert.equal(r.keys[r.vaults.find((v) => v.endsWith('/vaults/kvprodpublic'))! + '/keys/aks-kms'], 3);
    assert.equal(new Set(r.roleAssignments).size, r.roleAssignments.length);
    assert.ok(r.identities.length > 0);
  });
});
