/**
 * The last two steps of every plan (src/kms/enable/clusterSteps.ts): updateCluster skips a cluster that already has
 * the target (security profile AND, for CMK, the user-assigned identity), says what it changed, waits with the plan's
 * own sleep; verify checks the cluster the update left, without reading it again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import { buildPlan, type PlanOptions } from '../../src/kms/enable/plan';
import type { EnablePorts } from '../../src/kms/enable/ports';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import { runPlan, type StepEvent } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kms`;
const OPTIONS: PlanOptions = { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' };
const PMK: EnableConfig = { kind: 'pmk', clusterId: CLUSTER_ID };
const CMK: CmkConfig = {
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public', vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'existing', name: 'kms-key' },
  identity: { kind: 'existing', id: IDENTITY_ID },
};
const VAULT: VaultFacts = {
  id: VAULT_ID, name: 'kvexist', location: 'eastus', vaultUri: 'https://kvexist.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true,
  enablePurgeProtection: true, publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded',
};
const CMK_PROFILE = {
  azureKeyVaultKms: { enabled: true, keyId: 'https://kvexist.vault.azure.net/keys/kms-key', keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID },
  kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
};

/** A world with the vault, key and identity of CMK in place, and every role held. */
function cmkWorld(cluster: ManagedClusterJson = clusterJson()): FakeWorld {
  const w = newWorld();
  w.vaults.set(VAULT_ID.toLowerCase(), VAULT);
  w.keys.set('kvexist/kms-key', { name: 'kms-key', kty: 'RSA', enabled: true });
  w.identities.set(IDENTITY_ID.toLowerCase(), { id: IDENTITY_ID, name: 'id-kms', principalId: 'p-id-kms' });
  for (const [principalId, roleGuid] of [[USER_OID, '14b46e9e-c2b7-41b4-b07b-48a6ebf60603'], ['p-id-kms', '12338af0-0e69-4776-bea7-57ae8d297424'], ['p-id-kms', 'f25e0fa2-a7c8-4377-a976-54943a77a395']]) {
    w.roles.push({ scope: VAULT_ID, principalId, roleGuid, name: `${principalId}-${roleGuid}` });
  }
  w.clusters.set(CLUSTER_ID, cluster);
  return w;
}

async function factsOf(w: FakeWorld, config: EnableConfig): Promise<EnableFacts> {
  const ports = fakePorts(w);
  const cluster = await ports.getCluster(CLUSTER_ID);
  const vault = config.kind === 'cmk' ? await ports.getVault(VAULT_ID) : undefined;
  return {
    cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: w.feature, vault, vaultNameAvailable: true,
    key: vault && config.kind === 'cmk' ? await ports.getKey(vault, config.key.name) : undefined,
    identity: config.kind === 'cmk' ? await ports.getIdentity(IDENTITY_ID) : undefined,
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: [], keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-12-01T00:00:00Z'),
  };
}

async function run(w: FakeWorld, config: EnableConfig, ports: EnablePorts = fakePorts(w), options: PlanOptions = OPTIONS) {
  const events: StepEvent[] = [];
  const plan = buildPlan(config, await factsOf(w, config), ports, options);
  const result = await runPlan(plan.steps, e => events.push(e));
  const detail = (id: string) => events.find(e => e.stepId === id && (e.status === 'done' || e.status === 'skipped' || e.status === 'failed'))?.message;
  return { plan, result, events, detail };
}

describe('updateCluster: is the cluster already there?', () => {
  const withIdentity = (identity: ManagedClusterJson['identity']) => ({ ...clusterJson({ securityProfile: CMK_PROFILE }), identity });
  const cases: [string, ManagedClusterJson, 'skipped' | 'done'][] = [
    ['the profile and the identity (its ID in another letter case)', withIdentity({ type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID.toUpperCase()]: {} } }), 'skipped'],
    ['the profile, but another user-assigned identity', withIdentity({ type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID.replace('id-kms', 'id-old')]: {} } }), 'done'],
    ['the profile, but a system-assigned identity', withIdentity({ type: 'SystemAssigned', principalId: 'p-sys' }), 'done'],
    ['the profile, but no identity block', withIdentity(undefined), 'done'],
  ];
  for (const [name, cluster, status] of cases) {
    it(`CMK, the cluster has ${name}: ${status}`, async () => {
      const w = cmkWorld(cluster);
      const { result, detail } = await run(w, CMK);
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.equal(result.steps.updateCluster, status);
      if (status === 'skipped') {
        assert.equal(detail('updateCluster'), 'the cluster already has this configuration');
        assert.ok(!w.writes.includes('putCluster'));
      } else {
        assert.deepEqual(w.clusters.get(CLUSTER_ID)!.identity, { type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: {} } });
      }
    });
  }

  it('PMK on a cluster whose GET has no properties: updated, then verified', async () => {
    const w = newWorld();
    w.clusters.set(CLUSTER_ID, { id: CLUSTER_ID, name: 'aks1', location: 'eastus' });
    const { result } = await run(w, PMK);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.updateCluster, 'done');
    assert.deepEqual(w.clusters.get(CLUSTER_ID)!.properties?.securityProfile, { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } });
  });
});

describe('updateCluster: what it says it changed', () => {
  it('PMK: infrastructure encryption on, Key Vault KMS off', async () => {
    const { result, detail } = await run(newWorld(), PMK);
    assert.equal(result.steps.updateCluster, 'done');
    assert.equal(detail('updateCluster'), 'cluster updated: infrastructure encryption Enabled, Key Vault KMS off');
  });

  for (const networkAccess of ['Public', 'Private'] as const) {
    it(`CMK (${networkAccess}): Key Vault KMS on with its network access`, async () => {
      const w = cmkWorld();
      if (networkAccess === 'Private') {
        w.vaults.set(VAULT_ID.toLowerCase(), { ...VAULT, networkDefaultAction: 'Deny' });
      }
      const { result, detail } = await run(w, { ...CMK, networkAccess });
      assert.equal(result.status, 'succeeded', JSON.stringify(result));
      assert.equal(detail('updateCluster'), `cluster updated: Key Vault KMS on (${networkAccess} network access), infrastructure encryption Enabled`);
    });
  }

  it('AKS refuses while the identity\'s new role propagates: the wait is announced in seconds, with the plan\'s sleep', async () => {
    const w = cmkWorld();
    const base = fakePorts(w);
    let refusals = 2;
    const sleeps: number[] = [];
    const ports: EnablePorts = {
      ...base,
      putCluster: async (...args) => {
        if (refusals-- > 0) {
          throw Object.assign(new Error('The identity does not have keys encrypt/decrypt permission'), { statusCode: 400, code: 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError' });
        }
        return base.putCluster(...args);
      },
      sleep: async ms => void sleeps.push(ms),
    };
    const { result, events } = await run(w, CMK, ports, { ...OPTIONS, rolePropagation: { initialDelayMs: 3_000, maxDelayMs: 6_000, timeoutMs: 60_000 } });
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(sleeps, [3_000, 6_000]);
    assert.deepEqual(events.filter(e => e.stepId === 'updateCluster' && /waiting \d+ s/.test(e.message ?? '')).map(e => e.message), [
      'waiting 3 s for the new role assignment to reach Key Vault', 'waiting 6 s for the new role assignment to reach Key Vault',
    ]);
    assert.equal(w.writes.filter(x => x === 'putCluster').length, 1);
  });

  it('a 412 whose re-read already shows the change: done, saying it was already applied', async () => {
    const w = newWorld();
    const base = fakePorts(w);
    const ports: EnablePorts = {
      ...base,
      putCluster: async (id, body) => {
        // Our first attempt went through, its answer was lost; the re-sent PUT meets the new eTag.
        w.clusters.set(id, structuredClone(body));
        throw Object.assign(new Error('The eTag does not match.'), { statusCode: 412, code: 'PreconditionFailed' });
      },
    };
    const { result, detail } = await run(w, PMK, ports);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.updateCluster, 'done');
    assert.equal(detail('updateCluster'), 'cluster updated: infrastructure encryption Enabled, Key Vault KMS off (already applied when the cluster was read again)');
  });

  it('joining its own running update, it waits with the plan\'s sleep (which the plan\'s cancellation stops)', async () => {
    const w = newWorld();
    const base = fakePorts(w);
    let reads = 0;
    const sleeps: number[] = [];
    const ports: EnablePorts = {
      ...base,
      getCluster: async id => {
        const c = await base.getCluster(id);
        if (c.properties?.provisioningState === 'Updating' && reads++ >= 2) {
          c.properties.provisioningState = 'Succeeded';
          w.clusters.set(id, c);
        }
        return c;
      },
      putCluster: async (id, body) => {
        w.clusters.set(id, { ...structuredClone(body), properties: { ...body.properties, provisioningState: 'Updating' } });
        throw Object.assign(new Error('busy'), { statusCode: 409, code: 'OperationNotAllowed' });
      },
      sleep: async ms => void sleeps.push(ms),
    };
    const { result } = await run(w, PMK, ports, { ...OPTIONS, clusterWait: { initialDelayMs: 7, maxDelayMs: 10, timeoutMs: 1_000 } });
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(sleeps, [7, 10]);
  });
});

describe('verify', () => {
  it('checks the cluster the update returned, without another GET', async () => {
    const w = newWorld();
    const base = fakePorts(w);
    let gets = 0;
    // A later GET would show a stale copy (e.g. a lagging replica): verify must not depend on it.
    const ports: EnablePorts = { ...base, getCluster: async (id, s) => (gets++ === 0 ? base.getCluster(id, s) : clusterJson()) };
    const { result } = await run(w, PMK, ports);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.verify, 'done');
    assert.equal(gets, 1, 'one GET, by updateCluster');
  });

  it('a cluster that answers without the fields: verify fails listing every mismatch', async () => {
    const w = cmkWorld();
    const base = fakePorts(w);
    const ports: EnablePorts = { ...base, putCluster: async () => ({ id: CLUSTER_ID, name: 'aks1' }) };
    const { result } = await run(w, CMK, ports);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'verify');
    assert.equal((result.error as Error).message, 'The cluster does not report the expected security profile: '
      + 'infrastructureEncryption is missing (the api-version may not know the field); azureKeyVaultKms.enabled is undefined, expected true; '
      + 'azureKeyVaultKms.keyId is undefined, expected "https://kvexist.vault.azure.net/keys/kms-key"; azureKeyVaultKms.keyVaultNetworkAccess is undefined, expected "Public"; '
      + `azureKeyVaultKms.keyVaultResourceId is undefined, expected "${VAULT_ID}".`);
  });
});

describe('updateCluster: passing on what the PUT reports', () => {
  it('the PUT\'s progress (the cluster\'s provisioning state) is shown as the step\'s progress', async () => {
    const { events } = await run(newWorld(), PMK);
    assert.ok(events.some(e => e.stepId === 'updateCluster' && e.status === 'running' && e.message === 'Updating'), JSON.stringify(events));
  });

  it('an answer without a security profile: the update is done, and verify says what is missing', async () => {
    const w = newWorld();
    const ports: EnablePorts = { ...fakePorts(w), putCluster: async () => ({ id: CLUSTER_ID, name: 'aks1', properties: { provisioningState: 'Succeeded' } }) };
    const { result } = await run(w, PMK, ports);
    assert.equal(result.steps.updateCluster, 'done');
    assert.equal(result.failedStep, 'verify');
    assert.equal((result.error as Error).message, 'The cluster does not report the expected security profile: infrastructureEncryption is missing (the api-version may not know the field).');
  });
});
