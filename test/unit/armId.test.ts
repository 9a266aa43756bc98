/**
 * ARM resource IDs: parsing a top-level resource ID, comparing IDs case-insensitively, and whether a role assignment
 * at one scope applies at another (Azure RBAC inherits downwards only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArmId, sameArmId, scopeCoversScope } from '../../src/kms/armId';

const SUB = '00000000-0000-4000-8000-000000000001';
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv1`;

describe('parseArmId', () => {
  it('splits a top-level resource ID into its parts', () => {
    assert.deepEqual({ ...parseArmId(VAULT_ID) }, { id: VAULT_ID, subscriptionId: SUB, resourceGroup: 'rg-kv', provider: 'Microsoft.KeyVault', type: 'vaults', name: 'kv1' });
  });

  it('ignores whitespace around the ID, and the parsed ID has none', () => {
    assert.deepEqual({ ...parseArmId(`  ${VAULT_ID}\n`) }, { id: VAULT_ID, subscriptionId: SUB, resourceGroup: 'rg-kv', provider: 'Microsoft.KeyVault', type: 'vaults', name: 'kv1' });
  });

  it('accepts the segment names in any letter case (as Azure returns them)', () => {
    assert.equal(parseArmId(`/SUBSCRIPTIONS/${SUB}/resourcegroups/rg-kv/PROVIDERS/Microsoft.KeyVault/vaults/kv1`)?.name, 'kv1');
  });

  const notTopLevel: [string, string][] = [
    ['a subscription', `/subscriptions/${SUB}`],
    ['a resource group', `/subscriptions/${SUB}/resourceGroups/rg-kv`],
    ['a nested resource (a key of a vault)', `${VAULT_ID}/keys/kms-key`],
    ['a subnet of a virtual network', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes`],
    ['an ID with a trailing slash', `${VAULT_ID}/`],
    ['a URL around the ID', `https://management.azure.com${VAULT_ID}`],
    ['an ID without its leading slash', VAULT_ID.slice(1)],
    ['an empty resource group', `/subscriptions/${SUB}/resourceGroups//providers/Microsoft.KeyVault/vaults/kv1`],
    ['a name', 'kv1'],
    ['nothing', ''],
  ];
  for (const [name, id] of notTopLevel) {
    it(`${name} is not a top-level resource ID`, () => assert.equal(parseArmId(id), undefined));
  }
});

describe('sameArmId', () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ['the same ID', VAULT_ID, VAULT_ID, true],
    ['the same ID in another letter case', VAULT_ID, VAULT_ID.toUpperCase(), true],
    ['another resource', VAULT_ID, VAULT_ID.replace('kv1', 'kv2'), false],
    ['a missing ID and an ID', undefined, VAULT_ID, false],
    ['an ID and a missing ID', VAULT_ID, undefined, false],
    ['two missing IDs (unknown is never the same)', undefined, undefined, false],
  ];
  for (const [name, a, b, expected] of cases) {
    it(`${name}: ${expected ? 'same' : 'not the same'}`, () => assert.equal(sameArmId(a, b), expected));
  }
});

describe('scopeCoversScope: an assignment applies at its scope and below', () => {
  const cases: [string, string, string, boolean][] = [
    ['the scope itself', VAULT_ID, VAULT_ID, true],
    ['the scope in another letter case', VAULT_ID.toLowerCase(), VAULT_ID.replace('rg-kv', 'RG-KV'), true],
    ['its resource group', `/subscriptions/${SUB}/resourceGroups/rg-kv`, VAULT_ID, true],
    ['its subscription', `/subscriptions/${SUB}`, VAULT_ID, true],
    ['its subscription with a trailing slash', `/subscriptions/${SUB}/`, VAULT_ID, true],
    ['its subscription with several trailing slashes', `/subscriptions/${SUB}//`, VAULT_ID, true],
    ['its resource group, the target with a trailing slash', `/subscriptions/${SUB}/resourceGroups/rg-kv`, `${VAULT_ID}/`, true],
    ['its subscription with whitespace around it', ` /subscriptions/${SUB} `, VAULT_ID, true],
    ['the scope itself with whitespace around the target', VAULT_ID, `\t${VAULT_ID}\n`, true],
    ['a management group', '/providers/Microsoft.Management/managementGroups/mg1', VAULT_ID, true],
    ['the tenant root', '/', VAULT_ID, true],
    ['a single key of the vault', `${VAULT_ID}/keys/kms-key`, VAULT_ID, false],
    ['another vault whose name starts with the same letters', `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv`, VAULT_ID, false],
    ['another resource group whose name starts with the same letters', `/subscriptions/${SUB}/resourceGroups/rg`, VAULT_ID, false],
    ['another subscription', '/subscriptions/00000000-0000-4000-8000-000000000002', VAULT_ID, false],
    ['a resource below a management group, not the group itself', '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Foo/bars/b', VAULT_ID, false],
    ['a management-group-shaped resource inside another subscription', '/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups/rg/providers/Microsoft.Management/managementGroups/mg1', VAULT_ID, false],
  ];
  for (const [name, assignmentScope, scope, expected] of cases) {
    it(`${name}: ${expected ? 'counts' : 'does not count'}`, () => assert.equal(scopeCoversScope(assignmentScope, scope), expected));
  }
});
