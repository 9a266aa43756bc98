import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedMemo } from '../../src/kms/boundedMemo';
import { parseKeyId } from '../../src/kms/keyId';
import { supportsNewKms } from '../../src/kms/kubernetesVersion';

describe('boundedMemo', () => {
  it('computes an argument once, and keeps no more answers than the limit', () => {
    const asked: string[] = [];
    const length = boundedMemo(s => (asked.push(s), s.length), 2);
    assert.deepEqual(['a', 'bb', 'a', 'ccc', 'bb', 'ccc'].map(length), [1, 2, 1, 3, 2, 3]);
    assert.deepEqual(asked, ['a', 'bb', 'ccc', 'ccc'], 'a third argument is answered but not kept');
  });
  it('keeps only the answers worth keeping', () => {
    let calls = 0;
    const parse = boundedMemo(s => (calls++, Number(s)), 10, n => !Number.isNaN(n));
    for (const s of ['1', '1', 'x', 'x']) {
      parse(s);
    }
    assert.equal(calls, 3);
  });
  it('parseKeyId: a valid ID answers the same (immutable) parse again; an invalid one is explained each time', () => {
    const id = 'https://kv-memo.vault.azure.net/keys/k1';
    const first = parseKeyId(id);
    assert.ok(first.ok);
    assert.equal(parseKeyId(id), first);
    assert.equal(first.keyId.name, 'k1');
    const bad = parseKeyId('http://kv-memo.vault.azure.net/keys/k1');
    assert.ok(!bad.ok && /https/.test(bad.reason));
    assert.notEqual(parseKeyId('http://kv-memo.vault.azure.net/keys/k1'), bad);
  });
  it('supportsNewKms answers from the version string', () => {
    assert.deepEqual(['1.32.9', '1.33.0', '1.34.1', '1.32.9'].map(supportsNewKms), [false, true, true, false]);
    assert.equal(supportsNewKms(undefined), false);
  });
});
