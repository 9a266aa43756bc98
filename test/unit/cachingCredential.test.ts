import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessToken, GetTokenOptions } from '@azure/core-auth';
import { createPipelineRequest, createHttpHeaders, type PipelineResponse } from '@azure/core-rest-pipeline';
import { CachingCredential, REFRESH_MARGIN_MS } from '../../src/azure/cachingCredential';
import { expiredTokenPolicy } from '../../src/azure/expiredTokenPolicy';

const HOUR = 3_600_000;

/** A credential that counts its calls and hands out `t1`, `t2`, … expiring `lifetimeMs` after "now". */
function counting(now: () => number, lifetimeMs = HOUR) {
  const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = [];
  return {
    calls,
    credential: {
      async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
        calls.push({ scopes, options });
        await new Promise(r => setTimeout(r, 5));
        return { token: `t${calls.length}`, expiresOnTimestamp: now() + lifetimeMs };
      },
    },
  };
}

describe('CachingCredential', () => {
  it('hands the same token to every client until 5 minutes before it expires, then asks again', async () => {
    let t = 0;
    const inner = counting(() => t);
    const cache = new CachingCredential(inner.credential, () => t);
    assert.equal((await cache.getToken('https://management.azure.com/.default'))?.token, 't1');
    t = HOUR - REFRESH_MARGIN_MS - 1;
    assert.equal((await cache.getToken(['https://management.azure.com/.default']))?.token, 't1', 'a scope array is the same key');
    t = HOUR - REFRESH_MARGIN_MS;
    assert.equal((await cache.getToken('https://management.azure.com/.default'))?.token, 't2');
    assert.equal(inner.calls.length, 2);
  });

  it('concurrent callers share one request', async () => {
    const inner = counting(Date.now);
    const cache = new CachingCredential(inner.credential);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => cache.getToken('s')));
    assert.deepEqual(new Set(tokens.map(x => x?.token)), new Set(['t1']));
    assert.equal(inner.calls.length, 1);
  });

  it('keeps scope sets and tenants apart; claims always go to the inner credential', async () => {
    const inner = counting(Date.now);
    const cache = new CachingCredential(inner.credential);
    await cache.getToken('arm');
    await cache.getToken('vault');
    await cache.getToken('arm', { tenantId: 'other' });
    await cache.getToken('arm', { claims: 'e30=' });
    await cache.getToken('arm');
    assert.deepEqual(inner.calls.map(c => [c.scopes, c.options?.tenantId ?? '', c.options?.claims ?? '']), [['arm', '', ''], ['vault', '', ''], ['arm', 'other', ''], ['arm', '', 'e30=']]);
  });

  it('a failed request is not cached', async () => {
    let fail = true;
    const cache = new CachingCredential({ async getToken() { if (fail) throw new Error('no session'); return { token: 'ok', expiresOnTimestamp: Date.now() + HOUR }; } });
    await assert.rejects(cache.getToken('s'), /no session/);
    fail = false;
    assert.equal((await cache.getToken('s'))?.token, 'ok');
  });

  it('a token the service refuses as expired is forgotten by the expired-token policy, so the retry gets a new one', async () => {
    const inner = counting(Date.now);
    const cache = new CachingCredential(inner.credential);
    const first = await cache.getToken('https://management.azure.com/.default');
    const policy = expiredTokenPolicy(cache, ['https://management.azure.com/.default']);
    const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
    request.headers.set('authorization', `Bearer ${first?.token}`);
    const sent: string[] = [];
    const reply = (status: number, body: unknown): PipelineResponse => ({ request, status, headers: createHttpHeaders(), bodyAsText: JSON.stringify(body) });
    const res = await policy.sendRequest(request, async r => {
      sent.push(r.headers.get('authorization') ?? '');
      return sent.length === 1 ? reply(401, { error: { code: 'ExpiredAuthenticationToken', message: 'expired' } }) : reply(200, {});
    });
    assert.equal(res.status, 200);
    assert.deepEqual(sent, ['Bearer t1', 'Bearer t2']);
  });
});
