import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { journalFinish, journalRemove, journalStart, journalStep, parseJournal, resumableEntry } from '../../src/kms/plan/journal';

const ID = '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c1';

describe('plan journal', () => {
  it('records steps and keeps a failed or interrupted plan resumable', () => {
    let j = journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1);
    j = journalStep(j, ID, { stepId: 'registerFeature', status: 'skipped', at: 2 });
    j = journalStep(j, ID, { stepId: 'updateCluster', status: 'running', at: 3 });
    const running = resumableEntry(j, ID.toUpperCase());
    assert.equal(running?.status, 'running');
    assert.deepEqual(running?.steps, { registerFeature: 'skipped', updateCluster: 'running' });
    j = journalFinish(j, ID, 'failed', 4, 'updateCluster');
    assert.equal(resumableEntry(j, ID)?.status, 'failed');
    assert.equal(resumableEntry(j, ID)?.failedStep, 'updateCluster');
  });
  it('a successful run leaves nothing to resume', () => {
    const j = journalFinish(journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1), ID, 'succeeded', 2);
    assert.equal(resumableEntry(j, ID), undefined);
  });
  it('ignores stored data that is not a journal', () => {
    assert.deepEqual(parseJournal('garbage'), {});
    assert.deepEqual(parseJournal({ x: { clusterId: ID, clusterName: 'c1', config: { kind: 'rm -rf', clusterId: ID } } }), {});
    assert.deepEqual(parseJournal({ x: { clusterId: ID, clusterName: 'c1', config: { kind: 'pmk', clusterId: '/other' } } }), {});
    const good = { x: { clusterId: ID, clusterName: 'c1', config: { kind: 'pmk', clusterId: ID }, status: 'running', steps: {}, startedAt: 1, updatedAt: 1 } };
    assert.deepEqual(Object.keys(parseJournal(good)), ['x']);
  });
  it('stores no secrets: only the user\'s configuration and step statuses, never the messages events carry', () => {
    // Step messages can quote what a service or a proxy answered, tokens included.
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJhYWFhYWFhYS0wMDAwIiwic2NwIjoidXNlcl9pbXBlcnNvbmF0aW9uIn0.c2lnbmF0dXJl';
    const secret = 'Zx8Q~mB2.wT9kLpR4vN7cYs1uH6jF3dA0eG5iKqO';
    let j = journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1);
    j = journalStep(j, ID, { stepId: 'registerFeature', status: 'running', message: `GET features: Authorization: Bearer ${jwt}`, at: 2 });
    j = journalStep(j, ID, { stepId: 'updateCluster', status: 'failed', message: `401 from proxy (client_secret=${secret})`, at: 3 });
    j = journalFinish(j, ID, 'failed', 4, 'updateCluster');
    const stored = JSON.stringify(j);
    assert.ok(!stored.includes(jwt) && !stored.includes(secret), stored);
    assert.doesNotMatch(stored, /Bearer|client_secret|eyJ/);
    assert.deepEqual(resumableEntry(j, ID)?.steps, { registerFeature: 'running', updateCluster: 'failed' }, 'the statuses are what is kept');
  });
  it('keeps one entry per cluster: a step of one cluster leaves another cluster\'s entry as it was', () => {
    const other = ID.replace(/c1$/, 'c2');
    let j = journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1);
    j = journalStart(j, 'c2', { kind: 'migrateToPmk', clusterId: other }, 2);
    j = journalStep(j, other, { stepId: 'updateCluster', status: 'running', at: 3 });
    assert.equal(resumableEntry(j, ID)?.clusterName, 'c1');
    assert.deepEqual(resumableEntry(j, ID)?.steps, {});
    assert.equal(resumableEntry(j, other)?.clusterName, 'c2');
    assert.deepEqual(resumableEntry(j, other)?.steps, { updateCluster: 'running' });
    j = journalFinish(j, ID, 'succeeded', 4);
    assert.equal(resumableEntry(j, ID), undefined);
    assert.equal(resumableEntry(j, other)?.status, 'running', 'the other cluster\'s run is still resumable');
  });
  it('a step event for a cluster with no journal entry records nothing', () => {
    const j = journalStep({}, ID, { stepId: 'updateCluster', status: 'running', at: 3 });
    assert.deepEqual(j, {});
    assert.equal(resumableEntry(j, ID), undefined);
  });
  it('removing an entry (the user discards the resume) forgets that cluster only, in any letter case', () => {
    const other = ID.replace(/c1$/, 'c2');
    let j = journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1);
    j = journalStart(j, 'c2', { kind: 'pmk', clusterId: other }, 1);
    j = journalRemove(j, ID.toUpperCase());
    assert.equal(resumableEntry(j, ID), undefined);
    assert.equal(resumableEntry(j, other)?.clusterName, 'c2');
  });
  it('a journal stored by an earlier session is found again after a reload, by the cluster id in any letter case', () => {
    // What the store persisted (JSON in global storage): entries under the cluster id in lower case.
    const stored: unknown = JSON.parse(JSON.stringify({
      [ID.toLowerCase()]: { clusterId: ID, clusterName: 'c1', config: { kind: 'pmk', clusterId: ID }, status: 'failed', steps: { updateCluster: 'failed' }, startedAt: 1, updatedAt: 2, failedStep: 'updateCluster' },
    }));
    const j = parseJournal(stored);
    assert.equal(resumableEntry(j, ID)?.failedStep, 'updateCluster');
    assert.equal(resumableEntry(j, ID.toUpperCase())?.status, 'failed');
    assert.equal(resumableEntry(journalFinish(j, ID, 'succeeded', 3), ID), undefined, 'finishing the resumed run clears the stored entry');
  });
  it('nothing stored yet (or a stored null) is an empty journal', () => {
    assert.deepEqual(parseJournal(undefined), {});
    assert.deepEqual(parseJournal(null), {});
  });
  const entry = (over: Record<string, unknown>) => ({ clusterId: ID, clusterName: 'c1', config: { kind: 'pmk', clusterId: ID }, status: 'running', steps: {}, startedAt: 1, updatedAt: 1, ...over });
  const cases: Array<[string, unknown, boolean]> = [
    ['a platform-key entry', entry({}), true],
    ['a customer-managed-key entry', entry({ config: { kind: 'cmk', clusterId: ID, networkAccess: 'Public', vault: { kind: 'existing', id: '/v' }, key: { kind: 'new', name: 'k' }, identity: { kind: 'existing', id: '/i' } } }), true],
    ['a move back to platform keys', entry({ config: { kind: 'migrateToPmk', clusterId: ID } }), true],
    ['a null entry', null, false],
    ['an entry without a configuration', entry({ config: undefined }), false],
    ['an entry without a cluster name', entry({ clusterName: undefined }), false],
    ['an entry whose cluster id is not text', entry({ clusterId: 42, config: { kind: 'pmk', clusterId: 42 } }), false],
    ['an entry of an unknown kind', entry({ config: { kind: 'byok', clusterId: ID } }), false],
  ];
  for (const [what, value, kept] of cases) {
    it(`a stored journal keeps ${what}: ${kept}`, () => {
      assert.deepEqual(Object.keys(parseJournal({ x: value, y: entry({}) })), kept ? ['x', 'y'] : ['y']);
    });
  }
});
