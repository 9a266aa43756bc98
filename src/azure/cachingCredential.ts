/**
 * Keeps the tokens a credential hands out until shortly before they expire, per scope set and tenant, and shares one
 * request among concurrent callers. Every SDK client builds its own pipeline, whose token cache dies with it, and the
 * fleet's key reads make two or three short-lived clients per key: without this, each one asked VS Code for a session
 * again — a round trip through the workbench (and MSAL's silent acquisition, or an `az` process for the Azure CLI
 * login) per request. Hand-written: @azure/identity's caches live inside its own credentials, not around a
 * TokenCredential we supply.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** A token this close to its expiry is not handed out again: the request it is for may take a while. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export class CachingCredential implements TokenCredential {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly pending = new Map<string, Promise<AccessToken | null>>();

  constructor(
    private readonly inner: TokenCredential,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // Claims (a CAE challenge) ask for a new token by definition: never answered from the cache.
    if (options?.claims) {
      return this.inner.getToken(scopes, options);
    }
    const key = `${(Array.isArray(scopes) ? [...scopes].sort() : [scopes]).join(' ')}|${options?.tenantId ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresOnTimestamp - this.now() > REFRESH_MARGIN_MS) {
      return cached;
    }
    let request = this.pending.get(key);
    if (!request) {
      request = this.inner.getToken(scopes, options).then(
        token => {
          if (token) {
            this.tokens.set(key, token);
          }
          return token;
        },
      ).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    return request;
  }

  /** Forgets a token the service refused as expired, so the next request asks the inner credential again. */
  invalidate(token: string): void {
    for (const [key, cached] of this.tokens) {
      if (cached.token === token) {
        this.tokens.delete(key);
      }
    }
  }
}

/** Whether a credential can forget a token (see `CachingCredential.invalidate`). */
export function canInvalidate(credential: TokenCredential): credential is TokenCredential & { invalidate(token: string): void } {
  return typeof (credential as { invalidate?: unknown }).invalidate === 'function';
}
