// Server-side paging: `{value, nextLink}` with an absolute nextLink built from the scheme and host the
// client used, keeping the request's query (api-version included) and an opaque skip token.
import { HttpError } from './errors';
import { queryParam, type ParsedRequest } from './http';

interface SkipToken {
  /** Offset of the next page's first item. */
  o: number;
  /** Fingerprint of what is being paged (Resource Graph: query + scopes); absent for plain lists. */
  f?: string;
  /** Resource Graph: the snapshot (kept result) the token continues. */
  s?: string;
}

export function encodeSkipToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

export function decodeSkipToken(raw: string, code = 'InvalidSkipToken'): SkipToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof t === 'object' && t !== null && typeof (t as SkipToken).o === 'number' && (t as SkipToken).o >= 0) return t as SkipToken;
  } catch {
    // fall through
  }
  // rule: emu-paging-invalid
  throw new HttpError(400, code, `The provided skip token '${raw}' is not valid.`);
}

function encodeQueryName(name: string): string {
  // Keep `$skipToken`/`$top` readable, the way ARM writes them.
  return encodeURIComponent(name).replace(/%24/g, '$');
}

/** `origin + path + ?<query without any skip token>&<tokenName>=<token>`. */
export function buildNextLink(req: ParsedRequest, tokenName: string, token: string, dropNames: readonly string[] = []): string {
  const drop = new Set([tokenName.toLowerCase(), ...dropNames.map((n) => n.toLowerCase())]);
  const parts: string[] = [];
  for (const [k, v] of req.query) {
    if (drop.has(k.toLowerCase())) continue;
    parts.push(`${encodeQueryName(k)}=${encodeURIComponent(v)}`);
  }
  parts.push(`${encodeQueryName(tokenName)}=${encodeURIComponent(token)}`);
  return `${req.origin}${req.path}${req.trailingSlash ? '/' : ''}?${parts.join('&')}`;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export interface PageOptions {
  /** Items per page (server option). */
  readonly pageSize: number;
  /** Query name of the skip token: ARM `$skipToken`, Key Vault `$skiptoken`. */
  readonly tokenName?: string;
  /** Query name of a client page-size cap (`$top` for vault lists, `maxresults` for Key Vault). */
  readonly topName?: string;
  /** Error code for a bad token. */
  readonly badTokenCode?: string;
}

/** Slices `items` for the page the request asks for; the last page has no nextLink. */
export function pageOf<T>(items: readonly T[], req: ParsedRequest, opts: PageOptions): Page<T> {
  const tokenName = opts.tokenName ?? '$skipToken';
  const raw = queryParam(req.query, tokenName);
  const offset = raw ? decodeSkipToken(raw, opts.badTokenCode).o : 0;
  let size = opts.pageSize;
  if (opts.topName) {
    const top = queryParam(req.query, opts.topName);
    if (top !== undefined) {
      const n = Number(top);
      // rule: emu-paging-invalid
      if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'InvalidParameter', `The value '${top}' of query parameter '${opts.topName}' is invalid.`);
      size = Math.min(size, n);
    }
  }
  const value = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { value, nextLink: buildNextLink(req, tokenName, encodeSkipToken({ o: next })) } : { value };
}
