/**
 * "Enable Platform Keys on…" many clusters, through the real SDK clients against the emulator's generated fleet:
 * 30 clusters over 3 subscriptions (per subscription 6 eligible, 2 on Kubernetes 1.32 and 2 already on platform keys),
 * one feature check per subscription, one registration where the feature is off, throttling storms, a failed update,
 * a batch cut short and resumed, and a re-run that writes nothing.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BatchPreflight, executeBatch, preflightBatch } from '../../src/azure/bulkPlatformKeys';
import type { BatchCluster, BatchEvent, BatchItemResult } from '../../src/kms/bulk/batch';
import { batchJournalItem, batchJournalStart, batchRemaining, BatchJournal } from '../../src/kms/bulk/batchJournal';
import { emulatorRequest } from '../emulator/client';
import { generatedClusterName, generatedSubscriptionId, GENERATED_RESOURCE_GROUP } from '../emulator/generate';
import { mintTestToken } from '../emulator/token';
import { admin, azureContext, clusterId, info } from './support/azure';

const SUBSCRIPTIONS = [0, 1, 2].map(generatedSubscriptionId);
/** Per subscription: the 8 unencrypted clusters (2 of them on Kubernetes 1.32.6) and 2 already on PMK (generate.ts). */
const PER_SUBSCRIPTION = [...Array.from({ length: 8 }, (_, j) => j), 8, 9];
const FAST = { featurePollMs: 100 };
const BOUND = 4;

function batchClusters(): BatchCluster[] {
  return SUBSCRIPTIONS.flatMap((sub, i) => PER_SUBSCRIPTION.map(j => {
    const name = generatedClusterName(i, j);
    return { id: clusterId(sub, GENERATED_RESOURCE_GROUP, name), name, subscriptionId: sub };
  }));
}

const ctx = azureContext();
const preflight = (clusters = batchClusters()) => preflightBatch(() => ctx, clusters, { planOptions: FAST });
const run = (check: BatchPreflight, more: { signal?: AbortSignal; onEvent?: (e: BatchEvent) => void } = {}) =>
  executeBatch(check, { perSubscription: BOUND, planOptions: FAST, ...more });

async function requests() {
  return (await admin.requests()).filter(r => !r.path.startsWith('/_emulator'));
}
const clusterPuts = async () => (await requests()).filter(r => r.method === 'PUT' && /\/managedClusters\/[^/?]+(\?|$)/.test(r.path));
const names = (items: readonly { cluster: BatchCluster }[] | readonly BatchCluster[]) =>
  items.map(i => ('cluster' in i ? i.cluster : i).name).sort();

async function unregisterFeature(subscriptionId: string): Promise<void> {
  const res = await emulatorRequest(info, {
    method: 'POST',
    url: `/subscriptions/${subscriptionId}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/KMSPMKPreview/unregister?api-version=2021-07-01`,
    token: mintTestToken(),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await new Promise(resolve => setTimeout(resolve, 400)); // the emulator settles Unregistering after featureRegistrationDelayMs
}

describe('bulk platform keys against the emulator', () => {
  beforeEach(async () => {
    await admin.reset({ generateFleet: { subscriptions: 3, clustersPerSubscription: 20 } });
    await admin.config({ featureRegistrationDelayMs: 300, clusterUpdateDurationMs: 300 });
    await admin.clearRequests();
  });

  it('30 clusters over 3 subscriptions: preflight splits them with reasons and writes nothing; one feature check per subscription', async () => {
    const check = await preflight();
    assert.equal(check.eligible.length, 18);
    assert.equal(check.alreadyDone.length, 6);
    assert.equal(check.ineligible.length, 6);
    assert.ok(check.ineligible.every(i => i.codes.includes('k8s-too-old') && /Kubernetes 1\.32\.6/.test(i.reason)), JSON.stringify(check.ineligible.map(i => i.reason)));
    const reqs = await requests();
    assert.deepEqual(reqs.filter(r => r.write), [], 'preflight writes nothing');
    const featureReads = reqs.filter(r => /\/features\/KMSPMKPreview$/i.test(r.path.split('?')[0]));
    assert.equal(featureReads.length, 3, 'one feature check per subscription, not per cluster');
    const clusterGets = reqs.filter(r => r.method === 'GET' && /\/managedClusters\/[^/?]+(\?|$)/.test(r.path));
    assert.equal(clusterGets.length, 30, 'one read per cluster');
  });

  it('the batch: one registration where the feature is off, the bound per subscription, every eligible cluster on PMK with one PUT', async () => {
    await unregisterFeature(SUBSCRIPTIONS[1]);
    await admin.clearRequests();
    const check = await preflight();
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const results = await run(check, {
      onEvent: e => {
        const sub = e.cluster.subscriptionId;
        if (e.status === 'running' && !e.message) {
          inFlight.set(sub, (inFlight.get(sub) ?? 0) + 1);
          peak.set(sub, Math.max(peak.get(sub) ?? 0, inFlight.get(sub)!));
        } else if (e.status !== 'queued' && e.status !== 'running') {
          inFlight.set(sub, inFlight.get(sub)! - 1);
        }
      },
    });
    assert.deepEqual(results.map(r => r.status), Array(18).fill('done'), JSON.stringify(results.filter(r => r.status !== 'done')));
    assert.deepEqual([...peak.values()], [BOUND, BOUND, BOUND], 'each subscription ran up to the bound at once, and never more');
    const writes = (await requests()).filter(r => r.write).map(r => `${r.method} ${r.path.split('?')[0]}`);
    assert.deepEqual(writes.filter(w => /features|providers\/Microsoft\.ContainerService\/register/.test(w)).sort(), [
      `POST /subscriptions/${SUBSCRIPTIONS[1]}/providers/Microsoft.ContainerService/register`,
      `POST /subscriptions/${SUBSCRIPTIONS[1]}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/KMSPMKPreview/register`,
    ], 'one registration, in the subscription where the feature was off, shared by its 6 clusters');
    const puts = await clusterPuts();
    assert.equal(puts.length, 18, 'one PUT per eligible cluster');
    assert.equal(new Set(puts.map(p => p.path)).size, 18);
    const again = await preflight();
    assert.deepEqual(names(again.alreadyDone), [...names(check.eligible), ...names(check.alreadyDone)].sort(), 'all now on platform keys');
  });

  it('a 429 storm on cluster updates: the whole batch backs off, and every cluster still ends on PMK with one accepted PUT', async () => {
    const check = await preflight();
    const [rule] = await admin.injectFaults({ match: { method: 'PUT', pathRegex: '/managedClusters/' }, fault: '429', times: 6, retryAfterSeconds: 1 });
    const results = await run(check);
    assert.deepEqual(results.map(r => r.status), Array(18).fill('done'), JSON.stringify(results.filter(r => r.status !== 'done')));
    assert.equal((await admin.faults()).find(f => f.id === rule.id)?.hits, 6);
    assert.ok(check.gate.throttled >= 1, 'the shared gate saw the throttling');
    const puts = await clusterPuts();
    assert.equal(puts.filter(p => p.status < 300).length, 18, 'one accepted PUT per cluster');
    // After the first 429 nothing of the batch reached ARM until its Retry-After had passed (requests already on the wire aside).
    const first429 = puts.find(p => p.status === 429)!;
    const t = Date.parse(first429.at);
    const during = (await requests()).filter(r => Date.parse(r.at) > t + 150 && Date.parse(r.at) < t + 850);
    assert.deepEqual(during.map(r => `${r.method} ${r.path}`), [], 'the batch paused, not only the refused request');
  });

  it('one cluster whose update ends Failed is reported with its step and error; the others finish', async () => {
    const check = await preflight();
    const victim = check.eligible[3].cluster;
    await admin.injectFaults({ match: { method: 'PUT', pathRegex: `/managedClusters/${victim.name}$` }, fault: 'lroFailed', times: 1, code: 'ReconcileFailed', message: 'Injected reconcile failure.' });
    const results = await run(check);
    const failed = results.filter(r => r.status === 'failed');
    assert.deepEqual(failed.map(r => r.cluster.name), [victim.name]);
    assert.ok(failed[0].failedStep === 'updateCluster' || failed[0].failedStep === 'verify', failed[0].failedStep);
    assert.match(failed[0].detail ?? '', /Injected reconcile failure|ReconcileFailed/);
    assert.equal(results.filter(r => r.status === 'done').length, 17);
  });

  it('cut short mid-batch (the journal as a crash leaves it), resumed: nothing twice, every cluster on PMK; a re-run writes nothing', async () => {
    const check = await preflight();
    let journal: BatchJournal = batchJournalStart(check.eligible.map(e => e.cluster), Date.now());
    let atKill: BatchJournal | undefined;
    const abort = new AbortController();
    let ended = 0;
    const first = await run(check, {
      signal: abort.signal,
      onEvent: e => {
        if (e.status !== 'queued' && !(e.status === 'running' && e.message)) {
          journal = batchJournalItem(journal, e.cluster.id, e.status, e.message);
        }
        if (e.status === 'done' && ++ended === 5) {
          // The process dies here: the journal holds 5 done, some running, the rest queued.
          atKill = journal;
          abort.abort();
        }
      },
    });
    assert.ok(atKill, 'the batch was cut short');
    assert.ok(first.some((r: BatchItemResult) => r.status === 'notStarted'), 'some clusters never started');
    const remaining = batchRemaining(atKill);
    assert.ok(remaining.length > 0 && remaining.length < 18, `${remaining.length} left`);
    assert.ok(atKill.items.some(i => i.status === 'running'), 'some were running at the kill');
    await new Promise(resolve => setTimeout(resolve, 500)); // the updates sent before the kill finish in Azure meanwhile

    const resumed = await preflight(remaining);
    const results = await run(resumed);
    assert.ok(results.every(r => r.status === 'done'), JSON.stringify(results));
    const puts = await clusterPuts();
    assert.equal(puts.length, 18, 'one PUT per cluster across the cut-short batch and the resume');
    assert.equal(new Set(puts.map(p => p.path)).size, 18);

    await admin.clearRequests();
    const rerun = await preflight();
    assert.equal(rerun.eligible.length, 0);
    assert.deepEqual(await run(rerun), []);
    assert.deepEqual((await requests()).filter(r => r.write), [], 'a re-run writes nothing');
  });
});
