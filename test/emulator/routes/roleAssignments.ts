// Microsoft.Authorization roleAssignments (2022-04-01): PUT, GET, DELETE by name at a scope, and list at
// a scope with `$filter=atScope()` / `principalId eq '…'` / `assignedTo('…')`. The rules of the service:
// the name is a GUID, the role exists, the principal exists (and has the stated type), a second
// assignment of the same role to the same principal at the same scope is 409 RoleAssignmentExists — also
// a re-PUT of the same assignment under its own name (AZURE.md: the product treats it as done) — and an
// existing assignment cannot be changed.
import { AUTHORIZATION_API_VERSIONS } from '../apiVersions';
import { HttpError } from '../errors';
import { json, queryParam, readJsonBody } from '../http';
import { GUID_PATTERN } from '../ids';
import { isJsonObject } from '../json';
import { delay } from '../latency';
import { renderRoleAssignment } from '../model/role';
import { pageOf } from '../paging';
import { findPrincipal } from '../principals';
import { builtInRole } from '../roles';
import type { Router } from '../router';
import { scopeCovers } from '../scopes';
import type { PrincipalType, RoleAssignmentRecord } from '../state';
import { resolveScope } from './authorizationScope';
import type { ArmDeps, ArmHandler } from './types';

const ASSIGNMENTS = '/{*scope}/providers/Microsoft.Authorization/roleAssignments';
const PRINCIPAL_TYPES: readonly PrincipalType[] = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup'];

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function requireGuidName(name: string): void {
  // rule: emu-role-assignment-id-guid
  if (!GUID_PATTERN.test(name)) throw new HttpError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
}

function notFound(name: string): HttpError {
  return new HttpError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
}

/** Which assignments a list at `scope` returns for its `$filter` (the spec's RoleAssignmentFilterParameter). */
function listFilter(filter: string | undefined, scope: string): (a: RoleAssignmentRecord) => boolean {
  const atOrAbove = (a: RoleAssignmentRecord) => scopeCovers(a.scope, scope);
  const related = (a: RoleAssignmentRecord) => scopeCovers(a.scope, scope) || scopeCovers(scope, a.scope);
  if (filter === undefined || filter.trim() === '') return related;
  let atScope = false;
  let principal: string | undefined;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    const byPrincipal = /^(?:principalId\s+eq\s+'([^']*)'|assignedTo\('([^']*)'\))$/i.exec(c);
    if (/^atScope\(\)$/i.test(c)) atScope = true;
    else if (byPrincipal) principal = byPrincipal[1] ?? byPrincipal[2];
    // rule: emu-authorization-filter-unsupported
    else throw new HttpError(400, 'BadRequest', `The filter '${filter}' is not supported. Supported filters are atScope(), principalId eq '{id}' and assignedTo('{id}').`);
  }
  return (a) => (atScope ? atOrAbove(a) : related(a)) && (principal === undefined || eq(a.principalId, principal));
}

export function registerRoleAssignmentRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  const render = (a: RoleAssignmentRecord) => renderRoleAssignment(a, (ms) => store.clock.toWall(ms));
  const find = (scope: string, name: string) => store.fleet.roleAssignments.find((a) => eq(a.scope, scope) && eq(a.name, name));

  router.add('GET', ASSIGNMENTS, AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(store.fleet, r.params.scope);
    const all = store.fleet.roleAssignments.filter(listFilter(queryParam(r.http.query, '$filter'), scope)).map(render);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${ASSIGNMENTS}/{roleAssignmentName}`, AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(store.fleet, r.params.scope);
    const a = find(scope, r.params.roleAssignmentName);
    // rule: emu-arm-not-found
    if (!a) throw notFound(r.params.roleAssignmentName);
    return json(200, render(a));
  });

  router.add('DELETE', `${ASSIGNMENTS}/{roleAssignmentName}`, AUTHORIZATION_API_VERSIONS, (r) => {
    const scope = resolveScope(store.fleet, r.params.scope);
    const a = find(scope, r.params.roleAssignmentName);
    if (!a) return { status: 204 };
    store.fleet.roleAssignments = store.fleet.roleAssignments.filter((x) => x !== a);
    return json(200, render(a));
  });

  router.add('PUT', `${ASSIGNMENTS}/{roleAssignmentName}`, AUTHORIZATION_API_VERSIONS, async (r) => {
    const fleet = store.fleet;
    const name = r.params.roleAssignmentName;
    requireGuidName(name);
    const scope = resolveScope(fleet, r.params.scope);
    const body = await readJsonBody(r.raw);
    const props = isJsonObject(body) && isJsonObject(body.properties) ? body.properties : undefined;
    // rule: emu-request-invalid-content
    if (!props || typeof props.roleDefinitionId !== 'string' || typeof props.principalId !== 'string') {
      throw new HttpError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'properties.roleDefinitionId' and 'properties.principalId' are required.");
    }
    const roleGuid = /([0-9a-f-]{36})\/?$/i.exec(props.roleDefinitionId)?.[1] ?? props.roleDefinitionId;
    const role = builtInRole(roleGuid);
    // rule: emu-role-definition-not-found
    if (!role) throw new HttpError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);

    const principalId = props.principalId;
    const principal = GUID_PATTERN.test(principalId) ? findPrincipal(fleet, principalId) : undefined;
    // rule: emu-role-assignment-principal-not-found
    if (!principal) {
      throw new HttpError(
        400,
        'PrincipalNotFound',
        `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${fleet.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      );
    }
    const statedType = props.principalType;
    if (statedType !== undefined && statedType !== null) {
      // rule: emu-role-assignment-principal-type-invalid
      if (typeof statedType !== 'string' || !PRINCIPAL_TYPES.some((t) => eq(t, statedType))) {
        throw new HttpError(400, 'InvalidPrincipalType', `The principal type '${String(statedType)}' is not valid. Valid values are ${PRINCIPAL_TYPES.join(', ')}.`);
      }
      // rule: emu-role-assignment-principal-type-mismatch
      if (!eq(statedType, principal.type)) {
        throw new HttpError(400, 'UnmatchedPrincipalType', `The PrincipalId '${principalId.replace(/-/g, '')}' has type '${principal.type}' , which is different from specified PrincipalType '${statedType}'.`);
      }
    }

    // Creating takes the service a while (roleAssignmentCreateDurationMs); the checks below then see the state after it.
    const creates = !fleet.roleAssignments.some(
      (a) => eq(a.name, name) || (eq(a.scope, scope) && eq(a.roleDefinitionGuid, role.guid) && eq(a.principalId, principal.id)),
    );
    if (creates) await delay(store.config.roleAssignmentCreateDurationMs);

    const sameName = fleet.roleAssignments.find((a) => eq(a.name, name));
    // rule: emu-role-assignment-update-not-permitted
    if (sameName && !(eq(sameName.scope, scope) && eq(sameName.roleDefinitionGuid, role.guid) && eq(sameName.principalId, principal.id))) {
      throw new HttpError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    // A re-PUT of the very same assignment (same name, same body) is not idempotent either: the service answers it
    // like any duplicate (Azure/azure-cli#8568, Azure/azure-sdk-for-go#19060) — what a retry after a lost answer meets.
    // rule: emu-role-assignment-exists
    if (fleet.roleAssignments.some((a) => eq(a.scope, scope) && eq(a.roleDefinitionGuid, role.guid) && eq(a.principalId, principal.id))) {
      throw new HttpError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    }
    const now = store.clock.now();
    const created: RoleAssignmentRecord = {
      name,
      scope,
      roleDefinitionGuid: role.guid,
      principalId: principal.id,
      principalType: principal.type,
      ...(typeof props.description === 'string' ? { description: props.description } : {}),
      ...(typeof props.condition === 'string' ? { condition: props.condition } : {}),
      ...(typeof props.conditionVersion === 'string' ? { conditionVersion: props.conditionVersion } : {}),
      createdMs: now,
      updatedMs: now,
      createdBy: r.principal.oid,
    };
    fleet.roleAssignments.push(created);
    return json(201, render(created));
  });
}
