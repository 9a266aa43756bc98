/** Small truths of the enable flow against the emulator: what preflight says, and what the requests look like. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { armClientOptions } from '../../src/azure/azureContext';
import { prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import type { CmkConfig } from '../../src/kms/enable/config';
import type { TokenCredential } from '@azure/core-auth';
import { mintTestToken } from '../emulator/token';
import { admin, azureContext, clusterId, info, resetFast, runFlow, SUB1 } from './support/azure';

const IDENTITY = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-plain`;
const cmk = (vault: CmkConfig['vault']): CmkConfig => ({
  kind: 'cmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-plain'), networkAccess: 'Public', vault, key: { kind: 'new', name: 'aks-kms' }, identity: { kind: 'existing', id: IDENTITY },
});
const prepare = (config: CmkConfig) => {
  const ctx = azureContext();
  return prepareEnable(ctx, new ManagedClustersAdapter(ctx), config, { featurePollMs: 200 });
};

describe('small truths (emulator)', () => {
  beforeEach(resetFast);

  it('the permissions request has no empty path segment (existing vault and new vault)', async () => {
    await prepare(cmk({ kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic` }));
    await prepare(cmk({ kind: 'new', name: 'kvtruth01', resourceGroup: 'rg-prod', location: 'eastus' }));
    const permissions = (await admin.requests()).filter(r => /\/providers\/Microsoft\.Authorization\/permissions/i.test(r.path));
    assert.equal(permissions.length, 2, JSON.stringify(permissions));
    assert.deepEqual(permissions.filter(r => r.emptySegment), []);
    assert.ok(permissions.every(r => r.status === 200), JSON.stringify(permissions));
  });

  it('a missing resource group yields only the resource-group finding, not also "you cannot assign roles"', async () => {
    const prepared = await prepare(cmk({ kind: 'new', name: 'kvtruth02', resourceGroup: 'rg-does-not-exist', location: 'eastus' }));
    const codes = prepared.findings.filter(f => f.severity === 'error').map(f => f.code);
    assert.deepEqual(codes, ['vault-resource-group-missing']);
  });

  it('the principal type of the signed-in caller comes from the token: a service principal (idtyp app) is ServicePrincipal', async () => {
    const appCredential: TokenCredential = {
      getToken: async () => ({ token: mintTestToken({ oid: info.userObjectId, extraClaims: { idtyp: 'app' } }), expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const ctx = { ...azureContext(), credential: appCredential };
    const config = cmk({ kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic` });
    const asApp = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), config, { featurePollMs: 200 });
    assert.equal(asApp.facts?.user.principalType, 'ServicePrincipal');
    assert.equal((await prepare(config)).facts?.user.principalType, 'User', 'a person\'s token (idtyp user)');
  });

  it('a vault still being created is "still being created", not "does not exist"; the run waits for it', async () => {
    await admin.config({ vaultCreateDurationMs: 1500 });
    const kv = new KeyVaultManagementClient(azureContext().credential, SUB1, armClientOptions(azureContext()));
    const poller = kv.vaults.createOrUpdate('rg-prod', 'kvtruth03', {
      location: 'eastus', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, enablePurgeProtection: true },
    });
    await poller.submitted();
    const config = cmk({ kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvtruth03` });
    const prepared = await prepare(config);
    assert.ok(prepared.findings.some(f => f.code === 'vault-provisioning' && /still being created/.test(f.message)), JSON.stringify(prepared.findings));
    assert.ok(!prepared.findings.some(f => f.code === 'vault-missing'));
    const { outcome } = await runFlow(config);
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    await poller;
  });
});
