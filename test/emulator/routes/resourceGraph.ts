// Azure Resource Graph `POST /providers/Microsoft.ResourceGraph/resources` (resourcegraph.json 2024-04-01).
// Rows are the ARM resources of the requested subscriptions (managed clusters and vaults), queried with
// the KQL subset of kql.ts; paging follows the service: `$top` (default and max 1000), an opaque
// `$skipToken` when more rows remain and the result carries `id`, otherwise `resultTruncated: "true"`.
// A `$skipToken` continues the result its first page computed (a snapshot, like the service's cursor), and any
// other request reuses a result computed while nothing changed (the store's epoch), so paging through 10,000 rows —
// by token or, in parallel, by `$skip` — costs one query evaluation, not one per page.
import { createHash, randomUUID } from 'node:crypto';
import { RESOURCE_GRAPH_API_VERSIONS } from '../apiVersions';
import { HttpError } from '../errors';
import { serializedJson, readJsonBody } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import { compileQuery, KqlError, rowTemplate, type Row } from '../kql';
import { renderVault } from '../model/vault';
import { decodeSkipToken, encodeSkipToken } from '../paging';
import type { Router } from '../router';
import { lookup, type EmulatorStore, type FleetState, type VaultEndpoints } from '../state';
import { INFRA_ENCRYPTION_PROFILE_PATH } from './managedClusters';
import type { ArmDeps, ArmHandler } from './types';

export const RESOURCE_GRAPH_MAX_TOP = 1000;

/** The columns of the `resources` table, in Resource Graph's order. */
export const RESOURCES_COLUMNS = [
  'id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy',
  'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation',
] as const;

function badRequest(message: string, detailCode: string): HttpError {
  return new HttpError(400, 'BadRequest', message, {
    details: [
      { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' },
      { code: detailCode, message },
    ],
  });
}

function toRow(resource: JsonObject, subscriptionId: string, resourceGroup: string, tenantId: string): Row {
  return {
    id: resource.id,
    name: resource.name,
    // Resource Graph lower-cases resource types.
    type: String(resource.type).toLowerCase(),
    tenantId,
    kind: resource.kind ?? '',
    location: resource.location,
    resourceGroup,
    subscriptionId,
    managedBy: '',
    sku: resource.sku ?? null,
    plan: null,
    properties: resource.properties ?? null,
    tags: resource.tags ?? {},
    identity: resource.identity ?? null,
    zones: null,
    extendedLocation: null,
  };
}

/** The cluster as an index that does not know preview-only fields holds it (copies only the path it changes). */
function withoutPreviewFields(body: JsonObject): JsonObject {
  const field = INFRA_ENCRYPTION_PROFILE_PATH[2];
  const props = body.properties;
  if (!isJsonObject(props) || !isJsonObject(props.securityProfile) || !(field in props.securityProfile)) return body;
  const securityProfile = { ...props.securityProfile };
  delete securityProfile[field];
  return { ...body, properties: { ...props, securityProfile } };
}

/**
 * Every row of the `resources` table as the index holds it now. Rows share the stored JSON instead of copying it
 * (a query only reads it, and `project` builds new rows), so a 10,000-cluster table costs milliseconds.
 */
export function resourcesTable(store: EmulatorStore, vaults: VaultEndpoints, subscriptions?: ReadonlySet<string>, tenantId: string = store.fleet.tenantId): Row[] {
  const fleet: FleetState = store.fleet;
  const omit = store.config.resourceGraphOmitsPreviewFields;
  // Resource Graph answers from the subscriptions of the token's directory only (rule emu-subscriptions-per-tenant).
  const tenantSubscriptions = new Set(
    fleet.subscriptions.filter((s) => (s.tenantId ?? fleet.tenantId).toLowerCase() === tenantId.toLowerCase()).map((s) => s.subscriptionId.toLowerCase()),
  );
  const inScope = (sub: string) => tenantSubscriptions.has(sub.toLowerCase()) && (!subscriptions || subscriptions.has(sub.toLowerCase()));
  const rows: Row[] = [];
  for (const c of fleet.clusters) {
    if (!inScope(c.subscriptionId)) continue;
    rows.push(toRow(omit ? withoutPreviewFields(c.body) : c.body, c.subscriptionId, c.resourceGroup, tenantId));
  }
  for (const v of fleet.vaults) {
    if (!inScope(v.subscriptionId)) continue;
    const body = renderVault(v, { tenantId, vaultUri: `${vaults.baseUrl(v.name)}/`, wall: (ms) => store.clock.toWall(ms) });
    rows.push(toRow(body, v.subscriptionId, v.resourceGroup, tenantId));
  }
  return rows;
}

/**
 * The built-in policy "Azure Kubernetes Clusters should enable Key Management Service (KMS)" (issue 14: definition
 * dbbdc317-9734-4dd8-9074-993b29c69008). It audits `securityProfile.azureKeyVaultKms.enabled` only, so a cluster on
 * platform-managed keys is NonCompliant.
 */
export const KMS_POLICY_DEFINITION_ID = '/providers/Microsoft.Authorization/policyDefinitions/dbbdc317-9734-4dd8-9074-993b29c69008';

/**
 * The `policyresources` table: one `microsoft.policyinsights/policystates` row per cluster of a subscription where the
 * KMS policy is assigned (the seed assigns it in Contoso Production). The state is the policy's rule applied to the
 * cluster as it is now; the service evaluates on a schedule and after changes, so it may lag behind.
 */
export function policyResourcesTable(store: EmulatorStore, subscriptions: ReadonlySet<string> | undefined, tenantId: string): Row[] {
  const fleet: FleetState = store.fleet;
  const rows: Row[] = [];
  for (const assignment of fleet.policyAssignments) {
    const sub = assignment.subscriptionId.toLowerCase();
    if ((lookup.tenantOf(fleet, sub) ?? '').toLowerCase() !== tenantId.toLowerCase() || (subscriptions && !subscriptions.has(sub))) continue;
    const assignmentId = `/subscriptions/${assignment.subscriptionId}/providers/Microsoft.Authorization/policyAssignments/${assignment.name}`;
    for (const c of fleet.clusters) {
      if (c.subscriptionId.toLowerCase() !== sub) continue;
      const props = isJsonObject(c.body.properties) ? c.body.properties : {};
      const kms = isJsonObject(props.securityProfile) && isJsonObject(props.securityProfile.azureKeyVaultKms) ? props.securityProfile.azureKeyVaultKms : {};
      // rule: emu-policy-kms
      const complianceState = kms.enabled === true ? 'Compliant' : 'NonCompliant';
      const resourceId = String(c.body.id);
      rows.push({
        id: `${resourceId}/providers/Microsoft.PolicyInsights/policyStates/${assignment.name}`,
        name: assignment.name,
        type: 'microsoft.policyinsights/policystates',
        tenantId,
        kind: '',
        location: c.body.location ?? '',
        resourceGroup: c.resourceGroup,
        subscriptionId: c.subscriptionId,
        managedBy: '',
        sku: null,
        plan: null,
        properties: {
          resourceId,
          resourceType: 'Microsoft.ContainerService/managedClusters',
          policyAssignmentId: assignmentId,
          policyAssignmentName: assignment.name,
          policyDefinitionId: KMS_POLICY_DEFINITION_ID,
          policyDefinitionName: KMS_POLICY_DEFINITION_ID.split('/').pop(),
          policyDefinitionAction: 'audit',
          complianceState,
          timestamp: new Date(store.clock.toWall(store.clock.now())).toISOString(),
        },
        tags: {},
        identity: null,
        zones: null,
        extendedLocation: null,
      });
    }
  }
  return rows;
}

interface QueryRequest {
  query: string;
  subscriptions?: string[];
  top: number;
  skip: number;
  skipToken?: string;
  resultFormat: 'objectArray' | 'table';
  /** The token's directory: the query sees its subscriptions only. */
  tenantId: string;
}

function parseRequestBody(body: unknown, tenantId: string): QueryRequest {
  if (!isJsonObject(body)) throw badRequest('The request body must be a QueryRequest object.', 'InvalidRequestContent');
  // rule: emu-resource-graph-query
  if (typeof body.query !== 'string' || body.query.trim() === '') throw badRequest("The 'query' property is required.", 'QueryRequired');
  let subscriptions: string[] | undefined;
  if (body.subscriptions !== undefined && body.subscriptions !== null) {
    if (!Array.isArray(body.subscriptions) || body.subscriptions.some((s) => typeof s !== 'string')) {
      throw badRequest("'subscriptions' must be an array of subscription ids.", 'InvalidSubscriptions');
    }
    subscriptions = body.subscriptions as string[];
  }
  const options = isJsonObject(body.options) ? body.options : {};
  const top = options.$top ?? RESOURCE_GRAPH_MAX_TOP;
  if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > RESOURCE_GRAPH_MAX_TOP) {
    throw badRequest(`The value of '$top' must be an integer between 1 and ${RESOURCE_GRAPH_MAX_TOP}.`, 'InvalidTop');
  }
  const skip = options.$skip ?? 0;
  if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) throw badRequest("The value of '$skip' must be a non-negative integer.", 'InvalidSkip');
  const resultFormat = options.resultFormat ?? 'objectArray';
  if (resultFormat !== 'objectArray' && resultFormat !== 'table') throw badRequest("'resultFormat' must be 'objectArray' or 'table'.", 'InvalidResultFormat');
  const skipToken = typeof options.$skipToken === 'string' && options.$skipToken !== '' ? options.$skipToken : undefined;
  return { query: body.query, subscriptions, top, skip, skipToken, resultFormat, tenantId };
}

function fingerprint(req: QueryRequest): string {
  const subs = (req.subscriptions ?? []).map((s) => s.toLowerCase()).sort();
  return createHash('sha256').update(JSON.stringify([req.query, subs, req.tenantId.toLowerCase()])).digest('base64url').slice(0, 16);
}

function columnType(values: unknown[]): string {
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === 'string' || v === undefined) return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'real';
  if (typeof v === 'boolean') return 'boolean';
  return 'object';
}

/** A query's whole result, kept for the pages its `$skipToken`s (and same-epoch requests) ask for. */
interface Snapshot {
  readonly id: string;
  readonly fingerprint: string;
  /** The store's epoch and the preview-field switch it was computed at: still current while both are the same. */
  readonly epoch: number;
  readonly omitsPreviewFields: boolean;
  readonly rows: Row[];
  readonly columns: string[];
  /**
   * Replies already sent, by page and format: paging through a 10,000-row result again (every fleet load does) costs
   * no re-shaping and no JSON.stringify (~25 ms a 1,000-row page of the emulator's CPU, beside the product's).
   */
  readonly replies: Map<string, string>;
}

/** Results kept per fleet (a reset builds a new fleet, which drops them); the oldest go first. */
const MAX_SNAPSHOTS = 16;
const snapshots = new WeakMap<FleetState, Map<string, Snapshot>>();

function runQuery(deps: ArmDeps, req: QueryRequest): Snapshot {
  let compiled;
  try {
    compiled = compileQuery(req.query);
  } catch (e) {
    // rule: emu-resource-graph-query
    if (e instanceof KqlError) throw badRequest(e.message, e.code);
    throw e;
  }
  if (compiled.table !== 'resources' && compiled.table !== 'policyresources') {
    throw badRequest(`Table '${compiled.table}' is not served by the emulator's Resource Graph (only 'resources' and 'policyresources').`, 'UnsupportedTable');
  }
  // No (or an empty) subscription list means every subscription the caller can see, like the service.
  const scope = req.subscriptions?.length ? new Set(req.subscriptions.map((s) => s.toLowerCase())) : undefined;
  const table = compiled.table === 'policyresources'
    ? policyResourcesTable(deps.store, scope, req.tenantId)
    : resourcesTable(deps.store, deps.vaults, scope, req.tenantId);
  const { rows, columns } = compiled.run(table, RESOURCES_COLUMNS);
  const fleet = deps.store.fleet;
  let kept = snapshots.get(fleet);
  if (!kept) snapshots.set(fleet, (kept = new Map()));
  const snapshot: Snapshot = {
    id: randomUUID(),
    fingerprint: fingerprint(req),
    epoch: deps.store.epoch,
    omitsPreviewFields: deps.store.config.resourceGraphOmitsPreviewFields,
    rows,
    columns,
    replies: new Map(),
  };
  kept.set(snapshot.id, snapshot);
  for (const oldest of kept.keys()) {
    if (kept.size <= MAX_SNAPSHOTS) break;
    kept.delete(oldest);
  }
  return snapshot;
}

/** A kept result of the same query and scopes that nothing has changed since. */
function currentSnapshot(deps: ArmDeps, print: string): Snapshot | undefined {
  const { epoch, config } = deps.store;
  for (const s of snapshots.get(deps.store.fleet)?.values() ?? []) {
    if (s.fingerprint === print && s.epoch === epoch && s.omitsPreviewFields === config.resourceGraphOmitsPreviewFields) return s;
  }
  return undefined;
}

export function registerResourceGraphRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  router.add('POST', '/providers/Microsoft.ResourceGraph/resources', RESOURCE_GRAPH_API_VERSIONS, async (r) => {
    const req = parseRequestBody(await readJsonBody(r.raw), r.principal.tid);

    let offset = req.skip;
    let snapshot: Snapshot | undefined;
    if (req.skipToken) {
      const token = decodeSkipToken(req.skipToken, 'InvalidSkipToken');
      if (token.f !== fingerprint(req)) throw badRequest('The $skipToken does not belong to this query and these scopes.', 'InvalidSkipToken');
      offset = token.o;
      // The first page's result when it is still kept; else the query again (as after a reset).
      snapshot = token.s ? snapshots.get(deps.store.fleet)?.get(token.s) : undefined;
    }
    snapshot ??= currentSnapshot(deps, fingerprint(req)) ?? runQuery(deps, req);
    const replyKey = `${offset}:${req.top}:${req.resultFormat}`;
    const sent = snapshot.replies.get(replyKey);
    if (sent !== undefined) return serializedJson(200, sent);
    const { rows, columns } = snapshot;
    const page = rows.slice(offset, offset + req.top);
    const more = offset + req.top < rows.length;
    // Paging needs the id column; without it the service truncates instead of handing out a token.
    const canPage = columns.includes('id');

    const template = rowTemplate(columns);
    const ordered = page.map((row) => {
      const out: Row = { ...template };
      for (const c of columns) if (row[c] !== undefined) out[c] = row[c];
      return out;
    });
    const data =
      req.resultFormat === 'table'
        ? {
            columns: columns.map((c) => ({ name: c, type: columnType(ordered.map((row) => row[c])) })),
            rows: ordered.map((row) => columns.map((c) => row[c])),
          }
        : ordered;

    const reply = JSON.stringify({
      totalRecords: rows.length,
      count: page.length,
      resultTruncated: more && !canPage ? 'true' : 'false',
      ...(more && canPage ? { $skipToken: encodeSkipToken({ o: offset + req.top, f: snapshot.fingerprint, s: snapshot.id }) } : {}),
      data,
      facets: [],
    });
    snapshot.replies.set(replyKey, reply);
    return serializedJson(200, reply);
  });
}
