import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchCluster, BatchEvent, batchLowerBoundMs, BatchWork, bySubscription, countResults, runBatch } from '../../src/kms/bulk/batch';
import { batchJournalFinish, batchJournalItem, batchJournalStart, batchRemaining, parseBatchJournal } from '../../src/kms/bulk/batchJournal';
import { batchSummaryMarkdown, countsLine } from '../../src/kms/bulk/batchSummary';
import { retryAfterMs, ThrottleGate } from '../../src/kms/bulk/throttleGate';

const cluster = (sub: string, n: number): BatchCluster => ({ id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c${n}`, name: `c${n}`, subscriptionId: sub });
const tick = () => new Promise(resolve => setImmediate(resolve));

/** Work whose cluster updates end when the test says so; records what ran and how many ran at once per subscription. */
function controlledWork(failPrepare: readonly string[] = []) {
  const prepared: string[] = [];
  const started: string[] = [];
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const finishers = new Map<string, (r: Awaited<ReturnType<BatchWork['runCluster']>>) => void>();
  const work: BatchWork = {
    async prepareSubscription(sub) {
      prepared.push(sub);
      if (failPrepare.includes(sub)) {
        throw new Error(`feature registration failed in ${sub}`);
      }
    },
    runCluster(c) {
      started.push(c.name);
      running.set(c.subscriptionId, (running.get(c.subscriptionId) ?? 0) + 1);
      peak.set(c.subscriptionId, Math.max(peak.get(c.subscriptionId) ?? 0, running.get(c.subscriptionId)!));
      return new Promise(resolve => finishers.set(c.name, r => {
        running.set(c.subscriptionId, running.get(c.subscriptionId)! - 1);
        resolve(r);
      }));
    },
  };
  const finish = async (name: string, r: Awaited<ReturnType<BatchWork['runCluster']>> = { status: 'done' }) => {
    await tick();
    const f = finishers.get(name);
    assert.ok(f, `${name} is running`);
    finishers.delete(name);
    f(r);
    await tick();
  };
  const finishAll = async () => {
    for (let i = 0; i < 100 && (finishers.size || i < 3); i++) {
      await tick();
      for (const name of [...finishers.keys()]) {
        await finish(name);
      }
    }
  };
  return { work, prepared, started, peak, finish, finishAll, runningNames: () => [...finishers.keys()] };
}

describe('bulk batch: scheduling', () => {
  it('prepares each subscription once, before its clusters, and bounds the updates running per subscription', async () => {
    const clusters = [...[1, 2, 3, 4, 5].map(n => cluster('s1', n)), ...[6, 7, 8].map(n => cluster('s2', n))];
    const w = controlledWork();
    const run = runBatch(clusters, w.work, { perSubscription: 2 });
    await w.finishAll();
    const results = await run;
    assert.deepEqual(w.prepared.sort(), ['s1', 's2'], 'one preparation (feature registration) per subscription');
    assert.equal(w.peak.get('s1'), 2, 'never more than the bound within a subscription');
    assert.equal(w.peak.get('s2'), 2);
    assert.deepEqual(results.map(r => r.cluster.name), clusters.map(c => c.name), 'results in the order given');
    assert.deepEqual(countResults(results), { done: 8, skipped: 0, failed: 0, notStarted: 0 });
  });

  it('subscriptions run side by side: the bound is per subscription, not for the batch', async () => {
    const w = controlledWork();
    const run = runBatch([cluster('s1', 1), cluster('s1', 2), cluster('s2', 3), cluster('s3', 4)], w.work, { perSubscription: 1 });
    await tick();
    await tick();
    assert.deepEqual(w.runningNames().sort(), ['c1', 'c3', 'c4']);
    await w.finishAll();
    await run;
  });

  it('a failed preparation fails only its subscription\'s clusters, at the feature step, and starts none of them', async () => {
    const w = controlledWork(['s2']);
    const run = runBatch([cluster('s1', 1), cluster('s2', 2), cluster('s2', 3)], w.work, { perSubscription: 4 });
    await w.finishAll();
    const results = await run;
    assert.deepEqual(w.started, ['c1']);
    assert.deepEqual(results.map(r => [r.cluster.name, r.status, r.failedStep]), [['c1', 'done', undefined], ['c2', 'failed', 'registerFeature'], ['c3', 'failed', 'registerFeature']]);
    assert.match(results[1].detail!, /feature registration failed in s2/);
  });

  it('Cancel starts no new update, lets the running ones finish, and reports the rest as not started', async () => {
    const abort = new AbortController();
    const w = controlledWork();
    const events: BatchEvent[] = [];
    const run = runBatch([1, 2, 3, 4].map(n => cluster('s1', n)), w.work, { perSubscription: 2, signal: abort.signal, onEvent: e => events.push(e) });
    await tick();
    await tick();
    assert.deepEqual(w.runningNames(), ['c1', 'c2']);
    abort.abort();
    await w.finish('c1');
    await w.finish('c2', { status: 'failed', detail: 'boom', failedStep: 'updateCluster' });
    const results = await run;
    assert.deepEqual(w.started, ['c1', 'c2'], 'nothing started after Cancel');
    assert.deepEqual(results.map(r => r.status), ['done', 'failed', 'notStarted', 'notStarted']);
    assert.deepEqual(events.filter(e => e.cluster.name === 'c1').map(e => e.status), ['queued', 'running', 'done']);
    assert.deepEqual(events.filter(e => e.cluster.name === 'c3').map(e => e.status), ['queued', 'notStarted']);
  });

  it('a batch cancelled before it starts prepares nothing and starts nothing', async () => {
    const abort = new AbortController();
    abort.abort();
    const w = controlledWork();
    const results = await runBatch([cluster('s1', 1), cluster('s2', 2)], w.work, { perSubscription: 2, signal: abort.signal });
    assert.deepEqual(w.prepared, []);
    assert.deepEqual(results.map(r => r.status), ['notStarted', 'notStarted']);
  });

  it('a batch cancelled before it starts tells the view every cluster did not start', async () => {
    const abort = new AbortController();
    abort.abort();
    const events: BatchEvent[] = [];
    await runBatch([cluster('s1', 1), cluster('s2', 2)], controlledWork().work, { perSubscription: 2, signal: abort.signal, onEvent: e => events.push(e) });
    assert.deepEqual(events.map(e => [e.cluster.name, e.status]), [['c1', 'queued'], ['c2', 'queued'], ['c1', 'notStarted'], ['c2', 'notStarted']]);
  });

  it('Cancel during the feature registration leaves its clusters not started rather than failed', async () => {
    const abort = new AbortController();
    const work: BatchWork = {
      prepareSubscription: async (_sub, signal) => {
        abort.abort();
        signal.throwIfAborted();
      },
      runCluster: async () => assert.fail('no update starts after Cancel'),
    };
    const results = await runBatch([cluster('s1', 1), cluster('s1', 2)], work, { perSubscription: 2, signal: abort.signal });
    assert.deepEqual(results.map(r => [r.status, r.failedStep, r.detail]), [['notStarted', undefined, undefined], ['notStarted', undefined, undefined]], 'no step or error: they did not fail');
  });

  it('a running update\'s progress reaches the view as running events with what runs now', async () => {
    const events: BatchEvent[] = [];
    const work: BatchWork = {
      prepareSubscription: async () => undefined,
      runCluster: async (_c, progress) => {
        progress('Update the cluster');
        progress('Wait for the cluster');
        return { status: 'done', detail: 'encrypts Secrets with platform-managed keys' };
      },
    };
    await runBatch([cluster('s1', 1)], work, { perSubscription: 1, onEvent: e => events.push(e) });
    assert.deepEqual(events.map(e => [e.status, e.message]), [
      ['queued', undefined],
      ['running', undefined],
      ['running', 'Update the cluster'],
      ['running', 'Wait for the cluster'],
      ['done', 'encrypts Secrets with platform-managed keys'],
    ]);
  });

  it('an update that throws is a failure of that cluster only', async () => {
    const work: BatchWork = {
      prepareSubscription: async () => undefined,
      runCluster: async c => {
        if (c.name === 'c2') {
          throw new Error('409 OperationNotAllowed');
        }
        return { status: 'done' };
      },
    };
    const results = await runBatch([1, 2, 3].map(n => cluster('s1', n)), work, { perSubscription: 1 });
    assert.deepEqual(results.map(r => [r.status, r.detail]), [['done', undefined], ['failed', '409 OperationNotAllowed'], ['done', undefined]]);
  });

  it('groups by subscription case-insensitively, in the order first seen', () => {
    const groups = bySubscription([cluster('S1', 1), cluster('s2', 2), cluster('s1', 3)]);
    assert.deepEqual([...groups.keys()], ['s1', 's2']);
    assert.deepEqual(groups.get('s1')!.map(c => c.name), ['c1', 'c3']);
  });

  it('the lower bound: the busiest subscription\'s waves times one critical path', () => {
    assert.equal(batchLowerBoundMs([20, 7, 1], 4, 1000), 5000);
    assert.equal(batchLowerBoundMs([8, 8], 4, 250), 500);
    assert.equal(batchLowerBoundMs([], 4, 1000), 0);
  });
});

describe('bulk batch: shared back-off on throttling', () => {
  it('Retry-After in seconds or as an HTTP date; nothing readable is undefined', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs('0.5', now), 500);
    assert.equal(retryAfterMs('Wed, 02 Dec 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Wed, 02 Dec 2026 09:00:00 GMT', now), 0, 'a date in the past waits nothing');
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });

  const retryAfters: [string, string | null, number | undefined][] = [
    ['whole seconds of several digits', '120', 120_000],
    ['seconds with several decimals', '1.25', 1250],
    ['seconds with spaces around them', ' 7 ', 7000],
    ['a number followed by words is unreadable', '10 seconds', undefined],
    ['words ending in a number are unreadable', 'Retry in 30', undefined],
    ['an empty value is absent', '', undefined],
    ['no header (null) is absent', null, undefined],
  ];
  for (const [name, value, expected] of retryAfters) {
    it(`Retry-After: ${name}`, () => assert.equal(retryAfterMs(value, Date.parse('2026-12-02T10:00:00Z')), expected));
  }

  it('one throttled answer makes every request of the batch wait until the named time; the later pause wins', async () => {
    let now = 1000;
    const slept: number[] = [];
    const gate = new ThrottleGate(async ms => {
      slept.push(ms);
      now += ms;
    }, () => now, 5000);
    await gate.wait();
    assert.deepEqual(slept, [], 'not paused: no wait');
    gate.pause(3000);
    gate.pause(1000);
    await Promise.all([gate.wait(), gate.wait()]);
    assert.equal(now, 4000, 'the requests waited for the later pause (3 s), not the shorter one');
    assert.deepEqual(slept, [3000]);
    assert.equal(gate.throttled, 2);
    const before = now;
    gate.pause(undefined);
    await gate.wait();
    assert.equal(now - before, 5000, 'no Retry-After: the fallback pause');
  });
});

describe('bulk batch: journal', () => {
  const clusters = [cluster('s1', 1), cluster('s1', 2), cluster('s2', 3), cluster('s2', 4)];
  it('a resume runs what is not done or skipped, including a cluster cut off while running', () => {
    let j = batchJournalStart(clusters, 1);
    j = batchJournalItem(j, clusters[0].id.toUpperCase(), 'done');
    j = batchJournalItem(j, clusters[1].id, 'running');
    j = batchJournalItem(j, clusters[2].id, 'skipped', 'already on platform-managed keys');
    assert.deepEqual(batchRemaining(j).map(c => c.name), ['c2', 'c4']);
    j = batchJournalItem(j, clusters[1].id, 'failed', 'boom');
    assert.equal(j.items[1].detail, 'boom');
    assert.deepEqual(batchRemaining(batchJournalFinish(j, 2)).map(c => c.name), ['c2', 'c4']);
    assert.deepEqual(batchRemaining(undefined), []);
  });

  it('survives storage as it is, and anything damaged is dropped rather than trusted', () => {
    const j = batchJournalFinish(batchJournalItem(batchJournalStart(clusters, 5), clusters[0].id, 'done'), 9);
    assert.deepEqual(parseBatchJournal(JSON.parse(JSON.stringify(j))), j);
    assert.equal(parseBatchJournal(undefined), undefined);
    assert.equal(parseBatchJournal({ startedAt: 'x', items: [] }), undefined);
    assert.equal(parseBatchJournal({ startedAt: 1, items: [{ id: 'a', name: 'a', subscriptionId: 's', status: 'exploded' }] }), undefined);
    assert.equal(parseBatchJournal({ startedAt: 1, items: [{ id: 'a', name: 'a', status: 'done' }] }), undefined);
  });

  it('a batch cut short survives storage with every status its clusters reached, and stays unfinished', () => {
    let j = batchJournalStart([...clusters, cluster('s3', 5), cluster('s3', 6)], 5);
    const statuses = ['queued', 'running', 'done', 'skipped', 'failed', 'notStarted'] as const;
    statuses.forEach((status, i) => {
      j = batchJournalItem(j, j.items[i].id, status);
    });
    const stored = parseBatchJournal(JSON.parse(JSON.stringify(j)));
    assert.deepEqual(stored, j, 'no finishedAt appears: the batch still counts as cut short');
    assert.deepEqual(stored!.items.map(i => i.status), statuses);
    assert.deepEqual(batchRemaining(stored).map(c => c.name), ['c1', 'c2', 'c5', 'c6']);
  });

  const damaged: [string, unknown][] = [
    ['null', null],
    ['a string', 'journal'],
    ['items that are not a list', { startedAt: 1, items: {} }],
    ['a null item', { startedAt: 1, items: [null] }],
    ['an item that is a string', { startedAt: 1, items: ['/subscriptions/s1/…/c1'] }],
    ['an item without an id', { startedAt: 1, items: [{ name: 'a', subscriptionId: 's', status: 'done' }] }],
    ['an item whose id is not a string', { startedAt: 1, items: [{ id: 7, name: 'a', subscriptionId: 's', status: 'done' }] }],
    ['an item without a name', { startedAt: 1, items: [{ id: 'a', subscriptionId: 's', status: 'done' }] }],
    ['one damaged item among good ones', { startedAt: 1, items: [{ id: 'a', name: 'a', subscriptionId: 's', status: 'done' }, { id: 'b', name: 'b', subscriptionId: 's' }] }],
  ];
  for (const [name, value] of damaged) {
    it(`a stored journal with ${name} is dropped`, () => assert.equal(parseBatchJournal(value), undefined));
  }

  it('a damaged end time is dropped, the batch then counts as cut short', () => {
    const j = parseBatchJournal({ startedAt: 1, finishedAt: 'yesterday', items: [] });
    assert.deepEqual(j, { startedAt: 1, items: [] });
  });
});

describe('bulk batch: summary', () => {
  it('counts, then failed first with the step and error, then skipped with why, then done; Markdown-safe', () => {
    const md = batchSummaryMarkdown([
      { cluster: cluster('s1', 1), status: 'done', detail: 'encrypts Secrets with platform-managed keys' },
      { cluster: { ...cluster('s1', 2), name: 'a|b' }, status: 'skipped', detail: 'runs Kubernetes 1.32.6' },
      { cluster: cluster('s2', 3), status: 'failed', failedStep: 'updateCluster', detail: 'Conflict' },
      { cluster: cluster('s2', 4), status: 'notStarted' },
    ], { title: 'Batch', subscriptionNames: new Map([['s1', 'Production']]), stepTitle: id => (id === 'updateCluster' ? 'Update the cluster' : id) });
    const lines = md.trim().split('\n');
    assert.equal(lines[0], '# Batch');
    assert.equal(lines[2], '1 done, 1 skipped, 1 failed, 1 not started');
    assert.deepEqual(lines.slice(6).map(l => l.split(' | ')[0].slice(2)), ['c3', 'c4', 'a\\|b', 'c1']);
    assert.match(lines[6], /\| s2 \| failed \| at "Update the cluster": Conflict \|$/);
    assert.match(lines[8], /\| Production \| skipped \| runs Kubernetes 1\.32\.6 \|$/);
    assert.equal(countsLine([{ cluster: cluster('s1', 1), status: 'done' }]), '1 done, 0 skipped, 0 failed');
  });

  it('is a title, the counts, and a table with one row per cluster, each part apart', () => {
    const md = batchSummaryMarkdown([
      { cluster: cluster('s1', 1), status: 'done' },
      { cluster: cluster('s1', 2), status: 'skipped', detail: 'already on platform-managed keys' },
    ], { title: 'Enable Platform Keys' });
    assert.equal(md, [
      '# Enable Platform Keys',
      '',
      '1 done, 1 skipped, 0 failed',
      '',
      '| Cluster | Subscription | Result | Details |',
      '|---|---|---|---|',
      '| c2 | s1 | skipped | already on platform-managed keys |',
      '| c1 | s1 | done |  |',
      '',
    ].join('\n'));
  });

  it('without subscription names or step titles it shows the subscription id and the step id', () => {
    const md = batchSummaryMarkdown([{ cluster: cluster('S1', 1), status: 'failed', failedStep: 'registerFeature', detail: 'Forbidden' }], { title: 't' });
    assert.equal(md.split('\n')[6], '| c1 | S1 | failed | at "registerFeature": Forbidden |');
  });

  it('subscription names are found for an id in another letter case', () => {
    const md = batchSummaryMarkdown([{ cluster: cluster('S1', 1), status: 'done' }], { title: 't', subscriptionNames: new Map([['s1', 'Production']]) });
    assert.equal(md.split('\n')[6], '| c1 | Production | done |  |');
  });

  it('a failure at a step without an error names the step alone', () => {
    const md = batchSummaryMarkdown([{ cluster: cluster('s1', 1), status: 'failed', failedStep: 'updateCluster' }], { title: 't', stepTitle: () => 'Update the cluster' });
    assert.equal(md.split('\n')[6], '| c1 | s1 | failed | at "Update the cluster":  |');
  });

  const cells: [string, string, string][] = [
    ['a pipe is escaped so it does not split the cell', 'a|b', 'a\\|b'],
    ['a backslash is doubled so it escapes nothing', 'C:\\temp', 'C:\\\\temp'],
    ['a line feed becomes a space', 'Conflict\nretry later', 'Conflict retry later'],
    ['a CRLF becomes one space', 'Conflict\r\nretry later', 'Conflict retry later'],
  ];
  for (const [name, detail, expected] of cells) {
    it(`details cell: ${name}`, () => {
      const md = batchSummaryMarkdown([{ cluster: cluster('s1', 1), status: 'skipped', detail }], { title: 't' });
      assert.equal(md.split('\n')[6], `| c1 | s1 | skipped | ${expected} |`);
    });
  }

  it('each result reads as what happened to the cluster', () => {
    const md = batchSummaryMarkdown((['done', 'skipped', 'failed', 'notStarted'] as const).map((status, i) => ({ cluster: cluster('s1', i), status })), { title: 't' });
    assert.deepEqual(md.trim().split('\n').slice(6).map(l => l.split(' | ')[2]), ['failed', 'not started (cancelled)', 'skipped', 'done']);
  });
});
