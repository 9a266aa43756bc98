// A tiny path router: literal segments match case-insensitively (ARM paths are case-insensitive),
// `{name}` captures one segment. Routes carry the api-versions their service accepts.
export interface RouteMatch<H> {
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
  readonly apiVersions: readonly string[];
  readonly name: string;
}

interface Route<H> {
  readonly method: string;
  readonly parts: readonly ({ literal: string } | { param: string })[];
  readonly handler: H;
  readonly apiVersions: readonly string[];
  readonly name: string;
}

export type MatchResult<H> = { kind: 'match'; match: RouteMatch<H> } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'none' };

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  /** `pattern` like `/subscriptions/{subscriptionId}/providers/Microsoft.Foo/bars`. */
  add(method: string, pattern: string, apiVersions: readonly string[], handler: H, name = `${method} ${pattern}`): this {
    const parts = pattern
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
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

function matchParts(parts: Route<unknown>['parts'], segments: readonly string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ('literal' in part) {
      if (part.literal !== segments[i].toLowerCase()) return undefined;
    } else {
      params[part.param] = segments[i];
    }
  }
  return params;
}
