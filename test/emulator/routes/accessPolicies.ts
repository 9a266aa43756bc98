// Microsoft.KeyVault access policies (keyvault.json 2025-05-01, `Vaults_UpdateAccessPolicy`:
// PUT …/vaults/{vaultName}/accessPolicies/{operationKind}, operationKind add | replace | remove). The
// legacy permission model (enableRbacAuthorization false): `add` merges the permissions into the
// entry of the same tenant and object id, `replace` sets them, `remove` takes them away (an entry left
// with no permission disappears). The answer is VaultAccessPolicyParameters with the vault's whole list.
import { KEYVAULT_MGMT_API_VERSIONS } from '../apiVersions';
import { HttpError, resourceNotFound } from '../errors';
import { json, readJsonBody } from '../http';
import { isJsonObject } from '../json';
import type { Router } from '../router';
import { lookup, type AccessPolicyRecord } from '../state';
import { accessPolicies } from '../vaultProperties';
import { requireResourceGroup } from './scope';
import type { ArmDeps, ArmHandler } from './types';

const VAULT = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}';
const KINDS = ['add', 'replace', 'remove'] as const;
type Kind = (typeof KINDS)[number];
type PermissionLists = AccessPolicyRecord['permissions'];
const LISTS = ['keys', 'secrets', 'certificates', 'storage'] as const;

function merge(current: PermissionLists, change: PermissionLists, kind: Kind): PermissionLists {
  const next: PermissionLists = {};
  for (const list of LISTS) {
    const have = current[list] ?? [];
    const given = change[list];
    const lower = new Set((given ?? []).map((p) => p.toLowerCase()));
    const result =
      kind === 'replace' ? (given ?? have) : kind === 'add' ? [...have, ...(given ?? []).filter((p) => !have.some((h) => h.toLowerCase() === p.toLowerCase()))] : have.filter((p) => !lower.has(p.toLowerCase()));
    if (result.length) next[list] = result;
  }
  return next;
}

export function registerAccessPolicyRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  router.add('PUT', `${VAULT}/accessPolicies/{operationKind}`, KEYVAULT_MGMT_API_VERSIONS, async (r) => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, vaultName, operationKind } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const v = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (!v) throw resourceNotFound('Microsoft.KeyVault/vaults', vaultName, resourceGroupName);
    const kind = KINDS.find((k) => k === operationKind.toLowerCase());
    // rule: emu-vault-access-policy-request
    if (!kind) throw new HttpError(400, 'BadRequest', `The operation kind '${operationKind}' is invalid. Allowed values: add, replace, remove.`);
    const body = await readJsonBody(r.raw);
    // The spec requires properties.accessPolicies (VaultAccessPolicyProperties).
    // rule: emu-vault-access-policy-request
    if (!isJsonObject(body) || !isJsonObject(body.properties) || body.properties.accessPolicies === undefined) {
      throw new HttpError(400, 'BadRequest', 'The property "properties.accessPolicies" is required.');
    }
    for (const change of accessPolicies(body.properties.accessPolicies)) {
      const same = (p: AccessPolicyRecord) => p.objectId.toLowerCase() === change.objectId.toLowerCase() && p.tenantId.toLowerCase() === change.tenantId.toLowerCase();
      const existing = v.accessPolicies.find(same);
      const permissions = merge(existing?.permissions ?? {}, change.permissions, kind);
      v.accessPolicies = v.accessPolicies.filter((p) => !same(p));
      if (Object.keys(permissions).length) v.accessPolicies.push({ ...change, permissions });
    }
    v.updatedMs = store.clock.now();
    const rendered = v.accessPolicies.map((p) => ({ tenantId: p.tenantId, objectId: p.objectId, ...(p.applicationId ? { applicationId: p.applicationId } : {}), permissions: p.permissions }));
    return json(200, {
      id: `${r.http.path.replace(/\/accessPolicies\/.*$/i, '')}/accessPolicies/${kind}`,
      name: kind,
      type: 'Microsoft.KeyVault/vaults/accessPolicies',
      location: v.location,
      properties: { accessPolicies: rendered },
    });
  });
}
