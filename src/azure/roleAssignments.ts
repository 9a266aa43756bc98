/** Role assignments and the caller's permissions (`@azure/arm-authorization`). */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { parseArmId, scopeCoversScope } from '../kms/armId';
import type { RoleAssignmentFact } from '../kms/enable/facts';
import type { RoleAssignmentSpec } from '../kms/enable/ports';
import { permits, ROLE_ASSIGNMENT_WRITE } from '../kms/permissions';
import { AzureContext, classicArmClientOptions, rawArmClient } from './azureContext';
import { AzureRequestError, azureErrorCode, isNotFound } from './errors';

function client(ctx: AzureContext, scope: string): AuthorizationManagementClient {
  const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
  return new AuthorizationManagementClient(ctx.credential, subscriptionId, classicArmClientOptions(ctx));
}

const roleGuidOf = (roleDefinitionId: string | undefined) => (roleDefinitionId ?? '').split('/').pop()?.toLowerCase() ?? '';

/** Assignments that apply at `scope` (assigned there or inherited from above). */
/**
 * Assignments that apply at `scope` (at, above or below it). With `principalId`, only that principal's — ARM filters
 * them (`principalId eq '…'`), so checking one principal's role reads one small page, not every assignment on the vault.
 */
export async function listRoleAssignmentsFor(ctx: AzureContext, scope: string, signal?: AbortSignal, principalId?: string): Promise<RoleAssignmentFact[]> {
  const result: RoleAssignmentFact[] = [];
  // Principal ids are GUIDs; anything else is not put into an OData filter (the unfiltered list answers the same).
  const filter = principalId && /^[0-9a-f-]{36}$/i.test(principalId) ? `principalId eq '${principalId}'` : undefined;
  try {
    for await (const a of client(ctx, scope).roleAssignments.listForScope(scope, { abortSignal: signal, filter })) {
      if (a.principalId) {
        result.push({ scope: a.scope ?? scope, principalId: a.principalId, roleGuid: roleGuidOf(a.roleDefinitionId) });
      }
    }
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
  return result;
}

/**
 * Whether `assignments` (listRoleAssignmentsFor at `scope`) give the principal the role there: only assignments at the
 * scope or above it count (the list also returns those below, e.g. on a single key).
 */
export function holdsRole(assignments: readonly RoleAssignmentFact[], scope: string, principalId: string, roleGuid: string): boolean {
  return assignments.some(a => a.principalId.toLowerCase() === principalId.toLowerCase() && a.roleGuid === roleGuid.toLowerCase() && scopeCoversScope(a.scope, scope));
}

export async function createRoleAssignment(ctx: AzureContext, spec: RoleAssignmentSpec, signal?: AbortSignal): Promise<'created' | 'exists'> {
  const subscriptionId = /\/subscriptions\/([^/]+)/i.exec(spec.scope)?.[1] ?? '';
  try {
    await client(ctx, spec.scope).roleAssignments.create(
      spec.scope,
      spec.name,
      {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${spec.roleGuid}`,
        principalId: spec.principalId,
        principalType: spec.principalType,
      },
      { abortSignal: signal },
    );
    return 'created';
  } catch (err) {
    // An identical assignment under another name — or this one, when the SDK re-sent a PUT whose answer was lost: the
    // effect already holds (AZURE.md); the plan tells the two apart by reading this name (getRoleAssignment).
    if (azureErrorCode(err).code === 'RoleAssignmentExists') {
      return 'exists';
    }
    throw err;
  }
}

/** The assignment named `name` at `scope` (GET …/roleAssignments/{name}); undefined when there is none (404). */
export async function getRoleAssignment(ctx: AzureContext, scope: string, name: string, signal?: AbortSignal): Promise<RoleAssignmentFact | undefined> {
  try {
    const a = await client(ctx, scope).roleAssignments.get(scope, name, { abortSignal: signal });
    return a.principalId ? { scope: a.scope ?? scope, principalId: a.principalId, roleGuid: roleGuidOf(a.roleDefinitionId) } : undefined;
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Microsoft.Authorization `permissions` at a scope (authorization-RoleDefinitionsCalls.json, 2022-04-01). */
const PERMISSIONS_API_VERSION = '2022-04-01';

/**
 * Whether the signed-in caller may create role assignments at the resource (or its resource group when it does not
 * exist yet). Read with the resource ID as the path: the SDK's `listForResource` takes a parent-resource segment that
 * a top-level resource does not have, and an empty one puts `//` into the URL.
 */
export async function canAssignRoles(ctx: AzureContext, resourceId: string, exists: boolean, signal?: AbortSignal): Promise<boolean> {
  const id = parseArmId(resourceId);
  if (!id) {
    return false;
  }
  const scope = exists ? id.id : `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}`;
  const arm = rawArmClient(ctx);
  const sets: { actions?: string[]; notActions?: string[] }[] = [];
  let response = await arm.pathUnchecked(`${scope}/providers/Microsoft.Authorization/permissions`).get({ queryParameters: { 'api-version': PERMISSIONS_API_VERSION }, abortSignal: signal });
  for (;;) {
    if (response.status !== '200') {
      throw AzureRequestError.fromResponse(response.status, response.body, `reading your permissions on ${scope}`);
    }
    const page = response.body as { value?: { actions?: string[]; notActions?: string[] }[]; nextLink?: string };
    sets.push(...(page.value ?? []).map(p => ({ actions: p.actions, notActions: p.notActions })));
    if (!page.nextLink) {
      return permits(sets, ROLE_ASSIGNMENT_WRITE);
    }
    response = await arm.pathUnchecked(page.nextLink).get({ abortSignal: signal });
  }
}
