/**
 * FleetService on a generated fleet (more than one Resource Graph page, subscriptions of 50 clusters): pages after
 * the first asked for by offset and delivered in order, and subscriptions whose clusters the index cannot classify
 * confirmed with one list call each instead of a GET per cluster. Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FleetService } from '../../src/azure/fleetService';
import type { ClusterFacts } from '../../src/kms/kmsState';
import { generatedSubscriptionId } from '../emulator/generate';
import { admin, azureContext } from './support/azure';

const SUBS = 6;
const PER_SUB = 250;
const subscriptions = Array.from({ length: SUBS }, (_, i) => generatedSubscriptionId(i));

async function load(): Promise<{ facts: ClusterFacts[]; pages: ClusterFacts[][] }> {
  const pages: ClusterFacts[][] = [];
  const facts = await new FleetService(azureContext()).loadClusters(subscriptions, { onClusters: (c) => pages.push(c) });
  return { facts, pages };
}

const states = (facts: readonly ClusterFacts[]) => Object.fromEntries(facts.map((f) => [f.id.toLowerCase(), f.kms.kind]));

describe('FleetService on a 1,500-cluster generated fleet', () => {
  let expected: Record<string, string>;
  before(async () => {
    await admin.reset({ generateFleet: { subscriptions: SUBS, clustersPerSubscription: PER_SUB } });
    await admin.config({ resourceGraphOmitsPreviewFields: false });
  });
  after(() => admin.reset());

  it('reads every page once and in order (the first by itself, the rest by offset)', async () => {
    await admin.clearRequests();
    const { facts, pages } = await load();
    assert.equal(facts.length, SUBS * PER_SUB);
    const ids = facts.map((f) => f.id.toLowerCase());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, [...ids].sort(), 'pages arrive in the order of the query');
    assert.equal(pages[0].length, 1000, 'the tree gets the first page before the others');
    const requests = await admin.requests();
    assert.equal(requests.filter((r) => /Microsoft\.ResourceGraph\/resources/i.test(r.path)).length, 2);
    assert.equal(requests.filter((r) => /managedClusters/i.test(r.path)).length, 0, 'the index carries the field: no confirmation');
    assert.ok(!facts.some((f) => f.kms.kind === 'unknown'));
    // Each cluster is reported once: a second report redraws its row (ten thousand on a large fleet) for nothing.
    assert.equal(pages.flat().length, facts.length, 'no cluster reported twice');
    expected = states(facts);
  });

  it('without the preview field in the index: one list call per subscription confirms the unknown clusters', async () => {
    await admin.config({ resourceGraphOmitsPreviewFields: true });
    try {
      await admin.clearRequests();
      const { facts } = await load();
      assert.deepEqual(states(facts), expected, 'the same states as when the index carries the field');
      const requests = await admin.requests();
      const lists = requests.filter((r) => r.method === 'GET' && /\/providers\/Microsoft\.ContainerService\/managedClusters\?/i.test(r.path));
      const gets = requests.filter((r) => r.method === 'GET' && /\/managedClusters\/[^/?]+\?/i.test(r.path));
      // One paged list per subscription (pages of --page-size: 3 in the shared test emulator), never a GET per cluster.
      assert.equal(gets.length, 0);
      assert.ok(lists.length >= SUBS && lists.length <= SUBS * Math.ceil(PER_SUB / 3), `${lists.length} list calls`);
      assert.ok(lists.every((r) => /api-version=2026-10-01(&|$)/.test(r.path)), 'at the default api-version (stable 2026-10-01 defines the field)');
    } finally {
      await admin.config({ resourceGraphOmitsPreviewFields: false });
    }
  });

  it('a throttled or failing list page: retried after Retry-After, and an error that persists fails the load with its message', async () => {
    await admin.config({ resourceGraphOmitsPreviewFields: true });
    try {
      const listPath = '/subscriptions/[^/]+/providers/Microsoft\\.ContainerService/managedClusters';
      await admin.injectFaults({ match: { method: 'GET', pathRegex: listPath }, fault: '429', times: 2, after: 1, retryAfterSeconds: 0 });
      const { facts } = await load();
      assert.deepEqual(states(facts), expected, 'the throttled pages were read again');
      assert.deepEqual((await admin.faults()).map((f) => f.hits), [2]);
      await admin.clearFaults();

      await admin.injectFaults({ match: { method: 'GET', pathRegex: listPath }, fault: '500', times: 'always', code: 'InternalServerError', message: 'The list broke.' });
      await assert.rejects(load(), /The list broke\./);
    } finally {
      await admin.clearFaults();
      await admin.config({ resourceGraphOmitsPreviewFields: false });
    }
  });

  it('reads each customer-managed key once for all the clusters that use it, until a new service re-reads', async () => {
    const service = new FleetService(azureContext());
    const withKeys = (await service.loadClusters(subscriptions.slice(0, 2), { onClusters: () => {} })).filter((f) => f.kms.key);
    // Keys by vault and name: legacy clusters name a version in their key ID, and their profile lacks the vault's ID.
    const keys = new Set(withKeys.map((f) => `${new URL(f.kms.key!.vaultUrl).origin}/keys/${f.kms.key!.name}`.toLowerCase()));
    assert.ok(withKeys.some((f) => !f.kms.keyVaultResourceId) && withKeys.some((f) => f.kms.keyVaultResourceId), 'clusters with and without the vault ID share keys');
    assert.ok(withKeys.length > keys.size * 10, `${withKeys.length} clusters share ${keys.size} keys`);
    const versionLists = async () => (await admin.requests()).filter((r) => r.method === 'GET' && /\/keys\/[^/]+\/versions/i.test(r.path)).length;

    await admin.clearRequests();
    const healths = await Promise.all(withKeys.map((f) => service.keyHealth(f)));
    assert.ok(healths.every((h) => h && h.versions.length === 2), 'every cluster gets its key versions');
    const legacy = withKeys.findIndex((f) => f.kms.kind === 'legacy');
    assert.ok(legacy >= 0 && healths[legacy]?.key.pinnedVersion, 'a legacy cluster keeps its own pinned version');
    assert.equal(await versionLists(), keys.size, 'one versions read per key');
    const reads = (await admin.requests()).filter((r) => r.method === 'GET');
    const vaultReads = reads.filter((r) => /\/vaults(\/[^/?]+)?\?/i.test(r.path));
    assert.ok(vaultReads.length <= keys.size + 2, `at most one vault read per key and one vault listing per subscription: ${vaultReads.map((r) => r.path).join(', ')}`);
    assert.deepEqual(reads.filter((r) => !r.path.startsWith('/subscriptions/')).map((r) => r.path), [], 'no data-plane read where ARM answers');

    await admin.clearRequests();
    await new FleetService(azureContext()).keyHealth(withKeys[0]);
    assert.equal(await versionLists(), 1, 'a new service (the tree makes one per Refresh) reads again');
  });
});

describe('confirming clusters without the preview field: the subscriptions the user sees first go first', () => {
  const SUB_COUNT = 80;
  const LIMIT = 32; // CONFIRM_CONCURRENCY in src/azure/fleetService.ts
  before(async () => {
    await admin.reset({ generateFleet: { subscriptions: SUB_COUNT, clustersPerSubscription: 12 } });
    await admin.config({ resourceGraphOmitsPreviewFields: true, requestLatencyMs: 20 });
  });
  after(() => admin.reset());

  it('starts the confirmations in the order the subscriptions were given, not the order of the index', async () => {
    // The tree passes subscriptions in display order; the index returns them by id. Give them in reverse.
    const given = Array.from({ length: SUB_COUNT }, (_, i) => generatedSubscriptionId(SUB_COUNT - 1 - i));
    await admin.clearRequests();
    const facts = await new FleetService(azureContext()).loadClusters(given, { onClusters: () => {} });
    assert.equal(facts.length, SUB_COUNT * 12);
    assert.ok(!facts.some((f) => f.kms.kind === 'unknown'));
    const listed = (await admin.requests())
      .filter((r) => r.method === 'GET' && /\/providers\/Microsoft\.ContainerService\/managedClusters\?/i.test(r.path))
      .map((r) => /\/subscriptions\/([^/]+)\//i.exec(r.path)?.[1]?.toLowerCase() ?? '');
    assert.equal(new Set(listed).size, SUB_COUNT, 'one list per subscription');
    const firstGiven = new Set(given.slice(0, LIMIT).map((s) => s.toLowerCase()));
    const early = listed.slice(0, LIMIT).filter((s) => firstGiven.has(s)).length;
    // In index order none of the first lists would be among them; allow a few to finish out of order.
    assert.ok(early >= LIMIT - 4, `${early} of the first ${LIMIT} lists are of the first ${LIMIT} subscriptions given`);
  });
});
