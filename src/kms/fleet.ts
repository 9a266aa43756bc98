/**
 * Fleet rows from Azure Resource Graph → ClusterFacts. The index may omit preview-only fields (AZURE.md), so a
 * missing `kubernetesResourceObjectEncryptionProfile` means "unknown" unless the page shows the index carries it.
 */
import { ClusterFacts, identityKindOf, kmsStateOf } from './kmsState';
import { supportsNewKms } from './kubernetesVersion';
import { ManagedClusterJson, SecurityProfileJson } from './managedCluster';

/** The columns the fleet query projects (see src/azure/resourceGraph.ts). */
export interface FleetRow {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  identity?: ManagedClusterJson['identity'] | null;
  kubernetesVersion?: string | null;
  currentKubernetesVersion?: string | null;
  provisioningState?: string | null;
  apiServerAccessProfile?: { enableVnetIntegration?: boolean } | null;
  securityProfile?: SecurityProfileJson | null;
}

/** True when at least one row carries the preview field — then the index knows it, and absence means "not set". */
export function indexCarriesPreviewFields(rows: readonly FleetRow[]): boolean {
  return rows.some(r => r.securityProfile?.kubernetesResourceObjectEncryptionProfile !== undefined);
}

export function clusterFactsFromRow(row: FleetRow, previewFieldsKnown: boolean): ClusterFacts {
  const identity = row.identity ?? undefined;
  const kubernetesVersion = row.currentKubernetesVersion ?? row.kubernetesVersion ?? undefined;
  // Platform keys need Kubernetes 1.33 or later (rule k8s-too-old): below that, a missing preview field cannot hide
  // PMK, so the cluster is known to be not encrypted without a confirming read.
  const previewKnownHere = previewFieldsKnown || (kubernetesVersion !== undefined && !supportsNewKms(kubernetesVersion));
  return {
    id: row.id,
    name: row.name,
    subscriptionId: row.subscriptionId,
    resourceGroup: row.resourceGroup,
    location: row.location,
    kubernetesVersion,
    provisioningState: row.provisioningState ?? undefined,
    identity: identityKindOf(identity),
    userAssignedIdentityIds: Object.keys(identity?.userAssignedIdentities ?? {}),
    apiServerVnetIntegration: row.apiServerAccessProfile?.enableVnetIntegration === true,
    kms: kmsStateOf(row.securityProfile ?? undefined, previewKnownHere),
  };
}

/**
 * Once a page shows that the index carries the preview field, the facts reported before it, classified again from
 * their rows' security profiles (`unsureProfiles`, parallel to the first facts: only the KMS state depends on the
 * field). `changed` are the ones to report again: each report redraws its row, and ten thousand unchanged ones cost
 * the extension host and the workbench.
 */
export function reclassifiedFacts(reported: readonly ClusterFacts[], unsureProfiles: readonly (SecurityProfileJson | null | undefined)[]): { facts: ClusterFacts[]; changed: ClusterFacts[] } {
  const facts = reported.map((f, i) => (i < unsureProfiles.length ? { ...f, kms: kmsStateOf(unsureProfiles[i] ?? undefined, true) } : f));
  const changed = facts.slice(0, unsureProfiles.length).filter((f, i) => f.kms.kind !== 'unknown' && JSON.stringify(f.kms) !== JSON.stringify(reported[i].kms));
  return { facts, changed };
}
