// Everything that changes with time alone: feature and provider registration, vault DNS registration,
// cluster operations and policy-driven key rotation. Evaluated lazily, before each request is served,
// against the emulator clock — no timers, so advancing the clock (POST /_emulator/clock) completes them too.
import { settleClusterOperations } from './clusterOperations';
import { applyAutomaticRotation } from './keyOps';
import type { EmulatorStore } from './state';

export function settle(store: EmulatorStore): void {
  const now = store.clock.now();
  const fleet = store.fleet;
  let changes = 0;
  for (const f of fleet.features) {
    if (f.settlesAtMs === undefined || f.settlesAtMs > now) continue;
    f.state = f.state === 'Unregistering' ? 'Unregistered' : 'Registered';
    delete f.settlesAtMs;
    changes++;
  }
  for (const p of fleet.providers) {
    if (p.settlesAtMs === undefined || p.settlesAtMs > now) continue;
    p.registrationState = 'Registered';
    delete p.settlesAtMs;
    changes++;
  }
  for (const v of fleet.vaults) {
    if (v.provisioningState === 'RegisteringDns' && (v.readyAtMs ?? 0) <= now) {
      v.provisioningState = 'Succeeded';
      delete v.readyAtMs;
      changes++;
    }
    for (const k of v.keys) changes += applyAutomaticRotation(k, now);
    // Key Vault purges a soft-deleted key on its scheduled purge date.
    const kept = v.deletedKeys.filter((k) => k.scheduledPurgeMs > now);
    if (kept.length !== v.deletedKeys.length) {
      changes += v.deletedKeys.length - kept.length;
      v.deletedKeys = kept;
    }
  }
  changes += settleClusterOperations(store, now);
  // Results computed before (Resource Graph's) are stale now.
  if (changes) store.changed();
}
