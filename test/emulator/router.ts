// A tiny path router: literal segments match case-insensitively (ARM paths are case-insensitive),
// `{name}` captures one segment, `{*name}` (at most one per pattern) captures zero or more segments as
// `/a/b/c` ('' for none) — for Azure's scope-based paths like `/{scope}/providers/Microsoft.Authorization/…`.
// Routes carry the api-versions their service accepts.
export interface RouteMatch<H> {
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
  readonly apiVersions: readonly string[];
  readonly name: string;
}

interface Route<H> {
  readonly method: string;
  readonly parts: readonly Part[];
  readonly handler: H;
  readonly apiVersions: readonly string[];
  readonly name: string;
}

type Part = { literal: string } | { param: string } | { rest: string };

export type MatchResult<H> = { kind: 'match'; match: RouteMatch<H> } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'none' };

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  /** `pattern` like `/subscriptions/{subscriptionId}/providers/Microsoft.Foo/bars`. */
  add(method: string, pattern: string, apiVersions: readonly string[], handler: H, name = `${method} ${pattern}`): this {
    const parts = pattern
      .split('/')
      .filter((s) => s.length > 0)
      .map((s): Part => {
        if (s.startsWith('{*') && s.endsWith('}')) return { rest: s.slice(2, -1) };
        if (s.startsWith('{') && s.endsWith('}')) return { param: s.slice(1, -1) };
        return { literal: s.toLowerCase() };
      });
    if (parts.filter((p) => 'rest' in p).length > 1) throw new Error(`router: more than one catch-all in ${pattern}`);
    this.routes.push({ method: method.toUpperCase(), parts, handler, apiVersions, name });
    return this;
  }

  match(method: string, segments: readonly string[]): MatchResult<H> {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, segments);
      if (!params) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { kind: 'match', match: { handler: route.handler, params, apiVersions: route.apiVersions, name: route.name } };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
  }
}

function matchFixed(parts: readonly Part[], segments: readonly string[], params: Record<string, string>): boolean {
  if (parts.length !== segments.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ('literal' in part) {
      if (part.literal !== segments[i].toLowerCase()) return false;
    } else if ('param' in part) {
      params[part.param] = segments[i];
    }
  }
  return true;
}

function matchParts(parts: readonly Part[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const restAt = parts.findIndex((p) => 'rest' in p);
  if (restAt === -1) return matchFixed(parts, segments, params) ? params : undefined;
  // The catch-all takes whatever the fixed parts before and after it leave over.
  const before = parts.slice(0, restAt);
  const after = parts.slice(restAt + 1);
  if (segments.length < before.length + after.length) return undefined;
  const tail = segments.length - after.length;
  if (!matchFixed(before, segments.slice(0, before.length), params)) return undefined;
  if (!matchFixed(after, segments.slice(tail), params)) return undefined;
  const rest = segments.slice(before.length, tail);
  params[(parts[restAt] as { rest: string }).rest] = rest.length === 0 ? '' : `/${rest.join('/')}`;
  return params;
}
