/**
 * holdsRole (src/azure/roleAssignments.ts): the plan's run-time "already holds the role" check. listForScope at a
 * vault returns the assignments that apply there and those below it (on a single key); only an assignment at the
 * vault or above it (resource group, subscription, management group, tenant root) gives the role on the vault
 * ("Understand scope for Azure RBAC": access is inherited downwards only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdsRole } from '../../src/azure/roleAssignments';
import { ROLES } from '../../src/kms/enable/config';
import type { RoleAssignmentFact } from '../../src/kms/enable/facts';

const SUB = '11111111-1111-4111-8111-111111111111';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-kv`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kvprod`;
const PRINCIPAL = '2f0c9a4e-6b1d-4c3e-9f8a-7d6e5c4b3a21';
const USER = ROLES.keyVaultCryptoUser;

const at = (scope: string, over: Partial<RoleAssignmentFact> = {}): RoleAssignmentFact => ({ scope, principalId: PRINCIPAL, roleGuid: USER, ...over });
const holds = (...assignments: RoleAssignmentFact[]) => holdsRole(assignments, VAULT, PRINCIPAL, USER);

describe('holdsRole: only assignments at the vault or above it count', () => {
  const counts: [string, string][] = [
    ['the vault itself', VAULT],
    ['the vault, with a trailing slash and another letter case', `${VAULT.toUpperCase()}/`],
    ['its resource group', RG],
    ['its subscription', `/subscriptions/${SUB}`],
    ['a management group (ARM lists one only when it is above the vault)', '/providers/Microsoft.Management/managementGroups/contoso-root'],
    ['the tenant root', '/'],
  ];
  for (const [what, scope] of counts) {
    it(`an assignment on ${what} counts`, () => {
      assert.equal(holds(at(scope)), true);
    });
  }

  const ignored: [string, string][] = [
    ['a single key of the vault', `${VAULT}/keys/aks-kms`],
    ['another vault whose name starts the same', `${RG}/providers/Microsoft.KeyVault/vaults/kvprod2`],
    ['another resource group', `/subscriptions/${SUB}/resourceGroups/rg-other`],
    ['another subscription', '/subscriptions/22222222-2222-4222-8222-222222222222'],
    ['a subnet', `${RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`],
  ];
  for (const [what, scope] of ignored) {
    it(`an assignment on ${what} does not count`, () => {
      assert.equal(holds(at(scope)), false);
    });
  }

  it('a key-scoped assignment beside a vault-scoped one: the vault-scoped one counts', () => {
    assert.equal(holds(at(`${VAULT}/keys/aks-kms`), at(VAULT)), true);
  });

  it('another principal or another role at the vault does not count', () => {
    assert.equal(holds(at(VAULT, { principalId: '3a1b2c3d-0000-4000-8000-000000000009' })), false);
    assert.equal(holds(at(VAULT, { roleGuid: ROLES.keyVaultCryptoOfficer })), false);
    assert.equal(holds(), false, 'no assignments');
  });

  it('principal and role GUIDs compare without letter case (ARM may return either)', () => {
    assert.equal(holdsRole([at(VAULT, { principalId: PRINCIPAL.toUpperCase() })], VAULT, PRINCIPAL, USER.toUpperCase()), true);
  });
});
