import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFactsOf, kmsStateOf, meetsVersionRule } from '../../src/kms/kmsState';
import { clusterContextValue } from '../../src/kms/contextValue';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';

const KEY = 'https://kv1.vault.azure.net/keys/k1';
const VAULT = '/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv1';
const pmk = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

describe('kmsStateOf', () => {
  const table: [string, SecurityProfileJson | undefined, boolean, string, string?][] = [
    ['no security profile, GET', undefined, true, 'notEncrypted'],
    ['no security profile, index without preview fields', undefined, false, 'unknown'],
    ['PMK', pmk, true, 'pmk'],
    ['PMK seen through an index that carries it', pmk, false, 'pmk'],
    ['infrastructure encryption Disabled', { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Disabled' } }, true, 'notEncrypted'],
    ['CMK public', { ...pmk, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT } }, true, 'cmk', 'Public'],
    ['CMK private', { ...pmk, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Private', keyVaultResourceId: VAULT } }, true, 'cmk', 'Private'],
    ['CMK, network access omitted means Public', { ...pmk, azureKeyVaultKms: { enabled: true, keyId: KEY } }, true, 'cmk', 'Public'],
    ['legacy: versioned key, no infrastructure encryption', { azureKeyVaultKms: { enabled: true, keyId: `${KEY}/abc123`, keyVaultNetworkAccess: 'Public' } }, true, 'legacy', 'Public'],
    ['KMS disabled after migration to PMK', { ...pmk, azureKeyVaultKms: { enabled: false } }, true, 'pmk'],
    ['KMS disabled, nothing else', { azureKeyVaultKms: { enabled: false } }, true, 'notEncrypted'],
  ];
  for (const [name, profile, known, kind, network] of table) {
    it(name, () => {
      const state = kmsStateOf(profile, known);
      assert.equal(state.kind, kind);
      assert.equal(state.keyVaultNetworkAccess, network);
    });
  }
  it('keeps the key ID and parses it', () => {
    const state = kmsStateOf({ ...pmk, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultResourceId: VAULT } }, true);
    assert.equal(state.keyId, KEY);
    assert.equal(state.key?.name, 'k1');
    assert.equal(state.keyVaultResourceId, VAULT);
  });
});

describe('clusterFactsOf and contextValue', () => {
  const base = {
    id: '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1',
    name: 'c1',
    location: 'eastus',
    identity: { type: 'UserAssigned', userAssignedIdentities: { '/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1': {} } },
    properties: { kubernetesVersion: '1.33.2', apiServerAccessProfile: { enableVnetIntegration: true }, securityProfile: { ...pmk, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Private', keyVaultResourceId: VAULT } } },
  };
  it('reads ids, identity, version and VNet integration', () => {
    const f = clusterFactsOf(base);
    assert.equal(f.subscriptionId, 'sub1');
    assert.equal(f.resourceGroup, 'rg1');
    assert.equal(f.identity, 'userAssigned');
    assert.equal(f.userAssignedIdentityIds.length, 1);
    assert.equal(f.apiServerVnetIntegration, true);
    assert.equal(meetsVersionRule(f), true);
    assert.equal(clusterContextValue(f), 'cluster;state:cmk;net:private;identity:userAssigned;k8s:supported;vnet:yes');
  });
  const contexts: [string, object, string][] = [
    ['too old', { properties: { kubernetesVersion: '1.32.6' } }, 'cluster;state:none;identity:userAssigned;k8s:tooOld;vnet:no'],
    ['system-assigned', { identity: { type: 'SystemAssigned' }, properties: { kubernetesVersion: '1.33.0' } }, 'cluster;state:none;identity:systemAssigned;k8s:supported;vnet:no'],
    ['PMK', { properties: { kubernetesVersion: '1.34.0', securityProfile: pmk } }, 'cluster;state:pmk;identity:userAssigned;k8s:supported;vnet:no'],
    ['current version wins over requested', { properties: { kubernetesVersion: '1.32', currentKubernetesVersion: '1.33.1' } }, 'cluster;state:none;identity:userAssigned;k8s:supported;vnet:no'],
  ];
  for (const [name, patch, expected] of contexts) {
    it(`contextValue: ${name}`, () => {
      const cluster = { ...base, ...patch, identity: (patch as { identity?: object }).identity ?? base.identity };
      assert.equal(clusterContextValue(clusterFactsOf(cluster as typeof base)), expected);
    });
  }
});
