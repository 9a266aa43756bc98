/**
 * What the fault matrix (test/integration/faults.test.ts) found and the product now handles: AKS refusing the cluster
 * update while the identity's new Key Vault role propagates, a token the service calls expired, and a dropped
 * connection that needs a sentence a user can act on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import { connectionErrorPolicy, isConnectionError } from '../../src/azure/connectionErrorPolicy';
import { expiredTokenPolicy, isExpiredTokenResponse } from '../../src/azure/expiredTokenPolicy';
import type { CmkConfig } from '../../src/kms/enable/config';
import type { EnableFacts } from '../../src/kms/enable/facts';
import { buildPlan } from '../../src/kms/enable/plan';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { isIdentityPermissionPending, isRolePropagationDenial } from '../../src/kms/plan/retry';
import { runPlan, type StepEvent } from '../../src/kms/plan/runner';
import { CLUSTER_ID, fakePorts, newWorld, SUB, USER_OID } from './fakeAzure';

const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
const KMS_PERMISSION = () => Object.assign(new Error('The identity does not have keys encrypt/decrypt permission on key vault "https://kvnew01.vault.azure.net"'), {
  statusCode: 400,
  code: 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError',
});

describe('retry predicates', () => {
  const cases: [string, unknown, boolean, boolean][] = [
    ['AKS: identity permission not there yet', KMS_PERMISSION(), true, false],
    ['AKS: another 400', { statusCode: 400, code: 'BadRequest' }, false, false],
    ['Key Vault: RBAC not propagated', { statusCode: 403, code: 'Forbidden', details: { error: { innererror: { code: 'ForbiddenByRbac' } } } }, false, true],
    ['Key Vault: firewall', { statusCode: 403, code: 'Forbidden', details: { error: { innererror: { code: 'ForbiddenByFirewall' } } } }, false, false],
    ['no answer', new Error('socket hang up'), false, false],
  ];
  for (const [name, err, identity, rbac] of cases) {
    it(name, () => {
      assert.equal(isIdentityPermissionPending(err), identity);
      assert.equal(isRolePropagationDenial(err), rbac);
    });
  }
});

describe('the CMK cluster update waits for the identity\'s role to propagate', () => {
  const config: CmkConfig = {
    kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public',
    vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' },
    key: { kind: 'new', name: 'aks-kms' },
    identity: { kind: 'existing', id: IDENTITY_ID },
  };

  async function runWithRefusals(refusals: number, timeoutMs: number) {
    const world = newWorld();
    world.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' });
    const base = fakePorts(world);
    let left = refusals;
    const ports = { ...base, putCluster: (...args: Parameters<typeof base.putCluster>) => (left-- > 0 ? Promise.reject(KMS_PERMISSION()) : base.putCluster(...args)) };
    const cluster = await base.getCluster(CLUSTER_ID);
    const facts: EnableFacts = {
      cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: 'Registered', vaultNameAvailable: true,
      identity: world.identities.get(IDENTITY_ID.toLowerCase()), user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
      roleAssignments: [], keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-11-28T00:00:00Z'),
    };
    let clock = 0;
    const plan = buildPlan(config, facts, { ...ports, sleep: async ms => void (clock += ms) }, {
      featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't', rolePropagation: { timeoutMs, initialDelayMs: 1, maxDelayMs: 4 },
    });
    const events: StepEvent[] = [];
    const result = await runPlan(plan.steps, e => events.push(e));
    return { result, events, world, clock };
  }

  it('AKS refuses twice, then accepts: the plan succeeds with one cluster write', async () => {
    const { result, events, world, clock } = await runWithRefusals(2, 60_000);
    assert.equal(result.status, 'succeeded', String(result.error));
    assert.equal(world.writes.filter(w => w === 'putCluster').length, 1);
    assert.equal(events.filter(e => e.stepId === 'updateCluster' && /waiting .* role assignment/.test(e.message ?? '')).length, 2);
    assert.equal(clock, 1 + 2, 'two waits through the plan\'s sleep port, doubling from the initial delay');
  });

  it('still refused when the wait is over: the step fails with AKS\'s message', async () => {
    const { result, clock } = await runWithRefusals(1_000, 20);
    assert.equal(clock, 1 + 2 + 4 + 4 + 4 + 4, 'it waits no longer than the 20 ms it was given (delays capped at 4 ms)');
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'updateCluster');
    assert.match(String((result.error as Error).message), /does not have keys encrypt\/decrypt permission/);
  });
});

function response(status: number, body: unknown, headers: Record<string, string> = {}): PipelineResponse {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  return { request, status, headers: createHttpHeaders(headers), bodyAsText: JSON.stringify(body) };
}

describe('expired-token policy', () => {
  const cases: [string, PipelineResponse, boolean][] = [
    ['ARM ExpiredAuthenticationToken', response(401, { error: { code: 'ExpiredAuthenticationToken', message: 'The access token expiry …' } }), true],
    ['Key Vault [TokenExpired] with a challenge', response(401, { error: { code: 'Unauthorized', message: "[TokenExpired] Error validating token: 'S2S12086'." } }, { 'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/t1", resource="https://vault.azure.net"' }), true],
    ['ARM invalid_token "has expired" in the challenge only', response(401, '', { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/", error="invalid_token", error_description="The access token has expired."' }), true],
    ['missing token', response(401, { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } }), false],
    ['forbidden', response(403, { error: { code: 'AuthorizationFailed', message: 'expired' } }), false],
  ];
  for (const [name, res, expected] of cases) {
    it(`${expected ? 'refreshes on' : 'ignores'}: ${name}`, () => assert.equal(isExpiredTokenResponse(res), expected));
  }

  it('asks the credential for a new token once (Key Vault: the challenge\'s resource and tenant) and sends again', async () => {
    const asked: { scopes: string | string[]; tenantId?: string }[] = [];
    const policy = expiredTokenPolicy({ getToken: async (scopes, options) => (asked.push({ scopes, tenantId: options?.tenantId }), { token: `t${asked.length}`, expiresOnTimestamp: Date.now() + 3_600_000 }) }, ['https://management.azure.com/.default']);
    const request = createPipelineRequest({ url: 'https://127.0.0.1:1/keys/k/create' });
    request.headers.set('authorization', 'Bearer old');
    const sent: string[] = [];
    const expired = response(401, { error: { code: 'Unauthorized', message: '[TokenExpired] x' } }, { 'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/t1", resource="https://vault.azure.net"' });
    const res = await policy.sendRequest(request, async r => (sent.push(r.headers.get('authorization') ?? ''), sent.length === 1 ? expired : response(200, {})));
    assert.equal(res.status, 200);
    assert.deepEqual(sent, ['Bearer old', 'Bearer t1']);
    assert.deepEqual(asked, [{ scopes: ['https://vault.azure.net/.default'], tenantId: 't1' }]);
  });

  it('still expired with the new token: the 401 is the answer (no loop)', async () => {
    const policy = expiredTokenPolicy({ getToken: async () => ({ token: 'new', expiresOnTimestamp: 0 }) }, ['s']);
    const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
    request.headers.set('authorization', 'Bearer old');
    let calls = 0;
    const res = await policy.sendRequest(request, async () => (calls++, response(401, { error: { code: 'ExpiredAuthenticationToken', message: 'm' } })));
    assert.equal(res.status, 401);
    assert.equal(calls, 2);
  });
});

describe('connection-error policy', () => {
  it('turns "socket hang up" into a sentence naming the endpoint; leaves HTTP answers alone', async () => {
    const policy = connectionErrorPolicy();
    const request = createPipelineRequest({ url: 'https://management.azure.com/subscriptions/s?api-version=1' });
    const reset = new RestError('socket hang up', { code: 'ECONNRESET', request });
    assert.ok(isConnectionError(reset));
    const err = await policy.sendRequest(request, async () => { throw reset; }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RestError);
    assert.equal(err.code, 'ECONNRESET');
    assert.equal(err.message, 'The connection to management.azure.com failed (ECONNRESET: socket hang up) and retrying did not help. Check your network connection, proxy or VPN, then try again.');
    const answered = new RestError('Too many requests', { statusCode: 429, code: 'TooManyRequests', request, response: response(429, {}) });
    assert.equal(isConnectionError(answered), false);
    assert.equal(await policy.sendRequest(request, async () => { throw answered; }).catch((e: unknown) => e), answered);
  });
});
