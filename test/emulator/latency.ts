// Injected latency (docs/CONTRACTS.md, `requestLatencyMs` and the synchronous create durations): real time
// (timers), not emulator time — a benchmark measures how long clients wait, and waiting is wall-clock.
// Why a fixed delay per request and not per byte: what makes fleet listing slow in Azure is round trips (ARM
// and Resource Graph answer in tens to hundreds of milliseconds), so a client's request count is what it pays.
import type { EmulatorStore } from './state';

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The fixed per-request delay, before an ARM or data-plane request is served (never the admin API). */
export function requestLatency(store: EmulatorStore): Promise<void> {
  return delay(store.config.requestLatencyMs);
}
