/**
 * Managed-cluster PUT against the emulator: the async LRO (Azure-AsyncOperation + Retry-After, driven also
 * by Azure's own LRO engine @azure/core-lro), field preservation for GET → modify → PUT, every rule AKS
 * enforces (each rejection leaves the cluster exactly as it was), fault injection and the clock.
 * Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, beforeEach, describe, it } from 'node:test';
import { getClient } from '@azure-rest/core-client';
import { createHttpPoller, type OperationResponse } from '@azure/core-lro';
import { emulatorAdmin } from '../emulator/client';
import { identityPrincipalId, userAssignedIdentityId } from '../emulator/ids';
import { KEY_VAULT_CRYPTO_USER } from '../emulator/roles';
import { seedCluster, seedVault } from '../emulator/seed';
import { testCredential } from '../emulator/token';
import {
  call, clusterUrl, emulatorInfo, errorOf, expectError, getJson, MC_API, pollOperation, sleep, vaultBaseUrl, vaultId, vaultUrl, type OperationStatus,
} from './emulator-helpers';

type Json = Record<string, unknown>;
interface Cluster {
  id: string;
  location: string;
  tags?: Record<string, string>;
  identity?: { type: string; userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }> };
  properties: Json & { provisioningState: string; securityProfile?: Json; kubernetesVersion: string };
}

const admin = emulatorAdmin(emulatorInfo());
const SUB2 = seedCluster('aks-stg-old').subscriptionId;

const getCluster = (name: string, apiVersion = MC_API) => getJson<Cluster>(clusterUrl(name, apiVersion));
const put = (name: string, body: unknown, apiVersion = MC_API) => call('PUT', clusterUrl(name, apiVersion), body);

/** Everything a GET shows except what an accepted update changes by itself. */
function stable(c: Cluster): Json {
  const copy = structuredClone(c) as Cluster & { eTag?: string };
  delete copy.eTag;
  return copy as unknown as Json;
}

async function assignRole(scope: string, roleGuid: string, principalId: string, principalType = 'ServicePrincipal'): Promise<void> {
  const sub = /^\/subscriptions\/([^/]+)/.exec(scope)![1];
  const name = randomUUID();
  const res = await call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, principalId, principalType },
  });
  assert.equal(res.status, 201, res.text);
}

/** PUT, then follow the status URL to the end; returns the first answer and the statuses seen. */
async function putAndWait(name: string, body: unknown): Promise<{ first: Cluster; statuses: OperationStatus[]; headers: Json }> {
  const res = await put(name, body);
  assert.equal(res.status, 200, res.text);
  const statuses = await pollOperation(String(res.headers['azure-asyncoperation']));
  return { first: res.body as Cluster, statuses, headers: res.headers as Json };
}

async function registerFeature(subscriptionId: string): Promise<void> {
  const url = `/subscriptions/${subscriptionId}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/KMSPMKPreview`;
  assert.equal((await call('POST', `${url}/register?api-version=2021-07-01`)).status, 200);
  for (let i = 0; i < 100; i++) {
    if ((await getJson<{ properties: { state: string } }>(`${url}?api-version=2021-07-01`)).properties.state === 'Registered') return;
    await sleep(20);
  }
  assert.fail('feature never Registered');
}

const PMK = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

async function cmkProfile(vault: string, key: string, access: 'Public' | 'Private' = 'Public'): Promise<Json> {
  return {
    azureKeyVaultKms: { enabled: true, keyId: `${await vaultBaseUrl(vault)}/keys/${key}`, keyVaultNetworkAccess: access, keyVaultResourceId: vaultId(vault) },
    ...PMK,
  };
}

describe('managed-cluster PUT (async LRO)', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ clusterUpdateDurationMs: 300, featureRegistrationDelayMs: 0 });
  });
  after(async () => {
    await admin.reset();
  });

  it('PMK: 200 Updating with an absolute Azure-AsyncOperation and Retry-After; InProgress → Succeeded; GET keeps every other field', async () => {
    const before = await getCluster('aks-prod-plain');
    const body = structuredClone(before);
    body.properties.securityProfile = { ...PMK };
    body.tags = { ...body.tags, change: 'pmk' };
    (body.properties as Json).someFutureField = { kept: true };
    const res = await put('aks-prod-plain', body);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as Cluster).properties.provisioningState, 'Updating');
    const statusUrl = String(res.headers['azure-asyncoperation']);
    assert.ok(statusUrl.startsWith(`${emulatorInfo().armEndpoint}/subscriptions/`), statusUrl);
    assert.match(statusUrl, /\/providers\/Microsoft\.ContainerService\/locations\/eastus\/operations\/[0-9a-f-]{36}\?api-version=2016-03-30$/);
    assert.equal(res.headers['retry-after'], '1');

    assert.equal((await getCluster('aks-prod-plain')).properties.provisioningState, 'Updating', 'GET during the operation');
    const statuses = await pollOperation(statusUrl);
    assert.equal(statuses[0].status, 'InProgress');
    const last = statuses[statuses.length - 1];
    assert.equal(last.status, 'Succeeded');
    assert.ok(last.startTime && last.endTime && Date.parse(last.endTime) >= Date.parse(last.startTime));
    assert.equal(last.error, undefined);

    const afterGet = await getCluster('aks-prod-plain');
    assert.equal(afterGet.properties.provisioningState, 'Succeeded');
    assert.deepEqual(afterGet.properties.securityProfile, PMK);
    const expected = stable(body as Cluster);
    (expected.properties as Json).provisioningState = 'Succeeded';
    delete (expected.properties as Json).someFutureField; // not in this api-version's spec: ignored (emulator-apiversion.test.ts)
    assert.deepEqual(stable(afterGet), expected, 'everything the PUT sent that the api-version defines is kept');
  });

  it('CMK with a correctly permissioned identity, driven by @azure/core-lro: final GET echoes securityProfile exactly', async () => {
    const c = seedCluster('aks-prod-pmk');
    await assignRole(vaultId('kvprodpublic'), KEY_VAULT_CRYPTO_USER, c.identity.principalId);
    const info = emulatorInfo();
    const client = getClient(info.armEndpoint, testCredential(info), { credentials: { scopes: [`${info.armEndpoint}/.default`] } });
    const path = clusterUrl('aks-prod-pmk').split('?')[0];
    const body = structuredClone(await getCluster('aks-prod-pmk'));
    const profile = await cmkProfile('kvprodpublic', 'aks-kms');
    body.properties.securityProfile = profile;
    const asLro = (r: { status: string; headers: Json; body: unknown; request: unknown }): OperationResponse => ({
      flatResponse: r,
      rawResponse: { ...(r as object), statusCode: Number(r.status), headers: r.headers, body: r.body } as never,
    });
    const poller = createHttpPoller(
      {
        sendInitialRequest: async () => asLro((await client.pathUnchecked(path).put({ queryParameters: { 'api-version': MC_API }, body })) as never),
        sendPollRequest: async (url: string) => asLro((await client.pathUnchecked(url).get()) as never),
      },
      { resourceLocationConfig: 'azure-async-operation', intervalInMs: 100 },
    );
    const final = (await poller.pollUntilDone()) as { status: string; body: Cluster };
    assert.equal(final.body.properties.provisioningState, 'Succeeded');
    assert.deepEqual(final.body.properties.securityProfile, profile);
    assert.deepEqual((await getCluster('aks-prod-pmk')).properties.securityProfile, profile);
  });

  it('CMK Private through a firewalled vault (private link): accepted with API server VNet integration and the vault id', async () => {
    const c = seedCluster('aks-prod-plain');
    await assignRole(vaultId('kvprodprivate'), KEY_VAULT_CRYPTO_USER, c.identity.principalId);
    const body = await getCluster('aks-prod-plain');
    body.properties.securityProfile = await cmkProfile('kvprodprivate', 'aks-kms', 'Private');
    const { statuses } = await putAndWait('aks-prod-plain', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
    assert.deepEqual((await getCluster('aks-prod-plain')).properties.securityProfile, body.properties.securityProfile);
  });

  it('migration CMK → PMK (azureKeyVaultKms.enabled=false, infrastructure encryption kept) is allowed', async () => {
    const body = await getCluster('aks-prod-cmk-public');
    body.properties.securityProfile = { azureKeyVaultKms: { enabled: false }, ...PMK };
    const { statuses } = await putAndWait('aks-prod-cmk-public', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
    assert.deepEqual((await getCluster('aks-prod-cmk-public')).properties.securityProfile, body.properties.securityProfile);
  });

  it('legacy KMS: moving the versioned key id to the newer version needs no preview feature; going versionless does', async () => {
    const legacy = seedCluster('aks-stg-legacy');
    const versions = seedVault('kvstglegacy').keys[0].versions;
    const base = await vaultBaseUrl('kvstglegacy');
    const body = await getCluster('aks-stg-legacy');
    (body.properties.securityProfile!.azureKeyVaultKms as Json).keyId = `${base}/keys/etcd-key/${versions[1].version}`;
    const { statuses } = await putAndWait('aks-stg-legacy', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');

    const upgrade = await getCluster('aks-stg-legacy');
    upgrade.properties.securityProfile = {
      azureKeyVaultKms: { enabled: true, keyId: `${base}/keys/etcd-key`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: vaultId('kvstglegacy') },
      ...PMK,
    };
    const before = await getCluster('aks-stg-legacy');
    expectError(await put('aks-stg-legacy', upgrade), 400, 'BadRequest', 'Feature Microsoft.ContainerService/KMSPMKPreview is not enabled. Please see https://aka.ms/aks/previews for how to enable features.');
    assert.deepEqual(await getCluster('aks-stg-legacy'), before);
    assert.equal(legacy.kms, 'legacy');
  });

  it('a GET → PUT at an api-version without the field keeps it (the provider ignores what it does not know)', async () => {
    const old = '2025-05-02-preview';
    const pmk = await getCluster('aks-prod-pmk', old);
    assert.equal(pmk.properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, undefined);
    const accepted = await call('PUT', clusterUrl('aks-prod-pmk', old), pmk);
    assert.equal(accepted.status, 200, `no downgrade error: the old api-version cannot remove the field (${accepted.text.slice(0, 300)})`);
    const statuses = await pollOperation(String(accepted.headers['azure-asyncoperation']));
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
    assert.deepEqual((await getCluster('aks-prod-pmk')).properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, PMK.kubernetesResourceObjectEncryptionProfile);

    const plain = await getCluster('aks-prod-plain', old);
    plain.properties.securityProfile = { ...PMK };
    const res = await call('PUT', clusterUrl('aks-prod-plain', old), plain);
    assert.equal(res.status, 200, res.text);
    await pollOperation(String(res.headers['azure-asyncoperation']));
    assert.equal((await getCluster('aks-prod-plain')).properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, undefined, 'silently ignored');
  });

  it('a new cluster: 201 Creating, then Succeeded with generated read-only fields', async () => {
    const identity = userAssignedIdentityId(seedCluster('aks-prod-plain').subscriptionId, 'rg-prod', 'id-aks-prod-plain');
    const url = clusterUrl('aks-prod-plain').replace('aks-prod-plain', 'aks-prod-new');
    const res = await call('PUT', url, {
      location: 'eastus',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identity]: {} } },
      properties: { kubernetesVersion: '1.34.1', dnsPrefix: 'aks-prod-new', agentPoolProfiles: [{ name: 'system', count: 1, vmSize: 'Standard_D4ds_v5', mode: 'System' }], securityProfile: { ...PMK } },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.body as Cluster).properties.provisioningState, 'Creating');
    const statuses = await pollOperation(String(res.headers['azure-asyncoperation']));
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
    const created = await getJson<Cluster>(url);
    assert.equal(created.properties.provisioningState, 'Succeeded');
    assert.equal(created.properties.currentKubernetesVersion, '1.34.1');
    assert.match(String(created.properties.fqdn), /^aks-prod-new-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/);
    assert.deepEqual(created.identity?.userAssignedIdentities?.[identity], {
      principalId: identityPrincipalId(seedCluster('aks-prod-plain').subscriptionId, 'rg-prod', 'id-aks-prod-plain'),
      clientId: seedCluster('aks-prod-plain').identity.clientId,
    });
  });

  it('a second PUT while an operation runs is 409 OperationNotAllowed', async () => {
    await admin.config({ clusterUpdateDurationMs: 60_000 });
    const body = await getCluster('aks-prod-plain');
    body.properties.securityProfile = { ...PMK };
    assert.equal((await put('aks-prod-plain', body)).status, 200);
    expectError(await put('aks-prod-plain', body), 409, 'OperationNotAllowed', /in progress update managed cluster operation/);
  });

  it('failNextClusterOperations: the next LRO ends Failed with the given error and the cluster is left as it was (Failed); the one after succeeds', async () => {
    await admin.config({ failNextClusterOperations: { count: 1, code: 'QuotaExceeded', message: 'Injected: quota exceeded.' } });
    const before = await getCluster('aks-prod-plain');
    const body = structuredClone(before);
    body.properties.securityProfile = { ...PMK };
    const failed = await putAndWait('aks-prod-plain', body);
    const last = failed.statuses[failed.statuses.length - 1];
    assert.equal(last.status, 'Failed');
    assert.deepEqual(last.error, { code: 'QuotaExceeded', message: 'Injected: quota exceeded.' });
    const afterFail = await getCluster('aks-prod-plain');
    assert.equal(afterFail.properties.provisioningState, 'Failed');
    assert.deepEqual(afterFail.properties.securityProfile, before.properties.securityProfile);
    assert.equal((await admin.getConfig()).failNextClusterOperations.count, 0);

    const retry = await putAndWait('aks-prod-plain', body);
    assert.equal(retry.statuses[retry.statuses.length - 1].status, 'Succeeded');
    assert.deepEqual((await getCluster('aks-prod-plain')).properties.securityProfile, PMK);
  });

  it('advancing the emulator clock completes a long operation', async () => {
    await admin.config({ clusterUpdateDurationMs: 3_600_000 });
    const body = await getCluster('aks-prod-plain');
    body.properties.securityProfile = { ...PMK };
    const res = await put('aks-prod-plain', body);
    const statusUrl = String(res.headers['azure-asyncoperation']);
    assert.equal(res.headers['retry-after'], '3600');
    assert.equal((await getJson<OperationStatus>(statusUrl)).status, 'InProgress');
    await admin.advanceClock(3_600_000);
    assert.equal((await getJson<OperationStatus>(statusUrl)).status, 'Succeeded');
    assert.equal((await getCluster('aks-prod-plain')).properties.provisioningState, 'Succeeded');
  });
});

describe('managed-cluster PUT rules: each rejection is the service error and changes nothing', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ clusterUpdateDurationMs: 300, featureRegistrationDelayMs: 0 });
    // Subscription 2 holds the rule-breaking clusters; register the feature there so each rule is seen alone.
    await registerFeature(SUB2);
    await admin.clearRequests();
  });
  after(async () => {
    await admin.reset();
  });

  /** PUTs `mutate(GET)` and expects the error; the cluster and its operations are untouched. */
  async function rejects(name: string, mutate: (c: Cluster) => void | Promise<void>, status: number, code: string, message?: string | RegExp): Promise<void> {
    const before = await getCluster(name);
    const body = structuredClone(before);
    await mutate(body);
    const res = await put(name, body);
    expectError(res, status, code, message);
    assert.equal(res.headers['azure-asyncoperation'], undefined);
    assert.deepEqual(await getCluster(name), before, 'no state change');
  }

  it('Kubernetes < 1.33 with infrastructure encryption', async () => {
    await rejects('aks-stg-old', (c) => void (c.properties.securityProfile = { ...PMK }), 400, 'BadRequest', /require Kubernetes version 1\.33\.0 or later; the requested version is 1\.32\.6/);
  });

  it('Kubernetes < 1.33 with a versionless (new-experience) CMK key', async () => {
    const profile = { azureKeyVaultKms: (await cmkProfile('kvstglegacy', 'etcd-key')).azureKeyVaultKms };
    await rejects('aks-stg-old', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', /1\.33/);
  });

  it('legacy KMS (versioned key ID) with a SystemAssigned cluster identity is refused', async () => {
    const legacyKeyId = `${await vaultBaseUrl('kvstglegacy')}/keys/etcd-key/${seedVault('kvstglegacy').keys[0].versions[1].version}`;
    const profile = { azureKeyVaultKms: { enabled: true, keyId: legacyKeyId, keyVaultNetworkAccess: 'Public' } };
    await rejects('aks-stg-sysid', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', "AzureKeyVaultKms feature does not support cluster identity type SystemAssigned, supported value is 'UserAssigned'");
  });

  it('the new experience with a SystemAssigned cluster identity: not refused for the identity type; the system identity needs the key like any other', async () => {
    const profile = await cmkProfile('kvstglegacy', 'etcd-key');
    const origin = await vaultBaseUrl('kvstglegacy');
    await rejects('aks-stg-sysid', (c) => void (c.properties.securityProfile = profile), 400, 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError', `The identity does not have keys encrypt/decrypt permission on key vault "${origin}"`);
    await assignRole(vaultId('kvstglegacy'), KEY_VAULT_CRYPTO_USER, seedCluster('aks-stg-sysid').identity.principalId);
    const body = await getCluster('aks-stg-sysid');
    body.properties.securityProfile = profile;
    const { statuses } = await putAndWait('aks-stg-sysid', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
    const after = await getCluster('aks-stg-sysid');
    assert.equal(after.identity?.type, 'SystemAssigned');
    assert.deepEqual(after.properties.securityProfile, profile);
  });

  it('a service-principal cluster (no managed identity) cannot use the new experience: platform or customer-managed keys', async () => {
    const message = "KMS infrastructure encryption and Azure Key Vault KMS with a versionless key ID require a managed identity for the cluster (identity type SystemAssigned or UserAssigned); the cluster's identity type is None.";
    await rejects('aks-stg-sp', (c) => void (c.properties.securityProfile = { ...PMK }), 400, 'BadRequest', message);
    const profile = await cmkProfile('kvstglegacy', 'etcd-key');
    await rejects('aks-stg-sp', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', message);
  });

  it('legacy KMS (versioned key ID) Private without API server VNet integration', async () => {
    // VNet Integration is a legacy-KMS requirement for private vaults (AZURE.md "Rules", corrected 2026-12-01).
    const version = seedVault('kvstglegacy').keys[0].versions[0].version;
    const profile = { azureKeyVaultKms: { enabled: true, keyId: `${await vaultBaseUrl('kvstglegacy')}/keys/etcd-key/${version}`, keyVaultNetworkAccess: 'Private', keyVaultResourceId: vaultId('kvstglegacy') } };
    await rejects('aks-stg-novnet', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', 'Vnet integration should be enabled when KeyVault network access is Private.');
  });

  it('Private without a key vault resource id', async () => {
    const profile = await cmkProfile('kvprodprivate', 'aks-kms', 'Private');
    delete (profile.azureKeyVaultKms as Json).keyVaultResourceId;
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', 'KeyVault resource ID is empty when KeyVault network access is Private.');
  });

  it('KMS enabled without a key id, with a malformed key id, with an empty network access', async () => {
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = { azureKeyVaultKms: { enabled: true, keyVaultNetworkAccess: 'Public' } }), 400, 'BadRequest', 'KeyId is empty when Azure Key Vault KMS is enabled.');
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = { azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/secrets/x', keyVaultNetworkAccess: 'Public' } }), 400, 'BadRequest', /key ID 'https:\/\/kv\.vault\.azure\.net\/secrets\/x' is invalid/);
    const profile = await cmkProfile('kvprodpublic', 'aks-kms');
    (profile.azureKeyVaultKms as Json).keyVaultNetworkAccess = '';
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', 'KeyVault network access is unspecified for Azure Key Vault KMS.');
  });

  it('identity type UserAssigned without an identity, and with two identities', async () => {
    const c = seedCluster('aks-prod-plain');
    const own = userAssignedIdentityId(c.subscriptionId, 'rg-prod', 'id-aks-prod-plain');
    const other = userAssignedIdentityId(c.subscriptionId, 'rg-prod', 'id-aks-prod-pmk');
    await rejects('aks-prod-plain', (x) => void (x.identity = { type: 'UserAssigned', userAssignedIdentities: {} }), 400, 'BadRequest', "The user assigned identity must be specified when the identity type is 'UserAssigned'.");
    await rejects('aks-prod-plain', (x) => void (x.identity = { type: 'UserAssigned', userAssignedIdentities: { [own]: {}, [other]: {} } }), 400, 'BadRequest', 'Only one user assigned identity is allowed.');
  });

  it('a key vault network access other than Public or Private', async () => {
    const profile = await cmkProfile('kvprodpublic', 'aks-kms');
    (profile.azureKeyVaultKms as Json).keyVaultNetworkAccess = 'Internal';
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = profile), 400, 'BadRequest', "KeyVault network access 'Internal' is invalid; the supported values are 'Public' and 'Private'.");
  });

  it('a key vault resource id that is not the vault holding the key (another vault, or none at all); the matching id in other case is accepted', async () => {
    const kms = (await getCluster('aks-prod-cmk-public')).properties.securityProfile!.azureKeyVaultKms as Json;
    for (const wrong of [vaultId('kvstglegacy'), vaultId('kvprodpublic').replace(/kvprodpublic$/, 'kvnothere')]) {
      await rejects('aks-prod-cmk-public', (c) => void ((c.properties.securityProfile!.azureKeyVaultKms as Json).keyVaultResourceId = wrong), 400, 'BadRequest',
        `KeyVault resource ID '${wrong}' is invalid: it must be the ID of the Microsoft.KeyVault/vaults resource that holds the key '${String(kms.keyId)}'.`);
    }
    const body = await getCluster('aks-prod-cmk-public');
    (body.properties.securityProfile!.azureKeyVaultKms as Json).keyVaultResourceId = vaultId('kvprodpublic').toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/');
    const { statuses } = await putAndWait('aks-prod-cmk-public', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
  });

  it('the identity lacks Key Vault Crypto User on the vault', async () => {
    const origin = await vaultBaseUrl('kvprodpublic');
    const profile = await cmkProfile('kvprodpublic', 'aks-kms');
    await rejects('aks-prod-plain', (c) => void (c.properties.securityProfile = profile), 400, 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError', `The identity does not have keys encrypt/decrypt permission on key vault "${origin}"`);
  });

  it('an EC key (KMS needs RSA), a disabled key and a missing key', async () => {
    const c = seedCluster('aks-prod-plain');
    await assignRole(vaultId('kvprodpublic'), KEY_VAULT_CRYPTO_USER, c.identity.principalId);
    const base = await vaultBaseUrl('kvprodpublic');
    const created = await call('POST', `${base}/keys/ec-key/create?api-version=2025-07-01`, { kty: 'EC', crv: 'P-256' });
    assert.equal(created.status, 200, created.text);
    for (const key of ['ec-key', 'nope']) {
      await rejects('aks-prod-plain', async (x) => void (x.properties.securityProfile = await cmkProfile('kvprodpublic', key)), 400, 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError');
    }
    const latest = (await call('GET', `${base}/keys/aks-kms?api-version=2025-07-01`)).body as { key: { kid: string } };
    assert.equal((await call('PATCH', `${latest.key.kid}?api-version=2025-07-01`, { attributes: { enabled: false } })).status, 200);
    await rejects('aks-prod-plain', async (x) => void (x.properties.securityProfile = await cmkProfile('kvprodpublic', 'aks-kms')), 400, 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError');
  });

  it('the identity does not exist', async () => {
    const ghost = userAssignedIdentityId(seedCluster('aks-prod-plain').subscriptionId, 'rg-prod', 'id-ghost');
    await rejects('aks-prod-plain', (c) => void (c.identity = { type: 'UserAssigned', userAssignedIdentities: { [ghost]: {} } }), 400, 'InvalidUserAssignedIdentity', /id-ghost' was not found/);
  });

  it('a public firewalled vault that does not let trusted services through; with bypass AzureServices the same PUT is accepted', async () => {
    const c = seedCluster('aks-prod-plain');
    await assignRole(vaultId('kvprodpublic'), KEY_VAULT_CRYPTO_USER, c.identity.principalId);
    assert.equal((await call('PATCH', vaultUrl('kvprodpublic'), { properties: { networkAcls: { defaultAction: 'Deny', bypass: 'None' } } })).status, 200);
    const profile = await cmkProfile('kvprodpublic', 'aks-kms');
    await rejects('aks-prod-plain', (x) => void (x.properties.securityProfile = profile), 400, 'AzureKeyVaultKmsKeyVaultNotAccessible', /bypass is None/);
    assert.equal((await call('PATCH', vaultUrl('kvprodpublic'), { properties: { networkAcls: { bypass: 'AzureServices' } } })).status, 200);
    const body = await getCluster('aks-prod-plain');
    body.properties.securityProfile = profile;
    const { statuses } = await putAndWait('aks-prod-plain', body);
    assert.equal(statuses[statuses.length - 1].status, 'Succeeded');
  });

  it('the KMSPMKPreview feature is not registered in the subscription', async () => {
    await admin.reset();
    await rejects('aks-stg-novnet', (c) => void (c.properties.securityProfile = { ...PMK }), 400, 'BadRequest', 'Feature Microsoft.ContainerService/KMSPMKPreview is not enabled. Please see https://aka.ms/aks/previews for how to enable features.');
  });

  it('no downgrade: infrastructure encryption cannot be removed or set to Disabled, a versionless key cannot go back to a versioned one', async () => {
    await rejects('aks-prod-pmk', (c) => void (c.properties.securityProfile = {}), 400, 'BadRequest', /Disabling KMS infrastructure encryption is not supported/);
    await rejects('aks-prod-pmk', (c) => void (c.properties.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Disabled' } }), 400, 'BadRequest', /cannot be set to Disabled or removed/);
    await rejects('aks-prod-cmk-public', async (c) => {
      const versions = seedVault('kvprodpublic').keys[0].versions;
      (c.properties.securityProfile!.azureKeyVaultKms as Json).keyId = `${await vaultBaseUrl('kvprodpublic')}/keys/aks-kms/${versions[2].version}`;
    }, 400, 'BadRequest', /back to the legacy KMS experience/);
  });

  it('rejections write nothing but the rejected PUTs (request log write flag)', async () => {
    const body = await getCluster('aks-stg-old');
    body.properties.securityProfile = { ...PMK };
    expectError(await put('aks-stg-old', body), 400, 'BadRequest');
    const writes = await admin.requests({ write: true });
    assert.deepEqual(writes.map((w) => [w.method, w.status]), [['PUT', 400]]);
    assert.ok(errorOf(await put('aks-stg-old', body)).message.includes('1.33'));
  });
});
