/** Parsing of Azure Resource Manager resource IDs (`/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}`). */

export interface ArmResourceId {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly provider: string;
  readonly type: string;
  readonly name: string;
}

const ARM_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

/** Parses a top-level resource ID; returns undefined for anything else (nested or malformed IDs). */
export function parseArmId(id: string): ArmResourceId | undefined {
  const m = ARM_ID.exec(id.trim());
  if (!m) {
    return undefined;
  }
  return { id: id.trim(), subscriptionId: m[1], resourceGroup: m[2], provider: m[3], type: m[4], name: m[5] };
}

/** ARM IDs compare case-insensitively (Azure returns resource group names in varying case). */
export function sameArmId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Whether a role assignment made at `assignmentScope` applies at `scope`: the same scope or one above it (resource
 * group, subscription, management group, tenant root) — Azure RBAC inherits downwards only ("Understand scope for
 * Azure RBAC"). An assignment on a single key or on another resource does not count.
 */
export function scopeCoversScope(assignmentScope: string, scope: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  const above = norm(assignmentScope);
  const target = norm(scope);
  if (above === '' || above === target) {
    return true;
  }
  // Management groups sit above every subscription that ARM returns their assignments for.
  if (/^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(above)) {
    return true;
  }
  return target.startsWith(`${above}/`);
}
