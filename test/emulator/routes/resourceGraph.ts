// Azure Resource Graph `POST /providers/Microsoft.ResourceGraph/resources` (resourcegraph.json 2024-04-01).
// Rows are the ARM resources of the requested subscriptions (managed clusters and vaults), queried with
// the KQL subset of kql.ts; paging follows the service: `$top` (default and max 1000), an opaque
// `$skipToken` when more rows remain and the result carries `id`, otherwise `resultTruncated: "true"`.
import { createHash } from 'node:crypto';
import { RESOURCE_GRAPH_API_VERSIONS } from '../apiVersions';
import { HttpError } from '../errors';
import { json, readJsonBody } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import { compileQuery, KqlError, type Row } from '../kql';
import { renderVault } from '../model/vault';
import { decodeSkipToken, encodeSkipToken } from '../paging';
import type { Router } from '../router';
import type { EmulatorStore, FleetState, VaultEndpoints } from '../state';
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

/** Every row of the `resources` table as the index holds it now. */
export function resourcesTable(store: EmulatorStore, vaults: VaultEndpoints): Row[] {
  const fleet: FleetState = store.fleet;
  const rows: Row[] = [];
  for (const c of fleet.clusters) {
    const body = structuredClone(c.body);
    if (store.config.resourceGraphOmitsPreviewFields) {
      const sp = (body.properties as JsonObject | undefined)?.securityProfile;
      if (isJsonObject(sp)) delete sp[INFRA_ENCRYPTION_PROFILE_PATH[2]];
    }
    rows.push(toRow(body, c.subscriptionId, c.resourceGroup, fleet.tenantId));
  }
  for (const v of fleet.vaults) {
    const body = renderVault(v, { tenantId: fleet.tenantId, vaultUri: `${vaults.baseUrl(v.name)}/`, wall: (ms) => store.clock.toWall(ms) });
    rows.push(toRow(body, v.subscriptionId, v.resourceGroup, fleet.tenantId));
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
}

function parseRequestBody(body: unknown): QueryRequest {
  if (!isJsonObject(body)) throw badRequest('The request body must be a QueryRequest object.', 'InvalidRequestContent');
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
  return { query: body.query, subscriptions, top, skip, skipToken, resultFormat };
}

function fingerprint(req: QueryRequest): string {
  const subs = (req.subscriptions ?? []).map((s) => s.toLowerCase()).sort();
  return createHash('sha256').update(JSON.stringify([req.query, subs])).digest('base64url').slice(0, 16);
}

function columnType(values: unknown[]): string {
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === 'string' || v === undefined) return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'real';
  if (typeof v === 'boolean') return 'boolean';
  return 'object';
}

export function registerResourceGraphRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  router.add('POST', '/providers/Microsoft.ResourceGraph/resources', RESOURCE_GRAPH_API_VERSIONS, async (r) => {
    const req = parseRequestBody(await readJsonBody(r.raw));

    let compiled;
    try {
      compiled = compileQuery(req.query);
    } catch (e) {
      if (e instanceof KqlError) throw badRequest(e.message, e.code);
      throw e;
    }
    if (compiled.table !== 'resources') {
      throw badRequest(`Table '${compiled.table}' is not served by the emulator's Resource Graph (only 'resources').`, 'UnsupportedTable');
    }

    // No (or an empty) subscription list means every subscription the caller can see, like the service.
    const scope = req.subscriptions?.length ? req.subscriptions.map((s) => s.toLowerCase()) : undefined;
    const input = resourcesTable(deps.store, deps.vaults).filter((row) => !scope || scope.includes(String(row.subscriptionId).toLowerCase()));
    const { rows, columns } = compiled.run(input, RESOURCES_COLUMNS);

    let offset = req.skip;
    if (req.skipToken) {
      const token = decodeSkipToken(req.skipToken, 'InvalidSkipToken');
      if (token.f !== fingerprint(req)) throw badRequest('The $skipToken does not belong to this query and these scopes.', 'InvalidSkipToken');
      offset = token.o;
    }
    const page = rows.slice(offset, offset + req.top);
    const more = offset + req.top < rows.length;
    // Paging needs the id column; without it the service truncates instead of handing out a token.
    const canPage = columns.includes('id');

    const ordered = page.map((row) => Object.fromEntries(columns.map((c) => [c, row[c] === undefined ? null : row[c]])));
    const data =
      req.resultFormat === 'table'
        ? {
            columns: columns.map((c) => ({ name: c, type: columnType(ordered.map((row) => row[c])) })),
            rows: ordered.map((row) => columns.map((c) => row[c])),
          }
        : ordered;

    return json(200, {
      totalRecords: rows.length,
      count: page.length,
      resultTruncated: more && !canPage ? 'true' : 'false',
      ...(more && canPage ? { $skipToken: encodeSkipToken({ o: offset + req.top, f: fingerprint(req) }) } : {}),
      data,
      facets: [],
    });
  });
}
