/**
 * No lost updates, against the emulator with the real SDK clients:
 *  - the cluster PUT is conditional (If-Match: the eTag of the GET it modifies). When someone else changes the cluster
 *    between the product's GET and PUT, AKS answers 412; the product reads again, re-applies its change and PUTs with
 *    the fresh eTag, so both its KMS settings and the other writer's change survive;
 *  - locking the vault firewall keeps the vault's existing ipRules and virtualNetworkRules (a PATCH's networkAcls
 *    replaces the whole rule set, so the product must send them back).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { getVault, updateVault } from '../../src/azure/keyVault';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { isPreconditionFailed } from '../../src/kms/enable/clusterWrite';
import type { EnableConfig } from '../../src/kms/enable/config';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import type { StepEvent } from '../../src/kms/plan/runner';
import { emulatorRequest, type EmulatorResponse } from '../emulator/client';
import type { RequestLogEntry } from '../emulator/requestLog';
import { SpecValidator, specsDir } from '../emulator/schemas';
import { mintTestToken } from '../emulator/token';
import { admin, azureContext, clusterId, info, resetFast, runFlow, SUB1 } from './support/azure';

const MC_API = '2026-10-02-preview';
const KV_API = '2026-02-01';
const token = () => mintTestToken({ tid: info.tenantId, oid: info.userObjectId });
const send = (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<EmulatorResponse> =>
  emulatorRequest(info, { method, url, body, headers, token: token() });

const validator = new SpecValidator(specsDir());
/** Validates against the official spec when the spec files are on this machine (emulator-schemas.test.ts reports if not). */
function assertSpecValid(file: 'managedClusters' | 'armCommonV6', definition: string, body: unknown): void {
  if (!validator.has(file)) return;
  const r = validator.validate(file, definition, body);
  assert.ok(r.ok, `${definition}: ${r.errors.join('; ')}`);
}

const clusterUrl = (id: string) => `${id}?api-version=${MC_API}`;

async function getCluster(id: string): Promise<ManagedClusterJson & { eTag: string; tags?: Record<string, string> }> {
  const res = await send('GET', clusterUrl(id));
  assert.equal(res.status, 200, res.text);
  return res.body as ManagedClusterJson & { eTag: string; tags?: Record<string, string> };
}

const poolCount = (c: ManagedClusterJson, pool: string) =>
  (c.properties?.agentPoolProfiles as { name: string; count: number }[]).find(p => p.name === pool)?.count;

/** Waits until the cluster's operation has ended (the emulator's LRO runs on its own clock). */
async function settled(id: string): Promise<ManagedClusterJson & { eTag: string; tags?: Record<string, string> }> {
  for (let i = 0; i < 100; i++) {
    const c = await getCluster(id);
    if (c.properties?.provisioningState === 'Succeeded') return c;
    await new Promise(r => setTimeout(r, 50));
  }
  assert.fail(`${id} never settled`);
}

const clusterPuts = async (id: string): Promise<RequestLogEntry[]> =>
  (await admin.requests()).filter(r => r.method === 'PUT' && r.path.split('?')[0].toLowerCase() === id.toLowerCase());

describe('no lost updates: the cluster PUT carries If-Match', () => {
  beforeEach(resetFast);

  it('GET and list show an eTag; every accepted PUT stores a new one, which the body cannot set', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const before = await getCluster(id);
    assert.match(before.eTag, /\S/);
    const list = await send('GET', `/subscriptions/${SUB1}/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_API}`);
    const listed = (list.body as { value: { id: string; eTag?: string }[] }).value.find(c => c.id.toLowerCase() === id.toLowerCase());
    assert.equal(listed?.eTag, before.eTag);

    const put = await send('PUT', clusterUrl(id), { ...before, eTag: 'chosen-by-the-client', tags: { ...before.tags, a: 'b' } }, { 'If-Match': before.eTag });
    assert.equal(put.status, 200, put.text);
    const after = await settled(id);
    assert.notEqual(after.eTag, before.eTag);
    assert.notEqual(after.eTag, 'chosen-by-the-client');
    assert.equal(after.tags?.a, 'b');
    assertSpecValid('managedClusters', 'ManagedCluster', after);
  });

  it('a PUT with a stale If-Match answers 412 PreconditionFailed and changes nothing; `*` and no header are not checked', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const stale = await getCluster(id);
    // Someone else writes the cluster: its eTag moves on.
    assert.equal((await send('PUT', clusterUrl(id), { ...stale, tags: { ...stale.tags, other: 'writer' } }, { 'If-Match': stale.eTag })).status, 200);
    const current = await settled(id);
    await admin.clearRequests();

    const refused = await send('PUT', clusterUrl(id), { ...stale, tags: { lost: 'update' } }, { 'If-Match': stale.eTag });
    assert.equal(refused.status, 412, refused.text);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'PreconditionFailed');
    assertSpecValid('armCommonV6', 'ErrorResponse', refused.body);
    assert.deepEqual(await getCluster(id), current, 'nothing stored, no operation started');
    assert.equal((await clusterPuts(id))[0].ifMatch, stale.eTag, 'the request log shows the If-Match sent');

    // The quoted form of the current tag matches (RFC 7232 entity-tag syntax).
    assert.equal((await send('PUT', clusterUrl(id), current, { 'If-Match': `"${current.eTag}"` })).status, 200);
    const third = await settled(id);
    assert.equal((await send('PUT', clusterUrl(id), { ...third, tags: { ...third.tags, star: 'ok' } }, { 'If-Match': '*' })).status, 200);
    const fourth = await settled(id);
    assert.equal((await send('PUT', clusterUrl(id), { ...fourth, tags: { ...fourth.tags, none: 'ok' } })).status, 200);
    assert.deepEqual({ ...(await settled(id)).tags }, { ...current.tags, star: 'ok', none: 'ok' });
  });

  it('the adapter sends the body\'s eTag as If-Match; a stale one is an AzureRequestError PreconditionFailed/412', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const adapter = new ManagedClustersAdapter(azureContext());
    const read = await adapter.get(id);
    await admin.changeClusterBeforeNextPut(id, { tags: { moved: 'on' } });
    await assert.rejects(adapter.put(id, { ...read, tags: { mine: 'x' } }, () => undefined), (err: unknown) => {
      const e = err as { name?: string; code?: string; statusCode?: number };
      assert.deepEqual([e.name, e.code, e.statusCode], ['AzureRequestError', 'PreconditionFailed', 412]);
      assert.ok(isPreconditionFailed(err));
      return true;
    });
    const puts = await clusterPuts(id);
    assert.deepEqual(puts.map(p => [p.status, p.ifMatch]), [[412, read.eTag]]);
    assert.deepEqual((await getCluster(id)).tags, { ...(read.tags as Record<string, string>), moved: 'on' }, 'the other writer\'s change stands; ours was not stored');
  });

  it('CMK enable while someone scales a node pool and tags the cluster between the GET and the PUT: both changes and the KMS profile survive', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-pmk');
    const vaultId = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic`;
    const identityId = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-pmk`;
    const before = await getCluster(id);
    assert.equal(poolCount(before, 'nodepool1'), 3);
    await admin.changeClusterBeforeNextPut(id, { agentPools: [{ name: 'nodepool1', count: 5 }], tags: { 'changed-by': 'someone-else' } });

    const events: StepEvent[] = [];
    const config: EnableConfig = {
      kind: 'cmk', clusterId: id, networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'existing', name: 'aks-kms' }, identity: { kind: 'existing', id: identityId },
    };
    const { outcome } = await runFlow(config, events);
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));

    const vaultUri = (await getVault(azureContext(), vaultId)).vaultUri.replace(/\/+$/, '');
    const after = await getCluster(id);
    // The other writer's change is kept …
    assert.equal(poolCount(after, 'nodepool1'), 5);
    assert.deepEqual(after.tags, { ...before.tags, 'changed-by': 'someone-else' });
    // … and so is ours.
    assert.deepEqual(after.properties?.securityProfile?.azureKeyVaultKms, { enabled: true, keyId: `${vaultUri}/keys/aks-kms`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: vaultId });
    assert.deepEqual(after.properties?.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.ok(Object.keys(after.identity?.userAssignedIdentities ?? {}).some(k => k.toLowerCase() === identityId.toLowerCase()));
    assert.deepEqual(outcome.securityProfile, after.properties?.securityProfile);

    // Exactly one 412 in the whole run, then one PUT with a different (the fresh) eTag, which the emulator accepted:
    // it checks If-Match, so an accepted conditional PUT carried the eTag stored at that moment.
    const all = await admin.requests();
    assert.equal(all.filter(r => r.status === 412).length, 1, JSON.stringify(all.filter(r => r.status === 412)));
    const puts = await clusterPuts(id);
    assert.deepEqual(puts.map(p => p.status), [412, 200]);
    assert.equal(puts[0].ifMatch, before.eTag, 'the first PUT was conditional on the product\'s GET');
    assert.ok(puts[1].ifMatch && puts[1].ifMatch !== before.eTag, `the second PUT carries the fresh eTag, got ${puts[1].ifMatch}`);
    // The fresh eTag came from a GET after the 412.
    const at412 = all.findIndex(r => r.status === 412);
    const secondPut = all.findIndex((r, i) => i > at412 && r.method === 'PUT' && r.path.split('?')[0].toLowerCase() === id.toLowerCase());
    assert.ok(all.slice(at412 + 1, secondPut).some(r => r.method === 'GET' && r.path.split('?')[0].toLowerCase() === id.toLowerCase()), 'the cluster was read again before the second PUT');
    const [rule] = await admin.faults();
    assert.equal(rule.hits, 1);
    assert.ok(events.some(e => e.stepId === 'updateCluster' && /changed since it was read/.test(e.message ?? '')), 'the user is told why the cluster is read again');
  });

  it('PMK enable with the same race: the node pool count and the tag survive, and the profile is PMK', async () => {
    const id = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
    const before = await getCluster(id);
    await admin.changeClusterBeforeNextPut(id, { agentPools: [{ name: 'nodepool1', count: 7 }], tags: { cost: 'center-42' } });
    const { outcome } = await runFlow({ kind: 'pmk', clusterId: id });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    const after = await getCluster(id);
    assert.equal(poolCount(after, 'nodepool1'), 7);
    assert.deepEqual(after.tags, { ...before.tags, cost: 'center-42' });
    assert.deepEqual(after.properties?.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.deepEqual((await clusterPuts(id)).map(p => p.status), [412, 200]);
  });
});

describe('locking the vault firewall keeps its network rules', () => {
  const RG = 'rg-prod';
  const IP_RULE = { value: '203.0.113.0/24' };
  const SUBNET = `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-aks-prod-plain/subnets/nodes-subnet`;
  const vaultIdOf = (name: string) => `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${name}`;

  beforeEach(async () => {
    await resetFast();
    // Created at once (no RegisteringDns phase to poll through).
    await admin.config({ vaultCreateDurationMs: 0 });
  });

  /** An RBAC vault, open to public networks (defaultAction Allow), holding one IP rule and one VNet rule. */
  async function vaultWithRules(name: string): Promise<string> {
    const res = await send('PUT', `${vaultIdOf(name)}?api-version=${KV_API}`, {
      location: 'eastus',
      properties: {
        tenantId: info.tenantId, sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [IP_RULE], virtualNetworkRules: [{ id: SUBNET }] },
      },
    });
    assert.equal(res.status, 201, res.text);
    return vaultIdOf(name);
  }

  async function networkAcls(vaultId: string): Promise<unknown> {
    const res = await send('GET', `${vaultId}?api-version=${KV_API}`);
    assert.equal(res.status, 200, res.text);
    return (res.body as { properties: { networkAcls?: unknown } }).properties.networkAcls;
  }

  it('the emulator, like Key Vault, replaces the whole rule set on PATCH: rules left out are gone', async () => {
    const vaultId = await vaultWithRules('kvrulespatch01');
    const res = await send('PATCH', `${vaultId}?api-version=${KV_API}`, { properties: { networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await networkAcls(vaultId), { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] });
  });

  it('updateVault (the lockFirewall step\'s call) sends the existing rules back with Deny + AzureServices', async () => {
    const vaultId = await vaultWithRules('kvrulesadapt01');
    const facts = await updateVault(azureContext(), vaultId, { networkDefaultAction: 'Deny', networkBypass: 'AzureServices' });
    assert.equal(facts.networkDefaultAction, 'Deny');
    assert.equal(facts.networkBypass, 'AzureServices');
    assert.deepEqual(await networkAcls(vaultId), { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [IP_RULE], virtualNetworkRules: [{ id: SUBNET }] });
  });

  it('a Private CMK flow on a vault with an IP rule and a VNet rule locks the firewall and keeps both rules', async () => {
    const vaultId = await vaultWithRules('kvrulesflow01');
    const id = clusterId(SUB1, RG, 'aks-prod-plain');
    const { outcome } = await runFlow({
      kind: 'cmk', clusterId: id, networkAccess: 'Private',
      vault: { kind: 'existing', id: vaultId }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: `/subscriptions/${SUB1}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod-plain` },
    });
    assert.equal(outcome.result.status, 'succeeded', JSON.stringify(outcome.result));
    assert.equal(outcome.securityProfile?.azureKeyVaultKms?.keyVaultNetworkAccess, 'Private');
    assert.deepEqual(await networkAcls(vaultId), { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [IP_RULE], virtualNetworkRules: [{ id: SUBNET }] });
    const patches = (await admin.requests()).filter(r => r.method === 'PATCH' && r.path.split('?')[0].toLowerCase() === vaultId.toLowerCase());
    assert.equal(patches.length, 1, 'the firewall was locked by the flow');
  });
});
