/**
 * The emulator's managed clusters at an api-version whose official spec is saved (2026-10-01, 2026-10-02-preview):
 * a PUT stores only what that spec defines, a response carries only what it defines, and a field set through
 * another api-version survives a GET → PUT at one that does not define it (test/emulator/specProjection.ts).
 * Older api-versions keep their rule (only the infra encryption profile is hidden). Run through
 * test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { emulatorAdmin } from '../emulator/client';
import { call, clusterUrl, emulatorInfo, getJson, pollOperation } from './emulator-helpers';

type Json = Record<string, unknown>;
interface Cluster {
  id: string;
  tags?: Record<string, string>;
  identity?: { type: string; userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }> };
  properties: Json & { provisioningState: string; securityProfile?: Json };
}

const STABLE = '2026-10-01';
const PREVIEW = '2026-10-02-preview';
/** Has no saved spec: keeps the older rule. */
const OLD = '2024-09-01';
const PMK = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

const admin = emulatorAdmin(emulatorInfo());
const getCluster = (name: string, apiVersion: string) => getJson<Cluster>(clusterUrl(name, apiVersion));

/** PUT at `apiVersion` and follow the operation to Succeeded; answers the PUT's own reply. */
async function putAndWait(name: string, apiVersion: string, body: unknown): Promise<Cluster> {
  const res = await call('PUT', clusterUrl(name, apiVersion), body);
  assert.equal(res.status, 200, res.text.slice(0, 600));
  const statuses = await pollOperation(String(res.headers['azure-asyncoperation']));
  assert.equal(statuses[statuses.length - 1].status, 'Succeeded', JSON.stringify(statuses[statuses.length - 1]));
  return res.body as Cluster;
}

describe(`managed clusters at ${STABLE}: only what the api-version's spec defines is stored and returned`, () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ clusterUpdateDurationMs: 100, featureRegistrationDelayMs: 0 });
  });
  after(async () => {
    await admin.reset();
  });

  it(`a PUT at ${STABLE} with properties.notARealField and securityProfile.madeUp: neither is stored; PMK, tags and identity are`, async () => {
    const body = await getCluster('aks-prod-plain', STABLE);
    body.properties.notARealField = 'dropped';
    body.properties.securityProfile = { ...body.properties.securityProfile, ...PMK, madeUp: { also: 'dropped' } };
    body.tags = { ...body.tags, 'any-tag-name': 'kept' }; // tags is a map: every key is defined
    const reply = await putAndWait('aks-prod-plain', STABLE, body);
    assert.equal(reply.properties.notARealField, undefined, 'the PUT reply');
    assert.equal(reply.properties.securityProfile?.madeUp, undefined, 'the PUT reply');

    const got = await getCluster('aks-prod-plain', STABLE);
    assert.equal('notARealField' in got.properties, false);
    assert.equal('madeUp' in (got.properties.securityProfile ?? {}), false);
    assert.deepEqual(got.properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, PMK.kubernetesResourceObjectEncryptionProfile);
    assert.equal(got.tags?.['any-tag-name'], 'kept');
    assert.deepEqual(got.identity, body.identity);
    // Not stored at all: an api-version without a saved spec shows everything stored, and it is not there either.
    const old = await getCluster('aks-prod-plain', OLD);
    assert.equal('notARealField' in old.properties, false);
    assert.equal('madeUp' in (old.properties.securityProfile ?? {}), false);
  });

  it(`a GET → PUT at ${STABLE} of a CMK cluster keeps every KMS field and drops an unknown one inside azureKeyVaultKms`, async () => {
    const before = await getCluster('aks-prod-cmk-public', STABLE);
    const kms = before.properties.securityProfile?.azureKeyVaultKms as Json | undefined;
    assert.ok(kms && kms.enabled === true && typeof kms.keyId === 'string' && kms.keyVaultNetworkAccess === 'Public' && typeof kms.keyVaultResourceId === 'string', JSON.stringify(kms));
    assert.deepEqual(before.properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, PMK.kubernetesResourceObjectEncryptionProfile, `${STABLE} defines the PMK field`);
    const body = structuredClone(before);
    (body.properties.securityProfile!.azureKeyVaultKms as Json).notAKmsField = true;
    await putAndWait('aks-prod-cmk-public', STABLE, body);
    const got = await getCluster('aks-prod-cmk-public', STABLE);
    assert.deepEqual(got.properties.securityProfile, before.properties.securityProfile);
  });

  it(`a field only ${PREVIEW} defines: hidden at ${STABLE}, and a GET → PUT at ${STABLE} leaves it stored`, async () => {
    const body = await getCluster('aks-prod-pmk', PREVIEW);
    body.properties.enableNamespaceResources = true;
    body.properties.securityProfile = { ...body.properties.securityProfile, imageIntegrity: { enabled: true } };
    await putAndWait('aks-prod-pmk', PREVIEW, body);
    assert.equal((await getCluster('aks-prod-pmk', PREVIEW)).properties.enableNamespaceResources, true);

    const stable = await getCluster('aks-prod-pmk', STABLE);
    assert.equal('enableNamespaceResources' in stable.properties, false, `${STABLE} does not define it`);
    assert.equal('imageIntegrity' in (stable.properties.securityProfile ?? {}), false, `${STABLE} does not define it`);
    assert.deepEqual(stable.properties.securityProfile?.kubernetesResourceObjectEncryptionProfile, PMK.kubernetesResourceObjectEncryptionProfile);

    stable.tags = { ...stable.tags, touched: 'yes' };
    await putAndWait('aks-prod-pmk', STABLE, stable);
    const preview = await getCluster('aks-prod-pmk', PREVIEW);
    assert.equal(preview.tags?.touched, 'yes');
    assert.equal(preview.properties.enableNamespaceResources, true, 'a PUT at an api-version that does not define a field cannot change it');
    assert.deepEqual(preview.properties.securityProfile?.imageIntegrity, { enabled: true });
  });

  it(`${PREVIEW} drops an unknown property too; ${OLD} (no saved spec) keeps the older rule`, async () => {
    const body = await getCluster('aks-fab-plain', PREVIEW);
    body.properties.notARealField = 'dropped';
    await putAndWait('aks-fab-plain', PREVIEW, body);
    assert.equal('notARealField' in (await getCluster('aks-fab-plain', PREVIEW)).properties, false);

    const old = await getCluster('aks-fab-plain', OLD);
    old.properties.someFutureField = { kept: true };
    await putAndWait('aks-fab-plain', OLD, old);
    assert.deepEqual((await getCluster('aks-fab-plain', OLD)).properties.someFutureField, { kept: true }, 'stored as sent');
    assert.equal('someFutureField' in (await getCluster('aks-fab-plain', STABLE)).properties, false, `not defined at ${STABLE}`);
  });
});
