/**
 * Fleet listing through Azure Resource Graph: one paged query across all selected subscriptions instead of a
 * managed-clusters list call per subscription (DESIGN.md, "Fleet listing at scale").
 */
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { FleetRow } from '../kms/fleet';
import { AzureContext, armClientOptions } from './azureContext';

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

/** Runs the fleet query over the subscriptions, calling `onPage` as each page arrives (so the tree fills in early). */
export async function queryFleet(
  ctx: AzureContext,
  subscriptionIds: readonly string[],
  onPage: (rows: FleetRow[]) => void,
  signal?: AbortSignal,
): Promise<void> {
  const client = new ResourceGraphClient(ctx.credential, armClientOptions(ctx));
  for (let i = 0; i < subscriptionIds.length; i += MAX_SUBSCRIPTIONS_PER_QUERY) {
    const subscriptions = subscriptionIds.slice(i, i + MAX_SUBSCRIPTIONS_PER_QUERY);
    let skipToken: string | undefined;
    do {
      const response = await client.resources(
        { subscriptions, query: FLEET_QUERY, options: { top: PAGE_SIZE, skipToken, resultFormat: 'objectArray' } },
        { abortSignal: signal },
      );
      onPage(Array.isArray(response.data) ? (response.data as FleetRow[]) : []);
      skipToken = response.skipToken;
    } while (skipToken);
  }
}
