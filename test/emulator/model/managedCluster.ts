// Builds a seeded managed cluster as the raw ARM JSON AKS returns, shaped like the official example
// ManagedClustersGet.json and the 2026-10-02-preview `ManagedCluster` schema, plus the KMS settings of
// the CONTRACTS.md table.
import { clusterNodesSubnetId, clusterVnetId, stableGuid, stableHex, managedClusterId, resourceGroupId } from '../ids';
import type { JsonObject } from '../json';
import type { SeedCluster } from '../seed';

export interface ClusterBuildContext {
  readonly tenantId: string;
  /** `https://127.0.0.1:<port>/keys/<key>` (versionless) or with `/<version>` when `version` is given. */
  keyId(vault: string, key: string, version?: string): string;
  vaultResourceId(vault: string): string;
  /** Version ids of a seeded key, oldest first. */
  keyVersions(vault: string, key: string): readonly string[];
}

function securityProfile(c: SeedCluster, ctx: ClusterBuildContext): JsonObject {
  const profile: JsonObject = {};
  const infra: JsonObject = { infrastructureEncryption: 'Enabled' };
  switch (c.kms) {
    case 'none':
      break;
    case 'pmk':
      profile.kubernetesResourceObjectEncryptionProfile = infra;
      break;
    case 'cmk-public':
    case 'cmk-private':
      // New KMS experience: versionless key id, resource id sent for both network modes (AZURE.md).
      profile.azureKeyVaultKms = {
        enabled: true,
        keyId: ctx.keyId(c.vault!, c.key!),
        keyVaultNetworkAccess: c.kms === 'cmk-private' ? 'Private' : 'Public',
        keyVaultResourceId: ctx.vaultResourceId(c.vault!),
      };
      profile.kubernetesResourceObjectEncryptionProfile = infra;
      break;
    case 'legacy': {
      // Legacy KMS: a versioned key id and no infrastructure encryption; Public leaves the resource id empty.
      const versions = ctx.keyVersions(c.vault!, c.key!);
      profile.azureKeyVaultKms = {
        enabled: true,
        keyId: ctx.keyId(c.vault!, c.key!, versions[c.pinnedVersionIndex ?? 0]),
        keyVaultNetworkAccess: 'Public',
      };
      break;
    }
  }
  return profile;
}

/** The cluster's `identity` block; none for a cluster that runs with a service principal. */
function identity(c: SeedCluster, ctx: ClusterBuildContext): JsonObject | undefined {
  if (c.identity.type === 'ServicePrincipal') {
    return undefined;
  }
  if (c.identity.type === 'SystemAssigned') {
    return { type: 'SystemAssigned', principalId: c.identity.principalId, tenantId: ctx.tenantId };
  }
  return {
    type: 'UserAssigned',
    userAssignedIdentities: {
      [c.identity.resourceId!]: { principalId: c.identity.principalId, clientId: c.identity.clientId! },
    },
  };
}

export function buildManagedClusterJson(c: SeedCluster, ctx: ClusterBuildContext): JsonObject {
  const id = managedClusterId(c.subscriptionId, c.resourceGroup, c.name);
  const dnsPrefix = `${c.name}-dns`;
  const fqdnHash = stableHex(`fqdn:${id}`, 8);
  const nodeResourceGroup = `MC_${c.resourceGroup}_${c.name}_${c.location}`;
  const mcGroupId = resourceGroupId(c.subscriptionId, nodeResourceGroup);
  const kubeletIdentityId = `${mcGroupId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${c.name}-agentpool`;
  const vnetId = clusterVnetId(c.subscriptionId, c.resourceGroup, c.name);
  const apiServerAccessProfile: JsonObject = c.vnetIntegration
    ? { enablePrivateCluster: false, enableVnetIntegration: true, subnetId: `${vnetId}/subnets/apiserver-subnet` }
    : { enablePrivateCluster: false };

  return {
    id,
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: c.location,
    tags: { owner: 'platform-team' },
    eTag: stableHex(`etag:${id}`, 16),
    kind: 'Base',
    sku: { name: 'Base', tier: 'Standard' },
    ...(c.identity.type === 'ServicePrincipal' ? {} : { identity: identity(c, ctx) }),
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      maxAgentPools: 100,
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.kubernetesVersion,
      dnsPrefix,
      fqdn: `${dnsPrefix}-${fqdnHash}.hcp.${c.location}.azmk8s.io`,
      azurePortalFQDN: `${dnsPrefix}-${fqdnHash}.portal.hcp.${c.location}.azmk8s.io`,
      agentPoolProfiles: [
        {
          name: 'nodepool1',
          count: 3,
          vmSize: 'Standard_D4ds_v5',
          osDiskSizeGB: 128,
          osDiskType: 'Ephemeral',
          kubeletDiskType: 'OS',
          vnetSubnetID: clusterNodesSubnetId(c.subscriptionId, c.resourceGroup, c.name),
          maxPods: 250,
          type: 'VirtualMachineScaleSets',
          availabilityZones: ['1', '2', '3'],
          enableAutoScaling: false,
          provisioningState: 'Succeeded',
          powerState: { code: 'Running' },
          orchestratorVersion: c.kubernetesVersion,
          currentOrchestratorVersion: c.kubernetesVersion,
          enableNodePublicIP: false,
          mode: 'System',
          osType: 'Linux',
          osSKU: 'Ubuntu',
          nodeImageVersion: `AKSUbuntu-2204gen2containerd-202611.10.0`,
          upgradeSettings: { maxSurge: '10%' },
          enableFIPS: false,
          eTag: stableHex(`etag:${id}/nodepool1`, 16),
        },
      ],
      // 'msi' marks a managed-identity cluster; a service-principal cluster names its application (client ID).
      servicePrincipalProfile: { clientId: c.identity.type === 'ServicePrincipal' ? c.identity.clientId! : 'msi' },
      nodeResourceGroup,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: 'none',
        networkDataplane: 'azure',
        loadBalancerSku: 'standard',
        loadBalancerProfile: {
          managedOutboundIPs: { count: 1 },
          effectiveOutboundIPs: [{ id: `${mcGroupId}/providers/Microsoft.Network/publicIPAddresses/${stableGuid(`pip:${id}`)}` }],
          backendPoolType: 'NodeIPConfiguration',
        },
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        outboundType: 'loadBalancer',
        podCidrs: ['10.244.0.0/16'],
        serviceCidrs: ['10.0.0.0/16'],
        ipFamilies: ['IPv4'],
      },
      aadProfile: { managed: true, enableAzureRBAC: true, tenantID: ctx.tenantId },
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
      apiServerAccessProfile,
      // A service-principal cluster's kubelet runs as that service principal: no kubelet identity.
      ...(c.identity.type === 'ServicePrincipal'
        ? {}
        : {
            identityProfile: {
              kubeletidentity: {
                resourceId: kubeletIdentityId,
                clientId: stableGuid(`kubelet-client:${id}`),
                objectId: stableGuid(`kubelet-object:${id}`),
              },
            },
          }),
      disableLocalAccounts: false,
      securityProfile: securityProfile(c, ctx),
      storageProfile: {
        diskCSIDriver: { enabled: true },
        fileCSIDriver: { enabled: true },
        snapshotController: { enabled: true },
      },
      oidcIssuerProfile: { enabled: false },
      resourceUID: stableHex(`uid:${id}`, 24),
    },
  };
}
