/**
 * The bench's view of the emulator: an AzureContext for the product's adapters (the emulator as a custom cloud, the
 * same one the integration tests use), the admin API, and the request log.
 */
import type { AzureContext } from '../../src/azure/azureContext';
import type { RequestLogEntry } from '../emulator/requestLog';
import { admin, azureContext, info } from '../integration/support/azure';

export { admin, info };

export function benchContext(): AzureContext {
  return azureContext();
}

/** Requests the emulator served since the last clear (ARM and vault listeners; never the admin API). */
export async function takeRequests(): Promise<RequestLogEntry[]> {
  const entries = await admin.requests();
  await admin.clearRequests();
  return entries;
}

/** `GET /subscriptions/…/managedClusters/x?api-version=…` → `GET managedClusters/{name}`: what kind of call it was. */
export function requestKind(e: Pick<RequestLogEntry, 'method' | 'path' | 'host'>): string {
  const path = e.path.split('?')[0];
  const armHost = new URL(info.armEndpoint).host;
  if (e.host && e.host !== armHost) return `${e.method} keyvault-data ${path.replace(/\/keys\/[^/]+/, '/keys/{key}')}`;
  const rules: [RegExp, string][] = [
    [/\/providers\/Microsoft\.ResourceGraph\/resources$/i, 'resourceGraph'],
    [/^\/subscriptions$/i, 'subscriptions'],
    [/\/locations\/[^/]+\/operations\/[^/]+$/i, 'managedClusters operation status'],
    [/\/providers\/Microsoft\.ContainerService\/managedClusters$/i, 'managedClusters list'],
    [/\/managedClusters\/[^/]+$/i, 'managedCluster'],
    [/\/features\/[^/]+\/register$/i, 'feature register'],
    [/\/features\/[^/]+$/i, 'feature'],
    [/\/providers\/Microsoft\.ContainerService\/register$/i, 'provider register'],
    [/\/roleAssignments\/[^/]+$/i, 'roleAssignment'],
    [/\/roleAssignments$/i, 'roleAssignments list'],
    [/\/permissions$/i, 'permissions'],
    [/\/checkNameAvailability$/i, 'vault name check'],
    [/\/vaults\/[^/]+\/keys\/[^/]+$/i, 'vault key (ARM)'],
    [/\/vaults\/[^/]+$/i, 'vault'],
    [/\/userAssignedIdentities\/[^/]+$/i, 'identity'],
  ];
  return `${e.method} ${rules.find(([re]) => re.test(path))?.[1] ?? path}`;
}

/** Counts by kind, most frequent first. */
export function countByKind(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(requestKind(e), (counts.get(requestKind(e)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}
