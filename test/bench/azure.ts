/**
 * The bench's view of the emulator: an AzureContext for the product's adapters (the emulator as a custom cloud,
 * exactly as test/integration/support/azure.ts builds it), the admin API, and the request log.
 */
import type { AzureContext } from '../../src/azure/azureContext';
import { resolveCloud } from '../../src/azure/cloud';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import type { EmulatorInfo } from '../emulator/info';
import type { RequestLogEntry } from '../emulator/requestLog';
import { testCredential } from '../emulator/token';

export const info: EmulatorInfo = readEmulatorInfo();
export const admin = emulatorAdmin(info);

export function benchContext(): AzureContext {
  const resolved = resolveCloud('Custom', {
    resourceManagerEndpointUrl: info.armEndpoint,
    keyVaultDnsSuffix: info.keyVaultDnsSuffix,
    keyVaultResource: info.keyVaultResource,
    authenticationProviderId: info.authProviderId,
    portalUrl: info.portalUrl,
    tenantId: info.tenantId,
  });
  if (!resolved.ok) throw new Error(`the emulator's custom cloud does not resolve: ${JSON.stringify(resolved)}`);
  return { cloud: resolved.cloud, credential: testCredential(info) };
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
