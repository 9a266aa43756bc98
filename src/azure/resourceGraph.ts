/**
 * Fleet listing through Azure Resource Graph: one paged query across all selected subscriptions instead of a
 * managed-clusters list call per subscription (DESIGN.md, "Fleet listing at scale").
 */
import type { FleetRow } from '../kms/fleet';
import { AzureContext, rawArmClient } from './azureContext';
import { AzureRequestError } from './errors';

/** Projects only what the tree needs, so 10,000 clusters stay small on the wire. */
export const FLEET_QUERY = [
  "resources",
  "| where type =~ 'microsoft.containerservice/managedclusters'",
  '| project id, name, subscriptionId, resourceGroup, location, identity,',
  '  kubernetesVersion = properties.kubernetesVersion, currentKubernetesVersion = properties.currentKubernetesVersion,',
  '  provisioningState = properties.provisioningState, apiServerAccessProfile = properties.apiServerAccessProfile,',
  '  securityProfile = properties.securityProfile',
  '| order by id asc',
].join('\n');

/** Resource Graph accepts at most 1000 subscriptions per request and returns at most 1000 rows per page. */
const MAX_SUBSCRIPTIONS_PER_QUERY = 1000;
const PAGE_SIZE = 1000;
/**
 * Pages requested at once after the first. The first page says how many rows match (`totalRecords`), so the rest can
 * be asked for by offset (`$skip`, documented for queries ordered by a unique column, as FLEET_QUERY is by id)
 * instead of one `$skipToken` after another; a few at a time keeps well inside Resource Graph's per-user quota
 * (15 queries per 5 s) — the number of queries is the same. test/bench: 10,000 clusters at 50 ms per request, 0.95 s
 * with one page after another, 0.53 s with 4 at a time.
 */
const PAGE_CONCURRENCY = 4;

type Page<T = FleetRow> = { data: T[]; skipToken?: string; totalRecords?: number };

/**
 * The stable api-version of resourcegraph.json. Called as REST (one POST) rather than through
 * `@azure/arm-resourcegraph`: its current release needs Node 22, while VS Code 1.100's extension host runs Node 20,
 * and the older releases either send a preview api-version or are built on the retired ms-rest-js runtime.
 */
const RESOURCE_GRAPH_API_VERSION = '2024-04-01';

/** The wire shape of `QueryResponse` (resourcegraph.json 2024-04-01) with `resultFormat: objectArray`. */
interface QueryResponseJson<T = FleetRow> {
  readonly data?: T[];
  readonly $skipToken?: string;
  readonly totalRecords?: number;
}

/** Runs the fleet query over the subscriptions, calling `onPage` with each page in order (so the tree fills in early). */
export function queryFleet(ctx: AzureContext, subscriptionIds: readonly string[], onPage: (rows: FleetRow[]) => void, signal?: AbortSignal): Promise<void> {
  return queryResourceGraph<FleetRow>(ctx, FLEET_QUERY, subscriptionIds, onPage, signal);
}

/**
 * Runs a query (which must be ordered by a unique column, for paging by offset) over the subscriptions, calling
 * `onPage` with each page in order.
 */
export async function queryResourceGraph<T>(
  ctx: AzureContext,
  query: string,
  subscriptionIds: readonly string[],
  onPage: (rows: T[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const client = rawArmClient(ctx);
  for (let i = 0; i < subscriptionIds.length; i += MAX_SUBSCRIPTIONS_PER_QUERY) {
    const subscriptions = subscriptionIds.slice(i, i + MAX_SUBSCRIPTIONS_PER_QUERY);
    const page = async (options: { skipToken?: string; skip?: number }): Promise<Page<T>> => {
      const response = await client.pathUnchecked('/providers/Microsoft.ResourceGraph/resources').post({
        queryParameters: { 'api-version': RESOURCE_GRAPH_API_VERSION },
        body: {
          subscriptions,
          query,
          options: {
            $top: PAGE_SIZE,
            resultFormat: 'objectArray',
            ...(options.skip !== undefined ? { $skip: options.skip } : {}),
            ...(options.skipToken !== undefined ? { $skipToken: options.skipToken } : {}),
          },
        },
        abortSignal: signal,
      });
      if (response.status !== '200') {
        throw AzureRequestError.fromResponse(response.status, response.body, 'querying Azure Resource Graph');
      }
      const body = response.body as QueryResponseJson<T>;
      return { data: Array.isArray(body.data) ? body.data : [], skipToken: body.$skipToken, totalRecords: body.totalRecords };
    };
    let current = await page({});
    onPage(current.data);
    if (current.skipToken && typeof current.totalRecords === 'number' && current.totalRecords > PAGE_SIZE) {
      current = await pagesByOffset(page, current.totalRecords, onPage);
    }
    // One page after another: without a total, and for rows added since the total was counted.
    while (current.skipToken && current.data.length) {
      current = await page({ skipToken: current.skipToken });
      onPage(current.data);
    }
  }
}

/** Pages 2… of `total` rows by offset, `PAGE_CONCURRENCY` at a time, handed to `onPage` in order; answers the last. */
async function pagesByOffset<T>(page: (options: { skip: number }) => Promise<Page<T>>, total: number, onPage: (rows: T[]) => void): Promise<Page<T>> {
  const offsets: number[] = [];
  for (let skip = PAGE_SIZE; skip < total; skip += PAGE_SIZE) {
    offsets.push(skip);
  }
  const arrived = new Map<number, Page<T>>();
  let delivered = 0;
  let next = 0;
  let last: Page<T> | undefined;
  let failed = false;
  const worker = async () => {
    while (next < offsets.length && !failed) {
      const index = next++;
      try {
        arrived.set(index, await page({ skip: offsets[index] }));
      } catch (err) {
        failed = true; // the other workers ask for no more pages
        throw err;
      }
      for (let p = arrived.get(delivered); p; p = arrived.get(delivered)) {
        arrived.delete(delivered++);
        onPage(p.data);
        last = p;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, offsets.length) }, worker));
  return last!;
}
