// The data plane's authorizer: Azure RBAC for vaults with enableRbacAuthorization, access policies
// otherwise. A role assignment takes effect only `rolePropagationDelayMs` after it was created — the
// delay real Azure shows as "403 for a while after az role assignment create" (AZURE.md).
import type { Principal } from './auth';
import { callerText, type AccessDecision, type DataPlaneAuthorizer, type KeyVaultDataAction } from './dataPlaneAccess';
import { HttpError } from './errors';
import { vaultResourceId } from './ids';
import { builtInRole, roleGrantsDataAction } from './roles';
import { scopeCovers } from './scopes';
import type { EmulatorStore, FleetState, VaultRecord } from './state';

/** Role assignments of `principalId` that are in effect at `nowMs` and cover `scope`. */
export function effectiveAssignments(fleet: FleetState, principalId: string, scope: string, nowMs: number, propagationDelayMs: number) {
  const id = principalId.toLowerCase();
  return fleet.roleAssignments.filter((a) => a.principalId.toLowerCase() === id && scopeCovers(a.scope, scope) && a.createdMs + propagationDelayMs <= nowMs);
}

/** Whether RBAC lets `principalId` perform `action` on the vault (assignments at the vault or above). */
export function rbacAllows(store: EmulatorStore, principalId: string, vault: VaultRecord, action: KeyVaultDataAction): boolean {
  const scope = vaultResourceId(vault.subscriptionId, vault.resourceGroup, vault.name);
  return effectiveAssignments(store.fleet, principalId, scope, store.clock.now(), store.config.rolePropagationDelayMs).some((a) => {
    const role = builtInRole(a.roleDefinitionGuid);
    return role !== undefined && roleGrantsDataAction(role, action);
  });
}

/** Access-policy key permission names for each data action (the legacy permission model). */
const KEY_PERMISSION: Record<KeyVaultDataAction, string> = {
  'Microsoft.KeyVault/vaults/keys/read': 'get',
  'Microsoft.KeyVault/vaults/keys/create/action': 'create',
  'Microsoft.KeyVault/vaults/keys/update/action': 'update',
  'Microsoft.KeyVault/vaults/keys/rotate/action': 'rotate',
  'Microsoft.KeyVault/vaults/keys/delete': 'delete',
  'Microsoft.KeyVault/vaults/keys/recover/action': 'recover',
  'Microsoft.KeyVault/vaults/keys/encrypt/action': 'encrypt',
  'Microsoft.KeyVault/vaults/keys/decrypt/action': 'decrypt',
  'Microsoft.KeyVault/vaults/keys/wrap/action': 'wrapKey',
  'Microsoft.KeyVault/vaults/keys/unwrap/action': 'unwrapKey',
  'Microsoft.KeyVault/vaults/keyrotationpolicies/read': 'getrotationpolicy',
  'Microsoft.KeyVault/vaults/keyrotationpolicies/write': 'setrotationpolicy',
};

/** Whether the vault's access policies give `objectId` the key permission for `action` (`all` counts). */
export function accessPolicyAllows(vault: VaultRecord, objectId: string, action: KeyVaultDataAction): boolean {
  const wanted = KEY_PERMISSION[action].toLowerCase();
  return vault.accessPolicies.some(
    (p) => p.objectId.toLowerCase() === objectId.toLowerCase() && (p.permissions.keys ?? []).some((k) => k.toLowerCase() === wanted || k.toLowerCase() === 'all'),
  );
}

function forbiddenByRbac(principal: Principal, vault: VaultRecord, action: KeyVaultDataAction, keyName?: string): HttpError {
  const resource = `${vaultResourceId(vault.subscriptionId, vault.resourceGroup, vault.name)}${keyName ? `/keys/${keyName}` : ''}`.toLowerCase();
  return new HttpError(
    403,
    'Forbidden',
    'Caller is not authorized to perform action on resource.\r\n' +
      'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
      `Caller: ${callerText(principal)}\r\nAction: '${action}'\r\nResource: '${resource}'\r\n` +
      `Assignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${vault.location}\r\n`,
    { innererror: { code: 'ForbiddenByRbac' } },
  );
}

function accessDenied(principal: Principal, vault: VaultRecord, action: KeyVaultDataAction): HttpError {
  return new HttpError(
    403,
    'Forbidden',
    `The user, group or application '${callerText(principal)}' does not have keys ${KEY_PERMISSION[action]} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    { innererror: { code: 'AccessDenied' } },
  );
}

export function createRbacAuthorizer(store: EmulatorStore): DataPlaneAuthorizer {
  return {
    authorize(principal, vault, action, keyName): AccessDecision {
      if (!vault.enableRbacAuthorization) {
        // rule: emu-kv-access-policy-denied
        return accessPolicyAllows(vault, principal.oid, action) ? { allowed: true } : { allowed: false, error: accessDenied(principal, vault, action) };
      }
      // rule: emu-kv-rbac-denied
      return rbacAllows(store, principal.oid, vault, action) ? { allowed: true } : { allowed: false, error: forbiddenByRbac(principal, vault, action, keyName) };
    },
  };
}
