import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { journalFinish, journalStart, journalStep, parseJournal, resumableEntry } from '../../src/kms/plan/journal';

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
});
