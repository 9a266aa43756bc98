/**
 * What `npm run bench` relies on (docs/CONTRACTS.md): injected latency (`requestLatencyMs`, the synchronous create
 * durations) and the generated fleet (`--generate-fleet`, `POST /_emulator/reset {generateFleet}`): deterministic,
 * mixed KMS states, paged by Resource Graph (`$skipToken` and `$skip`) and by ARM lists (nextLink), and a Resource
 * Graph that still sees every write. Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { emulatorAdmin, emulatorRequest, startEmulatorProcess } from '../emulator/client';
import { GENERATED_RESOURCE_GROUP, generatedClusterName, generatedSubscriptionId } from '../emulator/generate';
import { identityPrincipalId } from '../emulator/ids';
import { KEY_VAULT_CRYPTO_USER } from '../emulator/roles';
import { seedVault } from '../emulator/seed';
import { mintTestToken } from '../emulator/token';
import { call, clusterUrl, emulatorInfo, expectError, MC_API, vaultBaseUrl, vaultId } from './emulator-helpers';

const info = emulatorInfo();
const admin = emulatorAdmin(info);
const RG_API = '2024-04-01';
const MSI_API = '2024-11-30';
const AUTH_API = '2022-04-01';

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

interface GraphPage {
  totalRecords: number;
  count: number;
  $skipToken?: string;
  data: { id: string; name: string; subscriptionId: string; kms: unknown }[];
}

async function graph(subscriptions: string[], options: Record<string, unknown>, query = FLEET_QUERY): Promise<GraphPage> {
  const res = await call('POST', `/providers/Microsoft.ResourceGraph/resources?api-version=${RG_API}`, { subscriptions, query, options });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return res.body as GraphPage;
}

const FLEET_QUERY =
  "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, subscriptionId, kms = properties.securityProfile | order by id asc";

describe('injected latency', () => {
  afterEach(() => admin.reset());

  it('requestLatencyMs delays every ARM and data-plane request, not the admin API; reset restores the start-up value', async () => {
    const config = await admin.config({ requestLatencyMs: 300 });
    assert.equal(config.requestLatencyMs, 300);
    const arm = await timed(() => call('GET', clusterUrl('aks-prod-pmk')));
    assert.equal(arm.result.status, 200);
    assert.ok(arm.ms >= 300, `ARM GET took ${arm.ms} ms`);
    // The data plane too, even the token-less first request answered with the 401 challenge.
    const base = await vaultBaseUrl('kvprodpublic');
    const data = await timed(() => emulatorRequest(info, { url: `${base}/keys?api-version=7.5` }));
    assert.equal(data.result.status, 401);
    assert.ok(data.ms >= 300, `data-plane GET took ${data.ms} ms`);
    await admin.config({ requestLatencyMs: 2000 });
    const adminCall = await timed(() => admin.health());
    assert.ok(adminCall.ms < 2000, `the admin API waited ${adminCall.ms} ms`);
    await admin.reset();
    assert.equal((await admin.getConfig()).requestLatencyMs, 0);
  });

  it('identityCreateDurationMs delays a create, not an update of the same identity', async () => {
    await admin.config({ identityCreateDurationMs: 400 });
    const url = `/subscriptions/${seedVault('kvprodpublic').subscriptionId}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-latency-${randomUUID().slice(0, 8)}?api-version=${MSI_API}`;
    const create = await timed(() => call('PUT', url, { location: 'eastus' }));
    assert.equal(create.result.status, 201, create.result.text);
    assert.ok(create.ms >= 400, `create took ${create.ms} ms`);
    const update = await timed(() => call('PUT', url, { location: 'eastus', tags: { a: 'b' } }));
    assert.equal(update.result.status, 200);
    assert.ok(update.ms < 400, `update took ${update.ms} ms`);
  });

  it('roleAssignmentCreateDurationMs delays a create; propagation counts from its end; a duplicate answers at once', async () => {
    await admin.config({ roleAssignmentCreateDurationMs: 400, rolePropagationDelayMs: 0 });
    const scope = vaultId('kvprodpublic');
    const principal = identityPrincipalId(seedVault('kvprodpublic').subscriptionId, 'rg-prod', 'id-aks-prod-plain');
    const body = { properties: { roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_CRYPTO_USER}`, principalId: principal, principalType: 'ServicePrincipal' } };
    const url = (name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTH_API}`;
    const create = await timed(() => call('PUT', url(randomUUID()), body));
    assert.equal(create.result.status, 201, create.result.text);
    assert.ok(create.ms >= 400, `create took ${create.ms} ms`);
    const duplicate = await timed(() => call('PUT', url(randomUUID()), body));
    expectError(duplicate.result, 409, 'RoleAssignmentExists');
    assert.ok(duplicate.ms < 400, `the duplicate took ${duplicate.ms} ms`);
  });

  it('new switches are validated like the others', async () => {
    const res = await emulatorRequest(info, { method: 'POST', url: '/_emulator/config', body: { requestLatencyMs: -1 } });
    expectError(res, 400, 'InvalidConfig');
  });
});

describe('generated fleet', () => {
  const SUBS = 20;
  const PER_SUB = 50;
  const generated = Array.from({ length: SUBS }, (_, i) => generatedSubscriptionId(i));
  before(async () => {
    const r = await admin.reset({ generateFleet: { subscriptions: SUBS, clustersPerSubscription: PER_SUB } });
    // The seed's 13 home clusters and 4 subscriptions, the other directories' 3 and 2 (seed.ts), and the generated ones.
    assert.equal(r.clusters, 13 + 3 + SUBS * PER_SUB);
    assert.equal(r.subscriptions, 4 + 2 + SUBS);
  });
  after(() => admin.reset());

  it('adds the subscriptions, clusters, vaults and identities to the seed, deterministically and with every KMS state', async () => {
    const subs = (await call('GET', '/subscriptions?api-version=2022-12-01')).body as { value: { subscriptionId: string }[]; nextLink?: string };
    assert.ok(subs.nextLink, 'the subscription list pages');
    const name = generatedClusterName(3, 7);
    const url = `/subscriptions/${generated[3]}/resourceGroups/${GENERATED_RESOURCE_GROUP}/providers/Microsoft.ContainerService/managedClusters/${name}?api-version=${MC_API}`;
    const first = await call('GET', url);
    assert.equal(first.status, 200, first.text);
    await admin.reset({ generateFleet: { subscriptions: SUBS, clustersPerSubscription: PER_SUB } });
    assert.deepEqual((await call('GET', url)).body, first.body, 'the same spec builds the same cluster');

    const rows = [];
    for (let token: string | undefined, page = 0; page === 0 || token; page++) {
      const p = await graph(generated, { $top: 1000, ...(token ? { $skipToken: token } : {}) });
      rows.push(...p.data);
      token = p.$skipToken;
    }
    const states = new Set(
      rows.map((r) => {
        const kms = r.kms as { azureKeyVaultKms?: { keyId?: string }; kubernetesResourceObjectEncryptionProfile?: unknown } | null;
        if (kms?.azureKeyVaultKms) return /\/keys\/[^/]+\/[0-9a-f]{32}$/.test(kms.azureKeyVaultKms.keyId ?? '') ? 'legacy' : 'cmk';
        return kms?.kubernetesResourceObjectEncryptionProfile ? 'pmk' : 'none';
      }),
    );
    assert.deepEqual([...states].sort(), ['cmk', 'legacy', 'none', 'pmk']);
  });

  it('Resource Graph pages 1,000 rows with $skipToken and with $skip alike: every cluster once, ordered by id', async () => {
    const byToken: string[] = [];
    let token: string | undefined;
    do {
      const p = await graph(generated, { $top: 300, ...(token ? { $skipToken: token } : {}) });
      assert.equal(p.totalRecords, SUBS * PER_SUB);
      byToken.push(...p.data.map((r) => r.id));
      token = p.$skipToken;
    } while (token);
    assert.equal(byToken.length, SUBS * PER_SUB);
    assert.equal(new Set(byToken).size, byToken.length);
    assert.deepEqual(byToken, [...byToken].sort());
    const bySkip = (await Promise.all([0, 300, 600, 900].map((skip) => graph(generated, { $top: 300, $skip: skip })))).flatMap((p) => p.data.map((r) => r.id));
    assert.deepEqual(bySkip, byToken);
  });

  it('a managed-cluster list of a generated subscription pages with nextLink (ARM pages of --page-size)', async () => {
    const names: string[] = [];
    let url: string | undefined = `/subscriptions/${generated[0]}/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_API}`;
    let pages = 0;
    while (url) {
      const res = await call('GET', url);
      assert.equal(res.status, 200, res.text.slice(0, 300));
      const page = res.body as { value: { name: string }[]; nextLink?: string };
      names.push(...page.value.map((c) => c.name));
      url = page.nextLink;
      pages++;
    }
    assert.equal(names.length, PER_SUB);
    assert.ok(pages > 1, 'more than one page');
    assert.deepEqual(names, Array.from({ length: PER_SUB }, (_, j) => generatedClusterName(0, j)));
  });

  it('rejects unusable specs', async () => {
    const big = await emulatorRequest(info, { method: 'POST', url: '/_emulator/reset', body: { generateFleet: { subscriptions: 2000, clustersPerSubscription: 1000 } } });
    expectError(big, 400, 'InvalidConfig');
    const unknown = await emulatorRequest(info, { method: 'POST', url: '/_emulator/reset', body: { generate: {} } });
    expectError(unknown, 400, 'InvalidConfig');
  });
});

describe('Resource Graph and ARM see every change (kept results and serialised replies are dropped by any write or time-driven change)', () => {
  after(() => admin.reset());

  interface Shown { state: string; tags: Record<string, string> }
  /** The cluster as a query, its GET and its subscription's list show it. */
  async function shown(sub: string): Promise<Shown[]> {
    const query = "resources | where name == 'aks-prod-plain' | project id, state = properties.provisioningState, tags";
    const row = (await graph([sub], {}, query)).data[0] as unknown as Shown;
    const fromArm = (c: { properties: { provisioningState: string }; tags: Record<string, string> }): Shown => ({ state: c.properties.provisioningState, tags: c.tags });
    const got = (await call('GET', clusterUrl('aks-prod-plain'))).body as Parameters<typeof fromArm>[0];
    const list = (await call('GET', `/subscriptions/${sub}/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_API}`)).body as { value: (Parameters<typeof fromArm>[0] & { name: string })[] };
    const listed = list.value.find((c) => c.name === 'aks-prod-plain');
    assert.ok(listed, 'the cluster is on its subscription\'s list');
    return [{ state: row.state, tags: row.tags }, fromArm(got), fromArm(listed)];
  }

  it('a cluster update shows in the next query, GET and list, and so does its completion', async () => {
    await admin.reset();
    await admin.config({ clusterUpdateDurationMs: 300 });
    const sub = seedVault('kvprodpublic').subscriptionId;
    const before = await shown(sub);
    assert.deepEqual(await shown(sub), before, 'the same state read twice (the second from what was kept)');
    assert.ok(before.every((s) => s.state === 'Succeeded' && s.tags.bench === undefined));
    const cluster = (await call('GET', clusterUrl('aks-prod-plain'))).body as { tags: Record<string, string> };
    const put = await call('PUT', clusterUrl('aks-prod-plain'), { ...cluster, tags: { ...cluster.tags, bench: 'yes' } });
    assert.equal(put.status, 200, put.text.slice(0, 300));
    const during = await shown(sub);
    assert.deepEqual(during.map((s) => [s.state, s.tags.bench]), [['Updating', 'yes'], ['Updating', 'yes'], ['Updating', 'yes']]);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual((await shown(sub)).map((s) => [s.state, s.tags.bench]), [['Succeeded', 'yes'], ['Succeeded', 'yes'], ['Succeeded', 'yes']]);
  });
});

describe('the emulator process flags', () => {
  it('--generate-fleet and --request-latency-ms set the start-up fleet and latency (which a reset restores)', async () => {
    const emulator = await startEmulatorProcess({ generateFleet: { subscriptions: 3, clustersPerSubscription: 4 }, requestLatencyMs: 20 });
    try {
      const other = emulatorAdmin(emulator.info);
      assert.equal((await other.getConfig()).requestLatencyMs, 20);
      const reset = await other.reset();
      assert.equal(reset.clusters, 13 + 3 + 12); // home seed, the other directories', generated
      const token = mintTestToken({ tid: emulator.info.tenantId, oid: emulator.info.userObjectId });
      const res = await emulatorRequest(emulator.info, { url: `/subscriptions/${generatedSubscriptionId(2)}/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_API}`, token });
      assert.equal(res.status, 200, res.text.slice(0, 300));
    } finally {
      await emulator.stop();
    }
  });
});
