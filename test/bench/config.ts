/**
 * The whole latency configuration of `npm run bench`, in one place: what real Azure takes, how the bench scales
 * it down, and which emulator switch (docs/CONTRACTS.md, `POST /_emulator/config`) carries each value.
 *
 * Magnitudes (real Azure, public docs and common experience; they are orders of magnitude, not SLAs):
 * - ARM round trip: ~100–500 ms for a read or a small write through the ARM front door (we use 300 ms).
 * - Resource Graph / ARM list page round trip: tens to hundreds of ms; scenario 1 uses a flat 50 ms per request,
 *   the figure the issue fixes, so that round trips — not bytes — decide (ARM pages of 100, Resource Graph 1000).
 * - `az aks update` enabling KMS: minutes ("the operation takes several minutes"); we use 8 min.
 * - `az feature register` → `Registered`: "it takes a few minutes for the status to show Registered" (AKS preview
 *   docs); we use 5 min.
 * - `az keyvault create`: tens of seconds (DNS registration); we use 60 s.
 * - `az identity create`: seconds; we use 5 s. `az role assignment create`: seconds; we use 3 s.
 * - Azure RBAC propagation to the Key Vault data plane and to AKS's KMS permission check: "can take up to 10
 *   minutes", usually about a minute; we use 60 s.
 *
 * Scenario 2 divides every one of them by TIME_SCALE (one minute of Azure = one second of bench). The product's own
 * waits that go through the plan's `sleep` port (feature polling: 2 s doubling to 30 s; RBAC-propagation retry: 2 s
 * doubling to 20 s) are divided by the same constant, so the bench keeps real Azure's proportions. Two waits are not
 * scaled because they are not the product's to choose: an LRO's `Retry-After` (the emulator answers it in bench
 * seconds, ⌈duration⌉, so the 8 s cluster update says 8) and the Key Vault SDK's body-mode poll (1 s, keyVault.ts),
 * which is why the vault create is 60 s real = 1 s bench (a 30 s vault would still be noticed after 1 s).
 */

/** One minute of Azure is one second of bench (scenario 2). */
export const TIME_SCALE = 60;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Real-Azure magnitudes of scenario 2, in milliseconds (see the list above). */
export const REAL_AZURE_MS = {
  request: 300,
  clusterUpdate: 8 * MINUTE,
  featureRegistration: 5 * MINUTE,
  vaultCreate: 60 * SECOND,
  identityCreate: 5 * SECOND,
  roleAssignmentCreate: 3 * SECOND,
  rolePropagation: 60 * SECOND,
} as const;

const scaled = (ms: number) => Math.round(ms / TIME_SCALE);

/** Scenario 1 (fleet inventory) emulator switches. */
export const FLEET = {
  subscriptions: 200,
  clustersPerSubscription: 50,
  /** ARM list page size (`--page-size`): managed-cluster lists and subscriptions page at 100. */
  armPageSize: 100,
  emulator: {
    /** Every ARM and Resource Graph request waits this long before it is served. */
    requestLatencyMs: 50,
  },
  targets: {
    /** Product wall time until every cluster's KMS state is known. */
    maxProductMs: 1500,
    /** Baseline time ÷ product time. */
    minSpeedup: 10,
  },
} as const;

/** Scenario 2 (enable CMK) emulator switches: REAL_AZURE_MS ÷ TIME_SCALE, each on the switch named here. */
export const ENABLE = {
  emulator: {
    requestLatencyMs: scaled(REAL_AZURE_MS.request),
    clusterUpdateDurationMs: scaled(REAL_AZURE_MS.clusterUpdate),
    featureRegistrationDelayMs: scaled(REAL_AZURE_MS.featureRegistration),
    vaultCreateDurationMs: scaled(REAL_AZURE_MS.vaultCreate),
    identityCreateDurationMs: scaled(REAL_AZURE_MS.identityCreate),
    roleAssignmentCreateDurationMs: scaled(REAL_AZURE_MS.roleAssignmentCreate),
    rolePropagationDelayMs: scaled(REAL_AZURE_MS.rolePropagation),
  },
  targets: {
    /** Product time ÷ critical-path bound. */
    maxOverBound: 1.1,
    /** Time from the cluster PUT's answer to the poll that sees `Succeeded`, ÷ Retry-After. */
    maxLroNoticeOverRetryAfter: 1.1,
  },
} as const;

/** Scenario 4 (memory) target: heap retained by the loaded 10,000-cluster fleet (bench process and extension host). */
export const MEMORY = { maxRetainedHeapMb: 60 } as const;

/** Scenario 3 (activation) targets, measured in code-server's extension host (test/bench/exthost). */
export const ACTIVATION = {
  maxActivateMs: 50,
  maxLoadedBytes: 200 * 1024,
  maxVsixBytes: 2 * 1024 * 1024,
} as const;

/**
 * Scenario 4 in the extension host (issue 14 §4): the key health of every cluster with a customer-managed key on the
 * generated fleet, from the end of the listing until the last key's health is known, no injected latency.
 */
export const KEY_HEALTH = { maxAfterListingMs: 2000 } as const;

/**
 * Repetitions per scenario (each also runs once, unmeasured, to warm up; the extension host does not). `--reps N`
 * overrides all. The fleet without the preview field runs 5 like the fleet with it: its runs spread ±10–30 % beside the
 * busy process, and a median of 3 moved by as much between two bench runs minutes apart.
 */
export const REPETITIONS = { fleet: 5, fleetOmitPreview: 5, enable: 3, memory: 3, extensionHost: 5 } as const;

/** Product's wait, in bench time: what a `sleep(ms)` of the product's real-Azure constants becomes. */
export const scaledWaitMs = (ms: number) => ms / TIME_SCALE;
