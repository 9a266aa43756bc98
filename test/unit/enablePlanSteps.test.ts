/**
 * Plan steps that guard against doing the wrong thing: an EXISTING vault or identity that is gone is reported, never
 * created; the feature registration gives up after featureTimeoutMs with a sentence saying so; the purge-protection
 * step exists exactly when an existing vault lacks it and the user asked for it; and a plan given no role-propagation
 * policy waits with the real one (ROLE_PROPAGATION_RETRY).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import { buildPlan, PlanOptions } from '../../src/kms/enable/plan';
import type { EnablePorts } from '../../src/kms/enable/ports';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { ROLE_PROPAGATION_RETRY } from '../../src/kms/plan/retry';
import { runPlan } from '../../src/kms/plan/runner';
import { CLUSTER_ID, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';
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
