// Async managed-cluster operations (the PUT's Azure-AsyncOperation): start, finish when due, render.
// Why recorded outcomes: fault injection decides at acceptance how an operation will end, so a test
// can make "the next update fails" without racing the clock.
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import { cloneJson, isJsonObject, type JsonObject } from './json';
import { lookup, type ClusterOperationRecord, type ClusterRecord, type EmulatorStore, type OperationError } from './state';

/** The api-version AKS puts into its operation status URLs. */
export const AKS_OPERATION_API_VERSION = '2016-03-30';

function setProvisioningState(body: JsonObject, state: string): void {
  if (!isJsonObject(body.properties)) body.properties = {};
  (body.properties as JsonObject).provisioningState = state;
}

/** Takes one injected fault if the admin asked for any (POST /_emulator/config failNextClusterOperations). */
function takeFault(store: EmulatorStore): OperationError | undefined {
  const fault = store.config.failNextClusterOperations;
  if (fault.count <= 0) return undefined;
  store.config.failNextClusterOperations = { ...fault, count: fault.count - 1 };
  return { code: fault.code, message: fault.message };
}

/** Records an accepted PUT; the cluster's provisioningState is Creating/Updating until it finishes. */
export function startClusterOperation(store: EmulatorStore, cluster: ClusterRecord, kind: 'Create' | 'Update', previousBody?: JsonObject): ClusterOperationRecord {
  const now = store.clock.now();
  setProvisioningState(cluster.body, kind === 'Create' ? 'Creating' : 'Updating');
  const failWith = takeFault(store);
  const op: ClusterOperationRecord = {
    id: randomUUID(),
    subscriptionId: cluster.subscriptionId,
    resourceGroup: cluster.resourceGroup,
    clusterName: cluster.name,
    location: String(cluster.body.location ?? ''),
    kind,
    startMs: now,
    endsAtMs: now + store.config.clusterUpdateDurationMs,
    status: 'InProgress',
    ...(failWith ? { failWith } : {}),
    ...(previousBody ? { previousBody: cloneJson(previousBody) } : {}),
  };
  store.fleet.clusterOperations.push(op);
  return op;
}

export function inProgressOperation(store: EmulatorStore, cluster: ClusterRecord): ClusterOperationRecord | undefined {
  return store.fleet.clusterOperations.find(
    (o) => o.status === 'InProgress' && o.subscriptionId === cluster.subscriptionId && o.resourceGroup === cluster.resourceGroup && o.clusterName === cluster.name,
  );
}

/**
 * `properties.status.provisioningError` (managedClusters.json, ManagedClusterStatus: "Preserves the detailed info of
 * failure. If there was no error, this field is omitted"): set by a failed operation, dropped by a successful one.
 */
function setProvisioningError(body: JsonObject, error: OperationError | undefined): void {
  const props = body.properties;
  if (!isJsonObject(props)) return;
  const status = isJsonObject(props.status) ? props.status : {};
  if (error) status.provisioningError = { code: error.code, message: error.message };
  else delete status.provisioningError;
  if (Object.keys(status).length) props.status = status;
  else delete props.status;
}

function succeed(cluster: ClusterRecord): void {
  const props = cluster.body.properties;
  if (!isJsonObject(props)) return;
  props.provisioningState = 'Succeeded';
  setProvisioningError(cluster.body, undefined);
  if (typeof props.kubernetesVersion === 'string') props.currentKubernetesVersion = props.kubernetesVersion;
  if (Array.isArray(props.agentPoolProfiles)) {
    for (const pool of props.agentPoolProfiles) {
      if (!isJsonObject(pool)) continue;
      pool.provisioningState = 'Succeeded';
      if (typeof pool.orchestratorVersion === 'string') pool.currentOrchestratorVersion = pool.orchestratorVersion;
    }
  }
}

/** Finishes every operation whose time has come (called before each request is served); answers how many. */
export function settleClusterOperations(store: EmulatorStore, nowMs: number): number {
  let settled = 0;
  for (const op of store.fleet.clusterOperations) {
    if (op.status !== 'InProgress' || op.endsAtMs > nowMs) continue;
    settled++;
    op.endMs = op.endsAtMs;
    const cluster = lookup.cluster(store.fleet, op.subscriptionId, op.resourceGroup, op.clusterName);
    if (op.failWith) {
      op.status = 'Failed';
      op.error = op.failWith;
      // A failed update leaves the cluster as it was, in provisioningState Failed; a failed create stays, Failed.
      if (cluster) {
        if (op.previousBody) cluster.body = cloneJson(op.previousBody);
        setProvisioningState(cluster.body, 'Failed');
        setProvisioningError(cluster.body, op.failWith);
      }
    } else {
      op.status = 'Succeeded';
      if (cluster) succeed(cluster);
    }
  }
  return settled;
}

/** The status monitor body: `{name, status, startTime, endTime?, error?}` (OperationStatusResult). */
export function renderOperationStatus(op: ClusterOperationRecord, clock: Clock): JsonObject {
  const body: JsonObject = { name: op.id, status: op.status, startTime: new Date(clock.toWall(op.startMs)).toISOString() };
  if (op.endMs !== undefined) body.endTime = new Date(clock.toWall(op.endMs)).toISOString();
  if (op.error) body.error = { code: op.error.code, message: op.error.message };
  return body;
}

/** Absolute, with the scheme and host the client used, like AKS's status URLs. */
export function operationStatusUrl(origin: string, op: ClusterOperationRecord): string {
  return `${origin}/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}/operations/${op.id}?api-version=${AKS_OPERATION_API_VERSION}`;
}
