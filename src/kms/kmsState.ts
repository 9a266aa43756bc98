/**
 * Classifies a cluster's KMS (etcd encryption) state from its security profile — the decision behind the tree's
 * description, icon and context menus. Pure: plain JSON in, plain data out.
 */
import { KeyId, parseKeyId } from './keyId';
import { ManagedClusterJson, SecurityProfileJson } from './managedCluster';
import { supportsNewKms } from './kubernetesVersion';

/**
 * - `notEncrypted`: neither platform nor customer keys.
 * - `pmk`: platform-managed keys (infrastructure encryption Enabled, Key Vault KMS off).
 * - `cmk`: customer-managed key, new experience (versionless key ID).
 * - `legacy`: Key Vault KMS with a versioned key ID — the legacy experience (manual re-encryption after rotation).
 * - `unknown`: the source omitted the preview-only field, so PMK cannot be told from "not encrypted" yet.
 */
export type KmsKind = 'notEncrypted' | 'pmk' | 'cmk' | 'legacy' | 'unknown';
export type KeyVaultNetworkAccess = 'Public' | 'Private';

export interface KmsState {
  readonly kind: KmsKind;
  /** Whether infrastructure encryption (platform keys) is on; undefined when the source did not say. */
  readonly infrastructureEncryption?: boolean;
  readonly keyId?: string;
  /** Parsed key ID; undefined when the key ID is missing or malformed. */
  readonly key?: KeyId;
  readonly keyVaultNetworkAccess?: KeyVaultNetworkAccess;
  readonly keyVaultResourceId?: string;
}

/**
 * @param previewFieldsKnown whether the source would include `kubernetesResourceObjectEncryptionProfile` if set
 *   (true for a GET at a preview api-version; for Resource Graph only when the index is seen to carry the field).
 */
export function kmsStateOf(securityProfile: SecurityProfileJson | undefined, previewFieldsKnown: boolean): KmsState {
  const kms = securityProfile?.azureKeyVaultKms;
  const infraValue = securityProfile?.kubernetesResourceObjectEncryptionProfile?.infrastructureEncryption;
  const infrastructureEncryption = infraValue !== undefined ? infraValue.toLowerCase() === 'enabled' : previewFieldsKnown ? false : undefined;

  if (kms?.enabled) {
    const parsed = kms.keyId ? parseKeyId(kms.keyId) : undefined;
    const key = parsed?.ok ? parsed.keyId : undefined;
    const keyVaultNetworkAccess: KeyVaultNetworkAccess = kms.keyVaultNetworkAccess?.toLowerCase() === 'private' ? 'Private' : 'Public';
    // A versioned key ID selects the legacy experience (spec: AzureKeyVaultKms.keyId, 2026-07-01 onwards).
    const kind: KmsKind = key?.version ? 'legacy' : 'cmk';
    return { kind, infrastructureEncryption, keyId: kms.keyId, key, keyVaultNetworkAccess, keyVaultResourceId: kms.keyVaultResourceId };
  }
  if (infrastructureEncryption === true) {
    return { kind: 'pmk', infrastructureEncryption };
  }
  if (infrastructureEncryption === undefined) {
    return { kind: 'unknown' };
  }
  return { kind: 'notEncrypted', infrastructureEncryption };
}

export type IdentityKind = 'userAssigned' | 'systemAssigned' | 'none';

/** What the tree and the rules need to know about a cluster, whatever source it came from. */
export interface ClusterFacts {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location?: string;
  readonly kubernetesVersion?: string;
  readonly provisioningState?: string;
  readonly identity: IdentityKind;
  readonly userAssignedIdentityIds: readonly string[];
  readonly apiServerVnetIntegration: boolean;
  readonly kms: KmsState;
}

export function identityKindOf(identity: ManagedClusterJson['identity']): IdentityKind {
  const type = identity?.type?.toLowerCase() ?? '';
  if (type.includes('userassigned')) {
    return 'userAssigned';
  }
  return type.includes('systemassigned') ? 'systemAssigned' : 'none';
}

/** Facts from a full managed cluster (GET at a preview api-version, so preview fields are known). */
export function clusterFactsOf(cluster: ManagedClusterJson, previewFieldsKnown = true): ClusterFacts {
  const idParts = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(cluster.id);
  const props = cluster.properties ?? {};
  return {
    id: cluster.id,
    name: cluster.name,
    subscriptionId: idParts?.[1] ?? '',
    resourceGroup: idParts?.[2] ?? '',
    location: cluster.location,
    kubernetesVersion: props.currentKubernetesVersion ?? props.kubernetesVersion,
    provisioningState: props.provisioningState,
    identity: identityKindOf(cluster.identity),
    userAssignedIdentityIds: Object.keys(cluster.identity?.userAssignedIdentities ?? {}),
    apiServerVnetIntegration: props.apiServerAccessProfile?.enableVnetIntegration === true,
    kms: kmsStateOf(props.securityProfile, previewFieldsKnown),
  };
}

/** Whether the cluster meets the Kubernetes version rule for PMK and the new CMK experience. */
export function meetsVersionRule(facts: ClusterFacts): boolean {
  return supportsNewKms(facts.kubernetesVersion);
}
