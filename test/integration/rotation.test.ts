/**
 * Rotation against the emulator through the real SDK clients: "Rotate key now", "Set rotation policy…" (data plane,
 * read back through ARM too), and the key-health warnings, with the emulator's clock moved forward instead of
 * waiting. Loading key health only reads: those tests assert that nothing was written.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { loadKeyHealth } from '../../src/azure/keyHealthService';
import { applyRotationPolicyInput, getRotationPolicy, readRotationPolicy, rotateKey } from '../../src/azure/keyRotation';
import { getRotationPolicyFromArm, listKeyVersions } from '../../src/azure/keyVault';
import { keyClient } from '../../src/azure/keyVaultData';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { clusterKeyRef } from '../../src/kms/keyActions';
import type { KeyWarningCode } from '../../src/kms/keyHealth';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { samePolicy } from '../../src/kms/rotationPolicy';
import { acceptedWrites, admin, azureContext, clusterId, SUB1, SUB2, SUB3, writes } from './support/azure';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PROD_PUBLIC = clusterId(SUB1, 'rg-prod', 'aks-prod-cmk-public');
const KV_PROD_PUBLIC = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic`;

async function factsOf(id: string) {
  return clusterFactsOf(await new ManagedClustersAdapter(azureContext()).get(id));
}

/** Key health of a cluster, asserting that loading it wrote nothing. */
async function health(id: string) {
  const facts = await factsOf(id);
  await admin.clearRequests();
  const loaded = await loadKeyHealth(azureContext(), facts);
  assert.deepEqual(await writes(), [], 'loading key health writes nothing');
  assert.ok(loaded, `${id} has a customer-managed key`);
  return loaded;
}

const codes = (h: Awaited<ReturnType<typeof health>>): KeyWarningCode[] => h.health.warnings.map(w => w.code).sort();

async function prodPublicKey() {
  const ref = clusterKeyRef(await factsOf(PROD_PUBLIC))!;
  return { ...ref, client: keyClient(azureContext(), ref.vaultUrl) };
}

describe('rotation against the emulator', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });

  it('rotate now: a new version appears, becomes current, is pending pickup, and is picked up after 7 hours', async () => {
    const before = await health(PROD_PUBLIC);
    assert.deepEqual(codes(before), []);
    assert.equal(before.health.summary.rotation?.versionCount, 3);
    assert.equal(before.health.summary.pendingPickup, false);
    assert.equal(before.health.summary.policyText, 'rotates 90 days after creation, expires after 1 year');

    const ref = clusterKeyRef(await factsOf(PROD_PUBLIC))!;
    await admin.clearRequests();
    const created = await rotateKey(azureContext(), ref.vaultUrl, ref.keyName);
    const w = await acceptedWrites();
    assert.equal(w.length, 1, w.join('\n'));
    assert.match(w[0], /^POST \/keys\/aks-kms\/rotate$/);

    const versions = await listKeyVersions(azureContext(), KV_PROD_PUBLIC, 'aks-kms');
    assert.equal(versions.length, 4);
    assert.ok(versions.some(v => v.version === created.version));

    const after = await health(PROD_PUBLIC);
    assert.equal(after.health.summary.rotation?.current.version, created.version);
    assert.notEqual(after.health.summary.rotation?.current.version, before.health.summary.rotation?.current.version);
    assert.equal(after.health.summary.inUse?.version, created.version);
    assert.equal(after.health.summary.pendingPickup, true);
    assert.deepEqual(codes(after), ['pending-pickup']);
    assert.ok((after.health.summary.inUseAgeMs ?? Infinity) < HOUR);

    await admin.advanceClock(7 * HOUR);
    const later = await health(PROD_PUBLIC);
    assert.equal(later.health.summary.pendingPickup, false);
    assert.equal(later.health.summary.rotation?.current.version, created.version);
    assert.deepEqual(codes(later), []);
  });

  it('set a rotation policy, then read it back: the data plane and ARM agree', async () => {
    const key = await prodPublicKey();
    const ctx = azureContext();
    const result = await applyRotationPolicyInput(ctx, key.vaultUrl, key.keyName, { rotateAfter: '60', expiresAfter: 'P1Y', notifyBeforeExpiry: '30' });
    assert.ok(result.ok, JSON.stringify(result));
    const w = await acceptedWrites();
    assert.equal(w.length, 1, w.join('\n'));
    assert.match(w[0], /^PUT \/keys\/aks-kms\/rotationpolicy$/);
    const wanted = { rotateAfterCreate: 'P60D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' };
    assert.ok(samePolicy(result.policy, wanted), JSON.stringify(result.policy));

    const dataPlane = await getRotationPolicy(ctx, key.vaultUrl, key.keyName);
    const arm = await getRotationPolicyFromArm(ctx, KV_PROD_PUBLIC, key.keyName);
    assert.deepEqual({ ...dataPlane, createdOn: undefined, updatedOn: undefined }, { ...wanted, createdOn: undefined, updatedOn: undefined });
    assert.ok(samePolicy(arm, dataPlane), `ARM ${JSON.stringify(arm)} vs data plane ${JSON.stringify(dataPlane)}`);
    assert.ok(dataPlane?.updatedOn && arm?.updatedOn && Math.abs(dataPlane.updatedOn.getTime() - arm.updatedOn.getTime()) < 1000);

    // Key health reads the policy through ARM where the vault is known: the same answer, on ARM's host.
    const h = await health(PROD_PUBLIC);
    assert.equal(h.policySource, 'arm');
    assert.equal(h.health.summary.policyText, 'rotates 60 days after creation, expires after 1 year, notifies 30 days before expiry');
  });

  it('an invalid policy is refused before any write, and the old policy stays', async () => {
    const key = await prodPublicKey();
    const ctx = azureContext();
    const result = await applyRotationPolicyInput(ctx, key.vaultUrl, key.keyName, { rotateAfter: '3', expiresAfter: '20', notifyBeforeExpiry: 'soon' });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map(p => p.field).sort(), ['expiresAfter', 'notifyBeforeExpiry', 'rotateAfter']);
    assert.deepEqual(await writes(), []);
    assert.ok(samePolicy(await getRotationPolicy(ctx, key.vaultUrl, key.keyName), { rotateAfterCreate: 'P90D', expiresAfter: 'P1Y' }));
  });

  it('an empty form is a policy without actions (asked about first, not refused): automatic rotation is off afterwards', async () => {
    const key = await prodPublicKey();
    const ctx = azureContext();
    const result = await applyRotationPolicyInput(ctx, key.vaultUrl, key.keyName, {});
    assert.ok(result.ok, JSON.stringify(result));
    const w = await acceptedWrites();
    assert.equal(w.length, 1, w.join('\n'));
    assert.match(w[0], /^PUT \/keys\/aks-kms\/rotationpolicy$/);
    const dataPlane = await getRotationPolicy(ctx, key.vaultUrl, key.keyName);
    assert.ok(samePolicy(dataPlane, {}), JSON.stringify(dataPlane));
    assert.equal((await health(PROD_PUBLIC)).health.summary.policyText?.startsWith('no automatic rotation'), true);
  });

  it('the policy is read through ARM when the data plane is unreachable (firewall, no data-plane role)', async () => {
    const privateVault = await health(clusterId(SUB3, 'rg-fab', 'aks-fab-cmk-private'));
    assert.equal(privateVault.policySource, 'arm');
    assert.equal(privateVault.versionsSource, 'arm');
    assert.equal(privateVault.health.summary.policyText, 'rotates 90 days after creation, expires after 1 year');
    assert.equal(privateVault.health.summary.pendingPickup, true, 'the seeded 2-hour-old version');
    assert.deepEqual(codes(privateVault), ['pending-pickup']);

    const noRole = await health(clusterId(SUB3, 'rg-fab', 'aks-fab-cmk-public'));
    assert.equal(noRole.policySource, 'arm');
    assert.equal(noRole.health.summary.policyText, 'no rotation policy');
    assert.deepEqual(codes(noRole), ['too-old'], 'the seeded 95-day-old version');

    // Without the vault's resource ID there is nothing to ask ARM: the policy is unknown, not "none".
    const ref = clusterKeyRef(await factsOf(clusterId(SUB1, 'rg-prod-secure', 'aks-prod-cmk-private')))!;
    const read = await readRotationPolicy(azureContext(), { vaultUrl: ref.vaultUrl, keyName: ref.keyName });
    assert.equal(read.source, 'unavailable');
    assert.equal((read.dataPlaneError as { statusCode?: number }).statusCode, 403);
  });
});

describe('key-health warnings against the emulator, with its clock moved forward', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });

  it('too old: the 12-day-old version passes 90 days when nothing rotates it', async () => {
    const key = await prodPublicKey();
    // The seeded policy would rotate at 90 days; keep the expiry, drop automatic rotation.
    assert.ok((await applyRotationPolicyInput(azureContext(), key.vaultUrl, key.keyName, { expiresAfter: 'P1Y' })).ok);
    assert.deepEqual(codes(await health(PROD_PUBLIC)), []);
    await admin.advanceClock(77 * DAY);
    assert.deepEqual(codes(await health(PROD_PUBLIC)), [], '89 days is within the maximum');
    await admin.advanceClock(2 * DAY);
    const h = await health(PROD_PUBLIC);
    assert.deepEqual(codes(h), ['too-old']);
    assert.equal(Math.round(h.health.summary.inUseAgeMs! / DAY), 91);
    assert.match(h.health.warnings[0].message, /91 days old, older than the 90-day maximum/);
  });

  it('with the seeded "rotate after 90 days" policy the same 79 days produce a new version instead', async () => {
    const before = await health(PROD_PUBLIC);
    await admin.advanceClock(79 * DAY);
    const h = await health(PROD_PUBLIC);
    assert.equal(h.health.summary.rotation?.versionCount, 4);
    assert.notEqual(h.health.summary.inUse?.version, before.health.summary.inUse?.version);
    assert.equal(Math.round(h.health.summary.inUseAgeMs! / DAY), 1);
    assert.deepEqual(codes(h), []);
  });

  it('expires within 30 days, then expired once the clock passes the expiry', async () => {
    const key = await prodPublicKey();
    const current = (await key.client.getKey(key.keyName)).properties.version!;
    await key.client.updateKeyProperties(key.keyName, current, { expiresOn: new Date(Date.now() + 20 * DAY) });
    const soon = await health(PROD_PUBLIC);
    assert.deepEqual(codes(soon), ['expires-soon']);
    assert.equal(soon.health.warnings[0].severity, 'warning');
    await admin.advanceClock(21 * DAY);
    const expired = await health(PROD_PUBLIC);
    assert.deepEqual(codes(expired), ['expired']);
    assert.equal(expired.health.warnings[0].severity, 'error');
  });

  it('disabled: the current version disabled through PATCH', async () => {
    const key = await prodPublicKey();
    const current = (await key.client.getKey(key.keyName)).properties.version!;
    await key.client.updateKeyProperties(key.keyName, current, { enabled: false });
    const h = await health(PROD_PUBLIC);
    assert.deepEqual(codes(h), ['disabled']);
    assert.equal(h.health.summary.inUse?.version, current);
    assert.equal(h.health.warnings[0].severity, 'error');
  });

  it('deleted: a soft-deleted key is an error with its purge date; recovered it is healthy again; purged the read fails', async () => {
    const key = await prodPublicKey();
    await (await key.client.beginDeleteKey(key.keyName, { intervalInMs: 10 })).pollUntilDone();
    const h = await health(PROD_PUBLIC);
    assert.deepEqual(codes(h), ['key-deleted']);
    assert.equal(h.health.warnings[0].severity, 'error');
    assert.equal(h.versions.length, 0);
    const purge = h.health.summary.deleted?.scheduledPurgeDate;
    assert.ok(purge, 'the purge date is read');
    assert.equal(Math.round((purge.getTime() - Date.now()) / DAY), 90, 'the vault keeps deleted keys 90 days');
    assert.match(h.health.warnings[0].message, /purges it on \d{4}-\d\d-\d\d .*az keyvault key recover --vault-name kvprodpublic --name aks-kms/);

    await (await key.client.beginRecoverDeletedKey(key.keyName, { intervalInMs: 10 })).pollUntilDone();
    assert.deepEqual(codes(await health(PROD_PUBLIC)), [], 'recovered, with its versions');

    await (await key.client.beginDeleteKey(key.keyName, { intervalInMs: 10 })).pollUntilDone();
    await admin.advanceClock(91 * DAY);
    await assert.rejects(loadKeyHealth(azureContext(), await factsOf(PROD_PUBLIC)), (err: { statusCode?: number }) => err.statusCode === 404, 'purged: nothing to recover');
  });

  it('no purge protection: the legacy cluster\'s vault (found by its host), pinned to a version past 90 days', async () => {
    const h = await health(clusterId(SUB2, 'rg-stg', 'aks-stg-legacy'));
    assert.equal(h.vault?.name, 'kvstglegacy');
    assert.equal(h.versionsSource, 'arm');
    assert.equal(h.health.summary.pinned, true);
    assert.equal(Math.round(h.health.summary.inUseAgeMs! / DAY), 120);
    assert.deepEqual(codes(h), ['no-purge-protection', 'too-old']);
    assert.equal(h.health.summary.policyText, 'no rotation policy');
  });

  it('clusters without a customer-managed key have no key health', async () => {
    const facts = await factsOf(clusterId(SUB1, 'rg-prod', 'aks-prod-pmk'));
    assert.equal(await loadKeyHealth(azureContext(), facts), undefined);
  });
});
