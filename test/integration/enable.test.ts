/**
 * Every enable flow of the docs page against the emulator, through the real SDK clients: the same code path the
 * wizard and the commands use (src/azure/enableFlow). Success tests assert the final securityProfile exactly;
 * rejections assert that nothing was written.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import type { EnableConfig } from '../../src/kms/enable/config';
import type { StepEvent } from '../../src/kms/plan/runner';
import { getVault } from '../../src/azure/keyVault';
import { admin, assertBlockedWithoutWrites, azureContext, clusterId, resetFast, runFlow, SUB1, SUB2, SUB3, writes } from './support/azure';

const enable = runFlow;

const vaultUrlOf = async (vaultId: string) => (await getVault(azureContext(), vaultId)).vaultUri.replace(/\/+$/, '');

describe('enable flows against the emulator', () => {
  beforeEach(resetFast);

  it('PMK on an existing cluster', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const { outcome } = await enable({ kind: 'pmk', clusterId: id });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(outcome.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.equal(outcome.securityProfile?.azureKeyVaultKms, undefined);
    assert.deepEqual(await writes(), [`PUT ${id}`]);
  });

  it('CMK public with a new vault, key and identity', async () => {
    const id = clusterId(SUB3, 'rg-fab', 'aks-fab-plain');
    const vaultId = `/subscriptions/${SUB3}/resourceGroups/rg-fab/providers/Microsoft.KeyVault/vaults/kvfabnew01`;
    const identityId = `/subscriptions/${SUB3}/resourceGroups/rg-fab/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-fab-kms`;
    const { outcome } = await enable({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'new', name: 'kvfabnew01', resourceGroup: 'rg-fab', location: 'westeurope' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'new', name: 'id-fab-kms', resourceGroup: 'rg-fab', location: 'westeurope' },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(outcome.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: `${await vaultUrlOf(vaultId)}/keys/aks-kms`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: vaultId },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    const w = await writes();
    // Crypto Officer (user), Crypto User and Contributor (identity) on the vault; Network Contributor on the agent
    // pool's subnet, because the control-plane identity changes to the new one.
    assert.equal(w.filter(x => /roleAssignments/.test(x)).length, 4, w.join('\n'));
    assert.equal(w.filter(x => /\/subnets\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignments\//.test(x)).length, 1, w.join('\n'));
    assert.equal(w.filter(x => x === `PUT ${identityId}`).length, 1);
    assert.equal(w.filter(x => x.startsWith(`PUT ${vaultId}`) && !/keys|roleAssignments/.test(x)).length, 1);
    assert.ok(!w.some(x => x.startsWith(`PATCH ${vaultId}`)), 'a public vault stays open');
  });

  it('CMK private: the firewall is locked after the key exists, and the cluster still reaches the key', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const vaultId = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodnew01`;
    const events: StepEvent[] = [];
    const { outcome } = await enable({
      kind: 'cmk', clusterId: id, networkAccess: 'Private',
      vault: { kind: 'new', name: 'kvprodnew01', resourceGroup: 'rg-prod', location: 'eastus' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-plain` },
    }, events);
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.equal(outcome.securityProfile?.azureKeyVaultKms?.keyVaultNetworkAccess, 'Private');
    assert.equal(outcome.securityProfile?.azureKeyVaultKms?.keyVaultResourceId, vaultId);
    const w = await writes();
    // The key is created through ARM (keys.createIfNotExist): not behind the firewall, and never a second version.
    const keyCreate = w.findIndex(x => x === `PUT ${vaultId}/keys/aks-kms`);
    const lock = w.findIndex(x => x === `PATCH ${vaultId}`);
    const put = w.findIndex(x => x === `PUT ${id}`);
    assert.ok(keyCreate >= 0 && lock > keyCreate && put > lock, w.join('\n'));
    const done = events.filter(e => e.status === 'done' || e.status === 'skipped').map(e => e.stepId);
    assert.ok(done.indexOf('lockFirewall') > done.indexOf('createKey'));
  });

  it('CMK with an existing vault, key and identity writes only what is missing', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-pmk');
    const vaultId = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic`;
    const identityId = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-pmk`;
    const { outcome, prepared } = await enable({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'existing', name: 'aks-kms' }, identity: { kind: 'existing', id: identityId },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(prepared.plan?.preview.filter(p => p.alreadyDone).map(p => p.id).sort(), ['assignCryptoOfficerToUser', 'createIdentity', 'createKey', 'createVault', 'registerFeature', 'registerProvider']);
    assert.deepEqual(outcome.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: `${await vaultUrlOf(vaultId)}/keys/aks-kms`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: vaultId },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    const w = await writes();
    assert.deepEqual(w.filter(x => !/roleAssignments/.test(x)), [`PUT ${id}`]);
    assert.equal(w.filter(x => /roleAssignments/.test(x)).length, 2, 'Crypto User and Contributor for the identity');
  });

  it('feature not yet registered: registers it, waits for Registered, re-registers the provider', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-novnet');
    const events: StepEvent[] = [];
    const { outcome } = await enable({ kind: 'pmk', clusterId: id }, events);
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    const w = await writes();
    const reg = w.findIndex(x => /features\/KMSPMKPreview\/register$/i.test(x));
    const provider = w.findIndex(x => /providers\/Microsoft\.ContainerService\/register$/i.test(x));
    const put = w.findIndex(x => x === `PUT ${id}`);
    assert.ok(reg >= 0 && provider > reg && put > provider, w.join('\n'));
    assert.ok(events.some(e => e.stepId === 'registerFeature' && /Registering/.test(e.message ?? '')), 'waited while Registering');
    assert.deepEqual(outcome.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
  });

  it('running a finished plan again writes nothing', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const config: EnableConfig = {
      kind: 'cmk', clusterId: id, networkAccess: 'Private',
      vault: { kind: 'new', name: 'kvrerun01', resourceGroup: 'rg-prod', location: 'eastus' }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-plain` },
    };
    assert.equal((await enable(config)).outcome.result.status, 'succeeded');
    await admin.clearRequests();
    const again = await enable(config);
    assert.equal(again.outcome.result.status, 'succeeded');
    assert.deepEqual(await writes(), []);
  });
});

describe('preflight rejections write nothing', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });
  const vaultNew = (name: string) => ({ kind: 'new' as const, name, resourceGroup: 'rg-stg', location: 'eastus' });
  const cases: [string, EnableConfig, string][] = [
    ['Kubernetes 1.32 (PMK)', { kind: 'pmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-old') }, 'k8s-too-old'],
    ['Kubernetes 1.32 (CMK)', { kind: 'cmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-old'), networkAccess: 'Public', vault: vaultNew('kvrej01'), key: { kind: 'new', name: 'k' }, identity: { kind: 'new', name: 'id-rej', resourceGroup: 'rg-stg', location: 'eastus' } }, 'k8s-too-old'],
    ['vault name taken', { kind: 'cmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-novnet'), networkAccess: 'Public', vault: vaultNew('kvprodpublic'), key: { kind: 'new', name: 'k' }, identity: { kind: 'new', name: 'id-rej', resourceGroup: 'rg-stg', location: 'eastus' } }, 'vault-name-taken'],
    ['invalid vault name', { kind: 'cmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-novnet'), networkAccess: 'Public', vault: vaultNew('kv--bad'), key: { kind: 'new', name: 'k' }, identity: { kind: 'new', name: 'id-rej', resourceGroup: 'rg-stg', location: 'eastus' } }, 'vault-name'],
    ['existing key missing', { kind: 'cmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-plain'), networkAccess: 'Public', vault: { kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic` }, key: { kind: 'existing', name: 'nope' }, identity: { kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-plain` } }, 'key-missing'],
    ['PMK on a CMK cluster', { kind: 'pmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-cmk-public') }, 'cmk-use-migration'],
  ];
  for (const [name, config, code] of cases) {
    it(name, () => assertBlockedWithoutWrites(config, code));
  }
  it('the emulator itself refuses a rule-breaking update (defence in depth), with Azure\'s error', async () => {
    const ctx = azureContext();
    const clusters = new ManagedClustersAdapter(ctx);
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-old');
    const cluster = await clusters.get(id);
    cluster.properties!.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
    await assert.rejects(clusters.put(id, cluster, () => undefined), (err: { statusCode?: number }) => err.statusCode === 400);
    assert.equal((await clusters.get(id)).properties?.securityProfile?.kubernetesResourceObjectEncryptionProfile, undefined);
  });
});
