// Azure RBAC scopes: `/`, `/subscriptions/{s}`, `…/resourceGroups/{rg}`, `…/providers/{ns}/{type}/{name}…`.
// An assignment at a scope applies to everything below it; comparisons ignore case (ARM ids do).

/** `//subscriptions/x/` → `/subscriptions/x`; the root scope is `/`. */
export function normalizeScope(scope: string): string {
  const collapsed = `/${scope}`.replace(/\/{2,}/g, '/').replace(/\/$/, '');
  return collapsed === '' ? '/' : collapsed;
}

/** Whether an assignment at `ancestor` applies at `scope` (same scope or below it). */
export function scopeCovers(ancestor: string, scope: string): boolean {
  const a = normalizeScope(ancestor).toLowerCase();
  const s = normalizeScope(scope).toLowerCase();
  return a === '/' || s === a || s.startsWith(`${a}/`);
}

/** The subscription a scope lies in, if any. */
export function subscriptionOfScope(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(normalizeScope(scope))?.[1];
}
