/**
 * The tree's filter by KMS state: which filter value each cluster's state falls under, that the filter picker offers
 * every one of them, and that a filter never hides a cluster whose state is not yet known.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterFacts, KmsState } from '../../src/kms/kmsState';
import { KMS_STATE_FILTER_VALUES, passesStateFilter, STATE_FILTER_VALUES, stateFilterValueOf, StateFilterValue } from '../../src/kms/stateFilter';

const SUB = '00000000-0000-4000-8000-000000000001';
const key = { vaultUrl: 'https://kv1.vault.azure.net', vaultHost: 'kv1.vault.azure.net', name: 'k' };
const facts = (kms: KmsState): ClusterFacts => ({
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1`,
  name: 'aks1', subscriptionId: SUB, resourceGroup: 'rg', identity: 'userAssigned', userAssignedIdentityIds: [], apiServerVnetIntegration: false, kms,
});

const STATES: [string, KmsState, StateFilterValue | undefined][] = [
  ['not encrypted', { kind: 'notEncrypted', infrastructureEncryption: false }, 'notEncrypted'],
  ['platform-managed key', { kind: 'pmk', infrastructureEncryption: true }, 'pmk'],
  ['customer-managed key in a public vault', { kind: 'cmk', keyId: `${key.vaultUrl}/keys/k`, key, keyVaultNetworkAccess: 'Public' }, 'cmkPublic'],
  ['customer-managed key in a private vault', { kind: 'cmk', keyId: `${key.vaultUrl}/keys/k`, key, keyVaultNetworkAccess: 'Private' }, 'cmkPrivate'],
  ['customer-managed key, network access not given (Azure\'s default is Public)', { kind: 'cmk', keyId: `${key.vaultUrl}/keys/k`, key }, 'cmkPublic'],
  ['legacy KMS (versioned key ID)', { kind: 'legacy', keyId: `${key.vaultUrl}/keys/k/0123456789abcdef0123456789abcdef`, key: { ...key, version: '0123456789abcdef0123456789abcdef' }, keyVaultNetworkAccess: 'Private' }, 'legacy'],
  ['unknown (not yet confirmed)', { kind: 'unknown' }, undefined],
];

describe('state filter value of a cluster', () => {
  for (const [name, kms, expected] of STATES) {
    it(`${name} → ${expected ?? 'none'}`, () => assert.equal(stateFilterValueOf(facts(kms)), expected));
  }

  it('the filter picker offers every value a cluster can fall under', () => {
    for (const [name, , value] of STATES) {
      if (value !== undefined) {
        assert.ok(STATE_FILTER_VALUES.includes(value), `${name}: ${value} is not offered`);
      }
    }
  });

  it('the picker offers each value once', () => {
    assert.equal(new Set(STATE_FILTER_VALUES).size, STATE_FILTER_VALUES.length);
  });
});

describe('passesStateFilter', () => {
  it('an empty filter shows every cluster, the unknown ones too', () => {
    for (const [name, kms] of STATES) {
      assert.equal(passesStateFilter(facts(kms), []), true, name);
    }
  });

  it('a filter of one KMS state shows exactly the clusters under that value', () => {
    for (const value of KMS_STATE_FILTER_VALUES) {
      const shown = STATES.filter(([, kms, v]) => v !== undefined && passesStateFilter(facts(kms), [value])).map(([, , v]) => v);
      assert.ok(shown.length > 0 && shown.every(v => v === value), `${value}: ${shown.join(', ')}`);
    }
  });

  it('a filter of several values shows the clusters under any of them', () => {
    const shown = STATES.filter(([, kms]) => passesStateFilter(facts(kms), ['legacy', 'cmkPrivate'])).map(([name]) => name);
    assert.deepEqual(shown, ['customer-managed key in a private vault', 'legacy KMS (versioned key ID)', 'unknown (not yet confirmed)']);
  });

  it('a cluster whose state is unknown stays visible under any KMS state filter', () => {
    const unknown = facts({ kind: 'unknown' });
    for (const value of KMS_STATE_FILTER_VALUES) {
      assert.equal(passesStateFilter(unknown, [value]), true, value);
    }
  });
});
