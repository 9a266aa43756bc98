// Fault injection (docs/CONTRACTS.md, "Faults"): rules added through POST /_emulator/faults decide, before a
// request reaches auth or routing, whether it is answered with a fault instead — 429/503 with Retry-After,
// 500, a reset connection, a 401 for an expired token — or let through after the fault did its part: lostResponse
// lets the service serve the request in full and then destroys the connection instead of writing the answer; lroFailed
// sets its cluster operation to end Failed; concurrentChange first changes the stored cluster as another writer
// would between the client's GET and this PUT (a new eTag, so an If-Match of the older GET answers 412). Each
// rule fires on the first `times` matching requests (after letting `after` of them pass) or on every one
// (`always`), and counts what it saw. Why here and not in the routes: a
// throttled or failed request never reaches the service, so the fault must not depend on what a route does.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armAuthError, decodeJwtPayload } from './auth';
import { HttpError } from './errors';
import { armHeaders, errorReply, readJsonBody, writeReply, type ParsedRequest, type Reply } from './http';
import { applyConcurrentClusterChange, type ConcurrentClusterChange } from './clusterMerge';
import { isJsonObject } from './json';
import type { RequestLog } from './requestLog';
import { DEFAULT_CLUSTER_FAULT, lookup, type EmulatorStore } from './state';

export const FAULT_KINDS = ['429', '500', '503', 'reset', 'lostResponse', 'lroFailed', 'tokenExpired'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/**
 * Not a failure of the service but a race the product must survive: another writer changes the cluster between the
 * client's GET and its PUT. A rule kind of its own, outside FaultKind, so matrices over the failures need not cover it.
 */
export const CONCURRENT_CHANGE = 'concurrentChange';
export type FaultRuleKind = FaultKind | typeof CONCURRENT_CHANGE;
const RULE_KINDS: readonly FaultRuleKind[] = [...FAULT_KINDS, CONCURRENT_CHANGE];

export interface FaultMatch {
  /** HTTP method, any case. */
  readonly method?: string;
  /** JavaScript regular expression (case-insensitive) tested against the path without the query, `//` collapsed. */
  readonly pathRegex?: string;
  /** The Host header the client sent, `127.0.0.1:<port>`: one listener. */
  readonly host?: string;
  /** A vault name: only that vault's data-plane listener. */
  readonly vault?: string;
  /** A directory: only requests whose bearer token is for this tenant (`tid`), e.g. one directory's listing. */
  readonly tenant?: string;
}

export interface FaultRuleInput {
  readonly match?: FaultMatch;
  readonly fault: FaultRuleKind;
  /** How many matching requests fire the fault; `always` = every one (a persistent fault). */
  readonly times: number | 'always';
  /** Let this many matching requests through first (default 0): target the n-th call of a path. */
  readonly after?: number;
  /** 429 and 503: the Retry-After header, whole seconds (default 1). */
  readonly retryAfterSeconds?: number;
  /** The error's code and message instead of the service's usual ones (lroFailed: the operation's error). */
  readonly code?: string;
  readonly message?: string;
  /** concurrentChange only (and required there): what the other writer changes on the PUT's cluster. */
  readonly change?: ConcurrentClusterChange;
}

export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  /** Requests that matched (including those let through by `after`). */
  matched: number;
  /** Requests the fault was injected into. */
  hits: number;
}

/** Which listener a request arrived on. */
export type FaultListener = { readonly kind: 'arm'; readonly store: EmulatorStore } | { readonly kind: 'vault'; readonly vaultName: string };

const DEFAULT_RETRY_AFTER_SECONDS = 1;
const CLUSTER_PUT = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i;
/** The same path with its subscription, resource group and cluster name captured. */
const CLUSTER_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;

// rule: emu-admin-invalid
function invalid(message: string): HttpError {
  return new HttpError(400, 'InvalidFaultRule', message);
}

function parseMatch(v: unknown): FaultMatch {
  if (v === undefined) return {};
  if (!isJsonObject(v)) throw invalid("'match' must be an object {method?, pathRegex?, host?, vault?, tenant?}.");
  const out: { -readonly [K in keyof FaultMatch]: FaultMatch[K] } = {};
  for (const [k, value] of Object.entries(v)) {
    if (!['method', 'pathRegex', 'host', 'vault', 'tenant'].includes(k)) throw invalid(`Unknown match field '${k}'.`);
    if (typeof value !== 'string' || value === '') throw invalid(`'match.${k}' must be a non-empty string.`);
    if (k === 'pathRegex') {
      try {
        new RegExp(value, 'i');
      } catch (e) {
        throw invalid(`'match.pathRegex' is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    out[k as keyof FaultMatch] = value;
  }
  return out;
}

function nonNegativeInteger(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`'${name}' must be an integer ≥ 0.`);
  return v;
}

/** Agent pool counts: 0–1000 (managedClusters.json, ManagedClusterAgentPoolProfileProperties.count). */
const MAX_POOL_COUNT = 1000;

function parseChange(v: unknown): ConcurrentClusterChange {
  if (!isJsonObject(v)) throw invalid("'change' must be an object {tags?, agentPools?}.");
  for (const k of Object.keys(v)) if (k !== 'tags' && k !== 'agentPools') throw invalid(`Unknown change field '${k}'.`);
  if (v.tags === undefined && v.agentPools === undefined) throw invalid("'change' needs 'tags' or 'agentPools'.");
  if (v.tags !== undefined && (!isJsonObject(v.tags) || Object.values(v.tags).some((t) => typeof t !== 'string'))) {
    throw invalid("'change.tags' must be an object of strings.");
  }
  if (v.agentPools !== undefined) {
    const ok = Array.isArray(v.agentPools) && v.agentPools.every((p) =>
      isJsonObject(p) && typeof p.name === 'string' && p.name !== '' && typeof p.count === 'number' && Number.isInteger(p.count) && p.count >= 0 && p.count <= MAX_POOL_COUNT);
    if (!ok) throw invalid(`'change.agentPools' must be an array of {name, count} with count an integer 0–${MAX_POOL_COUNT}.`);
  }
  return {
    ...(v.tags !== undefined ? { tags: { ...(v.tags as Record<string, string>) } } : {}),
    ...(v.agentPools !== undefined ? { agentPools: (v.agentPools as { name: string; count: number }[]).map((p) => ({ name: p.name, count: p.count })) } : {}),
  };
}

export function parseFaultRule(body: unknown): FaultRuleInput {
  if (!isJsonObject(body)) throw invalid('A fault rule must be a JSON object {match?, fault, times, after?, retryAfterSeconds?, code?, message?, change?}.');
  for (const k of Object.keys(body)) {
    if (!['match', 'fault', 'times', 'after', 'retryAfterSeconds', 'code', 'message', 'change'].includes(k)) throw invalid(`Unknown fault rule field '${k}'.`);
  }
  const fault = body.fault;
  if (typeof fault !== 'string' || !(RULE_KINDS as readonly string[]).includes(fault)) {
    throw invalid(`'fault' must be one of ${RULE_KINDS.map((f) => `'${f}'`).join(', ')}.`);
  }
  const times = body.times;
  if (times !== 'always' && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw invalid("'times' must be an integer ≥ 1 (a transient fault) or 'always' (a persistent one).");
  }
  if (body.retryAfterSeconds !== undefined && fault !== '429' && fault !== '503') throw invalid("'retryAfterSeconds' applies to 429 and 503 only.");
  for (const k of ['code', 'message'] as const) {
    if (body[k] !== undefined && (typeof body[k] !== 'string' || body[k] === '')) throw invalid(`'${k}' must be a non-empty string.`);
  }
  if ((body.code !== undefined || body.message !== undefined) && (fault === 'reset' || fault === 'lostResponse' || fault === 'tokenExpired' || fault === 'concurrentChange')) {
    throw invalid(`'code' and 'message' do not apply to '${fault}' (it answers as the service does).`);
  }
  if ((fault === 'concurrentChange') !== (body.change !== undefined)) {
    throw invalid(fault === 'concurrentChange' ? "'concurrentChange' needs a 'change' {tags?, agentPools?}." : "'change' applies to 'concurrentChange' only.");
  }
  return {
    match: parseMatch(body.match),
    fault: fault as FaultRuleKind,
    times: times as number | 'always',
    ...(body.after !== undefined ? { after: nonNegativeInteger('after', body.after) } : {}),
    ...(body.retryAfterSeconds !== undefined ? { retryAfterSeconds: nonNegativeInteger('retryAfterSeconds', body.retryAfterSeconds) } : {}),
    ...(body.code !== undefined ? { code: body.code as string } : {}),
    ...(body.message !== undefined ? { message: body.message as string } : {}),
    ...(body.change !== undefined ? { change: parseChange(body.change) } : {}),
  };
}

function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

const subscriptionOf = (path: string) => /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];

/** The answer a fault gives, in the error shape of the listener's service (ARM, or Key Vault). */
function faultError(rule: FaultRule, req: IncomingMessage, parsed: ParsedRequest, listener: FaultListener): HttpError {
  const arm = listener.kind === 'arm';
  const retryAfter = String(rule.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  const claims = decodeJwtPayload(bearerOf(req) ?? '') ?? {};
  const oid = typeof claims.oid === 'string' ? claims.oid : 'unknown';
  const custom = (code: string, message: string, headers?: Record<string, string>) =>
    new HttpError(Number(rule.fault), rule.code ?? code, rule.message ?? message, headers ? { headers } : {});
  switch (rule.fault) {
    case '429': {
      if (!arm) return custom('Throttled', 'Request was not processed because too many requests were received. Reason: A1', { 'retry-after': retryAfter });
      const kind = parsed.method === 'GET' ? 'read' : 'write';
      const sub = subscriptionOf(parsed.path);
      return custom(
        'SubscriptionRequestsThrottled',
        `Number of '${kind}' requests for ${sub ? `subscription '${sub}'` : 'tenant'} actor '${oid}' exceeded. Please try again after '${retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
        { 'retry-after': retryAfter },
      );
    }
    case '500':
      return arm
        ? custom('InternalServerError', `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`)
        : custom('InternalServerError', 'The service encountered an internal error. Please retry the request.');
    case '503':
      return arm
        ? custom('ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request after the time given in Retry-After.', { 'retry-after': retryAfter })
        : custom('ServiceUnavailable', 'The service is unavailable. Please retry the request.', { 'retry-after': retryAfter });
    case 'tokenExpired':
      return tokenExpiredError(listener, claims);
    default:
      throw new Error(`emulator: fault ${rule.fault} has no error answer`);
  }
}

/** 401 for a token the emulator treats as expired, as the service words it. */
function tokenExpiredError(listener: FaultListener, claims: Record<string, unknown>): HttpError {
  if (listener.kind === 'arm') return armAuthError({ ok: false, reason: 'expired', exp: Math.floor(Date.now() / 1000) - 1 });
  // Key Vault answers with a fresh challenge, so the client knows where to get a new token.
  const tenant = typeof claims.tid === 'string' ? claims.tid : 'common';
  return new HttpError(401, 'Unauthorized', "[TokenExpired] Error validating token: 'S2S12086'.", {
    headers: { 'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenant}", resource="https://vault.azure.net"` },
  });
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  /** Tokens a tokenExpired fault expired: they stay expired (a client must get a new one). */
  private readonly expiredTokens = new Set<string>();

  constructor(private readonly log: RequestLog) {}

  add(inputs: readonly FaultRuleInput[]): FaultRule[] {
    const added = inputs.map((i) => ({ ...i, id: randomUUID(), matched: 0, hits: 0 }));
    this.rules.push(...added);
    return added;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Drops every rule and forgets expired tokens (DELETE /_emulator/faults, reset). */
  clear(): void {
    this.rules = [];
    this.expiredTokens.clear();
  }

  /**
   * Called by a listener before anything else (after it hooked its request log). True when a fault answered
   * the request (or destroyed its connection): the listener must stop there.
   */
  intercept(req: IncomingMessage, res: ServerResponse, parsed: ParsedRequest, listener: FaultListener): boolean {
    const token = bearerOf(req);
    if (token && this.expiredTokens.has(token)) {
      this.answer(res, req, tokenExpiredError(listener, decodeJwtPayload(token) ?? {}), listener);
      return true;
    }
    const rule = this.firing(req, parsed, listener, token);
    if (!rule) return false;
    switch (rule.fault) {
      case 'reset':
        // The request is never served: the connection just goes away (ECONNRESET on the client).
        this.log.add({ method: parsed.method, path: parsed.pathAndQuery, status: 0, at: new Date().toISOString(), host: req.headers.host ?? '' });
        req.socket.destroy();
        return true;
      case 'lostResponse':
        this.loseResponse(req, res, parsed);
        return false;
      case 'lroFailed':
        this.failNextOperation(rule, res, (listener as Extract<FaultListener, { kind: 'arm' }>).store);
        return false;
      case 'concurrentChange':
        changeClusterNow(rule, parsed, (listener as Extract<FaultListener, { kind: 'arm' }>).store);
        return false;
      case 'tokenExpired':
        this.expiredTokens.add(token!);
        break;
    }
    this.answer(res, req, faultError(rule, req, parsed, listener), listener);
    return true;
  }

  private firing(req: IncomingMessage, parsed: ParsedRequest, listener: FaultListener, token: string | undefined): FaultRule | undefined {
    const path = parsed.pathAndQuery.split('?')[0];
    for (const rule of this.rules) {
      if (rule.times !== 'always' && rule.hits >= rule.times) continue;
      if (!this.applies(rule, req, parsed, path, listener, token)) continue;
      rule.matched++;
      if (rule.matched <= (rule.after ?? 0)) continue;
      rule.hits++;
      return rule;
    }
    return undefined;
  }

  private applies(rule: FaultRule, req: IncomingMessage, parsed: ParsedRequest, path: string, listener: FaultListener, token: string | undefined): boolean {
    const m = rule.match ?? {};
    if (m.method && m.method.toUpperCase() !== parsed.method) return false;
    if (m.pathRegex && !new RegExp(m.pathRegex, 'i').test(path)) return false;
    if (m.host && m.host.toLowerCase() !== (req.headers.host ?? '').toLowerCase()) return false;
    if (m.vault && (listener.kind !== 'vault' || listener.vaultName.toLowerCase() !== m.vault.toLowerCase())) return false;
    if (m.tenant && String((token && decodeJwtPayload(token)?.tid) ?? '').toLowerCase() !== m.tenant.toLowerCase()) return false;
    // Only a presented token can expire; only a cluster PUT starts an operation that can fail.
    if (rule.fault === 'tokenExpired' && !token) return false;
    if (rule.fault === 'lroFailed' && (listener.kind !== 'arm' || parsed.method !== 'PUT' || !CLUSTER_PUT.test(parsed.path))) return false;
    // Another writer can change only a cluster that exists; the rule waits for a PUT of one.
    if (rule.fault === 'concurrentChange' && (listener.kind !== 'arm' || parsed.method !== 'PUT' || !storedCluster(listener.store, parsed.path))) return false;
    return true;
  }

  /**
   * lostResponse: the request goes on to the service and is served in full (whatever it writes is written), but when
   * the answer is about to be sent the connection is destroyed instead: the client sees ECONNRESET / "socket hang up",
   * as with `reset`, yet the write took effect. Logged with the status the service answered and `responseLost`.
   */
  private loseResponse(req: IncomingMessage, res: ServerResponse, parsed: ParsedRequest): void {
    let status = 0;
    const ifMatch = req.headers['if-match'];
    res.writeHead = ((code: number) => {
      status = code;
      return res;
    }) as ServerResponse['writeHead'];
    res.end = (() => {
      this.log.add({ method: parsed.method, path: parsed.pathAndQuery, status, at: new Date().toISOString(), host: req.headers.host ?? '', ...(ifMatch ? { ifMatch } : {}), responseLost: true });
      req.socket.destroy();
      return res;
    }) as ServerResponse['end'];
  }

  /** The PUT goes on to the service; the operation it starts will end Failed. A refused PUT starts none. */
  private failNextOperation(rule: FaultRule, res: ServerResponse, store: EmulatorStore): void {
    const before = store.config.failNextClusterOperations;
    store.config.failNextClusterOperations = {
      count: before.count + 1,
      code: rule.code ?? DEFAULT_CLUSTER_FAULT.code,
      message: rule.message ?? 'The emulator failed this cluster operation because a lroFailed fault rule asked it to.',
    };
    res.on('finish', () => {
      if (res.statusCode === 200 || res.statusCode === 201) return;
      const now = store.config.failNextClusterOperations;
      if (now.count > 0) store.config.failNextClusterOperations = { ...now, count: now.count - 1 };
      rule.hits--;
    });
  }

  private answer(res: ServerResponse, req: IncomingMessage, err: HttpError, listener: FaultListener): void {
    const reply: Reply = errorReply(err);
    const base = listener.kind === 'arm' ? armHeaders(req) : { 'x-ms-request-id': randomUUID(), 'cache-control': 'no-cache' };
    // The body is never read: drain it so the connection stays usable.
    req.resume();
    writeReply(res, reply, base);
  }
}

/** The stored cluster a cluster PUT's path names, if any. */
function storedCluster(store: EmulatorStore, path: string) {
  const m = CLUSTER_PATH.exec(path);
  return m ? lookup.cluster(store.fleet, m[1], m[2], m[3]) : undefined;
}

/**
 * concurrentChange: before the PUT is served, the stored cluster changes as if someone else had written it since the
 * client's GET (tags, a pool's count, and a new eTag); the PUT then goes on to the service unchanged.
 */
function changeClusterNow(rule: FaultRule, parsed: ParsedRequest, store: EmulatorStore): void {
  const cluster = storedCluster(store, parsed.path);
  if (!cluster || !rule.change) return;
  applyConcurrentClusterChange(cluster.body, rule.change);
  // Cached reads (Resource Graph) must see the change.
  store.changed();
}

/** The admin routes of the faults: GET (rules with their counts), POST (one rule or an array), DELETE (all). */
export async function handleFaultsAdmin(req: IncomingMessage, method: string, faults: FaultInjector): Promise<Reply> {
  switch (method) {
    case 'GET':
      return { status: 200, body: faults.list() };
    case 'POST': {
      const body = await readJsonBody(req);
      const inputs = Array.isArray(body) ? body.map(parseFaultRule) : [parseFaultRule(body)];
      if (inputs.length === 0) throw invalid('Send at least one rule.');
      return { status: 201, body: faults.add(inputs) };
    }
    case 'DELETE':
      faults.clear();
      return { status: 204 };
    default:
      throw new HttpError(405, 'MethodNotAllowed', `No ${method} on /_emulator/faults (allowed: GET, POST, DELETE).`, { headers: { allow: 'GET, POST, DELETE' } });
  }
}

