/** src/azure + src/kms against the emulator through the real Azure SDK clients: what the tree relies on. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { FleetService } from '../../src/azure/fleetService';
import { listKeyVersionsFromDataPlane } from '../../src/azure/keyVaultData';
import { getVault } from '../../src/azure/keyVault';
import { summarizeRotation } from '../../src/kms/rotation';
import { ageInUnits } from '../../src/kms/rotation';
import type { ClusterFacts } from '../../src/kms/kmsState';
import { admin, azureContext } from './support/azure';

const EXPECTED_STATES: Record<string, string> = {
  'aks-prod-plain': 'notEncrypted', 'aks-prod-pmk': 'pmk', 'aks-prod-cmk-public': 'cmk', 'aks-prod-cmk-private': 'cmk',
  'aks-stg-legacy': 'legacy', 'aks-stg-old': 'notEncrypted', 'aks-stg-sysid': 'notEncrypted', 'aks-stg-novnet': 'notEncrypted', 'aks-stg-sp': 'notEncrypted',
  'aks-fab-cmk-public': 'cmk', 'aks-fab-pmk': 'pmk', 'aks-fab-plain': 'notEncrypted', 'aks-fab-cmk-private': 'cmk',
};

async function loadFleet(service: FleetService): Promise<{ facts: ClusterFacts[]; updates: number }> {
  const subs = await service.listSubscriptions();
  let updates = 0;
  const facts = await service.loadClusters(subs.map(s => s.subscriptionId), { onClusters: c => (updates += c.length) });
  return { facts, updates };
}

describe('FleetService against the emulator', () => {
  before(async () => {
    await admin.reset();
    await admin.config({ resourceGraphOmitsPreviewFields: false });
  });

  it('lists the four subscriptions by display name', async () => {
    const subs = await new FleetService(azureContext()).listSubscriptions();
    assert.deepEqual(subs.map(s => s.displayName), ['Contoso Production', 'Contoso Sandbox', 'Contoso Staging', 'Fabrikam Platform']);
  });

  it('classifies all 13 clusters from Resource Graph alone when the index carries preview fields', async () => {
    await admin.clearRequests();
    const { facts } = await loadFleet(new FleetService(azureContext()));
    assert.deepEqual(Object.fromEntries(facts.map(f => [f.name, f.kms.kind])), EXPECTED_STATES);
    const requests = await admin.requests();
    assert.equal(requests.filter(r => /managedClusters\//i.test(r.path)).length, 0, 'no per-cluster GETs needed');
    assert.ok(requests.some(r => /Microsoft\.ResourceGraph\/resources/i.test(r.path)), 'used Resource Graph');
  });

  it('confirms with GETs at the default api-version (one that defines the field) when the index omits preview fields', async () => {
    await admin.config({ resourceGraphOmitsPreviewFields: true });
    try {
      await admin.clearRequests();
      const { facts } = await loadFleet(new FleetService(azureContext()));
      assert.deepEqual(Object.fromEntries(facts.map(f => [f.name, f.kms.kind])), EXPECTED_STATES);
      const gets = (await admin.requests()).filter(r => r.method === 'GET' && /managedClusters\//i.test(r.path));
      // Every cluster without Key Vault KMS is unknown to the index — except aks-stg-old: on Kubernetes 1.32 it cannot
      // be on platform keys, so it is known to be not encrypted without a GET.
      assert.equal(gets.length, 7);
      assert.ok(!gets.some(g => /managedClusters\/aks-stg-old\?/i.test(g.path)), 'no GET for the cluster below 1.33');
      assert.ok(gets.every(g => /api-version=2026-10-01(&|$)/.test(g.path)), 'GETs use the default api-version (stable 2026-10-01 defines the field)');
    } finally {
      await admin.config({ resourceGraphOmitsPreviewFields: false });
    }
  });

  it('an api-version without the field is not mistaken for "not encrypted" of a PMK cluster in a GET', async () => {
    const ctx = azureContext();
    const { facts } = await loadFleet(new FleetService(ctx));
    const pmk = facts.find(f => f.name === 'aks-prod-pmk')!;
    assert.equal((await new FleetService(ctx).getCluster(pmk.id)).kms.kind, 'pmk');
  });

  it('reads CMK facts: versionless key, vault resource ID, network access, user-assigned identity', async () => {
    const { facts } = await loadFleet(new FleetService(azureContext()));
    const priv = facts.find(f => f.name === 'aks-prod-cmk-private')!;
    assert.equal(priv.kms.keyVaultNetworkAccess, 'Private');
    assert.equal(priv.kms.key?.version, undefined);
    assert.equal(priv.kms.key?.name, 'aks-kms');
    assert.match(priv.kms.keyVaultResourceId ?? '', /\/providers\/Microsoft\.KeyVault\/vaults\/kvprodprivate$/i);
    assert.equal(priv.identity, 'userAssigned');
    assert.equal(priv.userAssignedIdentityIds.length, 1);
    const legacy = facts.find(f => f.name === 'aks-stg-legacy')!;
    assert.match(legacy.kms.key?.version ?? '', /^[0-9a-f]{32}$/);
    assert.equal(legacy.kms.infrastructureEncryption, false);
  });

  it('reads key versions and rotation age through ARM, even for a firewalled vault', async () => {
    const ctx = azureContext();
    const service = new FleetService(ctx);
    const { facts } = await loadFleet(service);
    const now = new Date();
    const ages: Record<string, number> = {};
    for (const name of ['aks-prod-cmk-public', 'aks-prod-cmk-private', 'aks-fab-cmk-public']) {
      const versions = await service.keyVersions(facts.find(f => f.name === name)!);
      ages[name] = ageInUnits(summarizeRotation(versions, now)!.currentAgeMs).value;
    }
    assert.deepEqual(ages, { 'aks-prod-cmk-public': 12, 'aks-prod-cmk-private': 30, 'aks-fab-cmk-public': 95 });
    const fabPrivate = summarizeRotation(await service.keyVersions(facts.find(f => f.name === 'aks-fab-cmk-private')!), now)!;
    assert.deepEqual(ageInUnits(fabPrivate.currentAgeMs), { value: 2, unit: 'hours' });
    assert.equal(fabPrivate.pendingPickup, true);
  });

  it('reads vault properties: RBAC, purge protection, firewall', async () => {
    const ctx = azureContext();
    const { facts } = await loadFleet(new FleetService(ctx));
    const vault = await getVault(ctx, facts.find(f => f.name === 'aks-prod-cmk-private')!.kms.keyVaultResourceId!);
    assert.equal(vault.name, 'kvprodprivate');
    assert.equal(vault.enableRbacAuthorization, true);
    assert.equal(vault.enablePurgeProtection, true);
    assert.equal(vault.networkDefaultAction, 'Deny');
    assert.equal(vault.networkBypass, 'AzureServices');
  });

  it('the data plane serves key versions for a public vault and the firewall blocks a private one', async () => {
    const ctx = azureContext();
    const { facts } = await loadFleet(new FleetService(ctx));
    const pub = facts.find(f => f.name === 'aks-prod-cmk-public')!.kms.key!;
    const versions = await listKeyVersionsFromDataPlane(ctx, pub.vaultUrl, pub.name);
    assert.equal(versions.length, 3);
    const priv = facts.find(f => f.name === 'aks-prod-cmk-private')!.kms.key!;
    await assert.rejects(listKeyVersionsFromDataPlane(ctx, priv.vaultUrl, priv.name), (err: { statusCode?: number; message?: string }) => {
      assert.equal(err.statusCode, 403);
      return true;
    });
  });
});
