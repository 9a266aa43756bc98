/**
 * Migrations between the KMS modes against the emulator, through the same code path as the commands and the wizard
 * (src/azure/enableFlow): CMK → PMK and legacy → PMK (Key Vault KMS off, infrastructure encryption on; the key and
 * vault are never touched), PMK → CMK, and legacy KMS → the new experience with the cluster's own vault and key.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { findKey, getVault, listKeyVersions, listVaults } from '../../src/azure/keyVault';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import type { EnableConfig } from '../../src/kms/enable/config';
import { legacyMigrationDefaults, vaultForKeyOrigin } from '../../src/kms/enable/legacyMigration';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { admin, assertBlockedWithoutWrites, azureContext, clusterId, resetFast, runFlow, SUB1, SUB2, SUB3, writes } from './support/azure';

const vaultId = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
const MIGRATED = { azureKeyVaultKms: { enabled: false }, kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

async function run(config: EnableConfig) {
  const result = await runFlow(config);
  assert.equal(result.outcome.result.status, 'succeeded', JSON.stringify(result.outcome.result));
  return result;
}

describe('migrations against the emulator', () => {
  beforeEach(resetFast);

  it('CMK → PMK: one cluster PUT; Key Vault KMS off, infrastructure encryption kept; the vault and key remain', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-cmk-public');
    const kv = vaultId(SUB1, 'rg-prod', 'kvprodpublic');
    const { prepared, outcome, clusters } = await run({ kind: 'migrateToPmk', clusterId: id });
    assert.deepEqual(prepared.findings.filter(f => f.severity === 'warning').map(f => f.code).sort(), ['irreversible', 'keep-old-key']);
    assert.match(prepared.script ?? '', /az aks update --resource-group rg-prod --name aks-prod-cmk-public --kms-infrastructure-encryption Enabled --disable-azure-keyvault-kms/);
    assert.deepEqual(outcome.securityProfile, MIGRATED);
    assert.deepEqual(await writes(), [`PUT ${id}`]);
    const after = clusterFactsOf(await clusters.get(id));
    assert.equal(after.kms.kind, 'pmk');
    assert.equal(after.identity, 'userAssigned', 'the control-plane identity is untouched');
    const ctx = azureContext();
    assert.equal((await getVault(ctx, kv)).name, 'kvprodpublic');
    assert.ok(await findKey(ctx, kv, 'aks-kms'));
    assert.equal((await listKeyVersions(ctx, kv, 'aks-kms')).length, 3, 'no key version was touched');
  });

  it('CMK (private vault) → PMK, and running it again writes nothing', async () => {
    const id = clusterId(SUB3, 'rg-fab', 'aks-fab-cmk-private');
    const config: EnableConfig = { kind: 'migrateToPmk', clusterId: id };
    assert.deepEqual((await run(config)).outcome.securityProfile, MIGRATED);
    await admin.clearRequests();
    const again = await run(config);
    assert.ok(again.prepared.findings.some(f => f.code === 'already-pmk'));
    assert.deepEqual(again.prepared.plan?.preview.filter(p => !p.alreadyDone).map(p => p.id), ['verify']);
    assert.deepEqual(await writes(), []);
    assert.ok(await findKey(azureContext(), vaultId(SUB3, 'rg-fab', 'kvfabprivate'), 'kms-key'));
  });

  it('legacy → PMK: registers the preview feature, then turns infrastructure encryption on and KMS off', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-legacy');
    const { outcome } = await run({ kind: 'migrateToPmk', clusterId: id });
    assert.deepEqual(outcome.securityProfile, MIGRATED);
    const w = await writes();
    assert.equal(w[w.length - 1], `PUT ${id}`);
    assert.ok(w.some(x => /features\/KMSPMKPreview\/register$/i.test(x)), w.join('\n'));
    assert.ok(!w.some(x => /vaults/i.test(x)), 'nothing touches the vault or the key');
  });

  it('PMK → CMK through the enable wizard\'s plan: new vault and key, infrastructure encryption stays', async () => {
    const id = clusterId(SUB3, 'rg-fab', 'aks-fab-pmk');
    const kv = vaultId(SUB3, 'rg-fab', 'kvfabpmk2cmk');
    const { prepared, outcome, clusters } = await run({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'new', name: 'kvfabpmk2cmk', resourceGroup: 'rg-fab', location: 'westeurope' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: `/subscriptions/${SUB3}/resourceGroups/rg-fab/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-fab-pmk` },
    });
    assert.equal(prepared.facts?.cluster.kms.kind, 'pmk');
    const vaultUrl = (await getVault(azureContext(), kv)).vaultUri.replace(/\/+$/, '');
    assert.deepEqual(outcome.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: `${vaultUrl}/keys/aks-kms`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: kv },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    assert.equal(clusterFactsOf(await clusters.get(id)).kms.kind, 'cmk');
  });

  it('legacy → new experience: the wizard\'s defaults reuse the vault (found by host) and key; versionless key ID + infrastructure encryption', async () => {
    const ctx = azureContext();
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-legacy');
    const kv = vaultId(SUB2, 'rg-stg', 'kvstglegacy');
    const clusters = new ManagedClustersAdapter(ctx);
    const facts = clusterFactsOf(await clusters.get(id));
    assert.equal(facts.kms.kind, 'legacy');
    assert.equal(facts.kms.keyVaultResourceId, undefined, 'the legacy profile does not name its vault');
    assert.equal(vaultForKeyOrigin(await listVaults(ctx, SUB2), facts.kms.key!.vaultUrl)?.id, kv);

    const defaults = legacyMigrationDefaults(facts, await listVaults(ctx, SUB2));
    assert.ok(defaults.ok, JSON.stringify(defaults));
    assert.deepEqual(defaults.config, {
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: kv }, key: { kind: 'existing', name: 'etcd-key' },
      identity: { kind: 'existing', id: facts.userAssignedIdentityIds[0] }, enablePurgeProtection: true,
    });
    await admin.clearRequests();
    const { prepared, outcome } = await run(defaults.config);
    assert.ok(prepared.findings.some(f => f.code === 'legacy-migration' && f.severity === 'warning'));
    const vaultUrl = (await getVault(ctx, kv)).vaultUri.replace(/\/+$/, '');
    assert.deepEqual(outcome.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: `${vaultUrl}/keys/etcd-key`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: kv },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    const after = clusterFactsOf(await clusters.get(id));
    assert.equal(after.kms.kind, 'cmk');
    assert.equal(after.kms.key?.version, undefined, 'versionless key ID');
    assert.equal((await getVault(ctx, kv)).enablePurgeProtection, true);
    const w = await writes();
    assert.ok(!w.some(x => /\/keys\//.test(x)), `no key was created or rotated: ${w.join(', ')}`);
    assert.equal(w.filter(x => x === `PUT ${id}`).length, 1);
  });
});

describe('migration preflight rejections write nothing', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });
  const cases: [string, EnableConfig, string][] = [
    ['a cluster without customer-managed keys', { kind: 'migrateToPmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-plain') }, 'migrate-needs-cmk'],
    ['Kubernetes 1.32', { kind: 'migrateToPmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-old') }, 'k8s-too-old'],
    ['"Enable platform keys" on legacy KMS', { kind: 'pmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-legacy') }, 'legacy-use-migration'],
  ];
  for (const [name, config, code] of cases) {
    it(name, () => assertBlockedWithoutWrites(config, code));
  }
});
