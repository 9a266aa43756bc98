// Bearer-token checks shared by ARM and the vault listeners. Tokens are unsigned JWTs (token.ts mints
// them); the emulator reads their claims and expiry, it does not verify signatures.
import { HttpError } from './errors';

export interface Principal {
  readonly oid: string;
  readonly tid: string;
  readonly name?: string;
  readonly upn?: string;
  /** Expiry, Unix seconds. */
  readonly exp: number;
  readonly claims: Readonly<Record<string, unknown>>;
}

export type TokenCheck =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'scheme' | 'malformed' }
  | { ok: false; reason: 'expired'; exp: number };

/** The last token decoded and its claims: a client sends the same token with every request until it renews it. */
let lastDecoded: { token: string; claims: Record<string, unknown> | undefined } | undefined;

export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  if (lastDecoded?.token !== token) lastDecoded = { token, claims: decodeJwt(token) };
  return lastDecoded.claims;
}

function decodeJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length < 2 || parts.length > 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `Authorization: Bearer <jwt>`; tokens expire by wall-clock time (they are minted with it). */
export function checkBearer(header: string | undefined, nowMs: number = Date.now()): TokenCheck {
  if (!header || header.trim() === '') return { ok: false, reason: 'missing' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) return { ok: false, reason: 'scheme' };
  const claims = decodeJwtPayload(m[1]);
  if (!claims || typeof claims.exp !== 'number' || typeof claims.oid !== 'string' || typeof claims.tid !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired', exp: claims.exp };
  return {
    ok: true,
    principal: {
      oid: claims.oid,
      tid: claims.tid,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      upn: typeof claims.upn === 'string' ? claims.upn : undefined,
      exp: claims.exp,
      claims,
    },
  };
}

/** ARM's timestamp style in auth messages, e.g. `11/28/2026 9:05:00 AM`. */
function armUtc(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** ARM's 401 answers, with the WWW-Authenticate header ARM sends alongside. */
export function armAuthError(check: Exclude<TokenCheck, { ok: true }>, nowMs: number = Date.now()): HttpError {
  const challenge = (description: string) => ({
    'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/", error="invalid_token", error_description="${description}"`,
  });
  switch (check.reason) {
    case 'missing':
      return new HttpError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
        headers: challenge("The authentication failed because of missing 'Authorization' header."),
      });
    case 'scheme':
      return new HttpError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
        headers: challenge("The 'Authorization' header is provided in an invalid format."),
      });
    case 'malformed':
      return new HttpError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { headers: challenge('The access token is invalid.') });
    case 'expired':
      return new HttpError(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${armUtc(check.exp * 1000)}' is earlier than current UTC time '${armUtc(nowMs)}'.`,
        { headers: challenge('The access token has expired.') },
      );
  }
}
