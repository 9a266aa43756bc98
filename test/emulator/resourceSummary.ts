// GET /_emulator/resources: what exists right now, as plain ids and counts, in one call — so a test can compare
// the whole fleet before and after a flow ("nothing created twice, nothing the plan did not list") without paging
// through every ARM list. Order is stable (sorted), so two summaries compare with deepEqual.
import { managedClusterId, userAssignedIdentityId, vaultResourceId } from './ids';
import type { FleetState } from './state';

export interface ResourceSummary {
  readonly clusters: string[];
  readonly vaults: string[];
  /** `<vault id>/keys/<name>` → number of versions. */
  readonly keys: Record<string, number>;
  readonly identities: string[];
  /** One entry per assignment: `<scope>|<principalId>|<role definition guid>`, lower case. */
  readonly roleAssignments: string[];
}

export function summarizeResources(fleet: FleetState): ResourceSummary {
  const sorted = (xs: string[]) => xs.sort((a, b) => a.localeCompare(b));
  const keys: Record<string, number> = {};
  for (const v of fleet.vaults) {
    for (const k of v.keys) keys[`${vaultResourceId(v.subscriptionId, v.resourceGroup, v.name)}/keys/${k.name}`] = k.versions.length;
  }
  return {
    clusters: sorted(fleet.clusters.map((c) => managedClusterId(c.subscriptionId, c.resourceGroup, c.name))),
    vaults: sorted(fleet.vaults.map((v) => vaultResourceId(v.subscriptionId, v.resourceGroup, v.name))),
    keys: Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))),
    identities: sorted(fleet.identities.map((i) => userAssignedIdentityId(i.subscriptionId, i.resourceGroup, i.name))),
    roleAssignments: sorted(fleet.roleAssignments.map((a) => `${a.scope}|${a.principalId}|${a.roleDefinitionGuid}`.toLowerCase())),
  };
}
