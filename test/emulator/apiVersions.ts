// The api-versions each emulated service accepts: what the real SDK clients in node_modules send,
// the version of the saved spec (../shared/azure-specs), and a few neighbours real Azure also serves.
// An unlisted version gets ARM's 400 InvalidApiVersionParameter (Key Vault: BadParameter).

/** Microsoft.Resources subscriptions (`@azure/arm-resources-subscriptions` 2.1.1 and the spec: 2022-12-01). */
export const SUBSCRIPTIONS_API_VERSIONS = ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'] as const;

/** Microsoft.ResourceGraph `resources` (the spec: 2024-04-01; the product sends it over REST). */
export const RESOURCE_GRAPH_API_VERSIONS = ['2021-03-01', '2022-10-01', '2024-04-01'] as const;

/** Microsoft.KeyVault management plane (`@azure/arm-keyvault` 5.0.0 sends 2026-02-01; the saved spec is 2025-05-01). */
export const KEYVAULT_MGMT_API_VERSIONS = ['2023-07-01', '2024-11-01', '2025-05-01', '2026-02-01'] as const;

/** Key Vault data plane (`@azure/keyvault-keys` 4.10.2 sends 2025-07-01; the saved spec is 2026-04-01). */
export const KEYVAULT_DATA_API_VERSIONS = ['7.4', '7.5', '7.6', '2025-07-01', '2026-04-01'] as const;

/**
 * Microsoft.ContainerService managedClusters, from azure-specs/INDEX.md "KMS field availability":
 * every preview folder found from 2025-06-02-preview on, the stable 2026-10-01, and two older versions
 * (2025-05-02-preview, 2024-09-01) that predate `kubernetesResourceObjectEncryptionProfile`.
 */
export const MANAGED_CLUSTER_API_VERSIONS = [
  '2024-09-01',
  '2025-05-02-preview',
  '2025-06-02-preview',
  '2025-07-02-preview',
  '2025-08-02-preview',
  '2025-10-02-preview',
  '2026-01-02-preview',
  '2026-02-02-preview',
  '2026-03-02-preview',
  '2026-04-02-preview',
  '2026-05-02-preview',
  '2026-06-02-preview',
  '2026-07-02-preview',
  '2026-08-02-preview',
  '2026-10-01',
  '2026-10-02-preview',
] as const;

const WITHOUT_INFRA_ENCRYPTION_PROFILE = new Set(['2024-09-01', '2025-05-02-preview']);

/**
 * Whether a managed-cluster api-version knows `securityProfile.kubernetesResourceObjectEncryptionProfile`.
 * A provider answers only with what the caller's api-version defines, so older versions never echo it.
 */
export function clusterApiVersionHasInfraEncryptionProfile(apiVersion: string): boolean {
  return !WITHOUT_INFRA_ENCRYPTION_PROFILE.has(apiVersion.toLowerCase());
}

export function isAccepted(accepted: readonly string[], apiVersion: string): boolean {
  const v = apiVersion.toLowerCase();
  return accepted.some((a) => a.toLowerCase() === v);
}

/** Microsoft.Features (`@azure/arm-features` 3.1.0 and the saved spec: 2021-07-01). */
export const FEATURES_API_VERSIONS = ['2015-12-01', '2021-07-01'] as const;

/** Microsoft.Resources providers (`@azure/arm-resources` 7.0.0 and the saved resources.json: 2025-04-01). */
export const PROVIDERS_API_VERSIONS = ['2021-04-01', '2022-09-01', '2022-12-01', '2024-03-01', '2024-11-01', '2025-03-01', '2025-04-01'] as const;

/** Microsoft.Authorization role definitions and assignments (`@azure/arm-authorization` 9.0.0 and the spec: 2022-04-01). */
export const AUTHORIZATION_API_VERSIONS = ['2022-04-01'] as const;

/** Microsoft.ManagedIdentity (`@azure/arm-msi` 2.2.0 and the saved spec: 2024-11-30; 2023-01-31 has the same shape). */
export const MSI_API_VERSIONS = ['2023-01-31', '2024-11-30'] as const;
