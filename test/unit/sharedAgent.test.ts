import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { describe, it } from 'node:test';
import { createHttpHeaders, createPipelineRequest, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { sharedAgentPolicy } from '../../src/azure/sharedAgent';

/** Runs the policy on a request and answers the request as the next policy saw it. */
async function throughPolicy(request: PipelineRequest): Promise<PipelineRequest> {
  let seen: PipelineRequest | undefined;
  await sharedAgentPolicy().sendRequest(request, async r => {
    seen = r;
    return { request: r, status: 200, headers: createHttpHeaders() } satisfies PipelineResponse;
  });
  return seen!;
}

describe('sharedAgentPolicy', () => {
  it('an HTTPS request gets the shared keep-alive agent and says outright that it is HTTPS (no stack-trace guess in a proxy agent)', async () => {
    const first = await throughPolicy(createPipelineRequest({ url: 'https://management.azure.com/subscriptions?api-version=2022-12-01' }));
    const second = await throughPolicy(createPipelineRequest({ url: 'https://management.azure.com/providers?api-version=2021-04-01' }));
    assert.ok(first.agent instanceof Agent && first.agent === second.agent, 'one agent for every request');
    assert.equal(first.headers.get('connection'), 'keep-alive');
    assert.equal(first.requestOverrides?.protocol, 'https:');
  });
  it('keeps what it must not touch: other request overrides, a request with TLS settings of its own, plain HTTP', async () => {
    const withOverrides = createPipelineRequest({ url: 'https://management.azure.com/x' });
    withOverrides.requestOverrides = { headers: { 'accept-encoding': 'gzip' } };
    assert.deepEqual((await throughPolicy(withOverrides)).requestOverrides, { headers: { 'accept-encoding': 'gzip' }, protocol: 'https:' });

    const withTls = createPipelineRequest({ url: 'https://management.azure.com/x' });
    withTls.tlsSettings = { cert: 'c', key: 'k' };
    const tls = await throughPolicy(withTls);
    assert.equal(tls.agent, undefined);
    assert.equal(tls.requestOverrides, undefined);

    const plain = await throughPolicy(createPipelineRequest({ url: 'http://127.0.0.1:8080/x', allowInsecureConnection: true }));
    assert.equal(plain.agent, undefined);
    assert.equal(plain.requestOverrides, undefined);
  });
});
