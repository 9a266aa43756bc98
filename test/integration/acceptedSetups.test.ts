/**
 * The setups the documentation supports, end to end through the real SDK clients against the emulator (which plays
 * the corrected rules of AZURE.md): each ends in the exact expected securityProfile and identity.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { armClientOptions } from '../../src/azure/azureContext';
import { getVault } from '../../src/azure/keyVault';
import { getIdentity } from '../../src/azure/identities';
import { prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { createRoleAssignment, listRoleAssignmentsFor } from '../../src/azure/roleAssignments';
import { ROLES } from '../../src/kms/enable/config';
import { admin, assertBlockedWithoutWrites, azureContext, clusterId, info, resetFast, runFlow, SUB1, SUB2, writes } from './support/azure';

const vaultIdOf = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
const identityIdOf = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const keyUrl = async (vaultId: string, key: string) => `${(await getVault(azureContext(), vaultId)).vaultUri.replace(/\/+$/, '')}/keys/${key}`;

/** The final cluster, read back through ARM: its whole securityProfile and its identity. */
async function endState(id: string): Promise<{ securityProfile: unknown; identity: unknown }> {
  const cluster = await new ManagedClustersAdapter(azureContext()).get(id);
  return { securityProfile: cluster.properties?.securityProfile, identity: cluster.identity };
}

/** The new KMS experience with a customer-managed key: the versionless key, the vault, its network access, infrastructure encryption. */
async function cmkProfile(vaultId: string, key: string, access: 'Public' | 'Private') {
  return {
    azureKeyVaultKms: { enabled: true, keyId: await keyUrl(vaultId, key), keyVaultNetworkAccess: access, keyVaultResourceId: vaultId },
    kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
  };
}

/** The cluster runs as this one user-assigned identity (ARM fills in its principal and client IDs). */
async function userAssigned(identityId: string) {
  const identity = await getIdentity(azureContext(), identityId);
  assert.ok(identity?.clientId);
  return { type: 'UserAssigned', userAssignedIdentities: { [identityId]: { principalId: identity.principalId, clientId: identity.clientId } } };
}

describe('documented setups are accepted (emulator, real SDK clients)', () => {
  beforeEach(resetFast);

  it('system-assigned cluster + CMK: the update converts the control-plane identity; Network Contributor on its subnet first', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-sysid');
    const vaultId = vaultIdOf(SUB2, 'rg-stg', 'kvsysid01');
    const identityId = identityIdOf(SUB2, 'rg-stg', 'id-sysid-kms');
    const { prepared, outcome, clusters } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'new', name: 'kvsysid01', resourceGroup: 'rg-stg', location: 'eastus' }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'new', name: 'id-sysid-kms', resourceGroup: 'rg-stg', location: 'eastus' },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.ok(prepared.findings.some(f => f.code === 'control-plane-identity-change' && f.severity === 'warning'));
    const subnetFinding = prepared.findings.find(f => f.code === 'subnet-role-for-new-identity');
    assert.ok(subnetFinding, JSON.stringify(prepared.findings));
    // The seeded system identity holds Network Contributor on the subnet (read from its role assignments).
    assert.match(subnetFinding.message, / The current control-plane identity holds Network Contributor \(or Contributor or Owner\) on nodes-subnet, and the new identity needs it there too\.$/);
    assert.deepEqual(outcome.securityProfile, await cmkProfile(vaultId, 'aks-kms', 'Public'));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'aks-kms', 'Public'), identity: await userAssigned(identityId) });
    const cluster = await clusters.get(id);
    const subnet = (cluster.properties?.agentPoolProfiles as { vnetSubnetID: string }[])[0].vnetSubnetID;
    const w = await writes();
    const subnetRole = w.findIndex(x => x.startsWith(`PUT ${subnet}/providers/Microsoft.Authorization/roleAssignments/`));
    assert.ok(subnetRole >= 0 && subnetRole < w.indexOf(`PUT ${id}`), w.join('\n'));
    const newPrincipal = await principalOf(identityId);
    const atSubnet = await listRoleAssignmentsFor(azureContext(), subnet, undefined, newPrincipal);
    assert.ok(atSubnet.some(a => a.scope.toLowerCase() === subnet.toLowerCase() && a.roleGuid === ROLES.networkContributor), JSON.stringify(atSubnet));
  });

  it('service-principal cluster (no managed identity): preflight refuses CMK with the fix az aks update --enable-managed-identity, and nothing is written', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-sp');
    const json = await new ManagedClustersAdapter(azureContext()).get(id);
    assert.equal(json.identity, undefined, 'the seeded cluster has no managed identity');
    assert.match(String((json.properties?.servicePrincipalProfile as { clientId?: string } | undefined)?.clientId), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const ctx = azureContext();
    const prepared = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), {
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'new', name: 'kvsp01', resourceGroup: 'rg-stg', location: 'eastus' }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'new', name: 'id-sp-kms', resourceGroup: 'rg-stg', location: 'eastus' },
    }, { featurePollMs: 200 });
    assert.equal(prepared.blocked, true);
    const refusal = prepared.findings.find(f => f.code === 'service-principal-cluster');
    assert.equal(refusal?.severity, 'error', JSON.stringify(prepared.findings));
    assert.match(refusal.message, /az aks update --enable-managed-identity/);
    const requests = await admin.requests();
    assert.ok(requests.some(r => r.method === 'GET' && r.path.startsWith(id)), 'the cluster was read (the log is live)');
    assert.deepEqual(requests.filter(r => r.method === 'PUT').map(r => r.path), [], 'no PUT');
    assert.deepEqual(await writes(), [], 'no write of any kind');
    // Platform keys too: the new experience runs only on managed-identity clusters ([kms-concepts] "Requirements").
    await assertBlockedWithoutWrites({ kind: 'pmk', clusterId: id }, 'service-principal-cluster');
    assert.deepEqual(await endState(id), { securityProfile: {}, identity: undefined }, 'the cluster is as it was: no KMS, no managed identity');
  });

  it('Private without API Server VNet Integration: allowed in the new experience, reached as a trusted service', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-novnet');
    const vaultId = vaultIdOf(SUB2, 'rg-stg', 'kvnovnet01');
    const identityId = identityIdOf(SUB2, 'rg-stg', 'id-aks-stg-novnet');
    const { outcome, clusters } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Private',
      vault: { kind: 'new', name: 'kvnovnet01', resourceGroup: 'rg-stg', location: 'eastus' }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: identityId },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'aks-kms', 'Private'), identity: await userAssigned(identityId) });
    assert.notEqual((await clusters.get(id)).properties?.apiServerAccessProfile?.enableVnetIntegration, true, 'the cluster still has no VNet Integration');
    const vault = await getVault(azureContext(), vaultId);
    assert.equal(vault.networkDefaultAction, 'Deny');
    assert.equal(vault.networkBypass, 'AzureServices');
  });

  it('legacy KMS (versioned key) with Private still needs VNet Integration: the emulator answers the documented 400', async () => {
    const id = clusterId(SUB2, 'rg-stg', 'aks-stg-novnet');
    const clusters = new ManagedClustersAdapter(azureContext());
    const cluster = await clusters.get(id);
    const legacyKey = `${await keyUrl(vaultIdOf(SUB2, 'rg-stg', 'kvstglegacy'), 'etcd-key')}/0123456789abcdef0123456789abcdef`;
    cluster.properties!.securityProfile = { azureKeyVaultKms: { enabled: true, keyId: legacyKey, keyVaultNetworkAccess: 'Private', keyVaultResourceId: vaultIdOf(SUB2, 'rg-stg', 'kvstglegacy') } };
    await assert.rejects(clusters.put(id, cluster, () => undefined), (err: { statusCode?: number; message?: string }) =>
      err.statusCode === 400 && /Vnet integration should be enabled when KeyVault network access is Private/.test(err.message ?? ''));
    assert.deepEqual(await endState(id), { securityProfile: {}, identity: await userAssigned(identityIdOf(SUB2, 'rg-stg', 'id-aks-stg-novnet')) }, 'refused: the cluster is unchanged');
  });

  it('Private + existing firewalled vault without the bypass and without the key: key created through ARM, bypass set, one version', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const vaultId = vaultIdOf(SUB1, 'rg-prod-secure', 'kvprodprivate');
    // The seeded private vault lets trusted services through; take that away first (as some real vaults are).
    const kv = new KeyVaultManagementClient(azureContext().credential, SUB1, armClientOptions(azureContext()));
    await kv.vaults.update('rg-prod-secure', 'kvprodprivate', { properties: { networkAcls: { defaultAction: 'Deny', bypass: 'None' } } });
    await admin.clearRequests();
    const { prepared, outcome } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Private',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'new', name: 'fresh-key' },
      identity: { kind: 'existing', id: identityIdOf(SUB1, 'rg-prod', 'id-aks-prod-plain') },
    });
    assert.ok(!prepared.findings.some(f => f.code === 'vault-no-trusted-bypass' || f.code === 'vault-firewall-blocks-key-create'), JSON.stringify(prepared.findings));
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'fresh-key', 'Private'), identity: await userAssigned(identityIdOf(SUB1, 'rg-prod', 'id-aks-prod-plain')) });
    const versions = [];
    for await (const v of kv.keys.listVersions('rg-prod-secure', 'kvprodprivate', 'fresh-key')) versions.push(v);
    assert.equal(versions.length, 1);
    const vault = await getVault(azureContext(), vaultId);
    assert.equal(vault.networkBypass, 'AzureServices');
    assert.ok((await writes()).includes(`PUT ${vaultId}/keys/fresh-key`));
  });

  it('a role on a single key of the vault is not the role on the vault: the plan still assigns Key Vault Crypto User at the vault', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const vaultId = vaultIdOf(SUB1, 'rg-prod', 'kvprodpublic');
    const identityId = identityIdOf(SUB1, 'rg-prod', 'id-aks-prod-plain');
    const principal = await principalOf(identityId);
    const keyScope = `${vaultId}/keys/aks-kms`;
    assert.equal(await createRoleAssignment(azureContext(), { scope: keyScope, name: randomUUID(), principalId: principal, principalType: 'ServicePrincipal', roleGuid: ROLES.keyVaultCryptoUser }), 'created');
    const listed = await listRoleAssignmentsFor(azureContext(), vaultId, undefined, principal);
    assert.deepEqual(listed.map(a => [a.scope.toLowerCase(), a.roleGuid]), [[keyScope.toLowerCase(), ROLES.keyVaultCryptoUser]], 'ARM lists the key-scoped assignment for the vault');
    await admin.clearRequests();
    const { outcome } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'existing', name: 'aks-kms' }, identity: { kind: 'existing', id: identityId },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.equal(outcome.result.steps.assignCryptoUserToIdentity, 'done', 'assigned by this run, not skipped as held');
    const atVault = (await listRoleAssignmentsFor(azureContext(), vaultId, undefined, principal)).filter(a => a.scope.toLowerCase() === vaultId.toLowerCase());
    assert.ok(atVault.some(a => a.roleGuid === ROLES.keyVaultCryptoUser), JSON.stringify(atVault));
    assert.ok((await writes()).some(w => w.startsWith(`PUT ${vaultId}/providers/Microsoft.Authorization/roleAssignments/`)));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'aks-kms', 'Public'), identity: await userAssigned(identityId) });
  });

  it('access-policy vault: an access policy (encrypt, decrypt) for the identity, the permission model is kept', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const { kv, vaultId } = await accessPolicyVault('kvpolicy01');
    await admin.clearRequests();
    const identityId = identityIdOf(SUB1, 'rg-prod', 'id-aks-prod-plain');
    const { prepared, outcome } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'new', name: 'aks-kms' }, identity: { kind: 'existing', id: identityId },
    });
    assert.ok(prepared.findings.some(f => f.code === 'vault-access-policies'));
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'aks-kms', 'Public'), identity: await userAssigned(identityId) });
    const vault = await kv.vaults.get('rg-prod', 'kvpolicy01');
    assert.equal(vault.properties.enableRbacAuthorization, false, 'the permission model is never switched');
    const principal = await principalOf(identityId);
    const policy = vault.properties.accessPolicies?.find(p => p.objectId === principal);
    assert.deepEqual([...(policy?.permissions.keys ?? [])].sort(), ['decrypt', 'encrypt']);
    const w = await writes();
    assert.ok(w.includes(`PUT ${vaultId}/accessPolicies/add`), w.join('\n'));
    assert.equal(w.filter(x => /roleAssignments/.test(x)).length, 1, 'only Key Vault Contributor through ARM RBAC');
  });

  it('access-policy vault, answers lost after the key, the access policy and the role were written: the SDK re-sends each, every step is done, nothing twice', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const { kv, vaultId } = await accessPolicyVault('kvpolicy02');
    const identityId = identityIdOf(SUB1, 'rg-prod', 'id-aks-prod-plain');
    const before = await admin.resources();
    const path = vaultId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await admin.injectFaults(
      { match: { method: 'PUT', pathRegex: `^${path}/keys/aks-kms$` }, fault: 'lostResponse', times: 1 },
      { match: { method: 'PUT', pathRegex: `^${path}/accessPolicies/add$` }, fault: 'lostResponse', times: 1 },
      { match: { method: 'PUT', pathRegex: `^${path}/providers/Microsoft\\.Authorization/roleAssignments/[^/]+$` }, fault: 'lostResponse', times: 1 },
    );
    await admin.clearRequests();
    const { outcome } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'new', name: 'aks-kms' }, identity: { kind: 'existing', id: identityId },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.deepEqual(await endState(id), { securityProfile: await cmkProfile(vaultId, 'aks-kms', 'Public'), identity: await userAssigned(identityId) });
    assert.deepEqual((await admin.faults()).map(f => f.hits), [1, 1, 1], 'each answer was lost once');
    for (const step of ['createKey', 'grantAccessPolicyToIdentity', 'assignContributorToIdentity', 'updateCluster'] as const) {
      assert.equal(outcome.result.steps[step], 'done', `${step}: made by this run`);
    }
    const lost = (await admin.requests()).filter(r => r.responseLost).map(r => `${r.method} ${r.path.split('?')[0]}`);
    const sent = await writes();
    for (const l of lost) assert.equal(sent.filter(x => x === l).length, 2, `${l}: sent again by the SDK`);
    const after = await admin.resources();
    assert.deepEqual(after.keys[`${vaultId}/keys/aks-kms`], 1, 'one key version');
    assert.deepEqual(after.roleAssignments.filter(a => !before.roleAssignments.includes(a)), [`${vaultId}|${await principalOf(identityId)}|${ROLES.keyVaultContributor}`.toLowerCase()]);
    const policies = (await kv.vaults.get('rg-prod', 'kvpolicy02')).properties.accessPolicies ?? [];
    assert.deepEqual(policies.map(p => [p.objectId, [...(p.permissions.keys ?? [])].sort()]), [[await principalOf(identityId), ['decrypt', 'encrypt']]], 'one policy, its permissions once');
  });
});

/** A new vault of subscription 1 (rg-prod) with the access-policy permission model and no policy yet. */
async function accessPolicyVault(name: string): Promise<{ kv: KeyVaultManagementClient; vaultId: string }> {
  const kv = new KeyVaultManagementClient(azureContext().credential, SUB1, armClientOptions(azureContext()));
  await kv.vaults.createOrUpdate('rg-prod', name, {
    location: 'eastus',
    properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: false, enableSoftDelete: true, enablePurgeProtection: true, accessPolicies: [] },
  }, { updateIntervalInMs: 50 });
  return { kv, vaultId: vaultIdOf(SUB1, 'rg-prod', name) };
}

async function principalOf(identityId: string): Promise<string> {
  const identity = await getIdentity(azureContext(), identityId);
  assert.ok(identity);
  return identity.principalId;
}
