/**
 * The fault matrix: for every step of every flow (enable PMK, enable CMK public and private, migrate CMK → PMK,
 * PMK → CMK and legacy → the new experience, and "rotate key now"), inject each fault the emulator supports into
 * the requests that step makes — 429 and 503 with Retry-After, 500, a reset connection, an expired token, an LRO
 * that ends Failed, slow role propagation — and check what the user would live through:
 *
 * - a transient fault ends in success, with exactly the desired securityProfile;
 * - a persistent one stops the plan at that step, with a clear message and a resumable state (steps before it
 *   done, none after it started, nothing created that the plan does not list); running it again once the fault
 *   is gone converges to exactly the desired securityProfile;
 * - in every case the emulator ends with the same resources as a clean run: no role assignment twice, no vault,
 *   key (version) or identity created twice, nothing the plan did not list.
 *
 * And for every write a step makes (each PUT/PATCH/POST/DELETE of it), an answer lost after the write took effect
 * (`lostResponse`): once, the SDK's own retry re-sends it and the flow ends exactly as a clean run, with the same step
 * statuses (what this run made is reported done, not skipped); always, the step stops with the connection message and
 * a re-run converges — except the cluster update, which recognises its own update on the re-read and waits for it.
 *
 * The matrix is generated, not listed: a clean run of each flow, one step at a time, records which requests each
 * step of `prepareEnable(...).plan.preview` makes (the emulator's request log), and each step is faulted through
 * one of its own requests (a write where it makes one; for the cluster update also its LRO poll), counted so that
 * the rule hits that step and not an earlier one. The file prints how many (flow, step, fault) cases ran and
 * writes the matrix to test-results/fault-matrix.json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AzureContext } from '../../src/azure/azureContext';
import { executeEnable, prepareEnable, type PreparedEnable } from '../../src/azure/enableFlow';
import { listKeyVersions, listVaults } from '../../src/azure/keyVault';
import { rotateKey } from '../../src/azure/keyRotation';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { type EnableConfig, identityIdOf, ROLES, vaultIdOf } from '../../src/kms/enable/config';
import { legacyMigrationDefaults } from '../../src/kms/enable/legacyMigration';
import type { StepId } from '../../src/kms/enable/plan';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';
import { abortableSleep } from '../../src/kms/plan/retry';
import type { PlanStep, StepEvent } from '../../src/kms/plan/runner';
import type { FaultKind, FaultMatch, FaultRuleInput } from '../emulator/faults';
import { identityPrincipalId } from '../emulator/ids';
import type { RequestLogEntry } from '../emulator/requestLog';
import type { ResourceSummary } from '../emulator/resourceSummary';
import { admin, azureContext, clusterId, SUB1, SUB2, SUB3 } from './support/azure';

// ---------------------------------------------------------------------------------------------------------------
// Speed: tiny emulator durations, a fast LRO poll, small SDK retry delays (the SDK still retries 3 times and still
// honours Retry-After), and a short role-propagation retry. Everything else is the product as it ships.

const FAST_EMULATOR = { featureRegistrationDelayMs: 20, clusterUpdateDurationMs: 20, vaultCreateDurationMs: 0, rolePropagationDelayMs: 0 };
const ROLE_PROPAGATION = { timeoutMs: 2_000, initialDelayMs: 25, maxDelayMs: 200 };
/** A cluster whose update (ours, its answer lost) is already running is polled every few ms, not every 5–30 s. */
const CLUSTER_WAIT = { initialDelayMs: 10, maxDelayMs: 50, timeoutMs: 30_000 };
const PLAN_OPTIONS = { featurePollMs: 10, rolePropagation: ROLE_PROPAGATION, clusterWait: CLUSTER_WAIT };
const RETRY_OPTIONS = { retryDelayInMs: 5, maxRetryDelayInMs: 40 };
/** Retry-After of the injected 429/503: 0 keeps the matrix fast; one case per flow checks a whole second is honoured. */
const RETRY_AFTER_SECONDS = 0;
/** Slow propagation: a delay the plan's retry outlasts (transient), and one it does not (persistent). */
const PROPAGATION_TRANSIENT_MS = 300;
const PROPAGATION_PERSISTENT_MS = 10 * 60_000;

function fastContext(): AzureContext {
  return { ...azureContext(), retryOptions: RETRY_OPTIONS };
}

function fastClusters(ctx: AzureContext): ManagedClustersAdapter {
  // The cluster operation takes 20 ms here; don't wait the Retry-After second between polls.
  return new ManagedClustersAdapter(ctx, undefined, { sleep: (ms, signal) => abortableSleep(Math.min(ms, 10), signal) });
}

// ---------------------------------------------------------------------------------------------------------------
// The flows.

const vaultIdIn = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
const identityIdIn = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const PMK_PROFILE = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
const MIGRATED_PROFILE = { azureKeyVaultKms: { enabled: false }, kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };

interface FlowDef {
  readonly name: string;
  readonly config: (ctx: AzureContext) => Promise<EnableConfig>;
  /** Steps of this flow that a slow role propagation stops first (a data-plane call or AKS's identity check). */
  readonly propagationSteps?: readonly StepId[];
}

const cmkProfile = async (ctx: AzureContext, config: Extract<EnableConfig, { kind: 'cmk' }>, sub: string): Promise<SecurityProfileJson> => {
  const vaultId = vaultIdOf(sub, config.vault);
  const vault = (await listVaults(ctx, sub)).find(v => v.id.toLowerCase() === vaultId.toLowerCase());
  assert.ok(vault, `vault ${vaultId} exists after the clean run`);
  return {
    azureKeyVaultKms: { enabled: true, keyId: `${vault.vaultUri.replace(/\/+$/, '')}/keys/${config.key.name}`, keyVaultNetworkAccess: config.networkAccess, keyVaultResourceId: vaultId },
    kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
  };
};

const FLOWS: readonly FlowDef[] = [
  {
    // Subscription 2 has KMSPMKPreview NotRegistered: the feature steps write too.
    name: 'enable PMK',
    config: async () => ({ kind: 'pmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-novnet') }),
  },
  {
    name: 'enable CMK public (new vault, key, identity)',
    config: async () => ({
      kind: 'cmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-novnet'), networkAccess: 'Public',
      vault: { kind: 'new', name: 'kvfaultpub01', resourceGroup: 'rg-stg', location: 'eastus' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'new', name: 'id-fault-kms', resourceGroup: 'rg-stg', location: 'eastus' },
    }),
    // The key is created through ARM (no data-plane role to wait for); AKS's check of the new identity's roles is
    // what slow propagation holds up.
    propagationSteps: ['updateCluster'],
  },
  {
    name: 'enable CMK private (new vault and key)',
    config: async () => ({
      kind: 'cmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-plain'), networkAccess: 'Private',
      vault: { kind: 'new', name: 'kvfaultpriv01', resourceGroup: 'rg-prod', location: 'eastus' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: identityIdIn(SUB1, 'rg-prod', 'id-aks-prod-plain') },
    }),
    // The key is created through ARM (no data-plane role to wait for); AKS's check of the new identity's roles is
    // what slow propagation holds up.
    propagationSteps: ['updateCluster'],
  },
  {
    name: 'migrate CMK (private) → PMK',
    config: async () => ({ kind: 'migrateToPmk', clusterId: clusterId(SUB1, 'rg-prod-secure', 'aks-prod-cmk-private') }),
  },
  {
    // The user has no data-plane role on kvfabkeys and the PMK cluster's identity none on it: every role is new,
    // and the key exists, so the first thing slow propagation stops is AKS's check of the identity.
    name: 'migrate PMK → CMK (existing vault and key)',
    config: async () => ({
      kind: 'cmk', clusterId: clusterId(SUB3, 'rg-fab', 'aks-fab-pmk'), networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultIdIn(SUB3, 'rg-fab', 'kvfabkeys') },
      key: { kind: 'existing', name: 'kms-key' },
      identity: { kind: 'existing', id: identityIdIn(SUB3, 'rg-fab', 'id-aks-fab-pmk') },
    }),
    propagationSteps: ['updateCluster'],
  },
  {
    // The wizard's defaults for a legacy cluster: its own vault (no purge protection yet) and key.
    name: 'migrate legacy → new experience',
    config: async ctx => {
      const facts = clusterFactsOf(await new ManagedClustersAdapter(ctx).get(clusterId(SUB2, 'rg-stg', 'aks-stg-legacy')));
      const defaults = legacyMigrationDefaults(facts, await listVaults(ctx, SUB2));
      assert.ok(defaults.ok, JSON.stringify(defaults));
      return defaults.config;
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Running a flow.

interface Run {
  readonly prepared: PreparedEnable;
  readonly result: Awaited<ReturnType<typeof executeEnable>>['result'];
  readonly securityProfile?: SecurityProfileJson;
  readonly events: StepEvent[];
}

async function freshEmulator(extra: Record<string, number> = {}): Promise<void> {
  await admin.reset();
  await admin.config({ ...FAST_EMULATOR, ...extra });
}

/**
 * Reads the facts and plans, as the wizard and "resume" do. A cluster whose update is still running (a run that
 * stopped while polling it) is `cluster-busy`: the user waits for it and tries again, and so does this.
 */
async function prepare(config: EnableConfig): Promise<{ prepared: PreparedEnable; clusters: ManagedClustersAdapter }> {
  const ctx = fastContext();
  const clusters = fastClusters(ctx);
  for (let attempt = 0; ; attempt++) {
    const prepared = await prepareEnable(ctx, clusters, config, PLAN_OPTIONS);
    const blocking = prepared.findings.filter(f => f.severity === 'error');
    if (attempt < 100 && blocking.length > 0 && blocking.every(f => f.code === 'cluster-busy')) {
      await abortableSleep(20);
      continue;
    }
    assert.equal(prepared.blocked, false, `preflight blocks: ${JSON.stringify(blocking)}`);
    return { prepared, clusters };
  }
}

async function execute(p: { prepared: PreparedEnable; clusters: ManagedClustersAdapter }, steps?: readonly PlanStep[]): Promise<Run> {
  const events: StepEvent[] = [];
  const prepared = steps ? { ...p.prepared, plan: { ...p.prepared.plan!, steps: steps as PlanStep<StepId>[] } } : p.prepared;
  const { result, securityProfile } = await executeEnable(p.clusters, prepared, e => events.push(e));
  return { prepared: p.prepared, result, securityProfile, events };
}

/** Prepares (reads the world again, as "resume" does) and runs. */
async function runFlow(config: EnableConfig): Promise<Run> {
  return execute(await prepare(config));
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

// ---------------------------------------------------------------------------------------------------------------
// Which requests each step makes: a clean run with the steps one at a time, the request log cut at each step.

function oneAtATime(steps: readonly PlanStep<StepId>[], record: (id: StepId, requests: RequestLogEntry[]) => void): PlanStep<StepId>[] {
  let queue: Promise<unknown> = Promise.resolve();
  return steps.map(step => ({
    id: step.id,
    dependsOn: step.dependsOn,
    run: ctx => {
      const turn = queue.then(async () => {
        const before = (await admin.requests()).length;
        try {
          return await step.run(ctx);
        } finally {
          record(step.id, (await admin.requests()).slice(before));
        }
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
  }));
}

interface Target {
  readonly step: StepId;
  /** What the rule matches, e.g. `PUT …/vaults/kvfaultpub01`. */
  readonly label: string;
  readonly match: FaultMatch;
  /** Matching requests of earlier steps (and earlier in this step) to let through first. */
  readonly after: number;
  /** The steps that may make the faulted request (the step itself, plus concurrent steps making the same call). */
  readonly group: readonly StepId[];
  readonly clusterPut: boolean;
}

const pathOf = (e: RequestLogEntry) => e.path.split('?')[0];
const signature = (e: RequestLogEntry) => `${e.method} ${e.host} ${pathOf(e)}`;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function closure(id: StepId, edges: (s: StepId) => readonly StepId[]): Set<StepId> {
  const seen = new Set<StepId>();
  const visit = (s: StepId) => edges(s).forEach(d => !seen.has(d) && (seen.add(d), visit(d)));
  visit(id);
  return seen;
}

/**
 * One or two requests per step through which a fault reaches that step, and only it where the graph allows; with
 * `everyWrite`, each distinct write request of each step instead (the targets of `lostResponse`).
 */
function targetsOf(preview: NonNullable<PreparedEnable['plan']>['preview'], byStep: Map<StepId, RequestLogEntry[]>, everyWrite = false): Target[] {
  const deps = (s: StepId) => preview.find(p => p.id === s)?.dependsOn ?? [];
  const dependents = (s: StepId) => preview.filter(p => p.dependsOn.includes(s)).map(p => p.id);
  const targets: Target[] = [];
  for (const { id } of preview) {
    const own = byStep.get(id) ?? [];
    if (own.length === 0) {
      continue; // the step decided from facts alone (e.g. registerProvider when the feature was Registered)
    }
    const ancestors = closure(id, deps);
    const descendants = closure(id, dependents);
    const concurrent = preview.map(p => p.id).filter(s => s !== id && !ancestors.has(s) && !descendants.has(s));
    const sharedWith = (e: RequestLogEntry) => concurrent.filter(s => (byStep.get(s) ?? []).some(x => signature(x) === signature(e)));
    const writes = own.filter(e => e.method !== 'GET');
    const ordered = [...writes, ...own.filter(e => e.method === 'GET')];
    const pick = ordered.find(e => sharedWith(e).length === 0) ?? ordered[0];
    const picks = everyWrite ? own.filter((e, i) => e.write && own.findIndex(x => signature(x) === signature(e)) === i) : [pick];
    if (id === 'updateCluster' && !everyWrite) {
      const poll = own.find(e => /\/operations\//i.test(pathOf(e)));
      if (poll && poll !== pick) picks.push(poll);
    }
    for (const e of picks) {
      const earlier = [...ancestors].flatMap(s => byStep.get(s) ?? []).filter(x => signature(x) === signature(e)).length;
      const before = own.slice(0, own.indexOf(e)).filter(x => signature(x) === signature(e)).length;
      const path = pathOf(e);
      const isVault = /^\/keys(\/|$)/i.test(path);
      targets.push({
        step: id,
        label: `${e.method} ${/\/operations\//i.test(path) ? 'the cluster operation status' : path.replace(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\//i, '…/')}${isVault ? ' (data plane)' : ''}`,
        match: { method: e.method, host: e.host, pathRegex: /\/operations\//i.test(path) ? '/providers/Microsoft\\.ContainerService/locations/[^/]+/operations/[^/]+$' : `^${escapeRegex(path)}$` },
        after: /\/operations\//i.test(path) ? 0 : earlier + before,
        group: [id, ...sharedWith(e)],
        clusterPut: e.method === 'PUT' && /\/managedClusters\/[^/]+$/i.test(path),
      });
    }
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------------------------
// What the plan may create: the clean run's resources are the reference for every case.

interface Reference {
  readonly config: EnableConfig;
  readonly preview: NonNullable<PreparedEnable['plan']>['preview'];
  readonly profile: SecurityProfileJson;
  readonly before: ResourceSummary;
  readonly after: ResourceSummary;
  readonly targets: Target[];
  /** Each write of each step: where an answer is lost. */
  readonly writeTargets: Target[];
  /** The clean run's step statuses and requests. */
  readonly statuses: Run['result']['steps'];
  readonly requests: readonly RequestLogEntry[];
}

function assertNoDuplicateAssignments(s: ResourceSummary, what: string): void {
  const seen = new Set<string>();
  for (const a of s.roleAssignments) {
    assert.ok(!seen.has(a), `${what}: role assignment twice: ${a}`);
    seen.add(a);
  }
}

/** The resources the plan lists for this config and facts (what the clean run must have created, exactly). */
function plannedCreations(config: EnableConfig, prepared: PreparedEnable): Partial<ResourceSummary> {
  if (config.kind !== 'cmk') return {};
  const facts = prepared.facts!;
  const sub = facts.cluster.subscriptionId;
  const todo = (id: StepId) => prepared.plan!.preview.some(p => p.id === id && !p.alreadyDone);
  const vaultId = vaultIdOf(sub, config.vault);
  const identityId = identityIdOf(sub, config.identity);
  const identityPrincipal = facts.identity?.principalId;
  const assignments: string[] = [];
  const assign = (step: StepId, principal: string | undefined, role: keyof typeof ROLES) => {
    if (todo(step)) assignments.push(`${vaultId}|${principal ?? '<new identity>'}|${ROLES[role]}`.toLowerCase());
  };
  assign('assignCryptoOfficerToUser', facts.user.objectId, 'keyVaultCryptoOfficer');
  assign('assignCryptoUserToIdentity', identityPrincipal, 'keyVaultCryptoUser');
  assign('assignContributorToIdentity', identityPrincipal, 'keyVaultContributor');
  // A control-plane identity that changes gets Network Contributor on each custom subnet the plan lists.
  if (todo('assignNetworkContributorToIdentity')) {
    for (const subnet of facts.subnets ?? []) {
      if (subnet.newIdentityHasRole !== true) assignments.push(`${subnet.id}|${identityPrincipal ?? '<new identity>'}|${ROLES.networkContributor}`.toLowerCase());
    }
  }
  return {
    vaults: todo('createVault') ? [vaultId] : [],
    identities: todo('createIdentity') ? [identityId] : [],
    keys: todo('createKey') ? { [`${vaultId}/keys/${config.key.name}`]: 1 } : {},
    roleAssignments: assignments,
  };
}

function difference(after: ResourceSummary, before: ResourceSummary): Required<Pick<ResourceSummary, 'vaults' | 'identities' | 'roleAssignments' | 'keys' | 'clusters'>> {
  const minus = (a: string[], b: string[]) => a.filter(x => !b.includes(x));
  const keys: Record<string, number> = {};
  for (const [k, n] of Object.entries(after.keys)) {
    if (n !== (before.keys[k] ?? 0)) keys[k] = n - (before.keys[k] ?? 0);
  }
  return {
    clusters: minus(after.clusters, before.clusters),
    vaults: minus(after.vaults, before.vaults).map(x => x.toLowerCase()),
    identities: minus(after.identities, before.identities).map(x => x.toLowerCase()),
    roleAssignments: minus(after.roleAssignments, before.roleAssignments),
    keys: Object.fromEntries(Object.entries(keys).map(([k, n]) => [k.toLowerCase(), n])),
  };
}

async function reference(flow: FlowDef): Promise<Reference> {
  await freshEmulator();
  const before = await admin.resources();
  const config = await flow.config(fastContext());
  const p = await prepare(config);
  await admin.clearRequests();
  const byStep = new Map<StepId, RequestLogEntry[]>();
  const run = await execute(p, oneAtATime(p.prepared.plan!.steps, (id, requests) => byStep.set(id, requests)));
  assert.equal(run.result.status, 'succeeded', `${flow.name}, clean run: ${errorText(run.result.error)}`);
  const after = await admin.resources();
  const sub = p.prepared.facts!.cluster.subscriptionId;
  const profile = config.kind === 'pmk' ? PMK_PROFILE : config.kind === 'migrateToPmk' ? MIGRATED_PROFILE : await cmkProfile(fastContext(), config, sub);
  assert.deepEqual(run.securityProfile, profile, `${flow.name}: the clean run's securityProfile`);

  // The clean run created exactly what the plan lists (a new identity's principal id is known only afterwards).
  const planned = plannedCreations(config, p.prepared);
  const diff = difference(after, before);
  assert.deepEqual(diff.clusters, [], 'no cluster is created');
  assert.deepEqual(diff.vaults, (planned.vaults ?? []).map(x => x.toLowerCase()), `${flow.name}: vaults created`);
  assert.deepEqual(diff.identities, (planned.identities ?? []).map(x => x.toLowerCase()), `${flow.name}: identities created`);
  assert.deepEqual(diff.keys, Object.fromEntries(Object.entries(planned.keys ?? {}).map(([k, n]) => [k.toLowerCase(), n])), `${flow.name}: key versions created`);
  const newIdentity = config.kind === 'cmk' && config.identity.kind === 'new' ? identityPrincipalId(sub, config.identity.resourceGroup, config.identity.name) : '';
  const plannedAssignments = (planned.roleAssignments ?? []).map(a => a.replace('<new identity>', newIdentity.toLowerCase())).sort();
  assert.deepEqual([...diff.roleAssignments].sort(), plannedAssignments, `${flow.name}: role assignments created`);
  assertNoDuplicateAssignments(after, flow.name);

  const targets = targetsOf(p.prepared.plan!.preview, byStep);
  const writeTargets = targetsOf(p.prepared.plan!.preview, byStep, true);
  return { config, preview: p.prepared.plan!.preview, profile, before, after, targets, writeTargets, statuses: run.result.steps, requests: [...byStep.values()].flat() };
}

// ---------------------------------------------------------------------------------------------------------------
// The cases.

const GENERIC_FAULTS = ['429', '500', '503', 'reset', 'tokenExpired'] as const satisfies readonly FaultKind[];
type CaseFault = FaultKind | 'rolePropagation';

/** What a clear message says for each fault (the step is named by the runner: `Step "<step>" failed: <message>`). */
const CLEAR_MESSAGE: Record<CaseFault, RegExp> = {
  '429': /requests .* exceeded|too many requests/i,
  '500': /internal (server )?error/i,
  '503': /unavailable/i,
  reset: /^The connection to \S+ failed \(ECONNRESET: .*\) and retrying did not help\. Check your network/,
  lostResponse: /^The connection to \S+ failed \(ECONNRESET: .*\) and retrying did not help\. Check your network/,
  tokenExpired: /expir/i,
  lroFailed: /lroFailed fault rule/,
  rolePropagation: /not authorized|does not have keys encrypt\/decrypt permission/i,
};

interface Outcome {
  readonly target: string;
  /** Other steps that make the same request concurrently (the fault may reach either). */
  sharedWith?: string[];
  transient?: string;
  persistent?: { failedStep?: string; message: string; rerun: string };
}

interface CaseRecord {
  readonly flow: string;
  readonly step: string;
  readonly fault: CaseFault;
  /** One per request pattern the fault was injected into. */
  readonly outcomes: Outcome[];
}

const matrix: CaseRecord[] = [];
const excluded: { flow: string; step: string; why: string }[] = [];
const startedAt = Date.now();
let runs = 0;

function record(flow: string, step: string, fault: CaseFault, target: string): Outcome {
  let c = matrix.find(x => x.flow === flow && x.step === step && x.fault === fault);
  if (!c) {
    c = { flow, step, fault, outcomes: [] };
    matrix.push(c);
  }
  const outcome: Outcome = { target };
  c.outcomes.push(outcome);
  return outcome;
}

async function assertConverged(ref: Reference, run: Run, what: string): Promise<void> {
  assert.equal(run.result.status, 'succeeded', `${what}: ${run.result.failedStep ?? ''} ${errorText(run.result.error)}`);
  assert.deepEqual(run.securityProfile, ref.profile, `${what}: securityProfile`);
  const now = await admin.resources();
  assertNoDuplicateAssignments(now, what);
  assert.deepEqual(now, ref.after, `${what}: the resources differ from a clean run's`);
}

/** Stopped at `group` with a clear message, earlier steps finished, later ones not started, nothing unplanned. */
async function assertStoppedResumably(ref: Reference, run: Run, group: readonly StepId[], fault: CaseFault, what: string): Promise<string> {
  assert.equal(run.result.status, 'failed', `${what}: the plan should stop`);
  const failed = run.result.failedStep as StepId;
  assert.ok(group.includes(failed), `${what}: failed at ${failed}, expected ${group.join(' or ')}`);
  const message = errorText(run.result.error);
  assert.match(message, CLEAR_MESSAGE[fault], `${what}: message "${message}"`);
  assert.ok(!/\n\s+at \S+ \(/.test(message) && !/^\[object /.test(message), `${what}: a message, not a stack or an object: ${message}`);
  assert.ok(run.events.some(e => e.stepId === failed && e.status === 'failed' && e.message === message), `${what}: the failed step's event carries the message`);
  const deps = (s: StepId) => ref.preview.find(p => p.id === s)?.dependsOn ?? [];
  const dependents = (s: StepId) => ref.preview.filter(p => p.dependsOn.includes(s)).map(p => p.id);
  for (const s of closure(failed, deps)) {
    assert.ok(['done', 'skipped'].includes(run.result.steps[s]), `${what}: ${s} (before ${failed}) is ${run.result.steps[s]}`);
  }
  for (const s of closure(failed, dependents)) {
    assert.equal(run.result.steps[s], 'pending', `${what}: ${s} (after ${failed}) must not start`);
  }
  // Partial progress creates only what the plan lists, each at most once.
  const now = await admin.resources();
  assertNoDuplicateAssignments(now, what);
  const diff = difference(now, ref.before);
  const planned = difference(ref.after, ref.before);
  assert.deepEqual(diff.clusters, [], `${what}: no cluster created`);
  for (const kind of ['vaults', 'identities', 'roleAssignments'] as const) {
    for (const x of diff[kind]) assert.ok(planned[kind].includes(x), `${what}: ${kind} ${x} was not in the plan`);
  }
  for (const [k, n] of Object.entries(diff.keys)) assert.ok(n <= (planned.keys[k] ?? 0), `${what}: ${n} new version(s) of ${k}`);
  return message;
}

async function inject(target: Target, fault: FaultKind, times: number | 'always', retryAfterSeconds = RETRY_AFTER_SECONDS): Promise<void> {
  const rule: FaultRuleInput = {
    match: target.match,
    fault,
    times,
    ...(target.after ? { after: target.after } : {}),
    ...(fault === '429' || fault === '503' ? { retryAfterSeconds } : {}),
  };
  await admin.injectFaults(rule);
}

async function assertHit(what: string): Promise<number> {
  const [rule] = await admin.faults();
  assert.ok(rule && rule.hits > 0, `${what}: the fault never fired (matched ${rule?.matched ?? 0} requests)`);
  return rule.hits;
}

/** Transient: the first request(s) fail, the product retries, the flow ends in success. */
async function transientCase(ref: Reference, target: Target, fault: FaultKind, what: string, retryAfterSeconds?: number): Promise<string> {
  await freshEmulator();
  const p = await prepare(ref.config);
  // Two in a row for HTTP faults (the SDK retries 3 times); one expired token (a new one is then fetched).
  await inject(target, fault, fault === 'tokenExpired' ? 1 : 2, retryAfterSeconds);
  const run = await execute(p);
  runs++;
  const hits = await assertHit(what);
  await assertConverged(ref, run, what);
  return `succeeded after ${hits} fault(s)`;
}

const isOperationPoll = (target: Target) => /\/operations\//.test(target.match.pathRegex ?? '');

/** Persistent: the plan stops at the step; once the fault is gone, running it again converges. */
async function persistentCase(ref: Reference, target: Target, fault: FaultKind, what: string): Promise<Outcome['persistent']> {
  await freshEmulator();
  const p = await prepare(ref.config);
  await inject(target, fault, 'always');
  const run = await execute(p);
  runs++;
  await assertHit(what);
  if (fault === 'reset' && isOperationPoll(target)) {
    // The status monitor never answers, but the PUT was accepted: the step reads the cluster again, finds its own
    // update (finished, or still running and waited for) and reports it done instead of failing.
    await assertConverged(ref, run, what);
    assert.deepEqual(run.result.steps, ref.statuses, `${what}: step statuses as in a clean run`);
    return { message: 'no failure: the re-read found the update applied', rerun: 'not needed' };
  }
  const message = await assertStoppedResumably(ref, run, target.group, fault, what);
  await admin.clearFaults();
  const again = await runFlow(ref.config);
  runs++;
  await assertConverged(ref, again, `${what}, run again`);
  return { failedStep: run.result.failedStep, message, rerun: 'succeeded' };
}

/** The requests of the log that `target`'s rule matches (method, host, path). */
function matchedBy(target: Target, log: readonly RequestLogEntry[]): RequestLogEntry[] {
  const re = new RegExp(target.match.pathRegex ?? '', 'i');
  return log.filter(e => e.method === target.match.method && e.host === target.match.host && re.test(pathOf(e)));
}

/**
 * lostResponse once: the write takes effect, its answer never arrives, and the SDK's own retry sends it again (one
 * request more than a clean run, right after the lost one). The flow ends exactly as a clean run: the same resources
 * (one key version per created key, one of each planned resource), the same securityProfile, the same step statuses.
 */
async function lostResponseTransientCase(ref: Reference, target: Target, what: string): Promise<string> {
  await freshEmulator();
  const p = await prepare(ref.config);
  await admin.clearRequests();
  await inject(target, 'lostResponse', 1);
  const run = await execute(p);
  runs++;
  await assertHit(what);
  await assertConverged(ref, run, what);
  assert.deepEqual(run.result.steps, ref.statuses, `${what}: step statuses as in a clean run (what this run made is reported done)`);
  const sent = matchedBy(target, await admin.requests());
  const lost = sent.findIndex(e => e.responseLost);
  assert.ok(lost >= 0, `${what}: the lost answer is in the log`);
  assert.equal(sent.length, matchedBy(target, ref.requests).length + 1, `${what}: the write went out once more than in a clean run: ${JSON.stringify(sent.map(e => e.status))}`);
  const resent = sent[lost + 1];
  assert.ok(resent && !resent.responseLost, `${what}: re-sent after the lost answer`);
  return `succeeded; the re-sent ${target.match.method} got ${resent.status}`;
}

/**
 * lostResponse always: every answer of the write is lost (the SDK re-sends it, then gives up). The step stops with the
 * connection message, having created at most what the plan lists, and a re-run converges — except the cluster
 * update, whose first PUT was applied: the step re-reads, finds its own update and waits for it.
 */
async function lostResponsePersistentCase(ref: Reference, target: Target, what: string): Promise<Outcome['persistent']> {
  await freshEmulator();
  const p = await prepare(ref.config);
  await inject(target, 'lostResponse', 'always');
  const run = await execute(p);
  runs++;
  const hits = await assertHit(what);
  assert.ok(hits > 1, `${what}: the SDK re-sent the write (${hits} answer(s) lost)`);
  if (target.clusterPut) {
    await assertConverged(ref, run, what);
    assert.deepEqual(run.result.steps, ref.statuses, `${what}: step statuses as in a clean run`);
    return { message: `no failure: ${hits} answers lost; the step found its own update on the re-read and waited for it`, rerun: 'not needed' };
  }
  const message = await assertStoppedResumably(ref, run, target.group, 'lostResponse', what);
  await admin.clearFaults();
  const again = await runFlow(ref.config);
  runs++;
  await assertConverged(ref, again, `${what}, run again`);
  return { failedStep: run.result.failedStep, message, rerun: 'succeeded' };
}

/** An LRO that ends Failed is the service's final answer: the plan stops there, the cluster is as it was, a re-run converges. */
async function lroFailedCase(ref: Reference, target: Target, times: number | 'always', what: string): Promise<Outcome['persistent']> {
  await freshEmulator();
  const p = await prepare(ref.config);
  const profileBefore = p.prepared.facts!.clusterJson.properties?.securityProfile;
  await inject(target, 'lroFailed', times);
  const run = await execute(p);
  runs++;
  await assertHit(what);
  const message = await assertStoppedResumably(ref, run, ['updateCluster'], 'lroFailed', what);
  const cluster = await fastClusters(fastContext()).get(ref.config.clusterId);
  assert.equal(cluster.properties?.provisioningState, 'Failed', `${what}: a failed update leaves the cluster Failed`);
  assert.deepEqual(cluster.properties?.securityProfile, profileBefore, `${what}: … and its securityProfile as it was`);
  await admin.clearFaults();
  const again = await runFlow(ref.config);
  runs++;
  await assertConverged(ref, again, `${what}, run again`);
  return { failedStep: run.result.failedStep, message, rerun: 'succeeded' };
}

/** New role assignments reach the data plane (and AKS's identity check) only after a delay. */
async function propagationCases(ref: Reference, step: StepId, what: string): Promise<Outcome> {
  const c = record(what.split(' / ')[0], step, 'rolePropagation', `rolePropagationDelayMs ${PROPAGATION_TRANSIENT_MS} / ${PROPAGATION_PERSISTENT_MS}`);
  await freshEmulator({ rolePropagationDelayMs: PROPAGATION_TRANSIENT_MS });
  const transient = await runFlow(ref.config);
  runs++;
  assert.ok(transient.events.some(e => e.stepId === step && e.status === 'running' && /waiting .* role/i.test(e.message ?? '')), `${what}: ${step} waited for propagation`);
  await assertConverged(ref, transient, `${what}, transient`);
  c.transient = 'succeeded after waiting for propagation';

  await freshEmulator({ rolePropagationDelayMs: PROPAGATION_PERSISTENT_MS });
  const stuck = await runFlow(ref.config);
  runs++;
  const message = await assertStoppedResumably(ref, stuck, [step], 'rolePropagation', `${what}, persistent`);
  await admin.advanceClock(PROPAGATION_PERSISTENT_MS);
  const again = await runFlow(ref.config);
  runs++;
  await assertConverged(ref, again, `${what}, run again after propagation`);
  c.persistent = { failedStep: stuck.result.failedStep, message, rerun: 'succeeded' };
  return c;
}

describe('fault matrix', () => {
  after(() => {
    const cases = matrix.length;
    const flows = new Set(matrix.map(c => c.flow)).size;
    const line = `fault matrix: ${cases} cases (flows × steps × faults) ran — ${flows} flows, ${new Set(matrix.map(c => `${c.flow}/${c.step}`)).size} flow steps, ${new Set(matrix.map(c => c.fault)).size} faults; ${runs} runs in ${Math.round((Date.now() - startedAt) / 1000)} s`;
    console.log(line);
    const dir = resolve(__dirname, '..', '..', 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, 'fault-matrix.json'), `${JSON.stringify({ summary: line, cases, runs, durationMs: Date.now() - startedAt, excluded, matrix }, null, 2)}\n`);
  });

  for (const flow of FLOWS) {
    it(flow.name, async t => {
      const ref = await reference(flow);
      for (const p of ref.preview) {
        if (!ref.targets.some(x => x.step === p.id)) excluded.push({ flow: flow.name, step: p.id, why: 'makes no request in this flow (decided from the facts read before)' });
      }
      assert.ok(ref.targets.length >= 3, `${flow.name}: targets ${JSON.stringify(ref.targets)}`);
      let slowRetryAfterChecked = false;
      for (const target of ref.targets) {
        for (const fault of GENERIC_FAULTS) {
          const what = `${flow.name} / ${target.step} / ${fault} on ${target.label}`;
          await t.test(`${target.step} · ${fault} · ${target.label}`, async () => {
            const c = record(flow.name, target.step, fault, target.label);
            if (target.group.length > 1) c.sharedWith = target.group.slice(1);
            // Once per flow, a real one-second Retry-After (the SDK must wait it out, not give up).
            const slow = !slowRetryAfterChecked && fault === '429' && target.step === 'updateCluster';
            if (slow) slowRetryAfterChecked = true;
            const started = Date.now();
            c.transient = await transientCase(ref, target, fault, `${what}, transient`, slow ? 1 : undefined);
            if (slow) assert.ok(Date.now() - started >= 2_000, `${what}: two Retry-After: 1 waits honoured`);
            c.persistent = await persistentCase(ref, target, fault, `${what}, persistent`);
          });
        }
        if (target.clusterPut) {
          const what = `${flow.name} / updateCluster / lroFailed on ${target.label}`;
          await t.test(`updateCluster · lroFailed · ${target.label}`, async () => {
            const c = record(flow.name, 'updateCluster', 'lroFailed', target.label);
            c.persistent = await lroFailedCase(ref, target, 1, `${what}, once`);
            c.transient = 'not retried by design: a Failed operation is the service\'s answer; the re-run converged';
            await lroFailedCase(ref, target, 'always', `${what}, always`);
          });
        }
      }
      for (const target of ref.writeTargets) {
        const what = `${flow.name} / ${target.step} / lostResponse on ${target.label}`;
        await t.test(`${target.step} · lostResponse · ${target.label}`, async () => {
          const c = record(flow.name, target.step, 'lostResponse', target.label);
          if (target.group.length > 1) c.sharedWith = target.group.slice(1);
          c.transient = await lostResponseTransientCase(ref, target, `${what}, once`);
          c.persistent = await lostResponsePersistentCase(ref, target, `${what}, always`);
        });
      }
      for (const step of flow.propagationSteps ?? []) {
        await t.test(`${step} · slow role propagation`, async () => {
          await propagationCases(ref, step, `${flow.name} / ${step} / rolePropagation`);
        });
      }
    });
  }

  it('rotate key now', async t => {
    const flow = 'rotate key now';
    const vaultId = vaultIdIn(SUB1, 'rg-prod', 'kvprodpublic');
    const versions = async () => (await listKeyVersions(fastContext(), vaultId, 'aks-kms')).length;
    await freshEmulator();
    const vaultUrl = (await listVaults(fastContext(), SUB1)).find(v => v.name === 'kvprodpublic')!.vaultUri.replace(/\/+$/, '');
    const host = new URL(vaultUrl).host;
    const base = await versions();
    const target: Target = { step: 'rotateKey' as StepId, label: 'POST /keys/aks-kms/rotate (data plane)', match: { method: 'POST', host, pathRegex: '^/keys/aks-kms/rotate$' }, after: 0, group: [], clusterPut: false };
    for (const fault of GENERIC_FAULTS) {
      await t.test(`rotateKey · ${fault}`, async () => {
        const c = record(flow, 'rotateKey', fault, target.label);
        const what = `${flow} / ${fault}`;
        await freshEmulator();
        await inject(target, fault, fault === 'tokenExpired' ? 1 : 2);
        const rotated = await rotateKey(fastContext(), vaultUrl, 'aks-kms');
        runs++;
        await assertHit(`${what}, transient`);
        assert.equal(await versions(), base + 1, `${what}, transient: exactly one new version`);
        assert.ok(rotated.version);
        c.transient = 'succeeded, one new version';

        await freshEmulator();
        await inject(target, fault, 'always');
        const err = await rotateKey(fastContext(), vaultUrl, 'aks-kms').then(() => undefined, (e: unknown) => e);
        runs++;
        assert.ok(err, `${what}, persistent: rotate must fail`);
        const message = errorText(err);
        assert.match(message, CLEAR_MESSAGE[fault], `${what}, persistent: message "${message}"`);
        assert.equal(await versions(), base, `${what}, persistent: no version created`);
        await admin.clearFaults();
        await rotateKey(fastContext(), vaultUrl, 'aks-kms');
        runs++;
        assert.equal(await versions(), base + 1, `${what}, run again: exactly one new version`);
        c.persistent = { message, rerun: 'succeeded, one new version' };
      });
    }
    excluded.push({ flow, step: 'rotateKey', why: 'slow role propagation: rotating creates no role assignment (the Crypto Officer role is a precondition)' });
    excluded.push({ flow, step: 'rotateKey', why: 'lostResponse: rotating is not idempotent (Key Vault has no conditional rotate): a lost answer and the SDK\'s re-send make a second new version; harmless for AKS (it uses the newest), not yet guarded' });
  });
});
