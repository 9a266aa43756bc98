/**
 * One back-off for a whole batch: when any request of the batch is throttled (429 with Retry-After), every request
 * of the batch waits until the time the service named — not only the one that was refused, which would let the
 * others keep hitting the same limit (ARM throttles per subscription and principal, not per cluster).
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Retry-After as seconds or an HTTP date; `x-ms-ratelimit-*` headers carry no wait and are ignored. Undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined | null, now: number): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class ThrottleGate {
  private pausedUntil = 0;
  /** How many times a throttled answer paused the batch (for the log and the summary). */
  throttled = 0;

  constructor(private readonly sleep: Sleep, private readonly now: () => number = Date.now, private readonly fallbackMs = 5_000) {}

  /** A throttled answer: nothing of the batch is sent before `now + retryAfter` (the later of two pauses wins). */
  pause(retryAfter: number | undefined): void {
    this.throttled++;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + (retryAfter ?? this.fallbackMs));
  }

  /** Resolves once the batch may send again (at once when it is not paused). */
  async wait(signal?: AbortSignal): Promise<void> {
    for (let left = this.pausedUntil - this.now(); left > 0; left = this.pausedUntil - this.now()) {
      await this.sleep(left, signal);
    }
  }
}
