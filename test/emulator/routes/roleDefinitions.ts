// Microsoft.Authorization roleDefinitions (2022-04-01): list at any scope with `$filter=roleName eq '…'`
// or `type eq 'BuiltInRole'`, and get by GUID. Only the built-in roles of roles.ts exist, with the same
// GUID at every scope (AZURE.md).
import { AUTHORIZATION_API_VERSIONS } from '../apiVersions';
import { HttpError } from '../errors';
import { json, queryParam } from '../http';
import { renderRoleDefinition } from '../model/role';
import { pageOf } from '../paging';
import { BUILT_IN_ROLES, builtInRole, type BuiltInRole } from '../roles';
import type { Router } from '../router';
import { resolveScope } from './authorizationScope';
import type { ArmDeps, ArmHandler } from './types';

const DEFINITIONS = '/{*scope}/providers/Microsoft.Authorization/roleDefinitions';

/** `roleName eq 'X'`, `type eq 'BuiltInRole'`, joined by `and`; anything else is a 400. */
function filterRoles(filter: string | undefined): (r: BuiltInRole) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const tests = filter.split(/\s+and\s+/i).map((clause) => {
    const m = /^\s*(roleName|type)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(clause);
    // rule: emu-authorization-filter-unsupported
    if (!m) throw new HttpError(400, 'BadRequest', `The filter '${filter}' is not supported. Supported filters are roleName eq '{name}' and type eq '{type}'.`);
    const value = m[2].replace(/''/g, "'").toLowerCase();
    return m[1].toLowerCase() === 'rolename' ? (r: BuiltInRole) => r.roleName.toLowerCase() === value : () => value === 'builtinrole';
  });
  return (r) => tests.every((t) => t(r));
}

export function registerRoleDefinitionRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  router.add('GET', DEFINITIONS, AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(deps.store.fleet, r.params.scope);
    const roles = BUILT_IN_ROLES.filter(filterRoles(queryParam(r.http.query, '$filter')));
    return json(200, pageOf(roles.map((role) => renderRoleDefinition(role, scope)), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${DEFINITIONS}/{roleDefinitionId}`, AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(deps.store.fleet, r.params.scope);
    const role = builtInRole(r.params.roleDefinitionId);
    // rule: emu-role-definition-not-found
    if (!role) throw new HttpError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${r.params.roleDefinitionId}' does not exist.`);
    return json(200, renderRoleDefinition(role, scope));
  });
}
