// Deterministic identifiers for the seeded fleet.
// Why: tests import SEED and must know every GUID and key version the emulator will serve, in any
// process and after any reset, so ids are derived from stable labels instead of being random.
import { createHash } from 'node:crypto';

function sha256Hex(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** A version-4-shaped GUID derived from `label` (same label → same GUID, everywhere). */
export function stableGuid(label: string): string {
  const h = sha256Hex(label);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lower-case hex of `length` characters derived from `label` (Key Vault versions are 32 hex chars). */
export function stableHex(label: string, length = 32): string {
  return sha256Hex(label).slice(0, length);
}

export function subscriptionResourceId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function managedClusterId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

/** A seeded cluster's own virtual network, `vnet-<cluster>` in the cluster's resource group. */
export function clusterVnetId(subscriptionId: string, resourceGroup: string, clusterName: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.Network/virtualNetworks/vnet-${clusterName}`;
}

/** The custom subnet a seeded cluster's agent pool runs in (`vnetSubnetID`). */
export function clusterNodesSubnetId(subscriptionId: string, resourceGroup: string, clusterName: string): string {
  return `${clusterVnetId(subscriptionId, resourceGroup, clusterName)}/subnets/nodes-subnet`;
}

export function vaultResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.KeyVault/vaults/${name}`;
}

export function userAssignedIdentityId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

/**
 * The service principal object id of a user-assigned identity, derived from its resource id parts, so a
 * seeded identity and one created later under the same name get the same ids (as tests expect).
 */
export function identityPrincipalId(subscriptionId: string, resourceGroup: string, name: string): string {
  return stableGuid(`principal:${subscriptionId}/${resourceGroup}/${name}`.toLowerCase());
}

export function identityClientId(subscriptionId: string, resourceGroup: string, name: string): string {
  return stableGuid(`client:${subscriptionId}/${resourceGroup}/${name}`.toLowerCase());
}

export function featureId(subscriptionId: string, namespace: string, name: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Features/providers/${namespace}/features/${name}`;
}

/** Built-in role definition ids are subscription-relative (or tenant-level `/providers/…` outside one). */
export function roleDefinitionResourceId(subscriptionId: string | undefined, guid: string): string {
  return `${subscriptionId ? `/subscriptions/${subscriptionId}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

export function roleAssignmentResourceId(scope: string, name: string): string {
  return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
