// What AKS stores from a managed-cluster PUT. The product does GET → modify → PUT on raw JSON, so every
// field of the body is kept, except what the service owns: read-only fields come from the existing
// cluster (or are generated for a new one), identity principal/client ids come from the identity
// resources, and a field the caller's api-version does not know is never changed by that PUT (the
// provider ignores it — AZURE.md "SDK facts").
import { randomUUID } from 'node:crypto';
import { clusterApiVersionHasInfraEncryptionProfile } from './apiVersions';
import { managedClusterId, resourceGroupId, stableGuid, stableHex } from './ids';
import { cloneJson, getPath, isJsonObject, type Json, type JsonObject } from './json';
import { lookup, type FleetState } from './state';
import { managedClusterPutForApiVersion } from './specProjection';

export const INFRA_PROFILE_KEY = 'kubernetesResourceObjectEncryptionProfile';

/** Properties AKS computes; a PUT cannot set them. */
const READ_ONLY_PROPERTIES = [
  'provisioningState', 'powerState', 'maxAgentPools', 'currentKubernetesVersion', 'fqdn', 'azurePortalFQDN', 'privateFQDN',
  'nodeResourceGroup', 'resourceUID',
] as const;
/** Per agent pool. */
const READ_ONLY_POOL_PROPERTIES = ['provisioningState', 'currentOrchestratorVersion', 'nodeImageVersion', 'eTag'] as const;

export interface MergeInput {
  readonly fleet: FleetState;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly apiVersion: string;
  /** The stored cluster (full JSON), absent for a create. */
  readonly existing?: JsonObject;
  readonly put: JsonObject;
}

function objectAt(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isJsonObject(v)) return v;
  const fresh: JsonObject = {};
  obj[key] = fresh;
  return fresh;
}

/** Read-only values for a cluster that does not exist yet, shaped like the seeded ones. */
function generatedReadOnly(id: string, name: string, resourceGroup: string, location: string, props: JsonObject): JsonObject {
  const dnsPrefix = typeof props.dnsPrefix === 'string' ? props.dnsPrefix : `${name}-dns`;
  const hash = stableHex(`fqdn:${id}`, 8);
  return {
    powerState: { code: 'Running' },
    maxAgentPools: 100,
    fqdn: `${dnsPrefix}-${hash}.hcp.${location}.azmk8s.io`,
    azurePortalFQDN: `${dnsPrefix}-${hash}.portal.hcp.${location}.azmk8s.io`,
    // nodeResourceGroup may be chosen at create time only.
    nodeResourceGroup: typeof props.nodeResourceGroup === 'string' ? props.nodeResourceGroup : `MC_${resourceGroup}_${name}_${location}`,
    resourceUID: stableHex(`uid:${id}`, 24),
  };
}

function mergeAgentPools(props: JsonObject, existingProps: JsonObject | undefined): void {
  const existingPools = existingProps && Array.isArray(existingProps.agentPoolProfiles) ? existingProps.agentPoolProfiles : undefined;
  if (!Array.isArray(props.agentPoolProfiles)) {
    // AKS keeps the agent pools of an existing cluster when the PUT leaves them out.
    if (existingPools) props.agentPoolProfiles = cloneJson(existingPools);
    return;
  }
  for (const pool of props.agentPoolProfiles) {
    if (!isJsonObject(pool)) continue;
    const before = existingPools?.find((p): p is JsonObject => isJsonObject(p) && p.name === pool.name);
    for (const k of READ_ONLY_POOL_PROPERTIES) {
      if (before && before[k] !== undefined) pool[k] = before[k];
      else delete pool[k];
    }
  }
}

/** Identity as AKS stores it: principal/client ids filled from the identity resources. */
function mergeIdentity(next: JsonObject, input: MergeInput): void {
  const existingIdentity = input.existing?.identity;
  if (!isJsonObject(next.identity)) {
    if (isJsonObject(existingIdentity)) next.identity = cloneJson(existingIdentity);
    return;
  }
  const identity = next.identity;
  const type = String(identity.type ?? '');
  delete identity.principalId;
  delete identity.tenantId;
  if (type === 'SystemAssigned') {
    const before = isJsonObject(existingIdentity) && typeof existingIdentity.principalId === 'string' ? existingIdentity.principalId : undefined;
    identity.principalId = before ?? stableGuid(`system-principal:${input.subscriptionId}/${input.resourceGroup}/${input.name}`);
    identity.tenantId = input.fleet.tenantId;
  }
  if (type === 'UserAssigned' && isJsonObject(identity.userAssignedIdentities)) {
    for (const key of Object.keys(identity.userAssignedIdentities)) {
      const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(key);
      const resource = m ? lookup.identity(input.fleet, m[1], m[2], m[3]) : undefined;
      // An unknown identity is left empty here; the rules reject it before anything is stored.
      identity.userAssignedIdentities[key] = resource ? { principalId: resource.principalId, clientId: resource.clientId } : {};
    }
  }
}

/**
 * A fresh entity tag for a cluster write (a PUT, or an admin change standing in for another writer). Shaped like
 * AKS's, a GUID (learn.microsoft.com/azure/aks/use-etags, "Find existing ETags"); the spec only says `string`.
 */
export function newClusterETag(): string {
  return randomUUID();
}

/**
 * A change another writer makes to a stored cluster (the fault `concurrentChange`, faults.ts): the kind a user or an
 * autoscaler makes while the product is between its GET and its PUT.
 */
export interface ConcurrentClusterChange {
  /** Tags set (added or overwritten) on the cluster. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Agent pools scaled: `count` of the pool with this `name` (pools not on the cluster are left alone). */
  readonly agentPools?: readonly { readonly name: string; readonly count: number }[];
}

/** Applies `change` to the stored body in place and gives it a new eTag, as any write does. */
export function applyConcurrentClusterChange(body: JsonObject, change: ConcurrentClusterChange): void {
  if (change.tags) body.tags = { ...(isJsonObject(body.tags) ? body.tags : {}), ...change.tags };
  const props = isJsonObject(body.properties) ? body.properties : undefined;
  const pools = props && Array.isArray(props.agentPoolProfiles) ? props.agentPoolProfiles : [];
  for (const c of change.agentPools ?? []) {
    const pool = pools.find((p): p is JsonObject => isJsonObject(p) && p.name === c.name);
    if (!pool) continue;
    pool.count = c.count;
    // An agent-pool operation changes that pool's eTag too (learn.microsoft.com/azure/aks/use-etags, "What would
    // modify existing ETags").
    pool.eTag = newClusterETag();
  }
  body.eTag = newClusterETag();
}

export function mergeClusterPut(input: MergeInput): JsonObject {
  const next = managedClusterPutForApiVersion(input.put, input.existing, input.apiVersion); // drops what the api-version's spec lacks
  delete next.systemData;
  const existing = input.existing;
  const id = typeof existing?.id === 'string' ? existing.id : managedClusterId(input.subscriptionId, input.resourceGroup, input.name);
  next.id = id;
  next.name = typeof existing?.name === 'string' ? existing.name : input.name;
  next.type = 'Microsoft.ContainerService/ManagedClusters';
  // The location never changes after creation.
  if (existing?.location !== undefined) next.location = existing.location;
  // eTag is read-only (managedClusters.json, ManagedCluster.eTag, readOnly): whatever the body says, every write
  // stores a new one, so a PUT built from an older GET no longer matches it (If-Match → 412, routes/managedClusters.ts).
  next.eTag = newClusterETag();

  const props = objectAt(next, 'properties');
  const existingProps = isJsonObject(existing?.properties) ? existing.properties : undefined;
  const readOnly: JsonObject = existingProps ?? generatedReadOnly(id, String(next.name), input.resourceGroup, String(next.location ?? ''), props);
  for (const k of READ_ONLY_PROPERTIES) {
    const v: Json | undefined = readOnly[k];
    if (v !== undefined) props[k] = cloneJson(v);
    else delete props[k];
  }
  if (!existingProps && typeof props.kubernetesVersion !== 'string') props.kubernetesVersion = '1.33.2';
  if (!existingProps) props.currentKubernetesVersion = props.kubernetesVersion;
  if (existingProps && !isJsonObject(props.identityProfile) && isJsonObject(existingProps.identityProfile)) props.identityProfile = cloneJson(existingProps.identityProfile);
  if (!existingProps && !isJsonObject(props.identityProfile)) {
    const mc = resourceGroupId(input.subscriptionId, String(props.nodeResourceGroup));
    props.identityProfile = {
      kubeletidentity: {
        resourceId: `${mc}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${input.name}-agentpool`,
        clientId: stableGuid(`kubelet-client:${id}`),
        objectId: stableGuid(`kubelet-object:${id}`),
      },
    };
  }
  mergeAgentPools(props, existingProps);

  // A field the caller's api-version does not define keeps its stored value, whatever the body says.
  if (!clusterApiVersionHasInfraEncryptionProfile(input.apiVersion)) {
    const stored = getPath(existing, ['properties', 'securityProfile', INFRA_PROFILE_KEY]);
    const sp = isJsonObject(props.securityProfile) ? props.securityProfile : undefined;
    if (stored !== undefined) objectAt(props, 'securityProfile')[INFRA_PROFILE_KEY] = cloneJson(stored);
    else if (sp) delete sp[INFRA_PROFILE_KEY];
  }
  // keyVaultNetworkAccess defaults to Public (managedClusters.json) when KMS is on and it is left out.
  const kms = getPath(props, ['securityProfile', 'azureKeyVaultKms']);
  if (isJsonObject(kms) && kms.enabled === true && kms.keyVaultNetworkAccess === undefined) kms.keyVaultNetworkAccess = 'Public';

  mergeIdentity(next, input);
  return next;
}
