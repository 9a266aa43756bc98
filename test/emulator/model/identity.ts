// Renders a user-assigned managed identity (`Identity` in ManagedIdentity.json 2024-11-30,
// IdentityGet.json example). No systemData: the saved v4 common types cannot describe it (INDEX.md).
import { userAssignedIdentityId } from '../ids';
import type { JsonObject } from '../json';
import type { IdentityRecord } from '../state';

export function renderIdentity(i: IdentityRecord, tenantId: string): JsonObject {
  return {
    id: userAssignedIdentityId(i.subscriptionId, i.resourceGroup, i.name),
    name: i.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: i.location,
    tags: { ...i.tags },
    properties: { tenantId, principalId: i.principalId, clientId: i.clientId, isolationScope: 'None' },
  };
}
