/**
 * No lost updates: the cluster PUT is conditional on the eTag of the GET it modifies, and a 412 makes the write read
 * again, re-check and re-apply — boundedly. The fake cluster store below behaves like AKS with If-Match: a PUT whose
 * body carries a stale eTag is refused with 412 and stores nothing; every accepted write gets a new eTag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClusterUpdateFailedError,
  ClusterWriteConflictError,
  isClusterBusy,
  isNoAnswer,
  isOperationInProgress,
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
    const conflict = Object.assign(new Error('bad request'), { statusCode: 400, code: 'BadRequest' });
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

/**
 * A PUT whose answer was lost: AKS applied it (the cluster shows our settings, Updating, with a new eTag), the SDK
 * re-sent it, and the re-sent PUT meets its own update — 409 OperationNotAllowed while it runs, or 412 because the
 * first attempt changed the eTag — or, when every answer is lost, the caller gets no answer at all.
 */
describe('writeCluster after a lost answer: recognises its own running update and waits for it', () => {
  const resend409 = () => Object.assign(new Error("Operation is not allowed because there's an in progress update managed cluster operation"), { statusCode: 409, code: 'OperationNotAllowed' });
  const resend412 = () => Object.assign(new Error('The eTag does not match.'), { statusCode: 412, code: 'PreconditionFailed' });
  const noAnswer = () => Object.assign(new Error('The connection to host failed (ECONNRESET: socket hang up) and retrying did not help.'), { code: 'ECONNRESET' });

  /**
   * AKS as the product sees it: `put` applies the body (Updating, new eTag) and then throws what the re-sent PUT got;
   * each GET after that moves the operation on: `Updating` for `runningReads` GETs, then Succeeded — or Failed with
   * the previous body restored and a provisioningError, like AKS.
   */
  function aks(opts: { answer: () => Error; runningReads: number; ends?: 'Succeeded' | 'Failed'; apply?: boolean }) {
    let stored: ManagedClusterJson = { ...clusterJson(), eTag: 'etag-1' };
    const previous = structuredClone(stored);
    let running = false;
    let reads = 0;
    const log = { puts: 0, gets: 0, sleeps: [] as number[] };
    return {
      log,
      get current() {
        return structuredClone(stored);
      },
      async put(body: ManagedClusterJson): Promise<ManagedClusterJson> {
        log.puts++;
        if (opts.apply !== false) {
          stored = { ...structuredClone(body), eTag: 'etag-2', properties: { ...body.properties, provisioningState: 'Updating' } };
          running = true;
        }
        throw opts.answer();
      },
      async get(): Promise<ManagedClusterJson> {
        log.gets++;
        if (running && reads++ >= opts.runningReads) {
          running = false;
          stored = opts.ends === 'Failed'
            ? { ...previous, eTag: 'etag-3', properties: { ...previous.properties, provisioningState: 'Failed', status: { provisioningError: { code: 'InternalOperationError', message: 'The node pool could not be reimaged.' } } } }
            : { ...stored, properties: { ...stored.properties, provisioningState: 'Succeeded' } };
        }
        return structuredClone(stored);
      },
      sleep: async (ms: number) => {
        log.sleeps.push(ms);
      },
    };
  }

  const wait = { initialDelayMs: 100, maxDelayMs: 400, timeoutMs: 10_000 };
  const writeThrough = (a: ReturnType<typeof aks>, current: ManagedClusterJson, waiting: string[] = []) =>
    writeCluster({ current, apply: applyPmk, matches: pmkDone, put: b => a.put(b), reread: () => a.get(), sleep: a.sleep, wait, onWaiting: s => waiting.push(s) });

  for (const [name, answer] of [['409 OperationNotAllowed', resend409], ['412 PreconditionFailed', resend412], ['no answer at all', noAnswer]] as const) {
    it(`lost answer, then ${name}: the re-read shows our settings Updating, it waits (GETs, bounded) and reports the update as joined`, async () => {
      const a = aks({ answer, runningReads: 3 });
      const waiting: string[] = [];
      const outcome = await writeThrough(a, await a.get(), waiting);
      assert.equal(outcome.kind, 'joinedRunningUpdate');
      assert.equal(outcome.attempts, 1);
      assert.equal(a.log.puts, 1, 'no second PUT of ours');
      assert.equal(outcome.cluster.properties?.provisioningState, 'Succeeded');
      assert.ok(pmkDone(outcome.cluster));
      assert.deepEqual(outcome.cluster.properties?.futureField, { keep: 'me' });
      assert.deepEqual(waiting, ['Updating', 'Updating', 'Updating']);
      assert.deepEqual(a.log.sleeps, [100, 200, 400], 'backs off, up to maxDelayMs');
    });
  }

  it('lost answer, then 412, and the update had already finished: alreadyMatches, nothing more written, no waiting', async () => {
    const a = aks({ answer: resend412, runningReads: 0 });
    const outcome = await writeThrough(a, await a.get());
    assert.equal(outcome.kind, 'alreadyMatches');
    assert.equal(a.log.puts, 1);
    assert.deepEqual(a.log.sleeps, []);
  });

  it('our running update ends Failed: fails with the operation\'s error (provisioningError), no second PUT', async () => {
    const a = aks({ answer: resend409, runningReads: 1, ends: 'Failed' });
    await assert.rejects(writeThrough(a, await a.get()), (err: unknown) => {
      assert.ok(err instanceof ClusterUpdateFailedError, String(err));
      assert.equal(err.code, 'InternalOperationError');
      assert.match(err.message, /aks1 ended Failed: The node pool could not be reimaged\./);
      return true;
    });
    assert.equal(a.log.puts, 1);
  });

  it('the wait is bounded: an update that never settles fails with a clear message after timeoutMs of waiting', async () => {
    const a = aks({ answer: resend409, runningReads: 1_000 });
    await assert.rejects(
      writeCluster({ current: await a.get(), apply: applyPmk, matches: pmkDone, put: b => a.put(b), reread: () => a.get(), sleep: a.sleep, wait: { initialDelayMs: 100, maxDelayMs: 100, timeoutMs: 1_000 } }),
      (err: unknown) => err instanceof ClusterWriteConflictError && /aks1 is still Updating after 0 minutes; check it in the portal/.test(err.message),
    );
    assert.equal(a.log.sleeps.reduce((x, y) => x + y, 0), 1_000);
  });

  it('409 from someone else\'s different update (a scale): still an error, with a clear message; nothing waited for, no second PUT', async () => {
    const s = store(clusterJson());
    const current = await s.get();
    // Someone else's operation runs: the cluster is Scaling without our settings, and our PUT is refused.
    s.set(c => void ((c.properties!.agentPoolProfiles as { count: number }[])[0].count = 5, c.properties!.provisioningState = 'Updating'));
    const sleeps: number[] = [];
    await assert.rejects(
      writeCluster({ current, apply: applyPmk, matches: pmkDone, put: async () => { throw resend409(); }, reread: () => s.get(), sleep: async ms => void sleeps.push(ms), wait }),
      (err: unknown) => {
        assert.ok(err instanceof ClusterWriteConflictError, String(err));
        assert.equal(err.code, 'OperationNotAllowed');
        assert.match(err.message, /Another operation is running on the cluster aks1 \(it is Updating\) and it is not this update; wait for it to finish/);
        return true;
      },
    );
    assert.deepEqual(sleeps, []);
  });

  it('no answer and the cluster does not show our change: the PUT was not applied, the connection error stands', async () => {
    const a = aks({ answer: noAnswer, runningReads: 0, apply: false });
    await assert.rejects(writeThrough(a, await a.get()), (err: unknown) => /ECONNRESET/.test((err as Error).message));
    assert.equal(a.log.puts, 1, 'the SDK already re-sent it; no PUT of ours on top');
  });

  it('no answer, and the re-read fails too: the connection error is what the user sees', async () => {
    const lost = noAnswer();
    await assert.rejects(
      writeCluster({ current: clusterJson(), apply: applyPmk, matches: pmkDone, put: async () => { throw lost; }, reread: async () => { throw new Error('GET failed'); } }),
      err => err === lost,
    );
  });

  it('409 and then the other operation is over: our change is re-applied on the fresh GET (bounded like a 412)', async () => {
    const s = store(clusterJson());
    const current = await s.get();
    let puts = 0;
    const outcome = await writeCluster({
      current, apply: applyPmk, matches: pmkDone, reread: () => s.get(), wait,
      put: async body => {
        if (puts++ === 0) {
          throw resend409();
        }
        return s.put(body);
      },
    });
    assert.equal(outcome.kind, 'written');
    assert.equal(outcome.attempts, 2);
    assert.ok(pmkDone(s.current));
  });

  it('without a wait option it polls from 5 s, doubling to 30 s, and gives up after an hour', async () => {
    const a = aks({ answer: resend409, runningReads: 10_000 });
    await assert.rejects(
      writeCluster({ current: await a.get(), apply: applyPmk, matches: pmkDone, put: b => a.put(b), reread: () => a.get(), sleep: a.sleep }),
      (err: unknown) => {
        assert.ok(err instanceof ClusterWriteConflictError, String(err));
        assert.equal(err.code, 'OperationNotAllowed');
        assert.match(err.message, /aks1 is still Updating after 60 minutes/);
        return true;
      },
    );
    assert.deepEqual(a.log.sleeps.slice(0, 5), [5_000, 10_000, 20_000, 30_000, 30_000]);
    const waited = a.log.sleeps.reduce((x, y) => x + y, 0);
    assert.ok(waited <= 60 * 60_000 && waited + 30_000 > 60 * 60_000, `waited ${waited} ms`);
  });

  it('without a sleep function it waits on a real timer', async () => {
    const a = aks({ answer: resend409, runningReads: 2 });
    const started = Date.now();
    const outcome = await writeCluster({ current: await a.get(), apply: applyPmk, matches: pmkDone, put: b => a.put(b), reread: () => a.get(), wait: { initialDelayMs: 25, maxDelayMs: 25, timeoutMs: 1_000 } });
    assert.equal(outcome.kind, 'joinedRunningUpdate');
    assert.ok(Date.now() - started >= 45, `waited ${Date.now() - started} ms for two 25 ms polls`);
  });

  it('the update ends Failed without provisioningError: the error says to see the activity log and keeps the state as its code', async () => {
    for (const ends of ['Failed', 'Canceled'] as const) {
      let stored: ManagedClusterJson = { ...clusterJson(), eTag: 'etag-1' };
      let reads = 0;
      await assert.rejects(
        writeCluster({
          current: structuredClone(stored), apply: applyPmk, matches: pmkDone, sleep: async () => undefined, wait,
          put: async body => {
            stored = { ...structuredClone(body), properties: { ...body.properties, provisioningState: 'Updating' } };
            throw resend409();
          },
          reread: async () => {
            if (reads++ >= 1) {
              stored = { ...clusterJson(), properties: { ...clusterJson().properties, provisioningState: ends } };
            }
            return structuredClone(stored);
          },
        }),
        (err: unknown) => {
          assert.ok(err instanceof ClusterUpdateFailedError, String(err));
          assert.equal(err.name, 'ClusterUpdateFailedError');
          assert.equal(err.code, ends);
          assert.equal(err.message, `The update of the cluster aks1 ended ${ends}; see the cluster's activity log, then run the plan again.`);
          return true;
        },
      );
    }
  });

  it('the running update settles without our settings (someone else\'s update won): our change is written again, not reported as joined', async () => {
    let stored: ManagedClusterJson = { ...clusterJson(), eTag: 'etag-1' };
    let reads = 0;
    let puts = 0;
    const outcome = await writeCluster({
      current: structuredClone(stored), apply: applyPmk, matches: pmkDone, sleep: async () => undefined, wait,
      put: async body => {
        if (puts++ === 0) {
          stored = { ...structuredClone(body), properties: { ...body.properties, provisioningState: 'Updating' } };
          throw resend409();
        }
        stored = structuredClone(body);
        return structuredClone(stored);
      },
      reread: async () => {
        if (reads++ === 1) {
          stored = { ...clusterJson(), eTag: 'etag-3' }; // settled, Succeeded, without infrastructure encryption
        }
        return structuredClone(stored);
      },
    });
    assert.equal(outcome.kind, 'written');
    assert.equal(outcome.attempts, 2);
    assert.equal(puts, 2);
    assert.ok(pmkDone(outcome.cluster));
  });

  it('409 every time on a settled cluster without our change: bounded, 3 PUTs, then the conflict is reported', async () => {
    const s = store(clusterJson());
    const conflicts: number[] = [];
    let puts = 0;
    const answer = resend409();
    await assert.rejects(
      writeCluster({ current: await s.get(), apply: applyPmk, matches: pmkDone, reread: () => s.get(), wait, onConflict: n => conflicts.push(n), put: async () => { puts++; throw answer; } }),
      (err: unknown) => {
        assert.ok(err instanceof ClusterWriteConflictError, String(err));
        assert.equal(err.name, 'ClusterWriteConflictError');
        assert.equal(err.statusCode, undefined, 'not a 412');
        assert.equal(err.cause, answer);
        assert.match(err.message, /kept changing .*3 attempts/);
        return true;
      },
    );
    assert.equal(puts, MAX_CLUSTER_WRITE_ATTEMPTS);
    assert.deepEqual(conflicts, [], 'a 409 is not a change made by someone else');
  });

  it('predicates: 409 OperationNotAllowed, no answer', () => {
    assert.equal(isOperationInProgress(resend409()), true);
    assert.equal(isOperationInProgress({ statusCode: 409, code: 'RoleAssignmentExists' }), false);
    assert.equal(isOperationInProgress(resend412()), false);
    assert.equal(isNoAnswer(noAnswer()), true);
    assert.equal(isNoAnswer({ message: 'socket hang up' }), true);
    assert.equal(isNoAnswer({ code: 'ECONNRESET', statusCode: 500 }), false, 'an HTTP answer is an answer');
    assert.equal(isNoAnswer({ code: 'ECONNREFUSED' }), false, 'nothing was sent');
    assert.equal(isNoAnswer(Object.assign(new Error('aborted'), { name: 'AbortError' })), false);
  });
});

describe('the updateCluster step after a lost answer', () => {
  it('reports done (not skipped, not failed) and says the update was already running', async () => {
    let stored: ManagedClusterJson = { ...clusterJson(), eTag: 'etag-1' };
    let reads = 0;
    const base = fakePorts(newWorld());
    const ports: EnablePorts = {
      ...base,
      getCluster: async () => {
        if (stored.properties?.provisioningState === 'Updating' && reads++ >= 1) {
          stored = { ...stored, properties: { ...stored.properties, provisioningState: 'Succeeded' } };
        }
        return structuredClone(stored);
      },
      putCluster: async (_id, body) => {
        stored = { ...structuredClone(body), eTag: 'etag-2', properties: { ...body.properties, provisioningState: 'Updating' } };
        throw Object.assign(new Error('busy'), { statusCode: 409, code: 'OperationNotAllowed' });
      },
    };
    const initial = structuredClone(stored);
    const facts = { cluster: clusterFactsOf(initial), clusterJson: initial, featureState: 'Registered' } as unknown as EnableFacts;
    const plan = buildPlan({ kind: 'pmk', clusterId: CLUSTER_ID }, facts, ports, { featurePollMs: 1, featureTimeoutMs: 1_000, tenantId: 't', clusterWait: { initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 1_000 } });
    const events: { stepId: string; status: string; message?: string }[] = [];
    const result = await runPlan(plan.steps, e => events.push(e));
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.equal(result.steps.updateCluster, 'done');
    assert.equal(result.steps.verify, 'done');
    assert.ok(events.some(e => e.stepId === 'updateCluster' && /Updating with this update already; waiting/.test(e.message ?? '')), JSON.stringify(events));
    assert.ok(events.some(e => e.stepId === 'updateCluster' && e.status === 'done' && /already running, from an attempt whose answer was lost/.test(e.message ?? '')), JSON.stringify(events));
  });
});

describe('recognising the answers (by shape, so src/kms needs no SDK error class)', () => {
  const table = (name: string, predicate: (e: unknown) => boolean, cases: [string, unknown, boolean][]) => {
    for (const [what, err, expected] of cases) {
      it(`${name}: ${what} → ${expected}`, () => assert.equal(predicate(err), expected));
    }
  };
  table('412', isPreconditionFailed, [
    ['the code PreconditionFailed in another letter case', { code: 'preconditionfailed' }, true],
    ['a code that only ends with PreconditionFailed', { code: 'ResourcePreconditionFailed' }, false],
    ['a code that only starts with PreconditionFailed', { code: 'PreconditionFailedForPolicy' }, false],
  ]);
  table('an operation in progress', isOperationInProgress, [
    ['OperationNotAllowed without a status (the code of a failed long-running operation)', { code: 'OperationNotAllowed' }, true],
    ['operationnotallowed with 409', { statusCode: 409, code: 'operationnotallowed' }, true],
    ['OperationNotAllowed with 400 (a refused request, not a running operation)', { statusCode: 400, code: 'OperationNotAllowed' }, false],
    ['409 without a code', { statusCode: 409 }, false],
    ['a code that only ends with OperationNotAllowed', { statusCode: 409, code: 'ScaleOperationNotAllowed' }, false],
    ['a code that only starts with OperationNotAllowed', { statusCode: 409, code: 'OperationNotAllowedOnStoppedCluster' }, false],
    ['nothing', undefined, false],
  ]);
  table('no answer', isNoAnswer, [
    ...['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE'].map((code): [string, unknown, boolean] => [code, Object.assign(new Error(`request failed: ${code}`), { code }), true]),
    ['a refused connection, with its message', Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }), false],
    ['a cancelled request that reset the connection', Object.assign(new Error('The operation was aborted.'), { name: 'AbortError', code: 'ECONNRESET' }), false],
    ['an error without code or message', {}, false],
    ['nothing', undefined, false],
  ]);

  it('a cluster without properties is not busy', () => {
    assert.equal(isClusterBusy({ id: CLUSTER_ID, name: 'aks1' }), false);
  });
});
