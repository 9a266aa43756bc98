import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultFacts } from '../../src/kms/enable/facts';
import { currentCmkSetup, vaultListingNeeded } from '../../src/kms/iac/currentSetup';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';
import { CLUSTER_ID, clusterJson, SUB } from './fakeAzure';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv1`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
const KEY = 'https://kv1.vault.azure.net/keys/aks-kms';
const infra = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

const vault = (id: string, vaultUri: string): VaultFacts => ({
  id, name: id.split('/').pop()!, vaultUri, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true,
});
const VAULTS = [
  vault(`/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv0`, 'https://kv0.vault.azure.net/'),
  vault(VAULT_ID, 'https://KV1.vault.azure.net/'),
];

const facts = (securityProfile: SecurityProfileJson | undefined, identityType = 'UserAssigned') => clusterFactsOf(clusterJson({ securityProfile }, identityType));
const cmk = (extra: Record<string, unknown>) => facts({ ...infra, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Public', ...extra } });

describe('the current customer-managed key setup, for export as code', () => {
  it('a profile naming its vault: that vault, without a listing', () => {
    assert.equal(vaultListingNeeded(cmk({ keyVaultResourceId: VAULT_ID })), false);
    assert.deepEqual(currentCmkSetup(cmk({ keyVaultResourceId: VAULT_ID })), {
      ok: true,
      config: {
        kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public',
        vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'existing', name: 'aks-kms' }, identity: { kind: 'existing', id: IDENTITY_ID },
      },
    });
  });

  it('a public profile that leaves the vault ID empty (as the spec asks): the vault whose URI has the key ID\'s host', () => {
    assert.equal(vaultListingNeeded(cmk({ keyVaultResourceId: '' })), true);
    const setup = currentCmkSetup(cmk({ keyVaultResourceId: '' }), VAULTS);
    assert.ok(setup?.ok);
    assert.equal(setup.config.kind === 'cmk' && setup.config.vault.kind === 'existing' ? setup.config.vault.id : undefined, VAULT_ID);
  });

  it('no readable vault with that host: not exported as it is, and the reason names the vault host and the subscription', () => {
    const setup = currentCmkSetup(cmk({}), VAULTS.slice(0, 1));
    assert.ok(setup && !setup.ok);
    assert.match(setup.reason, /kv1\.vault\.azure\.net/);
    assert.ok(setup.reason.includes(SUB));
  });

  it('nothing to reproduce: platform keys, no KMS, legacy KMS, or no user-assigned identity', () => {
    assert.equal(currentCmkSetup(facts(infra)), undefined);
    assert.equal(currentCmkSetup(facts(undefined)), undefined);
    assert.equal(currentCmkSetup(facts({ azureKeyVaultKms: { enabled: true, keyId: `${KEY}/0123456789abcdef0123456789abcdef`, keyVaultNetworkAccess: 'Public' } }), VAULTS), undefined);
    assert.equal(currentCmkSetup(facts({ ...infra, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID } }, 'SystemAssigned')), undefined);
  });
});
