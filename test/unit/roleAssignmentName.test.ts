/**
 * Role assignment names are derived, not random, so a retried or resumed plan PUTs the same name (DESIGN.md, "Steps
 * are idempotent"). What callers rely on: the name is a GUID (ARM accepts nothing else as a role assignment name),
 * the same assignment always gets the same name — across letter case and across versions of the extension (a plan
 * resumed after an update must find what the earlier version created) — and different assignments get different names.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ROLES } from '../../src/kms/enable/config';
import { roleAssignmentName } from '../../src/kms/enable/roleAssignmentName';
import { SUB, USER_OID } from './fakeAzure';

const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod`;
const PRINCIPAL = '11111111-2222-4333-8444-555555555555';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('roleAssignmentName', () => {
  it('is the name earlier versions derived: SHA-256 of the lower-cased "scope|principal|role", shaped as a version-5 GUID', () => {
    // sha256("/subscriptions/…/resourcegroups/rg-kv/providers/microsoft.keyvault/vaults/kvprod|1111…5555|12338af0-…")
    //   = c47d78b5 1127 127c 44cf f3e0d1dfceb2…: version nibble 5 replaces the 13th digit, and the 17th (4) becomes
    //   the RFC 4122 variant 8 (4 & 3 | 8).
    assert.equal(roleAssignmentName(VAULT, PRINCIPAL, ROLES.keyVaultCryptoUser), 'c47d78b5-1127-527c-84cf-f3e0d1dfceb2');
  });

  it('follows the documented derivation for other assignments too', () => {
    for (const [scope, principal, role] of [
      [VAULT, USER_OID, ROLES.keyVaultCryptoOfficer],
      [`${VAULT}/keys/aks-kms`, PRINCIPAL, ROLES.keyVaultContributor],
      [`/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`, PRINCIPAL, ROLES.networkContributor],
    ]) {
      const h = createHash('sha256').update(`${scope}|${principal}|${role}`.toLowerCase()).digest('hex');
      const name = roleAssignmentName(scope, principal, role);
      assert.equal(name.replace(/-/g, '').slice(0, 12), h.slice(0, 12), scope);
      assert.equal(name.replace(/-/g, '').slice(13, 16), h.slice(13, 16), scope);
      assert.equal(name.replace(/-/g, '').slice(17), h.slice(17, 32), scope);
    }
  });

  it('the name is the same for the same scope, principal and role in another letter case', () => {
    const name = roleAssignmentName(VAULT, PRINCIPAL, ROLES.keyVaultCryptoUser);
    assert.equal(roleAssignmentName(VAULT.toLowerCase(), PRINCIPAL, ROLES.keyVaultCryptoUser), name);
    assert.equal(roleAssignmentName(VAULT.toUpperCase(), PRINCIPAL, ROLES.keyVaultCryptoUser), name);
    assert.equal(roleAssignmentName(VAULT, PRINCIPAL.toUpperCase(), ROLES.keyVaultCryptoUser), name);
    assert.equal(roleAssignmentName(VAULT, PRINCIPAL, ROLES.keyVaultCryptoUser.toUpperCase()), name);
  });

  it('a different scope, principal or role gets a different name', () => {
    const names = new Set([
      roleAssignmentName(VAULT, PRINCIPAL, ROLES.keyVaultCryptoUser),
      roleAssignmentName(`${VAULT}2`, PRINCIPAL, ROLES.keyVaultCryptoUser),
      roleAssignmentName(VAULT, USER_OID, ROLES.keyVaultCryptoUser),
      roleAssignmentName(VAULT, PRINCIPAL, ROLES.keyVaultContributor),
    ]);
    assert.equal(names.size, 4);
  });

  it('is always a lower-case GUID with version 5 and the RFC 4122 variant, whatever the input', () => {
    const variants = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const name = roleAssignmentName(`${VAULT}-${i}`, PRINCIPAL, ROLES.keyVaultCryptoUser);
      assert.match(name, GUID);
      variants.add(name[19]);
    }
    assert.deepEqual([...variants].sort(), ['8', '9', 'a', 'b'], 'every variant digit occurs');
  });
});
