// Everything that changes with time alone: feature and provider registration, vault DNS registration,
// cluster operations and policy-driven key rotation. Evaluated lazily, before each request is served,
// against the emulator clock — no timers, so advancing the clock (POST /_emulator/clock) completes them too.
import { settleClusterOperations } from './clusterOperations';
import { applyAutomaticRotation, nextRotationMs } from './keyOps';
import type { EmulatorStore, FleetState } from './state';

/**
 * Until when nothing can settle, as of a store's epoch and fleet: nothing is due before `untilMs`, and only a write
 * (which moves the epoch) or a reset (a new fleet) adds something that could be. Settling runs before every request,
 * and scanning a generated fleet's 200 vaults and their rotation policies each time was a measurable part of the
 * emulator's CPU in the bench.
 */
const quiet = new WeakMap<EmulatorStore, { epoch: number; fleet: FleetState; untilMs: number }>();

export function settle(store: EmulatorStore): void {
  const now = store.clock.now();
  const fleet = store.fleet;
  const kept = quiet.get(store);
  if (kept && kept.epoch === store.epoch && kept.fleet === fleet && now < kept.untilMs) return;
  let changes = 0;
  let next = Infinity;
  /** Something still pending after this pass is due then (anything already due makes the next request look again). */
  const later = (dueMs: number | undefined) => {
    if (dueMs !== undefined) next = Math.min(next, dueMs);
  };
  for (const f of fleet.features) {
    if (f.settlesAtMs === undefined || f.settlesAtMs > now) {
      later(f.settlesAtMs);
      continue;
    }
    f.state = f.state === 'Unregistering' ? 'Unregistered' : 'Registered';
    delete f.settlesAtMs;
    changes++;
  }
  for (const p of fleet.providers) {
    if (p.settlesAtMs === undefined || p.settlesAtMs > now) {
      later(p.settlesAtMs);
      continue;
    }
    p.registrationState = 'Registered';
    delete p.settlesAtMs;
    changes++;
  }
  for (const v of fleet.vaults) {
    if (v.provisioningState === 'RegisteringDns' && (v.readyAtMs ?? 0) > now) later(v.readyAtMs);
    if (v.provisioningState === 'RegisteringDns' && (v.readyAtMs ?? 0) <= now) {
      v.provisioningState = 'Succeeded';
      delete v.readyAtMs;
      changes++;
    }
    for (const k of v.keys) {
      changes += applyAutomaticRotation(k, now);
      later(nextRotationMs(k));
    }
    // Key Vault purges a soft-deleted key on its scheduled purge date.
    const notPurged = v.deletedKeys.filter((k) => k.scheduledPurgeMs > now);
    if (notPurged.length !== v.deletedKeys.length) {
      changes += v.deletedKeys.length - notPurged.length;
      v.deletedKeys = notPurged;
    }
    for (const k of notPurged) later(k.scheduledPurgeMs);
  }
  changes += settleClusterOperations(store, now);
  for (const op of fleet.clusterOperations) {
    if (op.status === 'InProgress') later(op.endsAtMs);
  }
  // Results computed before (Resource Graph's) are stale now.
  if (changes) store.changed();
  quiet.set(store, { epoch: store.epoch, fleet, untilMs: next });
}
