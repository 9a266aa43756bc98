/**
 * The slice of a managed cluster's JSON that KMS decisions read. Clusters are handled as raw JSON at a preview
 * api-version (no published SDK models `kubernetesResourceObjectEncryptionProfile`), so this is a structural view,
 * not a full model: every other field is carried along untouched by the adapters.
 */

export interface AzureKeyVaultKmsJson {
  enabled?: boolean;
  keyId?: string;
  keyVaultNetworkAccess?: string;
  keyVaultResourceId?: string;
}

export interface SecurityProfileJson {
  azureKeyVaultKms?: AzureKeyVaultKmsJson;
  kubernetesResourceObjectEncryptionProfile?: { infrastructureEncryption?: string };
  [other: string]: unknown;
}

export interface ManagedIdentityJson {
  type?: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

export interface ManagedClusterJson {
  id: string;
  name: string;
  location?: string;
  identity?: ManagedIdentityJson;
  properties?: {
    kubernetesVersion?: string;
    currentKubernetesVersion?: string;
    provisioningState?: string;
    apiServerAccessProfile?: { enableVnetIntegration?: boolean; [other: string]: unknown };
    securityProfile?: SecurityProfileJson;
    [other: string]: unknown;
  };
  [other: string]: unknown;
}
