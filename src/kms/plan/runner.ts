/**
 * Runs a plan: a graph of idempotent steps. Steps start as soon as everything they depend on has finished, so
 * independent work (vault and identity; the role assignments; feature registration) overlaps. Each step reports
 * progress events; cancellation stops new steps from starting and is passed to running ones; a failure stops the
 * plan with the failed step named, leaving finished steps done so a re-run resumes where it stopped.
 */

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface StepOutcome {
  /** `skipped` when the step found its effect already in place. */
  readonly status: 'done' | 'skipped';
  readonly detail?: string;
}

/** A step that wrote what was missing. */
export const done = (detail?: string): StepOutcome => ({ status: 'done', detail });
/** A step that found its effect already in place. */
export const skipped = (detail?: string): StepOutcome => ({ status: 'skipped', detail });

export interface StepContext {
  readonly signal: AbortSignal;
  /** A progress line for this step (shown in the wizard and the output channel). */
  progress(message: string): void;
}

export interface PlanStep<Id extends string = string> {
  readonly id: Id;
  readonly dependsOn: readonly Id[];
  run(ctx: StepContext): Promise<StepOutcome>;
}

export interface StepEvent {
  readonly stepId: string;
  readonly status: StepStatus;
  readonly message?: string;
  readonly at: number;
}

export interface PlanResult {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly steps: Readonly<Record<string, StepStatus>>;
  readonly failedStep?: string;
  readonly error?: unknown;
}

/** Rejects graphs a runner could never finish: unknown dependencies and cycles. */
export function validateStepGraph(steps: readonly PlanStep[]): string[] {
  const ids = new Set(steps.map(s => s.id));
  const problems: string[] = [];
  if (ids.size !== steps.length) {
    problems.push('Step ids must be unique.');
  }
  for (const s of steps) {
    for (const d of s.dependsOn) {
      if (!ids.has(d)) {
        problems.push(`Step "${s.id}" depends on unknown step "${d}".`);
      }
    }
  }
  const visiting = new Set<string>();
  const visited = new Set<string>();
  const byId = new Map(steps.map(s => [s.id, s]));
  const visit = (id: string): boolean => {
    if (visited.has(id)) {
      return true;
    }
    if (visiting.has(id)) {
      problems.push(`Steps form a cycle through "${id}".`);
      return false;
    }
    visiting.add(id);
    const ok = (byId.get(id)?.dependsOn ?? []).every(visit);
    visiting.delete(id);
    visited.add(id);
    return ok;
  };
  steps.forEach(s => visit(s.id));
  return problems;
}

export async function runPlan(steps: readonly PlanStep[], onEvent: (e: StepEvent) => void, signal?: AbortSignal, now: () => number = Date.now): Promise<PlanResult> {
  const problems = validateStepGraph(steps);
  if (problems.length) {
    throw new Error(problems.join(' '));
  }
  const status: Record<string, StepStatus> = Object.fromEntries(steps.map(s => [s.id, 'pending' as StepStatus]));
  const emit = (stepId: string, s: StepStatus, message?: string) => onEvent({ stepId, status: s, message, at: now() });
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) {
    inner.abort(); // cancelled before it started: the abort event has fired already, so no step may start
  }
  let failure: { step: string; error: unknown } | undefined;
  const running = new Map<string, Promise<void>>();

  const ready = () =>
    steps.filter(s => status[s.id] === 'pending' && s.dependsOn.every(d => status[d] === 'done' || status[d] === 'skipped'));

  try {
    for (;;) {
      if (!failure && !inner.signal.aborted) {
        for (const step of ready()) {
          status[step.id] = 'running';
          emit(step.id, 'running');
          const ctx: StepContext = { signal: inner.signal, progress: m => emit(step.id, 'running', m) };
          running.set(
            step.id,
            step.run(ctx).then(
              outcome => {
                status[step.id] = outcome.status;
                emit(step.id, outcome.status, outcome.detail);
              },
              error => {
                // After a cancel or a sibling's failure, a step that stops is cancelled, not failed.
                if (inner.signal.aborted) {
                  status[step.id] = 'cancelled';
                  emit(step.id, 'cancelled');
                } else {
                  status[step.id] = 'failed';
                  failure ??= { step: step.id, error };
                  emit(step.id, 'failed', error instanceof Error ? error.message : String(error));
                  inner.abort(); // stop siblings: the plan stops at the first failure
                }
              },
            ).finally(() => running.delete(step.id)),
          );
        }
      }
      if (running.size === 0) {
        break;
      }
      await Promise.race(running.values());
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  if (failure) {
    return { status: 'failed', steps: status, failedStep: failure.step, error: failure.error };
  }
  if (steps.some(s => status[s.id] === 'pending' || status[s.id] === 'cancelled')) {
    return { status: 'cancelled', steps: status };
  }
  return { status: 'succeeded', steps: status };
}
