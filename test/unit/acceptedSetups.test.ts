/**
 * Setups the documentation supports and the plan must accept (issue: "No false refusals"): a system-assigned cluster
 * is converted by the update, Private needs no API Server VNet Integration, a firewalled vault without the key or
 * without the trusted-services bypass is completed by the plan, an access-policy vault keeps its model. Each case
 * runs the whole plan against the fake Azure and checks the exact end state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scopeCoversScope } from '../../src/kms/armId';
import { CmkConfig, ROLES } from '../../src/kms/enable/config';
import type { EnableFacts, SubnetFacts, VaultFacts } from '../../src/kms/enable/facts';
import { buildPlan } from '../../src/kms/enable/plan';
import { hasBlockingFindings, missingKeyOps, preflight } from '../../src/kms/enable/preflight';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { runPlan } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kms`;
const SUBNET_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes`;

const existingVault = (over: Partial<VaultFacts> = {}): VaultFacts => ({
  id: VAULT_ID, name: 'kvexist', vaultUri: 'https://kvexist.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true,
  enablePurgeProtection: true, publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded', ...over,
});

const config = (networkAccess: 'Public' | 'Private' = 'Public', key: 'new' | 'existing' = 'new'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess, vault: { kind: 'existing', id: VAULT_ID }, key: { kind: key, name: 'kms-key' },
  identity: { kind: 'new', name: 'id-kms', resourceGroup: 'rg', location: 'eastus' },
});

async function factsOf(world: FakeWorld, c: CmkConfig, subnets: SubnetFacts[] = []): Promise<EnableFacts> {
  const ports = fakePorts(world);
  const cluster = await ports.getCluster(CLUSTER_ID);
  const vault = await ports.getVault(VAULT_ID);
  return {
    cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: world.feature, vault,
    key: vault ? await ports.getKey(vault, c.key.name) : undefined,
    identity: await ports.getIdentity(IDENTITY_ID),
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: world.roles.map(r => ({ scope: r.scope, principalId: r.principalId, roleGuid: r.roleGuid })),
    subnets, keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-12-01T00:00:00Z'),
  };
}

async function runAll(world: FakeWorld, c: CmkConfig, subnets: SubnetFacts[] = []) {
  const facts = await factsOf(world, c, subnets);
  const findings = preflight(c, facts);
  assert.equal(hasBlockingFindings(findings), false, JSON.stringify(findings.filter(f => f.severity === 'error')));
  const plan = buildPlan(c, facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 'tenant-1' });
  const result = await runPlan(plan.steps, () => undefined);
  assert.equal(result.status, 'succeeded', JSON.stringify(result));
  return { findings, plan, cluster: world.clusters.get(CLUSTER_ID)! };
}

const expectedKms = (networkAccess: 'Public' | 'Private') => ({
  azureKeyVaultKms: { enabled: true, keyId: 'https://kvexist.vault.azure.net/keys/kms-key', keyVaultNetworkAccess: networkAccess, keyVaultResourceId: VAULT_ID },
  kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
});

describe('setups the documentation supports are accepted and end in the exact state', () => {
  it('system-assigned cluster: warned, then converted to the chosen user-assigned identity by the update', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    world.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    const { findings, cluster } = await runAll(world, config());
    assert.ok(findings.some(f => f.code === 'control-plane-identity-change' && f.severity === 'warning'), JSON.stringify(findings));
    assert.deepEqual(cluster.identity, { type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: {} } });
    assert.deepEqual(cluster.properties?.securityProfile, expectedKms('Public'));
  });

  it('system-assigned cluster on a custom subnet: the plan gives the new identity Network Contributor on the subnet before the update', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    world.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    const { findings, plan } = await runAll(world, config(), [{ id: SUBNET_ID, currentIdentityHasRole: true }]);
    assert.ok(findings.some(f => f.code === 'subnet-role-for-new-identity'), JSON.stringify(findings));
    assert.ok(world.roles.some(r => r.scope === SUBNET_ID && r.roleGuid === ROLES.networkContributor && r.principalId === 'p-id-kms'));
    assert.ok(plan.steps.find(s => s.id === 'updateCluster')!.dependsOn.includes('assignNetworkContributorToIdentity'));
    const writes = world.writes;
    assert.ok(writes.indexOf(`role ${ROLES.networkContributor.slice(0, 8)} p-id-kms`) < writes.indexOf('putCluster'), writes.join(' | '));
  });

  it('no subnet step when the new identity already holds the role, or when the identity does not change', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    world.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    const held = await runAll(world, config(), [{ id: SUBNET_ID, newIdentityHasRole: true }]);
    assert.ok(!held.plan.steps.some(s => s.id === 'assignNetworkContributorToIdentity'));
    assert.ok(!held.findings.some(f => f.code === 'subnet-role-for-new-identity'));

    // The cluster already runs as the chosen identity: nothing changes, so nothing is assigned on the subnet.
    const same = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    same.clusters.set(CLUSTER_ID, { ...clusterJson(), identity: { type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: { principalId: 'p-id-kms' } } } });
    const unchanged = await runAll(same, config(), [{ id: SUBNET_ID, currentIdentityHasRole: true }]);
    assert.ok(!unchanged.plan.steps.some(s => s.id === 'assignNetworkContributorToIdentity'), unchanged.plan.steps.map(s => s.id).join(','));
    assert.ok(!unchanged.findings.some(f => f.code === 'subnet-role-for-new-identity'), JSON.stringify(unchanged.findings));
    assert.ok(!same.roles.some(r => r.roleGuid === ROLES.networkContributor));
  });

  it('Private without API Server VNet Integration: allowed, the firewall is locked with the trusted-services bypass', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    world.clusters.set(CLUSTER_ID, clusterJson({ apiServerAccessProfile: { enableVnetIntegration: false } }));
    const { cluster } = await runAll(world, config('Private'));
    assert.deepEqual(cluster.properties?.securityProfile, expectedKms('Private'));
    const vault = world.vaults.get(VAULT_ID.toLowerCase())!;
    assert.equal(vault.networkDefaultAction, 'Deny');
    assert.equal(vault.networkBypass, 'AzureServices');
  });

  it('Private + existing firewalled vault without the bypass and without the key: key created (ARM), bypass set by the plan', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault({ networkDefaultAction: 'Deny', networkBypass: 'None' })]]) });
    const { findings, cluster } = await runAll(world, config('Private'));
    assert.ok(!findings.some(f => f.code === 'vault-no-trusted-bypass'), JSON.stringify(findings));
    assert.deepEqual(world.writes.filter(w => w.startsWith('createKey')), ['createKey kms-key']);
    assert.equal(world.vaults.get(VAULT_ID.toLowerCase())!.networkBypass, 'AzureServices');
    assert.deepEqual(cluster.properties?.securityProfile, expectedKms('Private'));
  });

  it('Public + firewalled vault without the bypass stays an error (nothing in the plan would let AKS through)', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault({ networkDefaultAction: 'Deny', networkBypass: 'None' })]]) });
    const findings = preflight(config('Public'), await factsOf(world, config('Public')));
    assert.ok(findings.some(f => f.code === 'vault-no-trusted-bypass' && f.severity === 'error'), JSON.stringify(findings));
  });

  it('access-policy vault: an access policy (encrypt, decrypt) for the identity, no Key Vault data roles, the model is kept', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault({ enableRbacAuthorization: false, accessPolicies: [] })]]) });
    const { findings, plan, cluster } = await runAll(world, config());
    assert.ok(findings.some(f => f.code === 'vault-access-policies' && f.severity === 'info'));
    assert.ok(world.writes.includes('accessPolicy p-id-kms encrypt,decrypt'), world.writes.join(' | '));
    const ids = plan.steps.map(s => s.id);
    assert.ok(!ids.includes('assignCryptoUserToIdentity') && !ids.includes('assignCryptoOfficerToUser'), ids.join(','));
    assert.ok(world.roles.some(r => r.roleGuid === ROLES.keyVaultContributor && r.principalId === 'p-id-kms'), 'Key Vault Contributor through ARM RBAC as before');
    assert.ok(!world.roles.some(r => r.roleGuid === ROLES.keyVaultCryptoUser));
    assert.equal(world.vaults.get(VAULT_ID.toLowerCase())!.enableRbacAuthorization, false);
    assert.deepEqual(cluster.properties?.securityProfile, expectedKms('Public'));
  });

  it('access-policy vault that already grants encrypt and decrypt: the step is predicted done and writes nothing', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault({ enableRbacAuthorization: false, accessPolicies: [{ objectId: 'p-id-kms', keyPermissions: ['Decrypt', 'Encrypt', 'get'] }] })]]) });
    world.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-kms', principalId: 'p-id-kms' });
    const { plan } = await runAll(world, config());
    assert.equal(plan.preview.find(p => p.id === 'grantAccessPolicyToIdentity')?.alreadyDone, true);
    assert.ok(!world.writes.some(w => w.startsWith('accessPolicy')), world.writes.join(' | '));
  });

  it('the Crypto Officer assignment uses the principal type from the token', async () => {
    const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
    const c = config();
    const facts = { ...(await factsOf(world, c)), user: { objectId: USER_OID, canAssignRoles: true, principalType: 'ServicePrincipal' as const } };
    const specs: string[] = [];
    const ports = fakePorts(world);
    const plan = buildPlan(c, facts, { ...ports, createRoleAssignment: async spec => { specs.push(`${spec.roleGuid}:${spec.principalType}`); return ports.createRoleAssignment(spec); } }, { featurePollMs: 1, featureTimeoutMs: 1, tenantId: 't' });
    await runPlan(plan.steps, () => undefined);
    assert.ok(specs.includes(`${ROLES.keyVaultCryptoOfficer}:ServicePrincipal`), specs.join(' '));
  });
});

describe('"already holds the role" counts only the vault scope or above', () => {
  const cases: [string, string, boolean][] = [
    ['the vault itself', VAULT_ID, true],
    ['its resource group', `/subscriptions/${SUB}/resourceGroups/rg-kv`, true],
    ['its subscription', `/subscriptions/${SUB}`, true],
    ['a management group', '/providers/Microsoft.Management/managementGroups/mg1', true],
    ['the tenant root', '/', true],
    ['a single key of the vault', `${VAULT_ID}/keys/kms-key`, false],
    ['another vault', `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist2`, false],
    ['another resource group', `/subscriptions/${SUB}/resourceGroups/rg-kv2`, false],
  ];
  for (const [name, scope, counts] of cases) {
    it(`${name}: ${counts ? 'counts' : 'does not count'}`, async () => {
      assert.equal(scopeCoversScope(scope, VAULT_ID), counts);
      // In the plan: a Crypto User assignment there makes the step predicted done (or not).
      const world = newWorld({ vaults: new Map([[VAULT_ID.toLowerCase(), existingVault()]]) });
      world.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-kms', principalId: 'p-id-kms' });
      world.roles.push({ scope, principalId: 'p-id-kms', roleGuid: ROLES.keyVaultCryptoUser, name: 'x' });
      const c = config();
      const plan = buildPlan(c, await factsOf(world, c), fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 1, tenantId: 't' });
      assert.equal(plan.preview.find(p => p.id === 'assignCryptoUserToIdentity')?.alreadyDone, counts);
    });
  }
});

describe('key_ops', () => {
  const cases: [readonly string[] | undefined, string[]][] = [
    [undefined, []],
    [[], []],
    [['encrypt', 'decrypt', 'wrapKey'], []],
    [['Encrypt', 'DECRYPT'], []],
    [['encrypt'], ['decrypt']],
    [['sign', 'verify'], ['encrypt', 'decrypt']],
  ];
  for (const [ops, missing] of cases) {
    it(`${JSON.stringify(ops)} → missing ${JSON.stringify(missing)}`, () => assert.deepEqual(missingKeyOps(ops), missing));
  }
});
