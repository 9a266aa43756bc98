/**
 * Plan steps that guard against doing the wrong thing: an EXISTING vault or identity that is gone is reported, never
 * created; the feature registration gives up after featureTimeoutMs with a sentence saying so; the purge-protection
 * step exists exactly when an existing vault lacks it and the user asked for it; and a plan given no role-propagation
 * policy waits with the real one (ROLE_PROPAGATION_RETRY).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES, type CmkConfig, type EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import { buildPlan, DEFAULT_PLAN_OPTIONS, PlanOptions } from '../../src/kms/enable/plan';
import type { EnablePorts } from '../../src/kms/enable/ports';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';
import { ROLE_PROPAGATION_RETRY } from '../../src/kms/plan/retry';
import { runPlan, type StepEvent } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';
import { recordingPorts } from './recordingPorts';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
const OPTIONS: PlanOptions = { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' };

const vault = (over: Partial<VaultFacts> = {}): VaultFacts => ({
  id: VAULT_ID, name: 'kvexist', location: 'eastus', vaultUri: 'https://kvexist.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true,
  enablePurgeProtection: true, publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded', ...over,
});

const existing = (over: Partial<CmkConfig> = {}): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public', vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'new', name: 'kms-key' },
  identity: { kind: 'existing', id: IDENTITY_ID }, ...over,
});

function world(opts: { vault?: VaultFacts; identity?: boolean } = {}): FakeWorld {
  const w = newWorld();
  if (opts.vault) {
    w.vaults.set(VAULT_ID.toLowerCase(), opts.vault);
  }
  if (opts.identity !== false) {
    w.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' });
  }
  return w;
}

/** The facts src/azure would read from this world. */
async function factsOf(w: FakeWorld, config: EnableConfig): Promise<EnableFacts> {
  const ports = fakePorts(w);
  const cluster = await ports.getCluster(CLUSTER_ID);
  const v = config.kind === 'cmk' ? await ports.getVault(VAULT_ID) : undefined;
  return {
    cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: w.feature, vault: v, vaultNameAvailable: true,
    key: v && config.kind === 'cmk' ? await ports.getKey(v, config.key.name) : undefined,
    identity: await ports.getIdentity(IDENTITY_ID),
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: [], keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-12-01T00:00:00Z'),
  };
}

async function run(w: FakeWorld, config: EnableConfig, ports: EnablePorts = fakePorts(w), options: PlanOptions = OPTIONS) {
  const plan = buildPlan(config, await factsOf(w, config), ports, options);
  const result = await runPlan(plan.steps, () => undefined);
  return { plan, result };
}

describe('an EXISTING vault or identity that is missing is reported, never created', () => {
  it('the vault: createVault fails naming it, no vault is created, and the cluster is not touched', async () => {
    const w = world();
    const { ports, calls } = recordingPorts(fakePorts(w));
    const { result } = await run(w, existing(), ports);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'createVault');
    assert.match((result.error as Error).message, /^The key vault .*\/vaults\/kvexist does not exist\.$/);
    assert.ok(!calls.includes('createVault'), calls.join(', '));
    assert.equal(w.vaults.size, 0);
    assert.ok(!w.writes.some(x => x.startsWith('createVault') || x === 'putCluster'), w.writes.join(' | '));
  });

  it('the identity: createIdentity fails naming it, no identity is created, and the cluster is not touched', async () => {
    const w = world({ vault: vault(), identity: false });
    const { ports, calls } = recordingPorts(fakePorts(w));
    const { result } = await run(w, existing(), ports);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'createIdentity');
    assert.match((result.error as Error).message, /^The identity .*\/userAssignedIdentities\/id-aks1 does not exist\.$/);
    assert.ok(!calls.includes('createIdentity'), calls.join(', '));
    assert.equal(w.identities.size, 0);
    assert.ok(!w.writes.some(x => x.startsWith('createIdentity') || x === 'putCluster'), w.writes.join(' | '));
  });

  it('the same choices as NEW are created (the guard is about the choice, not the absence)', async () => {
    const w = world({ identity: false });
    const config = existing({ vault: { kind: 'new', name: 'kvexist', resourceGroup: 'rg-kv', location: 'eastus' }, identity: { kind: 'new', name: 'id-aks1', resourceGroup: 'rg', location: 'eastus' } });
    const { result } = await run(w, config);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.ok(w.writes.includes('createVault kvexist') && w.writes.includes('createIdentity id-aks1'), w.writes.join(' | '));
  });
});

describe('the feature registration wait', () => {
  /** Real, short sleeps (the deadline is wall-clock time); stops a wait that never ends instead of hanging the test. */
  function realSleep(w: FakeWorld): { ports: EnablePorts; sleeps: number[] } {
    const sleeps: number[] = [];
    const ports: EnablePorts = {
      ...fakePorts(w),
      sleep: (ms, signal) => {
        sleeps.push(ms);
        if (sleeps.length > 200) {
          return Promise.reject(new Error('the wait never gave up'));
        }
        return new Promise((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          signal?.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
        });
      },
    };
    return { ports, sleeps };
  }

  it('times out after featureTimeoutMs with a sentence saying what to do; nothing after it runs', async () => {
    const w = newWorld({ feature: 'NotRegistered', featurePollsUntilRegistered: Number.POSITIVE_INFINITY });
    const { ports, sleeps } = realSleep(w);
    const started = Date.now();
    const { result } = await run(w, { kind: 'pmk', clusterId: CLUSTER_ID }, ports, { ...OPTIONS, featurePollMs: 5, featureTimeoutMs: 40 });
    const elapsed = Date.now() - started;
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'registerFeature');
    assert.match((result.error as Error).message, /^KMSPMKPreview is still Registering after \d+ minutes; run the plan again later to resume\.$/);
    assert.ok(elapsed >= 40, `gave up after ${elapsed} ms, before the 40 ms timeout`);
    // How many polls fit in 40 ms depends on the machine's load; each wait doubles the one before.
    assert.ok(sleeps.length >= 1, 'it waited before giving up');
    assert.deepEqual(sleeps, sleeps.map((_, i) => 5 * 2 ** i), 'the poll interval starts at featurePollMs and doubles');
    assert.deepEqual(w.writes, ['registerFeature'], 'no provider registration, no cluster update');
    assert.deepEqual([result.steps.registerProvider, result.steps.updateCluster, result.steps.verify], ['pending', 'pending', 'pending']);
  });

  it('a registration that completes within featureTimeoutMs goes on', async () => {
    const w = newWorld({ feature: 'NotRegistered', featurePollsUntilRegistered: 2 });
    const { ports } = realSleep(w);
    const { result } = await run(w, { kind: 'pmk', clusterId: CLUSTER_ID }, ports, { ...OPTIONS, featurePollMs: 1, featureTimeoutMs: 10_000 });
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(w.writes, ['registerFeature', 'registerProvider', 'putCluster']);
  });
});

describe('the purge-protection step', () => {
  const step = (plan: Awaited<ReturnType<typeof run>>['plan']) => plan.steps.find(s => s.id === 'enablePurgeProtection');
  const purgeWrites = (w: FakeWorld) => w.writes.filter(x => x.includes('"enablePurgeProtection":true'));

  it('an existing vault without purge protection and enablePurgeProtection: built, irreversible, runs before the key and roles, and turns it on', async () => {
    const w = world({ vault: vault({ enablePurgeProtection: false }) });
    const { plan, result } = await run(w, existing({ enablePurgeProtection: true }));
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(step(plan)?.dependsOn, ['createVault']);
    assert.deepEqual(plan.preview.find(p => p.id === 'enablePurgeProtection'), { id: 'enablePurgeProtection', dependsOn: ['createVault'], alreadyDone: false, irreversible: true });
    for (const id of ['createKey', 'assignCryptoOfficerToUser']) {
      assert.deepEqual(plan.steps.find(s => s.id === id)?.dependsOn, ['enablePurgeProtection'], id);
    }
    assert.equal(result.steps.enablePurgeProtection, 'done');
    assert.deepEqual(purgeWrites(w), ['updateVault {"enablePurgeProtection":true}']);
    assert.ok(w.writes.indexOf(purgeWrites(w)[0]) < w.writes.indexOf('createKey kms-key'), w.writes.join(' | '));
    assert.equal(w.vaults.get(VAULT_ID.toLowerCase())?.enablePurgeProtection, true);
  });

  it('built, but the vault got purge protection in the meantime: skipped, nothing written', async () => {
    const w = world({ vault: vault({ enablePurgeProtection: false }) });
    const config = existing({ enablePurgeProtection: true });
    const plan = buildPlan(config, await factsOf(w, config), fakePorts(w), OPTIONS);
    w.vaults.set(VAULT_ID.toLowerCase(), vault({ enablePurgeProtection: true }));
    const result = await runPlan(plan.steps, () => undefined);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.enablePurgeProtection, 'skipped');
    assert.deepEqual(purgeWrites(w), []);
  });

  const notBuilt: [string, VaultFacts | undefined, CmkConfig][] = [
    ['not asked for', vault({ enablePurgeProtection: false }), existing()],
    ['asked not to', vault({ enablePurgeProtection: false }), existing({ enablePurgeProtection: false })],
    ['the vault has it already', vault({ enablePurgeProtection: true }), existing({ enablePurgeProtection: true })],
    ['a new vault (created with it)', undefined, existing({ vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' }, enablePurgeProtection: true })],
  ];
  for (const [name, v, config] of notBuilt) {
    it(`not built: ${name}`, async () => {
      const w = world({ vault: v });
      const { plan, result } = await run(w, config);
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.equal(step(plan), undefined);
      assert.ok(!plan.preview.some(p => p.id === 'enablePurgeProtection'));
      assert.deepEqual(plan.steps.find(s => s.id === 'createKey')?.dependsOn, ['createVault']);
      assert.deepEqual(purgeWrites(w), []);
    });
  }
});

describe('role propagation: the real limits are the default', () => {
  it('a plan given no rolePropagation waits 2 s doubling to 20 s, for at most 5 minutes, then fails with AKS\'s answer', async () => {
    const w = world({ vault: vault() });
    const sleeps: number[] = [];
    const refusal = () => Object.assign(new Error('The identity does not have keys encrypt/decrypt permission on key vault "https://kvexist.vault.azure.net"'), {
      statusCode: 400, code: 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError',
    });
    const ports: EnablePorts = { ...fakePorts(w), putCluster: () => Promise.reject(refusal()), sleep: async ms => void sleeps.push(ms) };
    const { result } = await run(w, existing(), ports, { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'updateCluster');
    assert.match((result.error as Error).message, /does not have keys encrypt\/decrypt permission/);
    const { initialDelayMs, maxDelayMs, timeoutMs } = ROLE_PROPAGATION_RETRY;
    assert.deepEqual(sleeps.slice(0, 5), [initialDelayMs, 2 * initialDelayMs, 4 * initialDelayMs, 8 * initialDelayMs, maxDelayMs]);
    const waited = sleeps.reduce((a, b) => a + b, 0);
    assert.ok(waited <= timeoutMs && waited + maxDelayMs > timeoutMs, `waited ${waited} ms of ${timeoutMs}`);
    assert.deepEqual(sleeps, [2_000, 4_000, 8_000, 16_000, ...Array<number>(13).fill(20_000)]);
  });
});

describe('the default feature wait (DEFAULT_PLAN_OPTIONS)', () => {
  it('polls from 2 s, doubling up to 30 s, and gives up after 30 minutes saying so', async t => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const w = newWorld({ feature: 'NotRegistered', featurePollsUntilRegistered: Number.POSITIVE_INFINITY });
    const sleeps: number[] = [];
    const ports: EnablePorts = {
      ...fakePorts(w),
      sleep: async ms => {
        sleeps.push(ms);
        if (sleeps.length > 500) {
          throw new Error('the wait never gave up');
        }
        t.mock.timers.tick(ms);
      },
    };
    const { result } = await run(w, { kind: 'pmk', clusterId: CLUSTER_ID }, ports, { ...DEFAULT_PLAN_OPTIONS, tenantId: 't' });
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'registerFeature');
    assert.equal((result.error as Error).message, 'KMSPMKPreview is still Registering after 30 minutes; run the plan again later to resume.');
    assert.deepEqual(sleeps.slice(0, 6), [2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const waited = sleeps.reduce((a, b) => a + b, 0);
    assert.ok(waited > 30 * 60_000 && waited - 30_000 <= 30 * 60_000, `waited ${waited} ms`);
  });
});

describe('a vault that is still being created', () => {
  /** The vault reads as `RegisteringDns` for the first `polls` reads, then `Succeeded`. */
  function creating(w: FakeWorld, polls: number): { ports: EnablePorts; sleeps: number[] } {
    const sleeps: number[] = [];
    let reads = 0;
    const base = fakePorts(w);
    const ports: EnablePorts = {
      ...base,
      getVault: async (id, signal) => {
        const v = await base.getVault(id, signal);
        return v && reads++ < polls ? { ...v, provisioningState: 'RegisteringDns' } : v;
      },
      sleep: async ms => {
        sleeps.push(ms);
        if (sleeps.length > 1000) {
          throw new Error('the wait never gave up');
        }
      },
    };
    return { ports, sleeps };
  }

  it('is waited for (2 s between reads), then used as it is: not created again', async () => {
    const w = world({ vault: vault() });
    const { ports, sleeps } = creating(w, 3);
    const events: StepEvent[] = [];
    const plan = buildPlan(existing(), await factsOf(w, existing()), ports, OPTIONS);
    const result = await runPlan(plan.steps, e => events.push(e));
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.createVault, 'skipped');
    assert.deepEqual(sleeps, [2_000, 2_000, 2_000]);
    assert.equal(events.filter(e => e.stepId === 'createVault' && e.message === 'the key vault kvexist is still being created').length, 3);
    assert.ok(!w.writes.some(x => x.startsWith('createVault')), w.writes.join(' | '));
  });

  it('one that stays in creation is waited for 5 minutes, then the step fails saying to run the plan again', async () => {
    const w = world({ vault: vault() });
    const { ports, sleeps } = creating(w, Number.POSITIVE_INFINITY);
    const { result } = await run(w, existing(), ports);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'createVault');
    assert.equal((result.error as Error).message, 'The key vault kvexist is still being created; run the plan again in a few minutes to resume.');
    assert.equal(sleeps.length, 150, '5 minutes of 2 s polls');
    assert.ok(!w.writes.some(x => x.startsWith('createVault') || x === 'putCluster'), w.writes.join(' | '));
  });
});

describe('platform-key plans: what the wizard previews', () => {
  const cmkProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' }, azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/keys/k', keyVaultNetworkAccess: 'Public' } };
  const pmkProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
  const migratedProfile = { ...pmkProfile, azureKeyVaultKms: { enabled: false } };
  const facts = (w: FakeWorld, config: EnableConfig, summaryOf = w.clusters.get(CLUSTER_ID)!) => factsOf(w, config).then(f => ({ ...f, cluster: clusterFactsOf(summaryOf) }));

  it('PMK: the cluster update is irreversible and follows the provider; verify follows the update', async () => {
    const w = newWorld();
    const plan = buildPlan({ kind: 'pmk', clusterId: CLUSTER_ID }, await facts(w, { kind: 'pmk', clusterId: CLUSTER_ID }), fakePorts(w), OPTIONS);
    assert.deepEqual(plan.preview.slice(2), [
      { id: 'updateCluster', dependsOn: ['registerProvider'], alreadyDone: false, irreversible: true },
      { id: 'verify', dependsOn: ['updateCluster'], alreadyDone: false, irreversible: false },
    ]);
    assert.deepEqual(plan.expected, pmkProfile, 'PMK says nothing about Key Vault KMS');
  });

  const cases: [string, EnableConfig, SecurityProfileJson | undefined, boolean][] = [
    ['PMK on a cluster without encryption', { kind: 'pmk', clusterId: CLUSTER_ID }, undefined, false],
    ['PMK on a PMK cluster', { kind: 'pmk', clusterId: CLUSTER_ID }, pmkProfile, true],
    ['PMK on a CMK cluster (infrastructure encryption on, but the cluster is not PMK)', { kind: 'pmk', clusterId: CLUSTER_ID }, cmkProfile, false],
    ['migration from a CMK cluster', { kind: 'migrateToPmk', clusterId: CLUSTER_ID }, cmkProfile, false],
    ['migration on a cluster already migrated', { kind: 'migrateToPmk', clusterId: CLUSTER_ID }, migratedProfile, true],
  ];
  for (const [name, config, securityProfile, alreadyDone] of cases) {
    it(`${name}: the update is ${alreadyDone ? '' : 'not '}predicted done`, async () => {
      const w = newWorld();
      w.clusters.set(CLUSTER_ID, clusterJson(securityProfile ? { securityProfile } : {}));
      const plan = buildPlan(config, await facts(w, config), fakePorts(w), OPTIONS);
      assert.equal(plan.preview.find(p => p.id === 'updateCluster')?.alreadyDone, alreadyDone);
    });
  }

  it('migration: predicted from the security profile the GET shows, not from an older summary of the cluster', async () => {
    const w = newWorld();
    w.clusters.set(CLUSTER_ID, clusterJson({ securityProfile: migratedProfile }));
    const config: EnableConfig = { kind: 'migrateToPmk', clusterId: CLUSTER_ID };
    const plan = buildPlan(config, await facts(w, config, clusterJson({ securityProfile: cmkProfile })), fakePorts(w), OPTIONS);
    assert.equal(plan.preview.find(p => p.id === 'updateCluster')?.alreadyDone, true);
    assert.deepEqual(plan.expected, migratedProfile, 'the migration expects Key Vault KMS off');
  });

  it('migration: a cluster without properties is planned (not predicted done)', async () => {
    const w = newWorld();
    w.clusters.set(CLUSTER_ID, { id: CLUSTER_ID, name: 'aks1', location: 'eastus' });
    const config: EnableConfig = { kind: 'migrateToPmk', clusterId: CLUSTER_ID };
    const plan = buildPlan(config, await facts(w, config), fakePorts(w), OPTIONS);
    assert.equal(plan.preview.find(p => p.id === 'updateCluster')?.alreadyDone, false);
  });
});

describe('CMK plans: what the wizard previews', () => {
  const VAULT_SCOPE = VAULT_ID;
  const preview = (plan: ReturnType<typeof buildPlan>, id: string) => plan.preview.find(p => p.id === id);
  const SUBNET_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes`;

  const roleCases: [string, { scope: string; principalId: string; roleGuid: string }[], boolean][] = [
    ['on the vault', [{ scope: VAULT_SCOPE, principalId: USER_OID, roleGuid: ROLES.keyVaultCryptoOfficer }], true],
    ['on its resource group', [{ scope: `/subscriptions/${SUB}/resourceGroups/rg-kv`, principalId: USER_OID, roleGuid: ROLES.keyVaultCryptoOfficer }], true],
    ['with the principal ID in upper case', [{ scope: VAULT_SCOPE, principalId: USER_OID.toUpperCase(), roleGuid: ROLES.keyVaultCryptoOfficer }], true],
    ['for another principal', [{ scope: VAULT_SCOPE, principalId: 'someone-else', roleGuid: ROLES.keyVaultCryptoOfficer }], false],
    ['of another role', [{ scope: VAULT_SCOPE, principalId: USER_OID, roleGuid: ROLES.keyVaultCryptoUser }], false],
    ['on one key only', [{ scope: `${VAULT_SCOPE}/keys/kms-key`, principalId: USER_OID, roleGuid: ROLES.keyVaultCryptoOfficer }], false],
    ['none', [], false],
  ];
  for (const [name, roleAssignments, held] of roleCases) {
    it(`the user's Crypto Officer assignment ${name}: ${held ? '' : 'not '}predicted done`, async () => {
      const w = world({ vault: vault() });
      const plan = buildPlan(existing(), { ...(await factsOf(w, existing())), roleAssignments }, fakePorts(w), OPTIONS);
      assert.equal(preview(plan, 'assignCryptoOfficerToUser')?.alreadyDone, held);
    });
  }

  it('the identity\'s roles are predicted done each by its own assignment', async () => {
    const w = world({ vault: vault() });
    const roleAssignments = [{ scope: VAULT_SCOPE, principalId: 'p-id-aks1', roleGuid: ROLES.keyVaultCryptoUser }];
    const plan = buildPlan(existing(), { ...(await factsOf(w, existing())), roleAssignments }, fakePorts(w), OPTIONS);
    assert.deepEqual([preview(plan, 'assignCryptoUserToIdentity')?.alreadyDone, preview(plan, 'assignContributorToIdentity')?.alreadyDone, preview(plan, 'assignCryptoOfficerToUser')?.alreadyDone], [true, false, false]);
  });

  it('a new vault that does not exist yet: no role is predicted done, even one held on the subscription', async () => {
    const w = world();
    const config = existing({ vault: { kind: 'new', name: 'kvexist', resourceGroup: 'rg-kv', location: 'eastus' } });
    const roleAssignments = [ROLES.keyVaultCryptoOfficer, ROLES.keyVaultCryptoUser].map(roleGuid => ({ scope: `/subscriptions/${SUB}`, principalId: USER_OID, roleGuid }));
    const plan = buildPlan(config, { ...(await factsOf(w, config)), roleAssignments }, fakePorts(w), OPTIONS);
    assert.deepEqual(plan.preview.filter(p => p.id.startsWith('assign')).map(p => [p.id, p.alreadyDone]), [
      ['assignCryptoOfficerToUser', false], ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false],
    ]);
  });

  it('only purge protection and the cluster update are marked irreversible; the cluster update waits for every other step', async () => {
    const w = world({ vault: vault({ enablePurgeProtection: false }) });
    w.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    const config = existing({ networkAccess: 'Private', enablePurgeProtection: true });
    const plan = buildPlan(config, { ...(await factsOf(w, config)), subnets: [{ id: SUBNET_ID }] }, fakePorts(w), OPTIONS);
    assert.deepEqual(plan.preview.filter(p => p.irreversible).map(p => p.id), ['enablePurgeProtection', 'updateCluster']);
    assert.deepEqual([...preview(plan, 'updateCluster')!.dependsOn].sort(), [
      'assignContributorToIdentity', 'assignCryptoOfficerToUser', 'assignCryptoUserToIdentity', 'assignNetworkContributorToIdentity', 'createKey', 'lockFirewall', 'registerProvider',
    ]);
    assert.deepEqual(plan.preview.filter(p => p.alreadyDone).map(p => p.id), ['registerFeature', 'registerProvider', 'createVault', 'createIdentity'], 'the subnet role and the firewall are still to do');
  });

  it('an access-policy vault: the cluster update waits for the access policy instead of the Key Vault roles', async () => {
    const w = world({ vault: vault({ enableRbacAuthorization: false }) });
    const plan = buildPlan(existing(), await factsOf(w, existing()), fakePorts(w), OPTIONS);
    assert.deepEqual([...preview(plan, 'updateCluster')!.dependsOn].sort(), ['assignContributorToIdentity', 'createKey', 'grantAccessPolicyToIdentity', 'registerProvider']);
  });

  it('an existing vault that could not be read yet: purge protection is still planned when asked for', async () => {
    const w = world();
    const config = existing({ enablePurgeProtection: true });
    const plan = buildPlan(config, await factsOf(w, config), fakePorts(w), OPTIONS);
    assert.deepEqual(preview(plan, 'enablePurgeProtection'), { id: 'enablePurgeProtection', dependsOn: ['createVault'], alreadyDone: false, irreversible: true });
  });

  const firewallCases: [string, Partial<VaultFacts> | undefined, boolean][] = [
    ['denies public access and lets trusted services through', { networkDefaultAction: 'Deny', networkBypass: 'AzureServices' }, true],
    ['the same in other letter cases', { networkDefaultAction: 'deny', networkBypass: 'azureservices' }, true],
    ['denies, but lets no trusted service through', { networkDefaultAction: 'Deny', networkBypass: 'None' }, false],
    ['allows public access', { networkDefaultAction: 'Allow', networkBypass: 'AzureServices' }, false],
    ['reports no network rules', { networkDefaultAction: undefined, networkBypass: undefined }, false],
    ['does not exist yet', undefined, false],
  ];
  for (const [name, rules, locked] of firewallCases) {
    it(`private network access, the vault ${name}: the firewall step is ${locked ? '' : 'not '}predicted done`, async () => {
      const w = world({ vault: rules ? vault(rules) : undefined });
      const config = existing({ networkAccess: 'Private', ...(rules ? {} : { vault: { kind: 'new', name: 'kvexist', resourceGroup: 'rg-kv', location: 'eastus' } }) });
      const plan = buildPlan(config, await factsOf(w, config), fakePorts(w), OPTIONS);
      assert.deepEqual(preview(plan, 'lockFirewall'), { id: 'lockFirewall', dependsOn: ['createKey'], alreadyDone: locked, irreversible: false });
    });
  }

  it('the expected key ID of a vault not read yet names the vault and the key (the domain is known only once it exists)', async () => {
    const w = world();
    const fresh = existing({ vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' } });
    const planNew = buildPlan(fresh, await factsOf(w, fresh), fakePorts(w), OPTIONS);
    assert.equal(planNew.expected.azureKeyVaultKms?.keyId, 'https://kvnew01.<vault domain>/keys/kms-key');
    const planExisting = buildPlan(existing(), await factsOf(w, existing()), fakePorts(w), OPTIONS);
    assert.equal(planExisting.expected.azureKeyVaultKms?.keyId, 'https://kvexist.<vault domain>/keys/kms-key');
    const w2 = world({ vault: vault({ vaultUri: 'https://kvexist.vault.azure.net/' }) });
    const planRead = buildPlan(existing(), await factsOf(w2, existing()), fakePorts(w2), OPTIONS);
    assert.equal(planRead.expected.azureKeyVaultKms?.keyId, 'https://kvexist.vault.azure.net/keys/kms-key');
  });

  it('a key name Key Vault would refuse: building the plan fails with the reason', async () => {
    const w = world({ vault: vault() });
    const config = existing({ key: { kind: 'new', name: 'bad_key' } });
    const facts = await factsOf(w, config);
    assert.throws(() => buildPlan(config, facts, fakePorts(w), OPTIONS), /^Error: Key name "bad_key" must be 1–127 letters, digits or hyphens\.$/);
  });

  it('the cluster update is predicted done only when the cluster already reports this key', async () => {
    const w = world({ vault: vault() });
    const notYet = buildPlan(existing(), await factsOf(w, existing()), fakePorts(w), OPTIONS);
    assert.equal(preview(notYet, 'updateCluster')?.alreadyDone, false);
    w.clusters.set(CLUSTER_ID, clusterJson({ securityProfile: notYet.expected }));
    const already = buildPlan(existing(), await factsOf(w, existing()), fakePorts(w), OPTIONS);
    assert.equal(preview(already, 'updateCluster')?.alreadyDone, true);
    w.clusters.set(CLUSTER_ID, { id: CLUSTER_ID, name: 'aks1', location: 'eastus' });
    const bare = buildPlan(existing(), await factsOf(w, existing()), fakePorts(w), OPTIONS);
    assert.equal(preview(bare, 'updateCluster')?.alreadyDone, false);
  });
});

describe('CMK plan steps at run time', () => {
  const SUBNET_A = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes`;
  const SUBNET_B = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/pods`;

  async function runWith(w: FakeWorld, config: CmkConfig, ports: EnablePorts, extra: Partial<EnableFacts> = {}) {
    const events: StepEvent[] = [];
    const plan = buildPlan(config, { ...(await factsOf(w, config)), ...extra }, ports, OPTIONS);
    const result = await runPlan(plan.steps, e => events.push(e));
    const detail = (id: string) => events.find(e => e.stepId === id && (e.status === 'done' || e.status === 'skipped'))?.message;
    return { plan, result, detail };
  }

  it('a role the principal got after the facts were read is not created again: no create call, the step is skipped', async () => {
    const w = world({ vault: vault() });
    w.roles.push({ scope: VAULT_ID, principalId: USER_OID, roleGuid: ROLES.keyVaultCryptoOfficer, name: 'made-in-the-portal' });
    const { ports, calls } = recordingPorts(fakePorts(w));
    const { result, detail } = await runWith(w, existing(), ports);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.assignCryptoOfficerToUser, 'skipped');
    assert.equal(detail('assignCryptoOfficerToUser'), 'already assigned');
    assert.equal(calls.filter(c => c === 'createRoleAssignment').length, 2, 'only the identity\'s two roles are created');
  });

  it('a role created by this call is done, without a note about a lost answer', async () => {
    const w = world({ vault: vault() });
    const { ports, calls } = recordingPorts(fakePorts(w));
    const { result, detail } = await runWith(w, existing(), ports);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    for (const id of ['assignCryptoOfficerToUser', 'assignCryptoUserToIdentity', 'assignContributorToIdentity']) {
      assert.equal(result.steps[id], 'done', id);
      assert.equal(detail(id), undefined, id);
    }
    assert.ok(!calls.includes('getRoleAssignment'), 'nothing to look up after a plain create');
  });

  /** createRoleAssignment answers 'exists' (409) and the assignment under the step's name is `found`. */
  function conflicting(w: FakeWorld, found: (spec: { principalId: string; roleGuid: string }) => { principalId: string; roleGuid: string }): EnablePorts {
    const base = fakePorts(w);
    const specs = new Map<string, { principalId: string; roleGuid: string }>();
    return {
      ...base,
      createRoleAssignment: async spec => (specs.set(spec.name, spec), 'exists'),
      getRoleAssignment: async (scope, name) => {
        const spec = specs.get(name);
        return spec ? { scope, ...found(spec) } : undefined;
      },
    };
  }
  const lostCases: [string, (s: { principalId: string; roleGuid: string }) => { principalId: string; roleGuid: string }, 'done' | 'skipped'][] = [
    ['ours, in upper case', s => ({ principalId: s.principalId.toUpperCase(), roleGuid: s.roleGuid.toUpperCase() }), 'done'],
    ['for another principal', s => ({ principalId: 'someone-else', roleGuid: s.roleGuid }), 'skipped'],
    ['of another role', s => ({ principalId: s.principalId, roleGuid: ROLES.networkContributor }), 'skipped'],
  ];
  for (const [name, found, status] of lostCases) {
    it(`409 on create and the assignment under the step's name is ${name}: ${status}`, async () => {
      const w = world({ vault: vault() });
      const { result, detail } = await runWith(w, existing(), conflicting(w, found));
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.equal(result.steps.assignCryptoOfficerToUser, status);
      assert.equal(detail('assignCryptoOfficerToUser'), status === 'done' ? 'assigned (the answer to the first attempt was lost)' : 'already assigned');
    });
  }

  /** getVault answers `first` on its first call (createVault's read), the world's vault afterwards. */
  function staleFirstRead(w: FakeWorld, first: VaultFacts): EnablePorts {
    const base = fakePorts(w);
    let reads = 0;
    return { ...base, getVault: async (id, signal) => (reads++ === 0 ? first : base.getVault(id, signal)) };
  }

  it('the firewall step reads the vault again: one locked since createVault read it is left alone', async () => {
    const w = world({ vault: vault({ networkDefaultAction: 'Deny', networkBypass: 'AzureServices' }) });
    const { result } = await runWith(w, existing({ networkAccess: 'Private' }), staleFirstRead(w, vault()));
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.lockFirewall, 'skipped');
    assert.ok(!w.writes.some(x => x.startsWith('updateVault')), w.writes.join(' | '));
  });

  it('the firewall step locks a vault that denies but lets no trusted service through', async () => {
    const w = world({ vault: vault({ networkDefaultAction: 'Deny', networkBypass: 'None' }) });
    const { result } = await runWith(w, existing({ networkAccess: 'Private' }), fakePorts(w));
    assert.equal(result.steps.lockFirewall, 'done');
    assert.deepEqual(w.writes.filter(x => x.startsWith('updateVault')), ['updateVault {"networkDefaultAction":"Deny","networkBypass":"AzureServices"}']);
  });

  const policyCases: [string, { objectId: string; keyPermissions: string[] }[], boolean][] = [
    ['encrypt and decrypt', [{ objectId: 'p-id-aks1', keyPermissions: ['encrypt', 'decrypt'] }], true],
    ['Encrypt and Decrypt among others, for the ID in upper case', [{ objectId: 'P-ID-AKS1', keyPermissions: ['Get', 'Encrypt', 'Decrypt'] }], true],
    ['all', [{ objectId: 'p-id-aks1', keyPermissions: ['all'] }], true],
    ['All', [{ objectId: 'p-id-aks1', keyPermissions: ['All'] }], true],
    ['encrypt only', [{ objectId: 'p-id-aks1', keyPermissions: ['encrypt'] }], false],
    ['get and list', [{ objectId: 'p-id-aks1', keyPermissions: ['get', 'list'] }], false],
    ['all, but for another principal', [{ objectId: 'someone-else', keyPermissions: ['all'] }], false],
    ['no access policy', [], false],
  ];
  for (const [name, accessPolicies, holds] of policyCases) {
    it(`an access-policy vault whose policy for the identity grants ${name}: ${holds ? 'predicted done and skipped' : 'planned and granted'}`, async () => {
      const w = world({ vault: vault({ enableRbacAuthorization: false, accessPolicies }) });
      const { plan, result } = await runWith(w, existing(), fakePorts(w));
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.equal(plan.preview.find(p => p.id === 'grantAccessPolicyToIdentity')?.alreadyDone, holds);
      assert.equal(result.steps.grantAccessPolicyToIdentity, holds ? 'skipped' : 'done');
      assert.deepEqual(w.writes.filter(x => x.startsWith('accessPolicy')), holds ? [] : ['accessPolicy p-id-aks1 encrypt,decrypt']);
    });
  }

  it('an access-policy vault and an identity that does not exist yet: the access policy is not predicted done', async () => {
    const w = world({ vault: vault({ enableRbacAuthorization: false, accessPolicies: [{ objectId: 'p-id-aks1', keyPermissions: ['all'] }] }), identity: false });
    const config = existing({ identity: { kind: 'new', name: 'id-aks1', resourceGroup: 'rg', location: 'eastus' } });
    const plan = buildPlan(config, await factsOf(w, config), fakePorts(w), OPTIONS);
    assert.equal(plan.preview.find(p => p.id === 'grantAccessPolicyToIdentity')?.alreadyDone, false);
  });

  it('the access policy is granted in the vault\'s tenant (the sign-in tenant when the vault names none), with a note of the permissions', async () => {
    for (const [tenantId, expected] of [['tenant-of-vault', 'tenant-of-vault'], [undefined, 't']] as const) {
      const w = world({ vault: vault({ enableRbacAuthorization: false, tenantId }) });
      const base = fakePorts(w);
      const tenants: string[] = [];
      const ports: EnablePorts = { ...base, addKeyAccessPolicy: (v, tenant, ...rest) => (tenants.push(tenant), base.addKeyAccessPolicy(v, tenant, ...rest)) };
      const { result, detail } = await runWith(w, existing(), ports);
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.deepEqual(tenants, [expected]);
      assert.equal(detail('grantAccessPolicyToIdentity'), 'access policy with key permissions encrypt, decrypt');
    }
  });

  it('the access-policy step reads the vault again: a policy added since createVault read it is not added twice', async () => {
    const w = world({ vault: vault({ enableRbacAuthorization: false, accessPolicies: [{ objectId: 'p-id-aks1', keyPermissions: ['encrypt', 'decrypt'] }] }) });
    const { result } = await runWith(w, existing(), staleFirstRead(w, vault({ enableRbacAuthorization: false })));
    assert.equal(result.steps.grantAccessPolicyToIdentity, 'skipped');
    assert.ok(!w.writes.some(x => x.startsWith('accessPolicy')), w.writes.join(' | '));
  });

  it('a new control-plane identity gets Network Contributor on the custom subnets it lacks it on, and the note counts them', async () => {
    const w = world({ vault: vault() });
    w.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    w.roles.push({ scope: SUBNET_B, principalId: 'p-id-aks1', roleGuid: ROLES.networkContributor, name: 'earlier' });
    const { plan, result, detail } = await runWith(w, existing(), fakePorts(w), { subnets: [{ id: SUBNET_A }, { id: SUBNET_B }] });
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(plan.preview.find(p => p.id === 'assignNetworkContributorToIdentity'), { id: 'assignNetworkContributorToIdentity', dependsOn: ['createIdentity'], alreadyDone: false, irreversible: false });
    assert.equal(result.steps.assignNetworkContributorToIdentity, 'done');
    assert.equal(detail('assignNetworkContributorToIdentity'), 'Network Contributor on 1 subnet(s)');
    assert.deepEqual(w.roles.filter(r => r.roleGuid === ROLES.networkContributor).map(r => r.scope), [SUBNET_B, SUBNET_A]);
  });

  it('Network Contributor held on every subnet at run time: skipped', async () => {
    const w = world({ vault: vault() });
    w.clusters.set(CLUSTER_ID, clusterJson({}, 'SystemAssigned'));
    for (const scope of [SUBNET_A, SUBNET_B]) {
      w.roles.push({ scope, principalId: 'p-id-aks1', roleGuid: ROLES.networkContributor, name: `earlier-${scope.length}` });
    }
    const { result, detail } = await runWith(w, existing(), fakePorts(w), { subnets: [{ id: SUBNET_A }, { id: SUBNET_B }] });
    assert.equal(result.steps.assignNetworkContributorToIdentity, 'skipped');
    assert.equal(detail('assignNetworkContributorToIdentity'), 'already assigned');
  });
});

describe('the feature steps', () => {
  const PMK: EnableConfig = { kind: 'pmk', clusterId: CLUSTER_ID };

  const previewCases: [string, boolean][] = [['Registered', true], ['registered', true], ['NotRegistered', false], ['Unregistered', false], ['Registering', false], ['Unregistering', false]];
  for (const [state, registered] of previewCases) {
    it(`the feature ${state}: both feature steps are ${registered ? '' : 'not '}predicted done`, async () => {
      const w = newWorld({ feature: state });
      const plan = buildPlan(PMK, await factsOf(w, PMK), fakePorts(w), OPTIONS);
      assert.deepEqual(plan.preview.slice(0, 2), [
        { id: 'registerFeature', dependsOn: [], alreadyDone: registered, irreversible: false },
        { id: 'registerProvider', dependsOn: ['registerFeature'], alreadyDone: registered, irreversible: false },
      ]);
    });
  }

  it('a registration already under way is waited for, not started again; the provider is re-registered after it', async () => {
    const w = newWorld({ feature: 'Registering', featurePollsUntilRegistered: 2 });
    const { plan, result } = await run(w, PMK);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(plan.steps.find(s => s.id === 'registerProvider')?.dependsOn, ['registerFeature']);
    assert.deepEqual(w.writes, ['registerProvider', 'putCluster']);
  });

  for (const state of ['NotRegistered', 'Unregistered', 'Unregistering']) {
    it(`the feature ${state} at run time: it is registered, then the provider`, async () => {
      const w = newWorld({ feature: state });
      const { result } = await run(w, PMK);
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.deepEqual(w.writes, ['registerFeature', 'registerProvider', 'putCluster']);
    });
  }

  it('in a batch (featureRegisteredByBatch) the feature steps end as skipped without a read or a write: the batch registered it once for the subscription', async () => {
    const w = newWorld({ feature: 'NotRegistered' });
    let featureReads = 0;
    const base = fakePorts(w);
    const ports: EnablePorts = { ...base, getFeatureState: async (...args) => (featureReads++, base.getFeatureState(...args)) };
    const { result } = await run(w, PMK, ports, { ...OPTIONS, featureRegisteredByBatch: true });
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual([result.steps.registerFeature, result.steps.registerProvider], ['skipped', 'skipped']);
    assert.equal(featureReads, 0, 'no feature read per cluster');
    assert.deepEqual(w.writes, ['putCluster']);
  });

  it('the wait goes on until Registered, through answers that still say NotRegistered', async () => {
    const w = newWorld({ feature: 'NotRegistered' });
    const answers = ['NotRegistered', 'Unregistered', 'Registering', 'Registered'];
    const base = fakePorts(w);
    const sleeps: number[] = [];
    const ports: EnablePorts = {
      ...base,
      registerFeature: async (...args) => (await base.registerFeature(...args), 'NotRegistered'),
      getFeatureState: async () => (w.writes.includes('registerFeature') ? answers.shift() ?? 'Registered' : 'NotRegistered'),
      sleep: async ms => void sleeps.push(ms),
    };
    const { result } = await run(w, PMK, ports);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(sleeps, [1, 2, 4, 8], 'one wait per answer that is not Registered');
    assert.deepEqual(w.writes, ['registerFeature', 'registerProvider', 'putCluster']);
  });
});
