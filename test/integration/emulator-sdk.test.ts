/**
 * The real Azure SDK clients, unchanged, against the emulator: the proof that product code written
 * for Azure runs against it. Run through test/emulator/with-emulator.ts (NODE_EXTRA_CA_CERTS is needed
 * by the SDKs' own HTTPS stack).
 */
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { getClient } from '@azure-rest/core-client';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import { KeyClient } from '@azure/keyvault-keys';
import { emulatorAdmin, emulatorRequest, readEmulatorInfo, startEmulatorProcess, type EmulatorProcess } from '../emulator/client';
import type { EmulatorInfo } from '../emulator/info';
import { DAY_MS, SEED, seedCluster, seedVault } from '../emulator/seed';
import { mintTestToken, testCredential } from '../emulator/token';
import { rejection } from './emulator-helpers';

const CLUSTER_QUERY = "resources | where type =~ 'microsoft.containerservice/managedclusters' | order by name asc";
/** Seeding happened when the emulator started (or at a reset by a parallel test file): allow minutes. */
const AGE_TOLERANCE_MS = 10 * 60 * 1000;


function clusterPath(name: string): string {
  const c = seedCluster(name);
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`;
}

describe('the real Azure SDK clients against the emulator', () => {
  let info: EmulatorInfo;
  let credential: TokenCredential;
  /** Modular ARM clients take `endpoint` and `credentials.scopes` (checked in their *Context.js). */
  let armOptions: { endpoint: string; credentials: { scopes: string[] } };
  const subscriptionIds = SEED.subscriptions.map((s) => s.subscriptionId);

  before(() => {
    info = readEmulatorInfo();
    credential = testCredential(info);
    armOptions = { endpoint: info.armEndpoint, credentials: { scopes: [`${info.armEndpoint}/.default`] } };
  });

  it('SubscriptionClient pages through all four subscriptions', async () => {
    const client = new SubscriptionClient(credential, armOptions);
    const pages: string[][] = [];
    for await (const page of client.subscriptions.list().byPage()) pages.push(page.map((s) => s.displayName ?? ''));
    assert.ok(pages.length > 1, `expected more than one page, got ${pages.length}`);
    assert.deepEqual(pages.flat().sort(), SEED.subscriptions.map((s) => s.displayName).sort());
    const one = await client.subscriptions.get(subscriptionIds[2]);
    assert.equal(one.displayName, 'Fabrikam Platform');
    assert.equal(one.tenantId, info.tenantId);
  });

  it('Resource Graph (REST, as the product calls it) returns all 13 clusters through $skipToken paging ($top 5)', async () => {
    const names: string[] = [];
    let skipToken: string | undefined;
    let calls = 0;
    do {
      const r = await resources(info.armEndpoint, credential, { subscriptions: subscriptionIds, query: CLUSTER_QUERY, options: { $top: 5, ...(skipToken ? { $skipToken: skipToken } : {}) } });
      calls++;
      assert.equal(r.totalRecords, SEED.clusters.length);
      assert.equal(r.resultTruncated, 'false');
      names.push(...(r.data as { name: string }[]).map((row) => row.name));
      skipToken = r.$skipToken;
    } while (skipToken);
    assert.equal(calls, 3);
    assert.deepEqual(names, SEED.clusters.map((c) => c.name).sort());
  });

  it('Resource Graph keeps to the requested subscriptions and projects columns', async () => {
    const r = await resources(info.armEndpoint, credential, {
      subscriptions: [subscriptionIds[2]],
      query: "resources | where type =~ 'microsoft.containerservice/managedclusters' | project name, keyId = properties.securityProfile.azureKeyVaultKms.keyId | order by name asc",
    });
    const rows = r.data as { name: string; keyId: string | null }[];
    assert.deepEqual(rows.map((x) => x.name), SEED.clusters.filter((c) => c.subscriptionId === subscriptionIds[2]).map((c) => c.name).sort());
    assert.match(rows.find((x) => x.name === 'aks-fab-cmk-public')!.keyId!, /^https:\/\/127\.0\.0\.1:\d+\/keys\/kms-key$/);
    assert.equal(rows.find((x) => x.name === 'aks-fab-plain')!.keyId, null);
  });

  it('raw @azure-rest/core-client GET echoes kubernetesResourceObjectEncryptionProfile at 2026-10-02-preview, not at an old api-version', async () => {
    const client = getClient(info.armEndpoint, credential, { credentials: { scopes: [`${info.armEndpoint}/.default`] } });
    const at = async (apiVersion: string) => {
      const res = await client.pathUnchecked(clusterPath('aks-prod-pmk')).get({ queryParameters: { 'api-version': apiVersion } });
      assert.equal(res.status, '200');
      return (res.body as { properties: { securityProfile: Record<string, unknown> } }).properties.securityProfile;
    };
    assert.deepEqual((await at('2026-10-02-preview')).kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.deepEqual((await at('2026-10-01')).kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.equal((await at('2025-05-02-preview')).kubernetesResourceObjectEncryptionProfile, undefined);
    assert.equal((await at('2024-09-01')).kubernetesResourceObjectEncryptionProfile, undefined);
  });

  it('AKS answers the SDK (which always asks for gzip) gzip-encoded, as recorded from Azure; plain to a client that does not ask', async () => {
    const token = mintTestToken({ tid: info.tenantId, oid: info.userObjectId });
    const urls = [
      `/subscriptions/${subscriptionIds[0]}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-10-01`,
      `${clusterPath('aks-prod-pmk')}?api-version=2026-10-01`,
    ];
    for (const url of urls) {
      const plain = await emulatorRequest(info, { url, token });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['content-encoding'], undefined, url);
      assert.equal(plain.headers.vary, 'Accept-Encoding', url);
      const gzipped = await emulatorRequest(info, { url, token, headers: { 'accept-encoding': 'gzip,deflate' } });
      assert.equal(gzipped.headers['content-encoding'], 'gzip', url);
      assert.deepEqual(JSON.parse(gunzipSync(gzipped.bytes).toString('utf8')), plain.body, url);
      assert.ok(gzipped.bytes.length < plain.bytes.length / 2, `${url}: ${gzipped.bytes.length} of ${plain.bytes.length} bytes`);
      // RFC 9110 §12.5.3: q=0 refuses a coding.
      const refused = await emulatorRequest(info, { url, token, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
      assert.equal(refused.headers['content-encoding'], undefined, url);
      assert.deepEqual(refused.bytes, plain.bytes, url);
    }
    // The SDK's own request (Accept-Encoding: gzip,deflate) reads the same cluster.
    const client = getClient(info.armEndpoint, credential, { credentials: { scopes: [`${info.armEndpoint}/.default`] } });
    const res = await client.pathUnchecked(clusterPath('aks-prod-pmk')).get({ queryParameters: { 'api-version': '2026-10-01' } });
    assert.deepEqual(res.body, (await emulatorRequest(info, { url: urls[1], token })).body);
    assert.equal(res.headers['content-encoding'], 'gzip');
  });

  it('managed-cluster lists page with absolute nextLinks', async () => {
    const client = getClient(info.armEndpoint, credential, { credentials: { scopes: [`${info.armEndpoint}/.default`] } });
    let url: string | undefined = `/subscriptions/${subscriptionIds[1]}/providers/Microsoft.ContainerService/managedClusters`;
    const names: string[] = [];
    let pages = 0;
    while (url) {
      const res = await client.pathUnchecked(url).get(pages === 0 ? { queryParameters: { 'api-version': '2026-10-02-preview' } } : {});
      const body = res.body as { value: { name: string }[]; nextLink?: string };
      names.push(...body.value.map((c) => c.name));
      if (body.nextLink) assert.ok(body.nextLink.startsWith(`${info.armEndpoint}/`), body.nextLink);
      url = body.nextLink;
      pages++;
    }
    assert.ok(pages > 1);
    assert.deepEqual(names.sort(), SEED.clusters.filter((c) => c.subscriptionId === subscriptionIds[1]).map((c) => c.name).sort());
  });

  it('KeyVaultManagementClient: vaults.get and keys.listVersions give the seeded vault and key ages', async () => {
    const v = seedVault('kvprodpublic');
    const client = new KeyVaultManagementClient(credential, v.subscriptionId, armOptions);
    const vault = await client.vaults.get(v.resourceGroup, v.name);
    assert.match(vault.properties.vaultUri ?? '', /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(vault.properties.enableRbacAuthorization, true);
    assert.equal(vault.properties.enablePurgeProtection, true);
    assert.equal(vault.properties.networkAcls?.defaultAction, 'Allow');

    const versions = [];
    for await (const k of client.keys.listVersions(v.resourceGroup, v.name, 'aks-kms')) versions.push(k);
    assert.deepEqual(versions.map((k) => k.name), v.keys[0].versions.map((x) => x.version));
    const now = Date.now();
    versions.forEach((k, i) => {
      const ageMs = now - (k.attributes?.created ?? 0) * 1000;
      assert.ok(Math.abs(ageMs - v.keys[0].versions[i].ageMs) < AGE_TOLERANCE_MS, `version ${i} age ${ageMs / DAY_MS} d`);
      assert.equal(k.keyUriWithVersion, `${vault.properties.vaultUri}keys/aks-kms/${k.name}`);
    });
    const current = await client.keys.get(v.resourceGroup, v.name, 'aks-kms');
    assert.equal(current.keyUri, `${vault.properties.vaultUri}keys/aks-kms`);
    assert.equal(current.rotationPolicy?.lifetimeActions?.[0]?.trigger?.timeAfterCreate, 'P90D');

    const legacy = seedVault('kvstglegacy');
    const legacyVault = await new KeyVaultManagementClient(credential, legacy.subscriptionId, armOptions).vaults.get(legacy.resourceGroup, legacy.name);
    assert.equal(legacyVault.properties.enablePurgeProtection, undefined, 'kvstglegacy has purge protection off');
  });

  it('ARM reads keys of a firewalled vault (the management plane is not behind the firewall)', async () => {
    const v = seedVault('kvfabprivate');
    const client = new KeyVaultManagementClient(credential, v.subscriptionId, armOptions);
    const vault = await client.vaults.get(v.resourceGroup, v.name);
    assert.equal(vault.properties.networkAcls?.defaultAction, 'Deny');
    assert.equal(vault.properties.networkAcls?.bypass, 'AzureServices');
    const versions = [];
    for await (const k of client.keys.listVersions(v.resourceGroup, v.name, 'kms-key')) versions.push(k);
    const newest = versions[versions.length - 1];
    const ageHours = (Date.now() - (newest.attributes?.created ?? 0) * 1000) / (60 * 60 * 1000);
    assert.ok(Math.abs(ageHours - 2) < AGE_TOLERANCE_MS / (60 * 60 * 1000), `newest version is ${ageHours} h old`);
  });

  it('KeyClient reads a public vault through the challenge: getKey and listPropertiesOfKeyVersions', async () => {
    const v = seedVault('kvprodpublic');
    const vault = await new KeyVaultManagementClient(credential, v.subscriptionId, armOptions).vaults.get(v.resourceGroup, v.name);
    const vaultUrl = vault.properties.vaultUri!;
    // disableChallengeResourceVerification: only ever for the local emulator (its host is 127.0.0.1).
    const client = new KeyClient(vaultUrl, credential, { disableChallengeResourceVerification: true });
    const key = await client.getKey('aks-kms');
    const latest = v.keys[0].versions[v.keys[0].versions.length - 1].version;
    assert.equal(key.id, `${vaultUrl}keys/aks-kms/${latest}`);
    assert.equal(key.keyType, 'RSA');
    assert.equal(Buffer.from(key.key!.n!).length, 256, '2048-bit modulus');
    const ageMs = Date.now() - key.properties.createdOn!.getTime();
    assert.ok(Math.abs(ageMs - 12 * DAY_MS) < AGE_TOLERANCE_MS);

    const versions = [];
    for await (const p of client.listPropertiesOfKeyVersions('aks-kms')) versions.push(p.version);
    assert.deepEqual(versions, v.keys[0].versions.map((x) => x.version));
  });

  it('KeyClient on a vault where the user holds no data-plane role (kvfabkeys) gets 403 ForbiddenByRbac', async () => {
    const v = seedVault('kvfabkeys');
    const vault = await new KeyVaultManagementClient(credential, v.subscriptionId, armOptions).vaults.get(v.resourceGroup, v.name);
    const client = new KeyClient(vault.properties.vaultUri!, credential, { disableChallengeResourceVerification: true });
    const err = await rejection(client.getKey('kms-key'));
    assert.equal(err.statusCode, 403);
    assert.equal(err.code, 'Forbidden');
    assert.equal(err.details?.error?.innerError?.code, 'ForbiddenByRbac');
  });

  it('KeyClient on a firewalled vault gets 403 ForbiddenByFirewall', async () => {
    const v = seedVault('kvprodprivate');
    const vault = await new KeyVaultManagementClient(credential, v.subscriptionId, armOptions).vaults.get(v.resourceGroup, v.name);
    const client = new KeyClient(vault.properties.vaultUri!, credential, { disableChallengeResourceVerification: true });
    const err = await rejection(client.getKey('aks-kms'));
    assert.equal(err.statusCode, 403);
    assert.equal(err.code, 'Forbidden');
    assert.equal(err.details?.error?.innerError?.code, 'ForbiddenByFirewall');
  });

  it('a missing token is 401, an expired one 401 ExpiredAuthenticationToken, a bad api-version 400 in ARM error shape', async () => {
    const url = `${clusterPath('aks-prod-pmk')}?api-version=2026-10-02-preview`;
    const missing = await emulatorRequest(info, { url });
    assert.equal(missing.status, 401);
    assert.equal((missing.body as { error: { code: string } }).error.code, 'AuthenticationFailed');

    const expired = await emulatorRequest(info, { url, token: mintTestToken({ expiresInSeconds: -5 }) });
    assert.equal(expired.status, 401);
    assert.equal((expired.body as { error: { code: string } }).error.code, 'ExpiredAuthenticationToken');

    const badVersion = await emulatorRequest(info, { url: `${clusterPath('aks-prod-pmk')}?api-version=2099-01-01`, token: mintTestToken() });
    assert.equal(badVersion.status, 400);
    const body = badVersion.body as { error: { code: string; message: string } };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, 'InvalidApiVersionParameter');
    assert.match(body.error.message, /2026-10-02-preview/);

    const noVersion = await emulatorRequest(info, { url: clusterPath('aks-prod-pmk'), token: mintTestToken() });
    assert.equal(noVersion.status, 400);
    assert.equal((noVersion.body as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
  });

  it('the SDK surfaces ARM errors as RestError code/statusCode', async () => {
    const client = new SubscriptionClient(credential, armOptions);
    const err = await rejection(client.subscriptions.get('99999999-9999-4999-8999-999999999999'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'SubscriptionNotFound');

    const expiredClient = new SubscriptionClient({ getToken: async () => ({ token: mintTestToken({ expiresInSeconds: -5 }), expiresOnTimestamp: Date.now() + 3_600_000 }) }, armOptions);
    const expired = await rejection(expiredClient.subscriptions.get(subscriptionIds[0]));
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.code, 'ExpiredAuthenticationToken');
  });
});

/**
 * Switches and the request log are global to an emulator, and node --test runs test files in parallel
 * against the shared one; so these tests start their own instance (reusing the shared certificate,
 * which this process already trusts through NODE_EXTRA_CA_CERTS).
 */
describe('a private emulator process (startEmulatorProcess)', () => {
  let shared: EmulatorInfo;
  let own: EmulatorProcess;
  let credential: TokenCredential;

  before(async () => {
    shared = readEmulatorInfo();
    own = await startEmulatorProcess({ tlsDir: dirname(shared.caCertPath), omitPreviewFields: true });
    credential = testCredential(own.info);
  });
  after(async () => {
    await own?.stop();
  });

  const pmkProfile = async () => {
    const r = await resources(own.info.armEndpoint, credential, {
      subscriptions: [seedCluster('aks-prod-pmk').subscriptionId],
      query: "resources | where type =~ 'microsoft.containerservice/managedclusters' and name == 'aks-prod-pmk' | project id, profile = properties.securityProfile.kubernetesResourceObjectEncryptionProfile",
    });
    return (r.data as { profile: unknown }[])[0].profile;
  };

  it('--omit-preview-fields and the admin config switch control Resource Graph rows', async () => {
    const admin = emulatorAdmin(own.info);
    assert.equal(await pmkProfile(), null, 'started with --omit-preview-fields');
    // A GET at the preview api-version still has it: only the index omits it.
    const res = await emulatorRequest(own.info, { url: `${clusterPath('aks-prod-pmk')}?api-version=2026-10-02-preview`, token: mintTestToken() });
    assert.ok((res.body as { properties: { securityProfile: Record<string, unknown> } }).properties.securityProfile.kubernetesResourceObjectEncryptionProfile);

    assert.equal((await admin.config({ resourceGraphOmitsPreviewFields: false })).resourceGraphOmitsPreviewFields, false);
    assert.deepEqual(await pmkProfile(), { infrastructureEncryption: 'Enabled' });
    await admin.config({ resourceGraphOmitsPreviewFields: true });
    assert.equal(await pmkProfile(), null);
    await admin.reset();
    assert.equal(await pmkProfile(), null, 'reset restores the start-up switches');
  });

  it('the request log records every call with its status until cleared', async () => {
    const admin = emulatorAdmin(own.info);
    assert.equal(await admin.health(), true);
    await admin.clearRequests();
    const url = `/subscriptions/${SEED.subscriptions[3].subscriptionId}?api-version=2022-12-01`;
    await emulatorRequest(own.info, { url, token: mintTestToken() });
    await emulatorRequest(own.info, { url: `//subscriptions?api-version=2099-01-01`, token: mintTestToken() });
    const log = await admin.requests();
    assert.deepEqual(log.map((r) => [r.method, r.path, r.status]), [
      ['GET', url, 200],
      ['GET', '/subscriptions?api-version=2099-01-01', 400],
    ]);
    assert.ok(log.every((r) => !Number.isNaN(Date.parse(r.at))));
    await admin.clearRequests();
    assert.deepEqual(await admin.requests(), [], 'admin calls are not logged');
  });

  it('a process that never becomes ready fails with a clear error and its stderr', async () => {
    await assert.rejects(startEmulatorProcess({ port: -1, timeoutMs: 10_000 }), (e: Error) => /did not become ready/.test(e.message) && /emulator stderr/.test(e.message) && /--port/.test(e.message));
    await assert.rejects(startEmulatorProcess({ timeoutMs: 1 }), (e: Error) => /no EMULATOR_READY line within 1 ms/.test(e.message));
  });
});

/** One Resource Graph query (resourcegraph.json 2024-04-01, `Resources`) over REST, the way src/azure/resourceGraph.ts sends it. */
async function resources(endpoint: string, credential: TokenCredential, body: Record<string, unknown>): Promise<{ data: unknown[]; totalRecords?: number; resultTruncated?: string; $skipToken?: string }> {
  const client = getClient(endpoint, credential, { credentials: { scopes: [`${endpoint}/.default`] } });
  const res = await client.pathUnchecked('/providers/Microsoft.ResourceGraph/resources').post({ queryParameters: { 'api-version': '2024-04-01' }, body });
  assert.equal(res.status, '200', JSON.stringify(res.body));
  return res.body as { data: unknown[]; totalRecords?: number; resultTruncated?: string; $skipToken?: string };
}
