/**
 * Azure RBAC action matching: does a caller's effective permission set (ARM `permissions` API: actions/notActions
 * with `*` wildcards) allow an action? Used to check, before any write, that the user can create role assignments.
 */

export interface PermissionSet {
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
}

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** True when some permission set allows the action and does not exclude it. */
export function permits(sets: readonly PermissionSet[], action: string): boolean {
  return sets.some(s => (s.actions ?? []).some(a => matches(a, action)) && !(s.notActions ?? []).some(n => matches(n, action)));
}

export const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';
