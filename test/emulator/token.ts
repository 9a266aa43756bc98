// Test tokens (docs/CONTRACTS.md): unsigned JWTs with the claims the emulator reads (oid, tid, exp …),
// and a TokenCredential for node tests that hands them to the real SDK clients.
import { randomUUID } from 'node:crypto';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { EmulatorInfo } from './info';
import { SEED } from './seed';

export interface TestTokenOptions {
  /** Object id of the caller (default: the seeded signed-in user). */
  readonly oid?: string;
  /** Tenant id (default: the seeded tenant). */
  readonly tid?: string;
  /** Lifetime from now; negative mints an already-expired token. Default 3600. */
  readonly expiresInSeconds?: number;
  readonly name?: string;
  readonly upn?: string;
  /** Audience (the resource the token is for); informational, the emulator does not check it yet. */
  readonly aud?: string;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export function mintTestToken(opts: TestTokenOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const tid = opts.tid ?? SEED.tenantId;
  const claims = {
    aud: opts.aud ?? 'https://management.core.windows.net/',
    iss: `https://sts.windows.net/${tid}/`,
    iat: now,
    nbf: now,
    exp: now + (opts.expiresInSeconds ?? 3600),
    oid: opts.oid ?? SEED.userObjectId,
    tid,
    name: opts.name ?? SEED.userDisplayName,
    upn: opts.upn ?? SEED.userPrincipalName,
    idtyp: 'user',
    // Unique per token, as Entra ID's `uti`: two tokens minted in the same second still differ.
    uti: randomUUID(),
    ...(opts.extraClaims ?? {}),
  };
  // alg "none" and an empty signature: the emulator reads claims, it does not verify signatures.
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

/** The resource a scope names: `https://vault.azure.net/.default` → `https://vault.azure.net`. */
function audienceOf(scopes: string | string[]): string {
  const scope = Array.isArray(scopes) ? scopes[0] ?? '' : scopes;
  return scope.replace(/\/\.default$/, '');
}

export interface TestCredentialOptions {
  readonly oid?: string;
  readonly name?: string;
  readonly expiresInSeconds?: number;
}

/** A TokenCredential for node tests: any scope, the seeded user unless told otherwise. Every call mints a new token, as VS Code hands out a refreshed session. */
export function testCredential(info: EmulatorInfo, opts: TestCredentialOptions = {}): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const expiresInSeconds = opts.expiresInSeconds ?? 3600;
      const token = mintTestToken({
        oid: opts.oid ?? info.userObjectId,
        tid: options?.tenantId ?? info.tenantId,
        name: opts.name,
        aud: audienceOf(scopes),
        expiresInSeconds,
      });
      return { token, expiresOnTimestamp: Date.now() + expiresInSeconds * 1000, tokenType: 'Bearer' };
    },
  };
}
