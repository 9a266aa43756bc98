/**
 * No lost updates: the cluster PUT is conditional on the eTag of the GET it modifies, and a 412 makes the write read
 * again, re-check and re-apply — boundedly. The fake cluster store below behaves like AKS with If-Match: a PUT whose
 * body carries a stale eTag is refused with 412 and stores nothing; every accepted write gets a new eTag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClusterWriteConflictError,
  isClusterBusy,
  isPreconditionFailed,
  MAX_CLUSTER_WRITE_ATTEMPTS,
  writeCluster,
} from '../../src/kms/enable/clusterWrite';
import { applyPmk, expectedKmsProfile, profileMismatches } from '../../src/kms/enable/clusterUpdate';
import type { EnableFacts } from '../../src/kms/enable/facts';
import type { EnablePorts } from '../../src/kms/enable/ports';
import { buildPlan } from '../../src/kms/enable/plan';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import { clusterFactsOf } from '../../src/kms/kmsState';
import { runPlan } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, newWorld } from './fakeAzure';

type Change = (c: ManagedClusterJson) => void;

/** Someone else scales nodepool1 and tags the cluster: the kind of edit a lost update would revert. */
const scaleAndTag = (count: number, tag: string): Change => c => {
  (c.properties!.agentPoolProfiles as { count: number }[])[0].count = count;
  c.tags = { ...(c.tags as Record<string, string> | undefined), [tag]: 'yes' };
};

/**
 * A cluster store with If-Match semantics. `before[n]` runs just before the n-th PUT is handled (0-based): another
 * writer's change, which bumps the eTag. More than `hardStop` PUTs fail the test with a non-412 error, so a missing
 * bound ends the loop instead of hanging.
 */
function store(initial: ManagedClusterJson, before: (Change | undefined)[] = [], hardStop = 10) {
  let version = 1;
  let stored: ManagedClusterJson = { ...structuredClone(initial), eTag: `etag-${version}` };
  const log = { gets: 0, puts: [] as { ifMatch: unknown; status: number }[] };
  const write = (next: ManagedClusterJson) => {
    stored = { ...structuredClone(next), eTag: `etag-${++version}` };
  };
  return {
    log,
    get current() {
      return structuredClone(stored);
    },
    /** Makes the cluster look like this outside of any PUT (e.g. busy). */
    set: (mutate: Change) => {
      const next = structuredClone(stored);
      mutate(next);
      write(next);
    },
    async get(): Promise<ManagedClusterJson> {
      log.gets++;
      return structuredClone(stored);
    },
    async put(body: ManagedClusterJson): Promise<ManagedClusterJson> {
      const n = log.puts.length;
      if (n >= hardStop) {
        throw new Error(`more than ${hardStop} PUTs: the retry is unbounded`);
      }
      const change = before[n];
      if (change) {
        const next = structuredClone(stored);
        change(next);
        write(next);
      }
      if (body.eTag !== undefined && body.eTag !== stored.eTag) {
        log.puts.push({ ifMatch: body.eTag, status: 412 });
        throw Object.assign(new Error('The eTag does not match.'), { statusCode: 412, code: 'PreconditionFailed' });
      }
      log.puts.push({ ifMatch: body.eTag, status: 200 });
      write(body);
      return structuredClone(stored);
    },
  };
}

const pmkDone = (c: ManagedClusterJson) => profileMismatches(c.properties?.securityProfile, expectedKmsProfile('pmk')).length === 0;

async function write(s: ReturnType<typeof store>, options: { maxAttempts?: number } = {}) {
  const conflicts: number[] = [];
  const outcome = await writeCluster({
    current: await s.get(),
    apply: applyPmk,
    matches: pmkDone,
    put: body => s.put(body),
    reread: () => s.get(),
    onConflict: attempt => conflicts.push(attempt),
    ...options,
  });
  return { outcome, conflicts };
}

describe('writeCluster (If-Match, re-read and re-apply on 412)', () => {
  it('no concurrent change: one conditional PUT with the GET\'s eTag, no re-read', async () => {
    const s = store(clusterJson());
    const { outcome, conflicts } = await write(s);
    assert.equal(outcome.kind, 'written');
    assert.equal(outcome.attempts, 1);
    assert.deepEqual(s.log.puts, [{ ifMatch: 'etag-1', status: 200 }]);
    assert.equal(s.log.gets, 1);
    assert.deepEqual(conflicts, []);
  });

  it('a change between GET and PUT: 412, re-read, our change re-applied on the fresh GET; both changes survive', async () => {
    const s = store(clusterJson(), [scaleAndTag(7, 'owner-edit')]);
    const { outcome, conflicts } = await write(s);
    assert.equal(outcome.kind, 'written');
    assert.equal(outcome.attempts, 2);
    // The second PUT carries the eTag of the re-read (the other writer's), not the first GET's: drop the re-read and
    // it would carry etag-1 again and be refused.
    assert.deepEqual(s.log.puts, [{ ifMatch: 'etag-1', status: 412 }, { ifMatch: 'etag-2', status: 200 }]);
    assert.equal(s.log.gets, 2);
    assert.deepEqual(conflicts, [1]);
    const final = s.current;
    // The other writer's edit is kept (PUTting the stale body would lose it) …
    assert.equal((final.properties!.agentPoolProfiles as { count: number }[])[0].count, 7);
    assert.deepEqual(final.tags, { 'owner-edit': 'yes' });
    // … and so is ours (PUTting the fresh GET without re-applying would lose it).
    assert.deepEqual(final.properties?.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.deepEqual(outcome.cluster, final);
    assert.deepEqual(final.properties?.futureField, { keep: 'me' });
  });

  it('after the 412 the fresh GET already has our change: nothing more is written', async () => {
    const s = store(clusterJson(), [c => void Object.assign(c, applyPmk(c))]);
    const { outcome } = await write(s);
    assert.equal(outcome.kind, 'alreadyMatches');
    assert.deepEqual(s.log.puts.map(p => p.status), [412]);
    assert.ok(pmkDone(outcome.cluster));
  });

  it('after the 412 the cluster is busy (another operation runs): fails with a clear message, no second PUT', async () => {
    const s = store(clusterJson(), [c => void (c.properties!.provisioningState = 'Scaling')]);
    await assert.rejects(write(s), (err: unknown) => {
      assert.ok(err instanceof ClusterWriteConflictError);
      assert.equal(err.code, 'OperationNotAllowed');
      assert.match(err.message, /aks1 changed while it was being updated and is now Scaling/);
      return true;
    });
    assert.deepEqual(s.log.puts.map(p => p.status), [412]);
  });

  it(`bounded: a cluster that changes before every PUT is tried ${MAX_CLUSTER_WRITE_ATTEMPTS} times, then the 412 is reported`, async () => {
    const always = Array.from({ length: 20 }, (_, i) => scaleAndTag(i + 4, `edit-${i}`));
    const s = store(clusterJson(), always);
    await assert.rejects(write(s), (err: unknown) => {
      assert.ok(err instanceof ClusterWriteConflictError, String(err));
      assert.equal(err.code, 'PreconditionFailed');
      assert.equal(err.statusCode, 412);
      assert.ok(isPreconditionFailed(err));
      assert.match(err.message, /kept changing .*3 attempts/);
      return true;
    });
    assert.equal(s.log.puts.length, MAX_CLUSTER_WRITE_ATTEMPTS);
    assert.ok(s.log.puts.every(p => p.status === 412));
    // A re-read between attempts, none after the last one.
    assert.equal(s.log.gets, MAX_CLUSTER_WRITE_ATTEMPTS);
    assert.equal(s.current.properties?.securityProfile, undefined, 'nothing of ours was stored');
  });

  it('maxAttempts 1: no retry at all', async () => {
    const s = store(clusterJson(), [scaleAndTag(5, 'x')]);
    await assert.rejects(write(s, { maxAttempts: 1 }), ClusterWriteConflictError);
    assert.equal(s.log.puts.length, 1);
    assert.equal(s.log.gets, 1);
  });

  it('other errors are not retried and are passed on unchanged', async () => {
    const conflict = Object.assign(new Error('busy'), { statusCode: 409, code: 'OperationNotAllowed' });
    let reads = 0;
    await assert.rejects(
      writeCluster({ current: clusterJson(), apply: applyPmk, matches: pmkDone, put: async () => { throw conflict; }, reread: async () => { reads++; return clusterJson(); } }),
      err => err === conflict,
    );
    assert.equal(reads, 0);
  });
});

describe('isPreconditionFailed / isClusterBusy', () => {
  const cases: [unknown, boolean][] = [
    [{ statusCode: 412 }, true],
    [{ statusCode: 412, code: 'PreconditionFailed' }, true],
    [{ code: 'PreconditionFailed' }, true],
    [{ statusCode: 409, code: 'OperationNotAllowed' }, false],
    [{ statusCode: 400, code: 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError' }, false],
    [new Error('plain'), false],
    [undefined, false],
  ];
  for (const [err, expected] of cases) {
    it(`${JSON.stringify(err)} → ${expected}`, () => assert.equal(isPreconditionFailed(err), expected));
  }

  it('busy = a provisioningState that is not terminal', () => {
    for (const state of ['Updating', 'Upgrading', 'Scaling', 'Creating', 'Deleting']) {
      assert.equal(isClusterBusy(clusterJson({ provisioningState: state })), true, state);
    }
    for (const state of ['Succeeded', 'Failed', 'Canceled', undefined]) {
      assert.equal(isClusterBusy(clusterJson({ provisioningState: state })), false, String(state));
    }
  });
});

describe('the updateCluster step uses it', () => {
  /** The PMK plan over fake ports whose cluster store enforces If-Match and has another writer before the first PUT. */
  async function runPmk(before: (Change | undefined)[]) {
    const s = store(clusterJson(), before);
    const base = fakePorts(newWorld());
    const ports: EnablePorts = { ...base, getCluster: () => s.get(), putCluster: (_id, body) => s.put(body) };
    const initial = await s.get();
    // Only what the PMK plan reads from the facts.
    const facts = { cluster: clusterFactsOf(initial), clusterJson: initial, featureState: 'Registered' } as unknown as EnableFacts;
    const plan = buildPlan({ kind: 'pmk', clusterId: CLUSTER_ID }, facts, ports, { featurePollMs: 1, featureTimeoutMs: 1_000, tenantId: 't' });
    const events: { stepId: string; status: string; message?: string }[] = [];
    const result = await runPlan(plan.steps, e => events.push(e));
    return { s, result, events, plan };
  }

  it('a concurrent scale and tag survive the PMK update, which is verified on the final GET', async () => {
    const { s, result, events, plan } = await runPmk([scaleAndTag(9, 'team')]);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(s.log.puts.map(p => p.status), [412, 200]);
    const final = s.current;
    assert.equal((final.properties!.agentPoolProfiles as { count: number }[])[0].count, 9);
    assert.deepEqual(final.tags, { team: 'yes' });
    assert.ok(pmkDone(final));
    assert.deepEqual(plan.observed.latest, final);
    assert.ok(events.some(e => e.stepId === 'updateCluster' && /changed since it was read/.test(e.message ?? '')), 'the user is told why it re-reads');
  });

  it('a cluster that keeps changing fails the step with the conflict, not with a lost update', async () => {
    const { s, result } = await runPmk(Array.from({ length: 20 }, (_, i) => scaleAndTag(i + 1, `t${i}`)));
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'updateCluster');
    assert.ok(result.error instanceof ClusterWriteConflictError);
    assert.equal(s.log.puts.length, MAX_CLUSTER_WRITE_ATTEMPTS);
  });
});
