import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import { ROLES } from '../../src/kms/enable/config';
import type { EnableFacts } from '../../src/kms/enable/facts';
import { buildPlan } from '../../src/kms/enable/plan';
import { renderAzScript } from '../../src/kms/enable/azScript';
import { roleAssignmentName } from '../../src/kms/enable/roleAssignmentName';
import { hasBlockingFindings, preflight } from '../../src/kms/enable/preflight';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { runPlan, StepEvent } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';
import { recordingPorts } from './recordingPorts';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;

const cmkNew = (networkAccess: 'Public' | 'Private' = 'Public'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess,
  vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' },
  key: { kind: 'new', name: 'aks-kms' },
  identity: { kind: 'existing', id: IDENTITY_ID },
});

/** Reads facts the way src/azure would, from the fake world. */
async function readFacts(world: FakeWorld, config: EnableConfig): Promise<EnableFacts> {
  const ports = fakePorts(world);
  const cluster = await ports.getCluster(CLUSTER_ID);
  const vaultId = config.kind === 'cmk' ? (config.vault.kind === 'new' ? VAULT_ID : config.vault.id) : undefined;
  const vault = vaultId ? await ports.getVault(vaultId) : undefined;
  return {
    cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: world.feature, vault,
    vaultNameAvailable: true,
    key: vault && config.kind === 'cmk' ? await ports.getKey(vault, config.key.name) : undefined,
    identity: config.kind === 'cmk' ? await ports.getIdentity(config.identity.kind === 'existing' ? config.identity.id : IDENTITY_ID) : undefined,
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: world.roles.map(r => ({ scope: r.scope, principalId: r.principalId, roleGuid: r.roleGuid })),
    keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-11-28T00:00:00Z'),
  };
}

async function run(world: FakeWorld, config: EnableConfig, events: StepEvent[] = []) {
  const facts = await readFacts(world, config);
  const plan = buildPlan(config, facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
  const result = await runPlan(plan.steps, e => events.push(e));
  return { plan, result, facts };
}

function withIdentity(world: FakeWorld): FakeWorld {
  world.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' });
  return world;
}

describe('CMK plan against a fake Azure', () => {
  it('public vault: creates vault, roles, key; updates the cluster; the profile is exactly as expected; unknown fields survive', async () => {
    const world = withIdentity(newWorld());
    const { result } = await run(world, cmkNew());
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    const cluster = world.clusters.get(CLUSTER_ID)!;
    assert.deepEqual(cluster.properties?.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: 'https://kvnew01.vault.azure.net/keys/aks-kms', keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    assert.deepEqual(cluster.properties?.futureField, { keep: 'me' });
    assert.deepEqual(cluster.identity, { type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: {} } });
    assert.deepEqual(world.roles.map(r => [r.principalId, r.roleGuid]).sort(), [
      ['aaaaaaaa-0000-4000-8000-000000000001', ROLES.keyVaultCryptoOfficer], ['p-id-aks1', ROLES.keyVaultContributor], ['p-id-aks1', ROLES.keyVaultCryptoUser],
    ].sort());
    assert.ok(world.roles.every(r => r.name === roleAssignmentName(r.scope, r.principalId, r.roleGuid)), 'deterministic names');
    assert.ok(!world.writes.some(w => w.startsWith('updateVault')), 'a public vault is not firewalled');
  });

  it('private vault: the firewall is locked only after the key exists', async () => {
    const world = withIdentity(newWorld());
    const events: StepEvent[] = [];
    const { result } = await run(world, cmkNew('Private'), events);
    assert.equal(result.status, 'succeeded');
    const keyIndex = world.writes.indexOf('createKey aks-kms');
    const lockIndex = world.writes.findIndex(w => w.includes('"networkDefaultAction":"Deny"'));
    assert.ok(keyIndex >= 0 && lockIndex > keyIndex, world.writes.join('\n'));
    assert.ok(world.writes.indexOf('putCluster') > lockIndex);
    assert.equal(world.clusters.get(CLUSTER_ID)!.properties?.securityProfile?.azureKeyVaultKms?.keyVaultNetworkAccess, 'Private');
  });

  it('re-running a finished plan writes nothing (every step is idempotent)', async () => {
    const world = withIdentity(newWorld());
    await run(world, cmkNew('Private'));
    const writes = world.writes.length;
    const events: StepEvent[] = [];
    const { result, plan } = await run(world, cmkNew('Private'), events);
    assert.equal(result.status, 'succeeded');
    assert.equal(world.writes.length, writes, `no new writes: ${world.writes.slice(writes).join(', ')}`);
    const predicted = plan.preview.filter(p => !p.alreadyDone).map(p => p.id);
    assert.deepEqual(predicted, ['verify'], 'only verification is predicted to run');
  });

  it('resumes after a failed cluster update without creating anything twice', async () => {
    const world = withIdentity(newWorld({ failClusterPut: Object.assign(new Error('Internal error'), { statusCode: 500 }) }));
    const first = await run(world, cmkNew());
    assert.equal(first.result.status, 'failed');
    assert.equal(first.result.failedStep, 'updateCluster');
    const writesAfterFailure = [...world.writes];
    world.failClusterPut = undefined;
    const second = await run(world, cmkNew());
    assert.equal(second.result.status, 'succeeded');
    assert.deepEqual(world.writes.slice(writesAfterFailure.length), ['putCluster']);
  });

  it('a role assignment whose answer was lost (the re-sent PUT says 409 RoleAssignmentExists) is reported as made by this run', async () => {
    // Every create's first answer is lost: the assignment exists under the step's deterministic name.
    const world = withIdentity(newWorld({ lostRoleAssignmentAnswers: 3 }));
    const events: StepEvent[] = [];
    const { result } = await run(world, cmkNew(), events);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    for (const step of ['assignCryptoOfficerToUser', 'assignCryptoUserToIdentity', 'assignContributorToIdentity'] as const) {
      assert.equal(result.steps[step], 'done', step);
      assert.ok(events.some(e => e.stepId === step && e.status === 'done' && /answer to the first attempt was lost/.test(e.message ?? '')), step);
    }
    assert.equal(world.roles.length, 3, 'one assignment per role');
  });

  it('409 RoleAssignmentExists for an assignment under another name (made outside the plan meanwhile) stays "already assigned"', async () => {
    const world = withIdentity(newWorld());
    const base = fakePorts(world);
    const facts = await readFacts(world, cmkNew());
    // Someone else assigns the identity's Crypto User role (under their own name) after the step's check.
    let raced = false;
    const ports = {
      ...base,
      async createRoleAssignment(spec: Parameters<typeof base.createRoleAssignment>[0]) {
        if (!raced && spec.roleGuid === ROLES.keyVaultCryptoUser) {
          raced = true;
          world.roles.push({ scope: spec.scope, principalId: spec.principalId, roleGuid: spec.roleGuid, name: '0f0f0f0f-0000-4000-8000-000000000000' });
        }
        return base.createRoleAssignment(spec);
      },
    };
    const plan = buildPlan(cmkNew(), facts, ports, { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
    const result = await runPlan(plan.steps, () => undefined);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.assignCryptoUserToIdentity, 'skipped');
    assert.equal(result.steps.assignContributorToIdentity, 'done');
  });

  it('registers the preview feature, waits for Registered, then re-registers the provider, overlapping vault work', async () => {
    const world = withIdentity(newWorld({ feature: 'NotRegistered', featurePollsUntilRegistered: 3 }));
    const events: StepEvent[] = [];
    const { result } = await run(world, cmkNew(), events);
    assert.equal(result.status, 'succeeded');
    const order = events.filter(e => e.status !== 'running' || !e.message).map(e => `${e.stepId}:${e.status}`);
    assert.ok(order.includes('createVault:running') && order.includes('registerFeature:done'), order.join(' '));
    assert.ok(order.indexOf('createVault:running') < order.indexOf('registerFeature:done'), `vault work overlaps registration: ${order.join(' ')}`);
    assert.ok(order.indexOf('registerProvider:running') > order.indexOf('registerFeature:done'));
    assert.ok(events.some(e => e.stepId === 'registerFeature' && /Registering/.test(e.message ?? '')), 'progress while waiting');
  });

  it('creates the key through the plan\'s createKey port without waiting for the Crypto Officer role (ARM, no data-plane role)', async () => {
    const world = withIdentity(newWorld());
    const { plan, result } = await run(world, cmkNew());
    assert.equal(result.status, 'succeeded');
    const createKey = plan.steps.find(s => s.id === 'createKey')!;
    assert.ok(!createKey.dependsOn.includes('assignCryptoOfficerToUser'), createKey.dependsOn.join(','));
    assert.equal(world.writes.filter(w => w === 'createKey aks-kms').length, 1);
  });

  it('existing vault, key and identity: only the cluster update and roles that are missing', async () => {
    const world = withIdentity(newWorld());
    await run(world, cmkNew());
    world.clusters.set(CLUSTER_ID, clusterJson());
    world.writes = [];
    const config: CmkConfig = { ...cmkNew(), vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'existing', name: 'aks-kms' } };
    const { result } = await run(world, config);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(world.writes, ['putCluster']);
  });

  it('building a plan calls no port (not even a read); only running it does', async () => {
    for (const config of [cmkNew('Private'), { kind: 'pmk', clusterId: CLUSTER_ID } as const]) {
      const world = withIdentity(newWorld());
      const facts = await readFacts(world, config);
      const { ports, calls } = recordingPorts(fakePorts(world));
      const plan = buildPlan(config, facts, ports, { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
      assert.ok(plan.steps.length > 0 && plan.preview.length === plan.steps.length);
      assert.equal(calls.length, 0, `${config.kind}: building the plan called ${calls.join(', ')}`);
      assert.deepEqual(world.writes, []);
      const result = await runPlan(plan.steps, () => undefined);
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.ok(calls.includes('getFeatureState') && calls.includes('putCluster'), `${config.kind}: running called ${calls.join(', ')}`);
    }
  });

  it('PMK: turns on infrastructure encryption only', async () => {
    const world = newWorld();
    const { result, plan } = await run(world, { kind: 'pmk', clusterId: CLUSTER_ID });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(plan.steps.map(s => s.id), ['registerFeature', 'registerProvider', 'updateCluster', 'verify']);
    assert.deepEqual(world.clusters.get(CLUSTER_ID)!.properties?.securityProfile, { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } });
  });

  it('the az script names every step with real values and comments out what is already done', async () => {
    const world = withIdentity(newWorld());
    const config = cmkNew('Private');
    const facts = await readFacts(world, config);
    const plan = buildPlan(config, facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 1, tenantId: 't' });
    const script = renderAzScript(config, facts, plan.preview);
    assert.match(script, /az keyvault create --name kvnew01 --resource-group rg-kv --location eastus --enable-rbac-authorization true/);
    assert.match(script, /az keyvault key create --vault-name kvnew01 --name aks-kms --kty RSA --size 2048/);
    assert.match(script, /az keyvault update --name kvnew01 --resource-group rg-kv --default-action Deny --bypass AzureServices/);
    assert.match(script, /--azure-keyvault-kms-key-vault-network-access Private/);
    assert.match(script, /# registerFeature — already done\n# az feature register/);
    assert.match(script, new RegExp(`--assignee-object-id ${USER_OID}`));
  });
});

describe('preflight rejects (it is pure: it has no ports to write with)', () => {
  const cases: [string, (w: FakeWorld) => void, EnableConfig, string][] = [
    ['Kubernetes 1.32', w => w.clusters.set(CLUSTER_ID, clusterJson({ kubernetesVersion: '1.32.6' })), cmkNew(), 'k8s-too-old'],
    ['service principal (no managed identity)', w => w.clusters.set(CLUSTER_ID, clusterJson({ servicePrincipalProfile: { clientId: 'sp-app' } }, 'None')), cmkNew(), 'service-principal-cluster'],
    ['bad vault name', () => undefined, { ...cmkNew(), vault: { kind: 'new', name: 'kv--bad', resourceGroup: 'rg', location: 'eastus' } }, 'vault-name'],
    ['bad key name', () => undefined, { ...cmkNew(), key: { kind: 'new', name: 'bad_key' } }, 'key-name'],
    ['key that does not permit decrypt', w => {
      w.vaults.set(VAULT_ID.toLowerCase(), { id: VAULT_ID, name: 'kvnew01', vaultUri: 'https://kvnew01.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
      w.keys.set('kvnew01/aks-kms', { name: 'aks-kms', kty: 'RSA', enabled: true, keyOps: ['encrypt', 'sign'] });
    }, cmkNew(), 'key-ops-missing'],
    ['EC key', w => {
      w.vaults.set(VAULT_ID.toLowerCase(), { id: VAULT_ID, name: 'kvnew01', vaultUri: 'https://kvnew01.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
      w.keys.set('kvnew01/aks-kms', { name: 'aks-kms', kty: 'EC', enabled: true });
    }, cmkNew(), 'key-not-rsa'],
    ['PMK on a CMK cluster', w => w.clusters.set(CLUSTER_ID, clusterJson({ securityProfile: { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' }, azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/keys/k', keyVaultNetworkAccess: 'Public' } } })), { kind: 'pmk', clusterId: CLUSTER_ID }, 'cmk-use-migration'],
  ];
  for (const [name, arrange, config, code] of cases) {
    it(name, async () => {
      const world = withIdentity(newWorld());
      arrange(world);
      const findings = preflight(config, await readFacts(world, config));
      assert.ok(findings.some(f => f.code === code && f.severity === 'error'), JSON.stringify(findings));
      assert.ok(hasBlockingFindings(findings));
    });
  }
  it('a clean configuration has warnings (irreversible) but no errors', async () => {
    const world = withIdentity(newWorld());
    const findings = preflight(cmkNew(), await readFacts(world, cmkNew()));
    assert.equal(hasBlockingFindings(findings), false, JSON.stringify(findings));
    assert.ok(findings.some(f => f.code === 'irreversible'));
  });
});
