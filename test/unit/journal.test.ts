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
  it('stores no secrets: only the user\'s configuration and step statuses', () => {
    const j = journalStart({}, 'c1', { kind: 'pmk', clusterId: ID }, 1);
    assert.doesNotMatch(JSON.stringify(j), /token|eyJ|secret|password/i);
  });
});
