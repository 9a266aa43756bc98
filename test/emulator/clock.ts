// The emulator's notion of "now".
// Why an interface: resource ages (key versions, rotation) are relative to this clock, and a later
// slice advances it to test "AKS picks the new version up within 6 h" without waiting six hours.
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Wall-clock time, optionally shifted forward by `advance()`. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
