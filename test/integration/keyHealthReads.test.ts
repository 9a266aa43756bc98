/**
 * What the key health of many clusters costs in requests, against the seeded fleet through the real SDK clients:
 * the vaults in one Resource Graph query, two ARM reads per key (versions, and the key for its rotation policy),
 * nothing through the vaults' own hosts — and the same answers as reading each vault through ARM.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FleetService } from '../../src/azure/fleetService';
import { loadKeyHealth, SharedKeyReads } from '../../src/azure/keyHealthService';
import type { ClusterFacts } from '../../src/kms/kmsState';
import { admin, azureContext, info, SUB1, SUB2, SUB3 } from './support/azure';

const SUBS = [SUB1, SUB2, SUB3];
/** One instant for every assessment, so ages compare equal. */
const AT = { now: () => new Date('2026-12-02T09:00:00Z') };
const armHost = new URL(info.armEndpoint).host;

async function clustersWithKeys(): Promise<ClusterFacts[]> {
  const facts = await new FleetService(azureContext()).loadClusters(SUBS, { onClusters: () => {} });
  return facts.filter(f => f.kms.key);
}

async function readRequests() {
  return (await admin.requests()).filter(r => !r.path.startsWith('/_emulator'));
}

const isVaultRead = (path: string) => /\/providers\/Microsoft\.KeyVault\/vaults(\/[^/?]+)?\?/i.test(path);
const isResourceGraph = (path: string) => /\/providers\/Microsoft\.ResourceGraph\/resources\?/i.test(path);

describe('key health of many clusters: one vault query, two ARM reads per key', () => {
  beforeEach(async () => {
    await admin.reset();
  });

  it('with the vaults indexed, no vault is read on its own and nothing goes to a vault\'s host; the answers match ARM\'s', async () => {
    const clusters = await clustersWithKeys();
    assert.ok(clusters.some(c => !c.kms.keyVaultResourceId), 'a legacy cluster whose profile names no vault');
    assert.ok(clusters.some(c => c.kms.keyVaultNetworkAccess === 'Private'), 'a private vault, whose data plane refuses');

    await admin.clearRequests();
    const indexed = new SharedKeyReads();
    indexed.indexVaults(azureContext(), SUBS);
    const fromIndex = await Promise.all(clusters.map(c => loadKeyHealth(azureContext(), c, AT, undefined, indexed)));
    const requests = await readRequests();
    assert.deepEqual(requests.filter(r => r.host !== armHost).map(r => `${r.host} ${r.path}`), [], 'no data-plane request');
    assert.deepEqual(requests.filter(r => isVaultRead(r.path)).map(r => r.path), [], 'no vault GET or listing');
    assert.equal(requests.filter(r => isResourceGraph(r.path)).length, 1, 'one Resource Graph query for the vaults');
    const keys = new Set(fromIndex.map(h => `${h!.vault!.id}|${h!.key.keyName}`.toLowerCase()));
    const perKey = (suffix: RegExp) => requests.filter(r => r.method === 'GET' && suffix.test(r.path.split('?')[0])).length;
    assert.equal(perKey(/\/keys\/[^/]+\/versions$/), keys.size, 'one versions list per key');
    assert.equal(perKey(/\/vaults\/[^/]+\/keys\/[^/]+$/), keys.size, 'one key GET (its rotation policy) per key');
    assert.ok(fromIndex.every(h => h?.policySource === 'arm' && h.versionsSource === 'arm'));

    // The same facts, warnings and policy as reading every vault through ARM (no index).
    const fromArm = await Promise.all(clusters.map(c => loadKeyHealth(azureContext(), c, AT)));
    assert.deepEqual(fromIndex.map(h => h!.vault), fromArm.map(h => h!.vault), 'Resource Graph\'s vault facts are ARM\'s');
    assert.deepEqual(fromIndex.map(h => h!.health), fromArm.map(h => h!.health));
  });

  it('a vault the index lacks is read through ARM, and a failed index query only means every vault is', async () => {
    const clusters = await clustersWithKeys();
    const outside = clusters.filter(c => c.subscriptionId !== SUB1);
    assert.ok(outside.length, 'clusters outside the indexed subscription');

    await admin.clearRequests();
    const partial = new SharedKeyReads();
    partial.indexVaults(azureContext(), [SUB1]);
    const healths = await Promise.all(clusters.map(c => loadKeyHealth(azureContext(), c, AT, undefined, partial)));
    assert.ok(healths.every(h => h?.vault), 'every vault found');
    const vaultReads = (await readRequests()).filter(r => isVaultRead(r.path)).map(r => r.path);
    assert.ok(vaultReads.length > 0 && vaultReads.every(p => !p.includes(SUB1)), `only the vaults outside the index are read: ${vaultReads.join(', ')}`);

    const [fault] = await admin.injectFaults({ match: { method: 'POST', pathRegex: 'Microsoft\\.ResourceGraph' }, fault: '500', times: 'always' });
    try {
      const failing = new SharedKeyReads();
      failing.indexVaults({ ...azureContext(), retryOptions: { maxRetries: 0 } }, SUBS);
      const read = await Promise.all(clusters.map(c => loadKeyHealth(azureContext(), c, AT, undefined, failing)));
      assert.deepEqual(read.map(h => h!.health), healths.map(h => h!.health));
      assert.equal((await admin.faults()).find(f => f.id === fault.id)?.hits, 1, 'the index query failed');
    } finally {
      await admin.clearFaults();
    }
  });
});
