/**
 * Before "Rotate Key Now" and "Set Rotation Policy…": which key the action works on, and what the user is told first
 * (the messages name the action, the cluster, the vault and the short version, and the 6-hour pickup window).
 * The finding codes and severities per rule are pinned in preflightRules.test.ts; these tests pin what the user reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultFacts } from '../../src/kms/enable/facts';
import { clusterKeyRef, KeyAction, keyActionFindings, keyReadId } from '../../src/kms/keyActions';
import type { ClusterFacts, KmsState } from '../../src/kms/kmsState';
import type { KeyVersionInfo } from '../../src/kms/rotation';
import { at, DAY, HOUR, KMS as BASE_KMS, LEGACY_VERSION, NOW, SUB, VAULT_ID, VAULT_URL } from './kmsFixtures';

const KMS = {
  ...BASE_KMS,
  /** Key Vault KMS is on, but the key ID is not one a key can be read from (kmsStateOf: kind cmk, no key). */
  cmkMalformedKey: { kind: 'cmk', infrastructureEncryption: true, keyId: 'not-a-key-id', keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID },
} satisfies Record<string, KmsState>;

const cluster = (kms: KmsState): ClusterFacts => ({
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1`,
  name: 'aks1', subscriptionId: SUB, resourceGroup: 'rg', location: 'eastus', kubernetesVersion: '1.33.2', identity: 'userAssigned',
  userAssignedIdentityIds: [], apiServerVnetIntegration: false, kms,
});

const vault = (over: Partial<VaultFacts> = {}): VaultFacts => ({
  id: VAULT_ID, name: 'kvexist', vaultUri: `${VAULT_URL}/`, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true,
  publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', ...over,
});

const version = (v: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version: v, createdOn: at(-ageMs), ...extra });

const messageOf = (findings: { code: string; message: string }[], code: string) => {
  const f = findings.find(x => x.code === code);
  assert.ok(f, `${code} not in ${findings.map(x => x.code).join(', ')}`);
  return f.message;
};

describe('clusterKeyRef: the key a key action works on', () => {
  it('a CMK cluster: its vault URL, key name and vault ARM ID, no pinned version', () => {
    assert.deepEqual(clusterKeyRef(cluster(KMS.cmk)), { vaultUrl: VAULT_URL, keyName: 'kms-key', vaultId: VAULT_ID, pinnedVersion: undefined });
  });
  it('a legacy cluster: the version its key ID pins', () => {
    assert.deepEqual(clusterKeyRef(cluster(KMS.legacy)), { vaultUrl: VAULT_URL, keyName: 'kms-key', vaultId: undefined, pinnedVersion: LEGACY_VERSION });
  });
  it('an empty vault ID in the profile counts as none (the vault is then looked up by its host)', () => {
    assert.equal(clusterKeyRef(cluster({ ...KMS.cmk, keyVaultResourceId: '' }))?.vaultId, undefined);
  });
  const none: [string, KmsState][] = [
    ['PMK', KMS.pmk],
    ['not encrypted', KMS.plain],
    ['unknown', { kind: 'unknown' }],
    ['CMK whose key ID cannot be parsed', KMS.cmkMalformedKey],
  ];
  for (const [name, kms] of none) {
    it(`${name}: no key to act on`, () => assert.equal(clusterKeyRef(cluster(kms)), undefined));
  }
});

describe('keyReadId', () => {
  it('is the vault ARM ID (or the subscription), the vault URL and the key name, in lower case', () => {
    assert.equal(keyReadId({ vaultUrl: 'https://KV1.vault.azure.net', keyName: 'Kms-Key', vaultId: '/subscriptions/S1/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/KV1' }, 'S2'),
      '/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv1|https://kv1.vault.azure.net|kms-key');
    assert.equal(keyReadId({ vaultUrl: 'https://KV1.vault.azure.net', keyName: 'Kms-Key' }, 'S2'), 's2|https://kv1.vault.azure.net|kms-key');
  });
});

describe('keyActionFindings: what the user reads first', () => {
  it('no customer key: rotating says there is no key to rotate', () => {
    const [f] = keyActionFindings('rotate', cluster(KMS.pmk));
    assert.equal(f.message, 'aks1 does not encrypt Secrets with a customer-managed key, so it has no key to rotate.');
  });
  it('no customer key: a policy says there is no key to set a rotation policy on', () => {
    const [f] = keyActionFindings('setPolicy', cluster(KMS.plain));
    assert.equal(f.message, 'aks1 does not encrypt Secrets with a customer-managed key, so it has no key to set a rotation policy on.');
  });
  for (const action of ['rotate', 'setPolicy'] as KeyAction[]) {
    it(`${action} on a cluster whose key ID cannot be parsed: no customer key, and nothing else`, () => {
      assert.deepEqual(keyActionFindings(action, cluster(KMS.cmkMalformedKey), vault({ networkDefaultAction: 'Deny' })).map(f => `${f.code}:${f.severity}`), ['no-customer-key:error']);
    });
  }

  it('legacy, rotating: the new version will not be used; names the short pinned version and the key', () => {
    const m = messageOf(keyActionFindings('rotate', cluster(KMS.legacy)), 'legacy-pinned');
    assert.match(m, /^aks1 uses legacy KMS pinned to version 01234567 of kms-key: the new version will not be used /);
    assert.ok(!m.includes(LEGACY_VERSION), m);
  });
  it('legacy, setting a policy: the versions the policy creates will not be used', () => {
    const m = messageOf(keyActionFindings('setPolicy', cluster(KMS.legacy)), 'legacy-pinned');
    assert.match(m, /^aks1 uses legacy KMS pinned to version 01234567 of kms-key: versions the policy creates will not be used /);
    assert.ok(!m.includes(LEGACY_VERSION), m);
  });

  it('a firewalled vault, rotating: rotating goes through its data plane; names the vault', () => {
    const m = messageOf(keyActionFindings('rotate', cluster(KMS.cmk), vault({ networkDefaultAction: 'Deny' })), 'vault-firewall');
    assert.match(m, /^The key vault kvexist blocks public network access; rotating goes through its data plane/);
  });
  it('a firewalled vault, setting a policy: setting the rotation policy goes through its data plane', () => {
    const m = messageOf(keyActionFindings('setPolicy', cluster(KMS.cmk), vault({ publicNetworkAccess: 'Disabled' })), 'vault-firewall');
    assert.match(m, /^The key vault kvexist blocks public network access; setting the rotation policy goes through its data plane/);
  });
  const firewall: [string, Partial<VaultFacts>, boolean][] = [
    ['default action Deny', { networkDefaultAction: 'Deny' }, true],
    ['default action deny (any letter case)', { networkDefaultAction: 'deny' }, true],
    ['public access Disabled', { publicNetworkAccess: 'Disabled' }, true],
    ['public access DISABLED (any letter case)', { publicNetworkAccess: 'DISABLED' }, true],
    ['default action Allow, public access Enabled', {}, false],
    ['neither property given', { networkDefaultAction: undefined, publicNetworkAccess: undefined }, false],
  ];
  for (const [name, over, warns] of firewall) {
    it(`vault with ${name}: ${warns ? 'warns' : 'does not warn'}`, () => {
      assert.equal(keyActionFindings('rotate', cluster(KMS.cmk), vault(over)).some(f => f.code === 'vault-firewall'), warns);
    });
  }

  it('rotating: AKS picks up the new version within 6 hours', () => {
    const m = messageOf(keyActionFindings('rotate', cluster(KMS.cmk)), 'rotation-pickup');
    assert.match(m, /^AKS picks up the new version within 6 hours /);
  });

  it('rotating from a disabled version: names the short version, the cluster and the 6 hours', () => {
    const m = messageOf(keyActionFindings('rotate', cluster(KMS.cmk), undefined, [version('abcdef0123456789', 30 * DAY, { enabled: false })], NOW), 'rotate-from-unusable');
    assert.match(m, /^The version in use, abcdef01, is disabled or expired, so aks1 cannot encrypt Secrets now; .* \(within 6 hours\)/);
  });
  it('rotating when the version in use expires right now: it is unusable, not "expires in 0 minutes"', () => {
    const codes = keyActionFindings('rotate', cluster(KMS.cmk), undefined, [version('a', 30 * DAY, { expiresOn: NOW })], NOW).map(f => f.code);
    assert.deepEqual(codes, ['rotate-from-unusable', 'rotation-pickup']);
  });
  it('a version whose enabled state is not known is not called disabled', () => {
    const codes = keyActionFindings('rotate', cluster(KMS.cmk), undefined, [{ version: 'a', createdOn: at(-30 * DAY) }], NOW).map(f => f.code);
    assert.deepEqual(codes, ['rotation-pickup']);
  });
  it('rotating when the version in use expires within the window: says in how many minutes, and the 6 hours', () => {
    const m = messageOf(keyActionFindings('rotate', cluster(KMS.cmk), undefined, [version('abcdef0123456789', 30 * DAY, { expiresOn: at(2 * HOUR + 20_000) })], NOW), 'rotate-previous-expires');
    assert.equal(m, "After the rotation AKS may keep using abcdef01 for up to 6 hours, but abcdef01 expires in 120 minutes: extend abcdef01's expiry past that window, or the cluster cannot encrypt Secrets in between.");
  });
  it('the version in use is the newest one, whatever order the versions come in', () => {
    const versions = [version('newest', 2 * DAY, { expiresOn: at(HOUR) }), version('older', 40 * DAY, { enabled: false })];
    const codes = (vs: KeyVersionInfo[]) => keyActionFindings('rotate', cluster(KMS.cmk), undefined, vs, NOW).map(f => f.code);
    assert.deepEqual(codes(versions), ['rotate-previous-expires', 'rotation-pickup']);
    assert.deepEqual(codes([...versions].reverse()), ['rotate-previous-expires', 'rotation-pickup']);
  });
  it('no versions read yet: only the pickup note', () => {
    assert.deepEqual(keyActionFindings('rotate', cluster(KMS.cmk), undefined, [], NOW).map(f => f.code), ['rotation-pickup']);
  });
});
