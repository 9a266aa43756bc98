/**
 * One more try with a new token when the service says the token has expired. The SDK's authentication policies
 * cache a token until shortly before its `expiresOnTimestamp` and react only to CAE claim challenges, so a token
 * the service already considers expired (clock skew, a session refreshed late, a long cluster update) fails the
 * call: ARM answers `401 ExpiredAuthenticationToken`, Key Vault `401 [TokenExpired]` with a new challenge. This
 * policy sits next to the transport, after those policies: once per request it asks the credential itself for a
 * token (VS Code hands out its refreshed session) and sends the request again. Any other 401 is left alone.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { canInvalidate } from './cachingCredential';

export const EXPIRED_TOKEN_POLICY_NAME = 'aksKmsExpiredTokenPolicy';

/** The `Bearer k="v", …` parameters of a WWW-Authenticate header. */
function challengeParams(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
    params[m[1]] = m[2];
  }
  return params;
}

/** A 401 that says the presented token has expired (not a missing, malformed or under-privileged one). */
export function isExpiredTokenResponse(response: Pick<PipelineResponse, 'status' | 'headers' | 'bodyAsText'>): boolean {
  if (response.status !== 401) {
    return false;
  }
  const description = challengeParams(response.headers.get('www-authenticate')).error_description ?? '';
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(response.bodyAsText ?? '') as { error?: { code?: string; message?: string } }).error;
  } catch {
    error = undefined;
  }
  return error?.code === 'ExpiredAuthenticationToken' || /\[TokenExpired\]/.test(error?.message ?? '') || /token (has )?expired/i.test(description);
}

/**
 * @param defaultScopes the client's scopes (ARM); a Key Vault challenge names its own resource and tenant.
 */
export function expiredTokenPolicy(credential: TokenCredential, defaultScopes: readonly string[]): PipelinePolicy {
  return {
    name: EXPIRED_TOKEN_POLICY_NAME,
    async sendRequest(request, next) {
      const response = await next(request);
      if (!request.headers.has('authorization') || !isExpiredTokenResponse(response)) {
        return response;
      }
      // A cached token the service refuses must not come back from the cache.
      if (canInvalidate(credential)) {
        credential.invalidate(/^Bearer\s+(\S+)/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '');
      }
      const challenge = challengeParams(response.headers.get('www-authenticate'));
      const scopes = challenge.resource ? [`${challenge.resource}/.default`] : [...defaultScopes];
      const tenantId = challenge.resource ? /\/([^/]+)\/?$/.exec(challenge.authorization ?? '')?.[1] : undefined;
      const token = await credential.getToken(scopes, { abortSignal: request.abortSignal, ...(tenantId ? { tenantId } : {}) });
      if (!token) {
        return response;
      }
      request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}
