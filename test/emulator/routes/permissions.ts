// Microsoft.Authorization permissions (authorization-RoleDefinitionsCalls.json 2022-04-01): the caller's
// effective permissions at a resource group or resource — the union of the roles assigned to it there or
// above (after the propagation delay). The product reads it to check it may create role assignments.
import { AUTHORIZATION_API_VERSIONS } from '../apiVersions';
import { json } from '../http';
import type { JsonObject } from '../json';
import { pageOf } from '../paging';
import { effectiveAssignments } from '../rbac';
import { builtInRole } from '../roles';
import type { Router } from '../router';
import { resolveScope } from './authorizationScope';
import type { ArmDeps, ArmHandler } from './types';

export function registerPermissionRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  // `listForResourceGroup` and `listForResource` (its parentResourcePath is usually empty, so the path
  // collapses to `…/providers/{ns}/{type}/{name}/providers/…`) are both a scope followed by this suffix.
  router.add('GET', '/{*scope}/providers/Microsoft.Authorization/permissions', AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(store.fleet, r.params.scope);
    const assignments = effectiveAssignments(store.fleet, r.principal.oid, scope, store.clock.now(), store.config.rolePropagationDelayMs);
    const value: JsonObject[] = assignments.flatMap((a) =>
      (builtInRole(a.roleDefinitionGuid)?.permissions ?? []).map((p) => ({
        actions: [...p.actions],
        notActions: [...p.notActions],
        dataActions: [...p.dataActions],
        notDataActions: [...p.notDataActions],
      })),
    );
    return json(200, pageOf(value, r.http, { pageSize: deps.pageSize }));
  });
}
