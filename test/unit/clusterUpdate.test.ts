/**
 * The CMK profile a cluster must report after the update (expectedKmsProfile) and the comparison that decides whether
 * the update is needed and whether it worked (profileMismatches): each wrong field is one mismatch naming the field;
 * an identical profile, or ARM IDs and key IDs that differ only in letter case, are none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CmkTarget, expectedKmsProfile, profileMismatches } from '../../src/kms/enable/clusterUpdate';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';

const VAULT_ID = '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist';
const KEY_ID = 'https://kvexist.vault.azure.net/keys/kms-key';
const TARGET: CmkTarget = {
  keyId: KEY_ID, keyVaultResourceId: VAULT_ID, networkAccess: 'Private',
  identityId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kms',
};
const INFRA = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
const KMS = { enabled: true, keyId: KEY_ID, keyVaultNetworkAccess: 'Private', keyVaultResourceId: VAULT_ID };
/** The expected profile with one part changed. */
const actual = (kms: Record<string, unknown> | undefined, infra: SecurityProfileJson['kubernetesResourceObjectEncryptionProfile'] | null = INFRA.kubernetesResourceObjectEncryptionProfile): SecurityProfileJson => ({
  ...(kms ? { azureKeyVaultKms: kms } : {}),
  ...(infra ? { kubernetesResourceObjectEncryptionProfile: infra } : {}),
});

describe('expectedKmsProfile', () => {
  it('CMK: KMS on with the versionless key, the network access and the vault ID (for Public too), infrastructure encryption Enabled', () => {
    assert.deepEqual(expectedKmsProfile(TARGET), { azureKeyVaultKms: KMS, ...INFRA });
    assert.deepEqual(expectedKmsProfile({ ...TARGET, networkAccess: 'Public' }).azureKeyVaultKms, { ...KMS, keyVaultNetworkAccess: 'Public' });
  });
  it('PMK says nothing about Key Vault KMS; the migration expects it off', () => {
    assert.deepEqual(expectedKmsProfile('pmk'), INFRA);
    assert.deepEqual(expectedKmsProfile('migrateToPmk'), { azureKeyVaultKms: { enabled: false }, ...INFRA });
  });
});

describe('profileMismatches against the CMK profile', () => {
  const expected = expectedKmsProfile(TARGET);
  const table: [string, SecurityProfileJson | undefined, RegExp[]][] = [
    ['identical', actual(KMS), []],
    ['the key ID in other letter case', actual({ ...KMS, keyId: KEY_ID.toUpperCase() }), []],
    ['the vault resource ID in other letter case', actual({ ...KMS, keyVaultResourceId: VAULT_ID.toLowerCase() }), []],
    ['another key', actual({ ...KMS, keyId: 'https://kvexist.vault.azure.net/keys/other-key' }), [/^azureKeyVaultKms\.keyId is "https:\/\/kvexist\.vault\.azure\.net\/keys\/other-key", expected "https:\/\/kvexist\.vault\.azure\.net\/keys\/kms-key"$/]],
    ['a versioned key ID (legacy)', actual({ ...KMS, keyId: `${KEY_ID}/0123456789abcdef0123456789abcdef` }), [/^azureKeyVaultKms\.keyId is/]],
    ['the key in another vault', actual({ ...KMS, keyId: 'https://kvother.vault.azure.net/keys/kms-key' }), [/^azureKeyVaultKms\.keyId is/]],
    ['another vault resource ID', actual({ ...KMS, keyVaultResourceId: VAULT_ID.replace(/kvexist$/, 'kvother') }), [/^azureKeyVaultKms\.keyVaultResourceId is ".*kvother", expected ".*kvexist"$/]],
    ['no vault resource ID', actual({ ...KMS, keyVaultResourceId: undefined }), [/^azureKeyVaultKms\.keyVaultResourceId is undefined, expected/]],
    ['another network access', actual({ ...KMS, keyVaultNetworkAccess: 'Public' }), [/^azureKeyVaultKms\.keyVaultNetworkAccess is "Public", expected "Private"$/]],
    ['KMS enabled false', actual({ ...KMS, enabled: false }), [/^azureKeyVaultKms\.enabled is false, expected true$/]],
    ['no KMS block', actual(undefined), [/^azureKeyVaultKms\.enabled is undefined/, /^azureKeyVaultKms\.keyId is undefined/, /^azureKeyVaultKms\.keyVaultNetworkAccess is undefined/, /^azureKeyVaultKms\.keyVaultResourceId is undefined/]],
    ['infrastructure encryption missing', actual(KMS, null), [/^infrastructureEncryption is missing/]],
    ['infrastructure encryption Disabled', actual(KMS, { infrastructureEncryption: 'Disabled' }), [/^infrastructureEncryption is Disabled/]],
    ['no security profile at all', undefined, [/^infrastructureEncryption is missing/, /enabled/, /keyId/, /keyVaultNetworkAccess/, /keyVaultResourceId/]],
  ];
  for (const [name, profile, problems] of table) {
    it(`${name}: ${problems.length ? `${problems.length} mismatch${problems.length > 1 ? 'es' : ''}` : 'none'}`, () => {
      const found = profileMismatches(profile, expected);
      assert.equal(found.length, problems.length, JSON.stringify(found));
      problems.forEach((p, i) => assert.match(found[i], p));
    });
  }
});

describe('profileMismatches against platform keys', () => {
  const table: [string, 'pmk' | 'migrateToPmk', SecurityProfileJson | undefined, number][] = [
    ['PMK: infrastructure encryption on', 'pmk', INFRA, 0],
    ['PMK: a KMS block beside it does not matter', 'pmk', { ...INFRA, azureKeyVaultKms: KMS }, 0],
    ['PMK: infrastructure encryption missing', 'pmk', {}, 1],
    ['migration: KMS off', 'migrateToPmk', { ...INFRA, azureKeyVaultKms: { enabled: false } }, 0],
    ['migration: KMS still on', 'migrateToPmk', { ...INFRA, azureKeyVaultKms: KMS }, 1],
  ];
  for (const [name, target, profile, count] of table) {
    it(name, () => assert.equal(profileMismatches(profile, expectedKmsProfile(target)).length, count));
  }
});
