import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupBy } from '../../src/kms/groupBy';
import { keyReadId } from '../../src/kms/keyActions';

describe('groupBy', () => {
  it('keeps groups and their items in first-seen order', () => {
    const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], s => s[0]);
    assert.deepEqual([...groups], [['b', ['b1', 'b2']], ['a', ['a1', 'a2']], ['c', ['c1']]]);
  });
  it('is empty for no items', () => {
    assert.equal(groupBy([], String).size, 0);
  });
});

describe('keyReadId (clusters on the same key share one key-health read)', () => {
  const vaultId = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';
  it('ignores the pinned version and letter case', () => {
    assert.equal(
      keyReadId({ vaultUrl: 'https://kv1.vault.azure.net', keyName: 'K', vaultId, pinnedVersion: 'abc' }, 's1'),
      keyReadId({ vaultUrl: 'https://KV1.vault.azure.net', keyName: 'k', vaultId: vaultId.toUpperCase() }, 's2'),
    );
  });
  it('without the vault ID, the vault is looked up per subscription, so the subscription is part of it', () => {
    const ref = { vaultUrl: 'https://kv1.vault.azure.net', keyName: 'k' };
    assert.notEqual(keyReadId(ref, 's1'), keyReadId(ref, 's2'));
  });
});
