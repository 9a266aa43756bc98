// The emulator's directory (Entra ID) for role assignments: which object ids exist and of what type.
// Why derived from the fleet: every principal the emulator knows is either the signed-in user or an
// identity that a resource carries (user-assigned identities, cluster system-assigned and kubelet ids).
import { getPath, isJsonObject } from './json';
import type { FleetState, PrincipalType } from './state';

export interface DirectoryPrincipal {
  readonly id: string;
  readonly type: PrincipalType;
}

function clusterPrincipals(fleet: FleetState): string[] {
  const ids: string[] = [];
  for (const c of fleet.clusters) {
    const systemAssigned = getPath(c.body, ['identity', 'principalId']);
    if (typeof systemAssigned === 'string') ids.push(systemAssigned);
    const kubelet = getPath(c.body, ['properties', 'identityProfile', 'kubeletidentity', 'objectId']);
    if (typeof kubelet === 'string') ids.push(kubelet);
    const ua = getPath(c.body, ['identity', 'userAssignedIdentities']);
    if (isJsonObject(ua)) for (const v of Object.values(ua)) if (isJsonObject(v) && typeof v.principalId === 'string') ids.push(v.principalId);
  }
  return ids;
}

export function findPrincipal(fleet: FleetState, objectId: string): DirectoryPrincipal | undefined {
  const id = objectId.toLowerCase();
  if (fleet.userObjectId.toLowerCase() === id) return { id: fleet.userObjectId, type: 'User' };
  const identity = fleet.identities.find((i) => i.principalId.toLowerCase() === id);
  if (identity) return { id: identity.principalId, type: 'ServicePrincipal' };
  const fromCluster = clusterPrincipals(fleet).find((p) => p.toLowerCase() === id);
  return fromCluster ? { id: fromCluster, type: 'ServicePrincipal' } : undefined;
}
