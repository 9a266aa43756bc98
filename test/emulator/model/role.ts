// Renders Microsoft.Authorization RoleDefinition and RoleAssignment (authorization-Role*Calls.json 2022-04-01).
import { roleAssignmentResourceId, roleDefinitionResourceId } from '../ids';
import type { JsonObject } from '../json';
import type { BuiltInRole } from '../roles';
import { subscriptionOfScope } from '../scopes';
import type { RoleAssignmentRecord } from '../state';

/** Built-in roles answer with a subscription-relative id inside a subscription, `/providers/…` at the root. */
export function renderRoleDefinition(role: BuiltInRole, scope: string): JsonObject {
  return {
    id: roleDefinitionResourceId(subscriptionOfScope(scope), role.guid),
    name: role.guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: role.roleName,
      type: 'BuiltInRole',
      description: role.description,
      assignableScopes: ['/'],
      permissions: role.permissions.map((p) => ({
        actions: [...p.actions],
        notActions: [...p.notActions],
        dataActions: [...p.dataActions],
        notDataActions: [...p.notDataActions],
      })),
    },
  };
}

export function renderRoleAssignment(a: RoleAssignmentRecord, wall: (ms: number) => number): JsonObject {
  const properties: JsonObject = {
    roleDefinitionId: roleDefinitionResourceId(subscriptionOfScope(a.scope), a.roleDefinitionGuid),
    principalId: a.principalId,
    principalType: a.principalType,
    scope: a.scope,
    createdOn: new Date(wall(a.createdMs)).toISOString(),
    updatedOn: new Date(wall(a.updatedMs)).toISOString(),
    createdBy: a.createdBy,
    updatedBy: a.createdBy,
  };
  if (a.description !== undefined) properties.description = a.description;
  if (a.condition !== undefined) properties.condition = a.condition;
  if (a.conditionVersion !== undefined) properties.conditionVersion = a.conditionVersion;
  return { id: roleAssignmentResourceId(a.scope, a.name), name: a.name, type: 'Microsoft.Authorization/roleAssignments', properties };
}
