import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanStep, runPlan, StepEvent, validateStepGraph } from '../../src/kms/plan/runner';
import { isRolePropagationDenial, retryWhile } from '../../src/kms/plan/retry';

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
