import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { PlanStep, runPlan, StepEvent, validateStepGraph } from '../../src/kms/plan/runner';
import { abortableSleep, isIdentityPermissionPending, isRolePropagationDenial, retryWhile, ROLE_PROPAGATION_RETRY } from '../../src/kms/plan/retry';

const delay = (ms: number, signal?: AbortSignal) => new Promise<void>((res, rej) => {
  const t = setTimeout(res, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); rej(new Error('aborted')); }, { once: true });
});

function step(id: string, dependsOn: string[], ms: number, log: string[], outcome: 'done' | 'skipped' | 'fail' = 'done'): PlanStep {
  return {
    id, dependsOn,
    async run(ctx) {
      log.push(`start ${id}`);
      await delay(ms, ctx.signal);
      log.push(`end ${id}`);
      if (outcome === 'fail') {
        throw new Error(`${id} broke`);
      }
      return { status: outcome };
    },
  };
}

describe('runPlan', () => {
  it('runs independent steps in parallel and waits for dependencies', async () => {
    const log: string[] = [];
    const result = await runPlan([
      step('vault', [], 40, log), step('identity', [], 40, log), step('key', ['vault'], 10, log),
      step('roles', ['vault', 'identity'], 10, log), step('cluster', ['key', 'roles'], 10, log),
    ], () => {});
    assert.equal(result.status, 'succeeded');
    // Overlap, not timing: both independent steps start before either ends.
    assert.deepEqual(log.slice(0, 2).sort(), ['start identity', 'start vault']);
    assert.ok(log.indexOf('start cluster') > log.indexOf('end key') && log.indexOf('start cluster') > log.indexOf('end roles'));
  });

  it('reports running/done/skipped events per step', async () => {
    const events: StepEvent[] = [];
    const result = await runPlan([step('a', [], 1, [], 'skipped'), step('b', ['a'], 1, [])], e => events.push(e));
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(events.map(e => `${e.stepId}:${e.status}`), ['a:running', 'a:skipped', 'b:running', 'b:done']);
    assert.deepEqual(result.steps, { a: 'skipped', b: 'done' });
  });

  it('stops at the first failure, names the step, and leaves the rest pending', async () => {
    const log: string[] = [];
    const result = await runPlan([step('a', [], 5, log, 'fail'), step('b', ['a'], 1, log), step('c', [], 50, log)], () => {});
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'a');
    assert.match(String(result.error), /a broke/);
    assert.equal(result.steps.b, 'pending');
    assert.equal(result.steps.c, 'cancelled', 'running sibling is told to stop');
    assert.ok(!log.includes('start b'));
  });

  it('cancellation stops new steps and reports cancelled', async () => {
    const ac = new AbortController();
    const log: string[] = [];
    const pending = runPlan([step('a', [], 30, log), step('b', ['a'], 1, log)], () => {}, ac.signal);
    setTimeout(() => ac.abort(), 5);
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.steps, { a: 'cancelled', b: 'pending' });
  });

  it('rejects unknown dependencies and cycles before running anything', async () => {
    assert.match(validateStepGraph([step('a', ['x'], 1, [])]).join(), /unknown step "x"/);
    assert.match(validateStepGraph([step('a', ['b'], 1, []), step('b', ['a'], 1, [])]).join(), /cycle/);
    await assert.rejects(runPlan([step('a', ['a'], 1, [])], () => {}), /cycle/);
  });
});

describe('retryWhile (role propagation)', () => {
  const forbidden = Object.assign(new Error('Forbidden'), { statusCode: 403 });
  const firewall = Object.assign(new Error('Forbidden'), { statusCode: 403, details: { error: { innererror: { code: 'ForbiddenByFirewall' } } } });
  it('classifies 403s: RBAC propagation retries, firewall does not', () => {
    assert.equal(isRolePropagationDenial(forbidden), true);
    assert.equal(isRolePropagationDenial(firewall), false);
    assert.equal(isRolePropagationDenial(Object.assign(new Error('x'), { statusCode: 500 })), false);
  });
  it('retries with backoff until success', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const value = await retryWhile(async () => {
      if (++calls < 4) {
        throw forbidden;
      }
      return 'ok';
    }, isRolePropagationDenial, { timeoutMs: 60_000, initialDelayMs: 1000, maxDelayMs: 3000, sleep: async ms => { sleeps.push(ms); } });
    assert.equal(value, 'ok');
    assert.deepEqual(sleeps, [1000, 2000, 3000]);
  });
  it('gives up at the deadline with the last error', async () => {
    let t = 0;
    await assert.rejects(retryWhile(async () => { throw forbidden; }, isRolePropagationDenial, {
      timeoutMs: 5000, initialDelayMs: 1000, maxDelayMs: 1000, sleep: async ms => { t += ms; },
    }), /Forbidden/);
    assert.equal(t, 5000);
  });
  it('does not retry other errors', async () => {
    let calls = 0;
    await assert.rejects(retryWhile(async () => { calls++; throw firewall; }, isRolePropagationDenial, { timeoutMs: 5000, initialDelayMs: 1, maxDelayMs: 1 }));
    assert.equal(calls, 1);
  });
});

/** A step that ignores cancellation (as a step in the middle of an Azure call may): it always finishes `done`. */
function stubborn(id: string, dependsOn: string[], ms: number, log: string[]): PlanStep {
  return {
    id, dependsOn,
    async run() {
      log.push(`start ${id}`);
      await new Promise(r => setTimeout(r, ms));
      log.push(`end ${id}`);
      return { status: 'done' };
    },
  };
}

describe('runPlan: cancel or failure stops new steps', () => {
  it('after a failure, a step whose dependencies finish later still does not start', async () => {
    const log: string[] = [];
    // `slow` does not stop when told to; `after` depends only on it, so only the failure can keep it from starting.
    const result = await runPlan([step('fails', [], 5, log, 'fail'), stubborn('slow', [], 40, log), step('after', ['slow'], 1, log), step('dependent', ['fails'], 1, log)], () => {});
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'fails');
    assert.deepEqual(result.steps, { fails: 'failed', slow: 'done', after: 'pending', dependent: 'pending' });
    assert.ok(log.includes('end slow'), 'the running step was let finish');
    assert.ok(!log.includes('start after') && !log.includes('start dependent'), log.join(', '));
  });

  it('cancel mid-plan: no new step starts, and a half-done plan reports cancelled, never succeeded', async () => {
    const ac = new AbortController();
    const log: string[] = [];
    const events: StepEvent[] = [];
    const pending = runPlan([stubborn('first', [], 40, log), stubborn('second', ['first'], 1, log), stubborn('other', ['first'], 1, log)], e => events.push(e), ac.signal);
    setTimeout(() => ac.abort(), 5);
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.steps, { first: 'done', second: 'pending', other: 'pending' });
    assert.deepEqual(log, ['start first', 'end first']);
    assert.ok(!events.some(e => e.stepId !== 'first'), events.map(e => `${e.stepId}:${e.status}`).join(' '));
  });

  it('cancelled before it starts: no step runs', async () => {
    const ac = new AbortController();
    ac.abort();
    const log: string[] = [];
    const result = await runPlan([stubborn('a', [], 1, log), stubborn('b', ['a'], 1, log)], () => {}, ac.signal);
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(log, []);
    assert.deepEqual(result.steps, { a: 'pending', b: 'pending' });
  });

  it('the running steps are told to stop (their signal aborts) on a cancel and on a sibling\'s failure', async () => {
    const seen: string[] = [];
    const watcher = (id: string): PlanStep => ({
      id, dependsOn: [],
      run: ctx => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => (seen.push(id), reject(new Error('stopped'))), { once: true })),
    });
    const failed = await runPlan([step('boom', [], 5, [], 'fail'), watcher('w1')], () => {});
    assert.deepEqual([failed.status, failed.failedStep, failed.steps.w1], ['failed', 'boom', 'cancelled']);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 5);
    const cancelled = await runPlan([watcher('w2')], () => {}, ac.signal);
    assert.deepEqual([cancelled.status, cancelled.steps.w2], ['cancelled', 'cancelled']);
    assert.deepEqual(seen, ['w1', 'w2']);
  });
});

describe('role propagation limits and abortableSleep', () => {
  it('ROLE_PROPAGATION_RETRY: first wait 2 s, doubling to at most 20 s, 5 minutes in all', () => {
    assert.deepEqual({ ...ROLE_PROPAGATION_RETRY }, { timeoutMs: 300_000, initialDelayMs: 2_000, maxDelayMs: 20_000 });
  });

  it('retryWhile sleeps with abortableSleep when given no sleep', async () => {
    let calls = 0;
    const started = Date.now();
    const value = await retryWhile(async () => (++calls < 2 ? Promise.reject(Object.assign(new Error('Forbidden'), { statusCode: 403 })) : 'ok'), isRolePropagationDenial, { timeoutMs: 1_000, initialDelayMs: 20, maxDelayMs: 20 });
    assert.equal(value, 'ok');
    assert.ok(Date.now() - started >= 15, `it did not wait: ${Date.now() - started} ms`);
  });

  it('really sleeps', async () => {
    const started = performance.now();
    await abortableSleep(20);
    assert.ok(performance.now() - started >= 15, `slept ${performance.now() - started} ms`);
  });

  it('an abort ends the sleep at once with the signal\'s reason', async () => {
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(new Error('user cancelled')), 20);
    await assert.rejects(abortableSleep(10_000, ac.signal), /user cancelled/);
    const took = performance.now() - started;
    assert.ok(took >= 15 && took < 5_000, `took ${took} ms`);
  });

  it('an already aborted signal rejects without sleeping; an abort after the sleep changes nothing', async () => {
    const ac = new AbortController();
    ac.abort(new Error('too late'));
    await assert.rejects(abortableSleep(10_000, ac.signal), /too late/);
    const later = new AbortController();
    await abortableSleep(5, later.signal);
    later.abort();
  });
});

describe('retry predicates on odd errors', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['a rejection without a value', undefined, false],
    ['a 403 whose body has no error object', Object.assign(new Error('Forbidden'), { statusCode: 403, details: {} }), true],
    ['a 403 whose error has no inner error', Object.assign(new Error('Forbidden'), { statusCode: 403, details: { error: { code: 'Forbidden' } } }), true],
    ['a 403 that names the firewall only in its message', Object.assign(new Error('Client address is not authorized and caller is not a trusted service. ForbiddenByFirewall'), { statusCode: 403 }), false],
    ['a 403 that names a private-link denial in its message', Object.assign(new Error('Public network access is disabled. ForbiddenByConnection'), { statusCode: 403 }), false],
  ];
  for (const [what, err, retried] of cases) {
    it(`role propagation retries ${what}: ${retried}`, () => assert.equal(isRolePropagationDenial(err), retried));
  }
  it('the identity-permission wait needs AKS\'s 400 with its code: not another status, not a missing error', () => {
    const code = 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError';
    assert.equal(isIdentityPermissionPending({ statusCode: 400, code }), true);
    assert.equal(isIdentityPermissionPending({ statusCode: 409, code }), false);
    assert.equal(isIdentityPermissionPending(undefined), false);
  });
});

describe('retryWhile: what the caller is told', () => {
  it('onRetry numbers the attempts 1, 2, 3 and passes each wait and error', async () => {
    const forbidden = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    const seen: string[] = [];
    let calls = 0;
    await retryWhile(async () => (++calls < 4 ? Promise.reject(forbidden) : 'ok'), isRolePropagationDenial, {
      timeoutMs: 60_000, initialDelayMs: 10, maxDelayMs: 40, sleep: async () => {},
      onRetry: (attempt, delayMs, error) => seen.push(`${attempt}:${delayMs}:${error === forbidden}`),
    });
    assert.deepEqual(seen, ['1:10:true', '2:20:true', '3:40:true']);
  });
  it('a sleep that ends (or is cut short by an abort) leaves no abort listener on the caller\'s signal', async () => {
    // One signal serves a whole poll (many sleeps); a listener left behind per sleep would pile up.
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) {
      await abortableSleep(1, ac.signal);
    }
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    const cut = new AbortController();
    const sleeping = abortableSleep(10_000, cut.signal);
    cut.abort(new Error('stop'));
    await assert.rejects(sleeping, /stop/);
    assert.equal(getEventListeners(cut.signal, 'abort').length, 0);
  });
});

describe('runPlan: events and graph checks', () => {
  it('progress lines, a failure and a stop after it reach the listener with their step\'s status', async () => {
    const events: StepEvent[] = [];
    const talker: PlanStep = { id: 'talker', dependsOn: [], run: async ctx => (ctx.progress('creating the key'), await delay(5), Promise.reject(new Error('vault said no'))) };
    const watcher: PlanStep = { id: 'watcher', dependsOn: [], run: ctx => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true })) };
    const result = await runPlan([talker, watcher], e => events.push(e), undefined, () => 7);
    assert.equal(result.status, 'failed');
    assert.deepEqual(events.map(e => [e.stepId, e.status, e.message, e.at]), [
      ['talker', 'running', undefined, 7],
      ['talker', 'running', 'creating the key', 7],
      ['watcher', 'running', undefined, 7],
      ['talker', 'failed', 'vault said no', 7],
      ['watcher', 'cancelled', undefined, 7],
    ]);
  });

  it('leaves no abort listener on the caller\'s signal once the plan is over', async () => {
    // The caller may keep one signal for many runs (a wizard session); each run must not leave its listener behind.
    const ac = new AbortController();
    await runPlan([step('a', [], 1, [])], () => {}, ac.signal);
    await runPlan([step('a', [], 1, [], 'fail')], () => {}, ac.signal);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  it('rejects two steps with one id (one would overwrite the other\'s status) before running anything', async () => {
    const log: string[] = [];
    assert.deepEqual(validateStepGraph([step('a', [], 1, log), step('a', [], 1, log)]), ['Step ids must be unique.']);
    await assert.rejects(runPlan([step('a', [], 1, log), step('a', [], 1, log)], () => {}), /Step ids must be unique/);
    assert.deepEqual(log, []);
  });

  it('names each problem once: an unknown dependency is not also a cycle, a cycle is reported once', async () => {
    assert.deepEqual(validateStepGraph([step('a', ['x'], 1, [])]), ['Step "a" depends on unknown step "x".']);
    assert.deepEqual(validateStepGraph([step('a', ['b'], 1, []), step('b', ['a'], 1, []), step('c', ['a', 'b'], 1, [])]), ['Steps form a cycle through "a".']);
    await assert.rejects(runPlan([step('a', ['b'], 1, []), step('b', ['a', 'x'], 1, [])], () => {}), {
      message: 'Step "b" depends on unknown step "x". Steps form a cycle through "a".',
    });
  });
});

