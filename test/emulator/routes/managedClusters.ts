// Microsoft.ContainerService managedClusters as raw JSON: get, list by subscription, list by group, and
// PUT (create or update) as AKS's async LRO: 201/200 with the body in Creating/Updating, an absolute
// Azure-AsyncOperation status URL and Retry-After; the rules of clusterRules.ts run before anything is
// stored. Each response is projected to what the caller's api-version defines (apiVersions.ts).
import { AKS_OPERATION_API_VERSION, inProgressOperation, operationStatusUrl, renderOperationStatus, startClusterOperation } from '../clusterOperations';
import { mergeClusterPut } from '../clusterMerge';
import { validateClusterPut } from '../clusterRules';
import { clusterApiVersionHasInfraEncryptionProfile, MANAGED_CLUSTER_API_VERSIONS } from '../apiVersions';
import { HttpError, resourceNotFound } from '../errors';
import { compressedJson, json, readJsonBody } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type ClusterRecord, type EmulatorStore } from '../state';
import { projectManagedCluster } from '../specProjection';
import { requireResourceGroup, requireSubscription } from './scope';
import type { ArmDeps, ArmHandler, ArmRequest } from './types';

export const INFRA_ENCRYPTION_PROFILE_PATH = ['properties', 'securityProfile', 'kubernetesResourceObjectEncryptionProfile'] as const;

/**
 * The cluster as a provider at `apiVersion` would return it, for a reply (serialised right away, never changed):
 * the stored JSON itself when the api-version knows every field, else a copy of just the path it drops — a list of
 * a generated fleet's clusters costs no deep copies.
 */
export function renderClusterForApiVersion(c: ClusterRecord, apiVersion: string): JsonObject {
  const projected = projectManagedCluster(c.body, apiVersion); // a saved spec: exactly what it defines
  if (projected) return projected;
  if (clusterApiVersionHasInfraEncryptionProfile(apiVersion)) return c.body;
  const [, , field] = INFRA_ENCRYPTION_PROFILE_PATH;
  const props = c.body.properties;
  if (!isJsonObject(props) || !isJsonObject(props.securityProfile) || !(field in props.securityProfile)) return c.body;
  const securityProfile = { ...props.securityProfile };
  delete securityProfile[field];
  return { ...c.body, properties: { ...props, securityProfile } };
}

/**
 * A cluster's reply JSON per api-version, kept until the store's epoch moves (every write and every change time
 * makes bumps it). Serialising is the emulator's own cost, which Azure pays on its servers: without this, listing a
 * generated fleet's 10,000 clusters spent ~1 s of the emulator's CPU per listing (projection and JSON.stringify,
 * test/bench profile), on the same cores as the product it stands beside.
 */
const renderedJson = keptPerEpoch<ClusterRecord>();

function clusterJson(c: ClusterRecord, apiVersion: string, epoch: number): Buffer {
  return renderedJson(c, epoch, apiVersion.toLowerCase(), () => Buffer.from(JSON.stringify(renderClusterForApiVersion(c, apiVersion))));
}

/** Bytes kept per owner and key until the store's epoch moves: `make` runs once per owner, key and epoch. */
function keptPerEpoch<O extends object>(): (owner: O, epoch: number, key: string, make: () => Buffer) => Buffer {
  const kept = new WeakMap<O, { epoch: number; byKey: Map<string, Buffer> }>();
  return (owner, epoch, key, make) => {
    let entry = kept.get(owner);
    if (entry?.epoch !== epoch) kept.set(owner, (entry = { epoch, byKey: new Map() }));
    let bytes = entry.byKey.get(key);
    if (bytes === undefined) entry.byKey.set(key, (bytes = make()));
    return bytes;
  };
}

const COMMA = Buffer.from(',');

/** `{"value":[…],"nextLink":"…"}` from the clusters' kept bytes: ARM's list page, copied rather than serialised. */
function listPageBytes(values: readonly Buffer[], nextLink: string | undefined): Buffer {
  const parts: Buffer[] = [Buffer.from('{"value":[')];
  values.forEach((v, i) => parts.push(...(i ? [COMMA, v] : [v])));
  parts.push(Buffer.from(nextLink === undefined ? ']}' : `],"nextLink":${JSON.stringify(nextLink)}}`));
  return Buffer.concat(parts);
}

const PROVIDER = '/providers/Microsoft.ContainerService/managedClusters';

/** The entity tags of an If-Match value (RFC 7232 §3.1: `*` or a comma-separated list), quotes removed. */
function ifMatchTags(value: string): string[] {
  return value.split(',').map((t) => t.trim().replace(/^"(.*)"$/, '$1')).filter((t) => t !== '');
}

/**
 * The PUT's `if-match` header (managedClusters.json, ManagedClusters_CreateOrUpdate: "The request should only proceed
 * if an entity matches this string"): AKS checks it against the stored `eTag` and fails early on a mismatch
 * (learn.microsoft.com/azure/aks/use-etags), with 412 PreconditionFailed (ARM's answer to a failed precondition). No
 * header, or `*` on an existing cluster: no check. A cluster that does not exist matches no If-Match (RFC 7232 §3.1).
 * Weak tags (`W/…`) never match: If-Match compares strongly (RFC 7232 §2.3.2).
 */
function checkIfMatch(header: string | string[] | undefined, existing: ClusterRecord | undefined): void {
  if (header === undefined) return;
  const tags = ifMatchTags(Array.isArray(header) ? header.join(',') : header);
  if (tags.length === 0) return;
  const stored = typeof existing?.body.eTag === 'string' ? existing.body.eTag : undefined;
  if (existing && tags.includes('*')) return;
  // rule: emu-cluster-if-match
  if (stored !== undefined && tags.includes(stored)) return;
  throw new HttpError(
    412,
    'PreconditionFailed',
    existing
      ? `The If-Match header '${tags.join(', ')}' does not match the current eTag of managed cluster '${String(existing.body.name ?? existing.name)}': it was changed after it was read. Get the cluster again and retry with its current eTag.`
      : `The If-Match header '${tags.join(', ')}' matches no managed cluster: the cluster does not exist.`,
  );
}

/**
 * Each list page's bytes by request (origin, path and query decide the page), kept like clusterJson, so a page asked
 * for again is neither copied together nor compressed again.
 */
const keptPage = keptPerEpoch<EmulatorStore>();

export function registerManagedClusterRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  // Pages first, then renders only the page: a subscription of a generated fleet may hold thousands of clusters.
  const renderedPage = (clusters: () => ClusterRecord[], r: ArmRequest) =>
    compressedJson(200, keptPage(deps.store, deps.store.epoch, `${r.http.origin}${r.http.pathAndQuery}`, () => {
      const page = pageOf(clusters(), r.http, { pageSize: deps.pageSize });
      return listPageBytes(page.value.map((c) => clusterJson(c, r.apiVersion, deps.store.epoch)), page.nextLink);
    }));

  router.add('GET', `/subscriptions/{subscriptionId}${PROVIDER}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireSubscription(fleet, r.params.subscriptionId);
    return renderedPage(() => lookup.clusters(fleet, r.params.subscriptionId), r);
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireResourceGroup(fleet, r.params.subscriptionId, r.params.resourceGroupName);
    return renderedPage(() => lookup.clusters(fleet, r.params.subscriptionId, r.params.resourceGroupName), r);
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{resourceName}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const { subscriptionId, resourceGroupName, resourceName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const c = lookup.cluster(fleet, subscriptionId, resourceGroupName, resourceName);
    if (!c) throw resourceNotFound('Microsoft.ContainerService/managedClusters', resourceName, resourceGroupName);
    return compressedJson(200, clusterJson(c, r.apiVersion, deps.store.epoch));
  });

  router.add('PUT', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{resourceName}`, MANAGED_CLUSTER_API_VERSIONS, async (r) => {
    const store = deps.store;
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, resourceName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const put = await readJsonBody(r.raw);
    // rule: emu-request-invalid-content
    if (!isJsonObject(put)) throw new HttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
    const existing = lookup.cluster(fleet, subscriptionId, resourceGroupName, resourceName);
    // Optimistic concurrency before anything else: a PUT built from an older GET stores nothing.
    checkIfMatch(r.raw.headers['if-match'], existing);
    if (existing) {
      const running = inProgressOperation(store, existing);
      // rule: emu-cluster-operation-in-progress
      if (running) {
        throw new HttpError(
          409,
          'OperationNotAllowed',
          `Operation is not allowed because there's an in progress ${running.kind === 'Create' ? 'create' : 'update'} managed cluster operation with ID '${running.id}' on the managed cluster. Please wait for the operation to complete and try again.`,
        );
      }
    } else if (typeof put.location !== 'string' || put.location === '') {
      // rule: emu-arm-location-required
      throw new HttpError(400, 'LocationRequired', 'The location property is required for this definition.');
    }

    const after = mergeClusterPut({ fleet, subscriptionId, resourceGroup: resourceGroupName, name: resourceName, apiVersion: r.apiVersion, existing: existing?.body, put });
    validateClusterPut({ store, vaults: deps.vaults, subscriptionId, before: existing?.body, after });

    let record: ClusterRecord;
    let previous: JsonObject | undefined;
    if (existing) {
      previous = existing.body;
      existing.body = after;
      record = existing;
    } else {
      const group = lookup.resourceGroup(fleet, subscriptionId, resourceGroupName)!;
      record = { subscriptionId: group.subscriptionId, resourceGroup: group.name, name: resourceName, body: after };
      fleet.clusters.push(record);
    }
    const op = startClusterOperation(store, record, existing ? 'Update' : 'Create', previous);
    const retryAfterSeconds = Math.max(1, Math.ceil(store.config.clusterUpdateDurationMs / 1000));
    return json(existing ? 200 : 201, renderClusterForApiVersion(record, r.apiVersion), {
      'azure-asyncoperation': operationStatusUrl(r.http.origin, op),
      'retry-after': String(retryAfterSeconds),
    });
  });

  // The status monitor of Azure-AsyncOperation (AKS answers it at its own api-version, 2016-03-30).
  router.add(
    'GET',
    '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/locations/{location}/operations/{operationId}',
    [AKS_OPERATION_API_VERSION, ...MANAGED_CLUSTER_API_VERSIONS],
    (r) => {
      const fleet = deps.store.fleet;
      requireSubscription(fleet, r.params.subscriptionId);
      const op = lookup.clusterOperation(fleet, r.params.operationId);
      // rule: emu-arm-not-found
      if (!op || op.subscriptionId.toLowerCase() !== r.params.subscriptionId.toLowerCase()) {
        throw new HttpError(404, 'NotFound', `Operation '${r.params.operationId}' was not found.`);
      }
      // While it runs, say when to look again (at least 1 s: Retry-After has whole seconds).
      const headers: Record<string, string> | undefined =
        op.status === 'InProgress' ? { 'retry-after': String(Math.max(1, Math.ceil((op.endsAtMs - deps.store.clock.now()) / 1000))) } : undefined;
      return json(200, renderOperationStatus(op, deps.store.clock), headers);
    },
  );
}
