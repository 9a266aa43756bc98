import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyIdInCloud, parseKeyId, versionlessKeyId } from '../../src/kms/keyId';

describe('parseKeyId', () => {
  const valid: [string, { vaultUrl: string; name: string; version?: string }][] = [
    ['https://kv1.vault.azure.net/keys/k1', { vaultUrl: 'https://kv1.vault.azure.net', name: 'k1' }],
    ['https://kv1.vault.azure.net/keys/k1/', { vaultUrl: 'https://kv1.vault.azure.net', name: 'k1' }],
    ['https://kv1.vault.azure.net/keys/k-1/0123abcd', { vaultUrl: 'https://kv1.vault.azure.net', name: 'k-1', version: '0123abcd' }],
    ['https://kv.vault.azure.cn/keys/etcd', { vaultUrl: 'https://kv.vault.azure.cn', name: 'etcd' }],
    ['https://127.0.0.1:44301/keys/aks-kms', { vaultUrl: 'https://127.0.0.1:44301', name: 'aks-kms' }],
  ];
  for (const [raw, expected] of valid) {
    it(`accepts ${raw}`, () => {
      const r = parseKeyId(raw);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.keyId.vaultUrl, expected.vaultUrl);
      assert.equal(r.keyId.name, expected.name);
      assert.equal(r.keyId.version, expected.version);
    });
  }
  const invalid: [string, RegExp][] = [
    ['not a url', /not a URL/],
    ['http://kv1.vault.azure.net/keys/k1', /https/],
    ['https://kv1.vault.azure.net/secrets/k1', /\/keys\/<name>/],
    ['https://kv1.vault.azure.net/keys', /\/keys\/<name>/],
    ['https://kv1.vault.azure.net/keys/k1/v1/extra', /\/keys\/<name>/],
    ['https://kv1.vault.azure.net/keys/bad_name', /letters, digits or hyphens/],
    ['https://kv1.vault.azure.net/keys/k1/v-1', /letters and digits/],
    ['https://kv1.vault.azure.net/keys/k1?x=1', /query string/],
  ];
  for (const [raw, reason] of invalid) {
    it(`rejects ${raw} with a reason`, () => {
      const r = parseKeyId(raw);
      assert.equal(r.ok, false);
      assert.match((r as { reason: string }).reason, reason);
    });
  }
});

describe('versionlessKeyId and keyIdInCloud', () => {
  it('drops the version', () => {
    const r = parseKeyId('https://kv1.vault.azure.net/keys/k1/abc123');
    assert.ok(r.ok);
    assert.equal(versionlessKeyId(r.keyId), 'https://kv1.vault.azure.net/keys/k1');
  });
  const cases: [string, string, boolean][] = [
    ['https://kv1.vault.azure.net/keys/k1', 'vault.azure.net', true],
    ['https://kv1.vault.azure.net/keys/k1', 'vault.azure.cn', false],
    ['https://kv1.vault.azure.cn/keys/k1', 'vault.azure.cn', true],
    ['https://kv1.evilvault.azure.net/keys/k1', 'vault.azure.net', false],
    ['https://kv1.vault.usgovcloudapi.net/keys/k1', 'vault.usgovcloudapi.net', true],
    ['https://127.0.0.1:4444/keys/k1', '127.0.0.1', true],
  ];
  for (const [raw, suffix, expected] of cases) {
    it(`${raw} in ${suffix} → ${expected}`, () => {
      const r = parseKeyId(raw);
      assert.ok(r.ok);
      assert.equal(keyIdInCloud(r.keyId, suffix), expected);
    });
  }
});
