// The emulator's notion of "now".
// Why an interface: resource ages (key versions, rotation), LRO completion, feature registration and
// role propagation are all relative to this clock, and tests advance it (POST /_emulator/clock) to
// check "AKS picks the new version up within 6 h" without waiting six hours.
//
// Records hold instants in emulator time (`now()`); renderers turn them into the wall-clock instants
// clients compare against with `toWall()`. After `advance(x)` every stored instant looks `x` older to a
// client reading `Date.now()`, which is what "time passed" means to it.
export interface Clock {
  /** Milliseconds since the Unix epoch, in emulator time. */
  now(): number;
  /** The wall-clock instant a client should see for an emulator instant. */
  toWall(emulatorMs: number): number;
  /** The emulator instant for a wall-clock instant a client sent (a key's `exp`, say). */
  fromWall(wallMs: number): number;
}

/** A clock the admin API can move forward. */
export interface ControllableClock extends Clock {
  advance(ms: number): void;
  /** Back to wall-clock time (offset 0). */
  reset(): void;
  readonly offset: number;
}

/** Wall-clock time, optionally shifted forward by `advance()`. */
export class AdjustableClock implements ControllableClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  toWall(emulatorMs: number): number {
    return emulatorMs - this.offsetMs;
  }

  fromWall(wallMs: number): number {
    return wallMs + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

export function isControllable(clock: Clock): clock is ControllableClock {
  return typeof (clock as Partial<ControllableClock>).advance === 'function' && typeof (clock as Partial<ControllableClock>).reset === 'function';
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
