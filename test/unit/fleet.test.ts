import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFactsFromRow, FleetRow, indexCarriesPreviewFields, reclassifiedFacts } from '../../src/kms/fleet';
import { mapWithConcurrency } from '../../src/kms/concurrency';
import { compareVersions, supportsNewKms } from '../../src/kms/kubernetesVersion';
import { parseArmId, sameArmId } from '../../src/kms/armId';
import { redactSecrets } from '../../src/kms/redact';

const row = (securityProfile?: FleetRow['securityProfile']): FleetRow => ({
  id: '/subscriptions/s1/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c',
  name: 'c', subscriptionId: 's1', resourceGroup: 'g', securityProfile, identity: { type: 'SystemAssigned' }, kubernetesVersion: '1.33.0',
});

describe('fleet rows', () => {
  it('detects whether the index carries the preview field', () => {
    assert.equal(indexCarriesPreviewFields([row(), row({})]), false);
    assert.equal(indexCarriesPreviewFields([row(), row({ kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } })]), true);
  });
  it('a row without the field is unknown unless the index is known to carry it', () => {
    assert.equal(clusterFactsFromRow(row({}), false).kms.kind, 'unknown');
    assert.equal(clusterFactsFromRow(row({}), true).kms.kind, 'notEncrypted');
    assert.equal(clusterFactsFromRow(row(null as unknown as undefined), true).kms.kind, 'notEncrypted');
  });
  it('below Kubernetes 1.33 a row without the field is not encrypted (no PMK there), so it needs no confirming read', () => {
    const old = (v: string | undefined, current?: string) => clusterFactsFromRow({ ...row({}), kubernetesVersion: v, currentKubernetesVersion: current }, false).kms.kind;
    assert.equal(old('1.32.6'), 'notEncrypted');
    assert.equal(old('1.33.0'), 'unknown');
    assert.equal(old(undefined), 'unknown', 'an unknown version proves nothing');
    assert.equal(old('1.32.6', '1.33.1'), 'unknown', 'the current version counts (an upgrade in progress)');
    // Key Vault KMS enabled is known whatever the version.
    assert.equal(clusterFactsFromRow({ ...row({ azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef' } }), kubernetesVersion: '1.30.0' }, false).kms.kind, 'legacy');
  });
  it('maps identity and version', () => {
    const f = clusterFactsFromRow(row(), true);
    assert.equal(f.identity, 'systemAssigned');
    assert.equal(f.kubernetesVersion, '1.33.0');
  });
  it('maps every column of a full row', () => {
    const uami = '/subscriptions/s1/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kms';
    const f = clusterFactsFromRow({
      ...row({ kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } }),
      location: 'eastus', provisioningState: 'Succeeded', currentKubernetesVersion: '1.33.2',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami]: {} } },
      apiServerAccessProfile: { enableVnetIntegration: true },
    }, false);
    assert.deepEqual(f, {
      id: '/subscriptions/s1/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c', name: 'c', subscriptionId: 's1', resourceGroup: 'g',
      location: 'eastus', kubernetesVersion: '1.33.2', provisioningState: 'Succeeded', identity: 'userAssigned', userAssignedIdentityIds: [uami],
      apiServerVnetIntegration: true, kms: { kind: 'pmk', infrastructureEncryption: true },
    });
  });
  it('null and missing columns (Resource Graph projects absent fields as null) become undefined, empty or false', () => {
    const f = clusterFactsFromRow({ ...row(null), identity: null, kubernetesVersion: null, currentKubernetesVersion: null, provisioningState: null, apiServerAccessProfile: null }, true);
    assert.equal(f.identity, 'none');
    assert.deepEqual(f.userAssignedIdentityIds, []);
    assert.equal(f.kubernetesVersion, undefined);
    assert.equal(f.provisioningState, undefined);
    assert.equal(f.apiServerVnetIntegration, false);
    assert.equal(f.kms.kind, 'notEncrypted');
  });
  it('API server VNet integration only when the profile says true', () => {
    const vnet = (apiServerAccessProfile: FleetRow['apiServerAccessProfile']) => clusterFactsFromRow({ ...row(), apiServerAccessProfile }, true).apiServerVnetIntegration;
    assert.deepEqual([vnet({ enableVnetIntegration: true }), vnet({ enableVnetIntegration: false }), vnet({}), vnet(undefined)], [true, false, false, false]);
  });
  it('once a later page shows the field, the rows reported before it are classified again, and only what changed is reported', () => {
    const pmkProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
    const cmkProfile = { azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/keys/k' } };
    const plainRow = { ...row({}), id: `${row().id}1` };
    const cmkRow = { ...row(cmkProfile), id: `${row().id}2` };
    const oldRow = { ...row({}), id: `${row().id}3`, kubernetesVersion: '1.30.0' };
    const laterRow = { ...row(pmkProfile), id: `${row().id}4` };
    const before = [plainRow, cmkRow, oldRow].map(r => clusterFactsFromRow(r, false));
    const reported = [...before, clusterFactsFromRow(laterRow, true)];
    assert.deepEqual(reported.map(f => f.kms.kind), ['unknown', 'cmk', 'notEncrypted', 'pmk']);

    const { facts, changed } = reclassifiedFacts(reported, [plainRow, cmkRow, oldRow].map(r => r.securityProfile));
    assert.deepEqual(facts, [...[plainRow, cmkRow, oldRow].map(r => clusterFactsFromRow(r, true)), reported[3]], 'the same facts as rows read with the field known');
    assert.equal(facts[3], reported[3], 'rows after the unsure ones are kept as they are');
    // The unknown row is now known, and the CMK row now knows that infrastructure encryption is off; the old row
    // (already read as if the field were known) says the same as before.
    assert.deepEqual(changed.map(f => f.id), [plainRow.id, cmkRow.id]);
    assert.equal(changed[1].kms.infrastructureEncryption, false);
    assert.deepEqual(reclassifiedFacts(reported, []), { facts: reported, changed: [] });
  });
});

describe('helpers', () => {
  it('compareVersions is numeric', () => {
    assert.ok(compareVersions('1.9', '1.33') < 0);
    assert.ok(compareVersions('1.33.0', '1.33') === 0);
    assert.ok(compareVersions('1.34.1', '1.33.9') > 0);
    assert.equal(supportsNewKms('1.32.9'), false);
    assert.equal(supportsNewKms('1.33.0'), true);
    assert.equal(supportsNewKms(undefined), false);
  });
  it('parseArmId', () => {
    const id = parseArmId('/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v');
    assert.deepEqual({ ...id }, { id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v', subscriptionId: 's', resourceGroup: 'g', provider: 'Microsoft.KeyVault', type: 'vaults', name: 'v' });
    assert.equal(parseArmId('/subscriptions/s'), undefined);
    assert.ok(sameArmId('/subscriptions/S/x', '/subscriptions/s/X'));
  });
  it('mapWithConcurrency keeps order and bounds parallelism', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async n => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise(r => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
  it('redactSecrets removes JWTs and bearer tokens', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJvaWQiOiIxMjM0NTYifQ.c2lnbmF0dXJl';
    const out = redactSecrets(`token ${jwt} Authorization: Bearer abc.def-ghi url?access_token=xyz&x=1`);
    assert.ok(!out.includes(jwt));
    assert.ok(!out.includes('abc.def-ghi'));
    assert.ok(!out.includes('xyz'));
    assert.match(out, /<redacted-token>/);
  });
});
