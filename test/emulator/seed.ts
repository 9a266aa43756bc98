// The seeded fleet of docs/CONTRACTS.md ("The seeded fleet"), as plain data.
// Why data and not code: tests import SEED to know names, ids and key ages without talking to the
// emulator, and state.ts turns the same data into live resources at the emulator clock's "now".
import { clusterNodesSubnetId, identityClientId, identityPrincipalId, stableGuid, stableHex, userAssignedIdentityId, vaultResourceId } from './ids';
import { KEY_VAULT_CONTRIBUTOR, KEY_VAULT_CRYPTO_OFFICER, KEY_VAULT_CRYPTO_USER, NETWORK_CONTRIBUTOR, OWNER } from './roles';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** The KMS states of the CONTRACTS.md table. */
export type SeedKmsState = 'none' | 'pmk' | 'cmk-public' | 'cmk-private' | 'legacy';

export interface SeedSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  /** Where this subscription's resources live. */
  readonly location: string;
  /** The directory (Entra tenant) the subscription belongs to; the home tenant when absent. */
  readonly tenantId?: string;
}

/** A directory the seeded user belongs to (GET /tenants). */
export interface SeedTenant {
  readonly tenantId: string;
  readonly displayName: string;
  readonly defaultDomain: string;
  /**
   * Conditional access (MFA) in this directory: a token for it is not handed out silently until the user signs in to
   * it interactively. Entra enforces that when the token is issued, so it is the sign-in extension that plays it
   * (test/emulator-auth); the emulator only lists the flag in its info file.
   */
  readonly requiresInteractiveSignIn?: boolean;
}

export interface SeedKeyVersion {
  /** 32 lower-case hex characters, like Key Vault's. */
  readonly version: string;
  /** Age at seeding time; `created` = seeding "now" − ageMs. */
  readonly ageMs: number;
}

export interface SeedRotationPolicy {
  readonly timeAfterCreate: string;
  readonly expiryTime: string;
}

export interface SeedKey {
  readonly name: string;
  /** Oldest first; the last one is the current version. */
  readonly versions: readonly SeedKeyVersion[];
  readonly rotationPolicy?: SeedRotationPolicy;
}

export interface SeedVault {
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** networkAcls.defaultAction = Deny with bypass AzureServices. */
  readonly firewall: boolean;
  readonly purgeProtection: boolean;
  readonly keys: readonly SeedKey[];
}

export interface SeedIdentity {
  /**
   * ServicePrincipal: a cluster without a managed identity (no `identity` block; `servicePrincipalProfile.clientId` is
   * the application's client ID), as clusters created with `--service-principal` still run.
   */
  readonly type: 'UserAssigned' | 'SystemAssigned' | 'ServicePrincipal';
  /** UserAssigned: the ARM id of `id-<cluster>`; otherwise undefined. */
  readonly resourceId?: string;
  /** The principal's object ID (for ServicePrincipal, the service principal's). */
  readonly principalId: string;
  /** UserAssigned: the identity's client ID; ServicePrincipal: the application's client ID. */
  readonly clientId?: string;
}

export interface SeedCluster {
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly kubernetesVersion: string;
  readonly identity: SeedIdentity;
  /** API Server VNet Integration (apiServerAccessProfile.enableVnetIntegration). */
  readonly vnetIntegration: boolean;
  readonly kms: SeedKmsState;
  readonly vault?: string;
  readonly key?: string;
  /** legacy KMS only: index into the key's versions that the versioned key id is pinned to. */
  readonly pinnedVersionIndex?: number;
}

const TENANT_ID = '7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60';
/** A partner directory the user is a guest in, with a subscription of its own. */
const PARTNER_TENANT_ID = '5e1d4c3b-2a19-4f08-8e7d-6c5b4a392817';
/** A directory whose conditional access asks for an interactive sign-in (MFA) before any token. */
const MFA_TENANT_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d';

const TENANTS: readonly SeedTenant[] = [
  { tenantId: TENANT_ID, displayName: 'Contoso', defaultDomain: 'contoso.example' },
  { tenantId: PARTNER_TENANT_ID, displayName: 'Fabrikam Partners', defaultDomain: 'fabrikampartners.example' },
  { tenantId: MFA_TENANT_ID, displayName: 'Woodgrove Bank', defaultDomain: 'woodgrovebank.example', requiresInteractiveSignIn: true },
];
const USER_OBJECT_ID = '0b8a6c9e-2f4d-4e1a-8c3b-5d6e7f809a1b';

const SUB1 = '11111111-1111-4111-8111-111111111111';
const SUB2 = '22222222-2222-4222-8222-222222222222';
const SUB3 = '33333333-3333-4333-8333-333333333333';
const SUB4 = '44444444-4444-4444-8444-444444444444';
const SUB5 = '55555555-5555-4555-8555-555555555555';
const SUB6 = '66666666-6666-4666-8666-666666666666';

const SUBSCRIPTIONS: readonly SeedSubscription[] = [
  { subscriptionId: SUB1, displayName: 'Contoso Production', location: 'eastus' },
  { subscriptionId: SUB2, displayName: 'Contoso Staging', location: 'eastus' },
  { subscriptionId: SUB3, displayName: 'Fabrikam Platform', location: 'westeurope' },
  { subscriptionId: SUB4, displayName: 'Contoso Sandbox', location: 'eastus' },
];

/**
 * Subscriptions of the other directories. Kept apart from SUBSCRIPTIONS: a token for the home tenant (every test that
 * does not pick a tenant) sees only the home tenant's subscriptions, as in Azure.
 */
const OTHER_TENANT_SUBSCRIPTIONS: readonly SeedSubscription[] = [
  { subscriptionId: SUB5, displayName: 'Partner Workloads', location: 'westeurope', tenantId: PARTNER_TENANT_ID },
  { subscriptionId: SUB6, displayName: 'Woodgrove Payments', location: 'eastus', tenantId: MFA_TENANT_ID },
];

function locationOf(subscriptionId: string): string {
  const sub = [...SUBSCRIPTIONS, ...OTHER_TENANT_SUBSCRIPTIONS].find((s) => s.subscriptionId === subscriptionId);
  if (!sub) throw new Error(`seed: unknown subscription ${subscriptionId}`);
  return sub.location;
}

function key(vault: string, name: string, agesMs: readonly number[], rotationPolicy?: SeedRotationPolicy): SeedKey {
  return {
    name,
    versions: agesMs.map((ageMs, i) => ({ version: stableHex(`keyversion:${vault}/${name}/${i}`), ageMs })),
    ...(rotationPolicy ? { rotationPolicy } : {}),
  };
}

function vault(name: string, subscriptionId: string, resourceGroup: string, opts: { firewall: boolean; purgeProtection: boolean }, keys: (v: string) => SeedKey[]): SeedVault {
  return { name, subscriptionId, resourceGroup, location: locationOf(subscriptionId), ...opts, keys: keys(name) };
}

const ROTATE_90D: SeedRotationPolicy = { timeAfterCreate: 'P90D', expiryTime: 'P1Y' };

const VAULTS: readonly SeedVault[] = [
  vault('kvprodpublic', SUB1, 'rg-prod', { firewall: false, purgeProtection: true }, (v) => [key(v, 'aks-kms', [200 * DAY_MS, 100 * DAY_MS, 12 * DAY_MS], ROTATE_90D)]),
  vault('kvprodprivate', SUB1, 'rg-prod-secure', { firewall: true, purgeProtection: true }, (v) => [key(v, 'aks-kms', [400 * DAY_MS, 30 * DAY_MS])]),
  vault('kvstglegacy', SUB2, 'rg-stg', { firewall: false, purgeProtection: false }, (v) => [key(v, 'etcd-key', [120 * DAY_MS, 95 * DAY_MS])]),
  vault('kvfabkeys', SUB3, 'rg-fab', { firewall: false, purgeProtection: true }, (v) => [key(v, 'kms-key', [400 * DAY_MS, 200 * DAY_MS, 95 * DAY_MS])]),
  vault('kvfabprivate', SUB3, 'rg-fab', { firewall: true, purgeProtection: true }, (v) => [key(v, 'kms-key', [60 * DAY_MS, 2 * HOUR_MS], ROTATE_90D)]),
];

interface ClusterRow {
  name: string;
  sub: string;
  rg: string;
  k8s: string;
  identity: SeedIdentity['type'];
  vnet: boolean;
  kms: SeedKmsState;
  vault?: string;
  key?: string;
  pinnedVersionIndex?: number;
}

function cluster(row: ClusterRow): SeedCluster {
  const identity: SeedIdentity =
    row.identity === 'UserAssigned'
      ? {
          type: 'UserAssigned',
          resourceId: userAssignedIdentityId(row.sub, row.rg, `id-${row.name}`),
          principalId: identityPrincipalId(row.sub, row.rg, `id-${row.name}`),
          clientId: identityClientId(row.sub, row.rg, `id-${row.name}`),
        }
      : row.identity === 'SystemAssigned'
        ? { type: 'SystemAssigned', principalId: stableGuid(`system-principal:${row.sub}/${row.rg}/${row.name}`) }
        : {
            type: 'ServicePrincipal',
            principalId: stableGuid(`sp-object:${row.sub}/${row.rg}/${row.name}`),
            clientId: stableGuid(`sp-client:${row.sub}/${row.rg}/${row.name}`),
          };
  return {
    name: row.name,
    subscriptionId: row.sub,
    resourceGroup: row.rg,
    location: locationOf(row.sub),
    kubernetesVersion: row.k8s,
    identity,
    vnetIntegration: row.vnet,
    kms: row.kms,
    ...(row.vault ? { vault: row.vault, key: row.key } : {}),
    ...(row.pinnedVersionIndex !== undefined ? { pinnedVersionIndex: row.pinnedVersionIndex } : {}),
  };
}

const UA = 'UserAssigned' as const;

const CLUSTERS: readonly SeedCluster[] = [
  cluster({ name: 'aks-prod-plain', sub: SUB1, rg: 'rg-prod', k8s: '1.33.2', identity: UA, vnet: true, kms: 'none' }),
  cluster({ name: 'aks-prod-pmk', sub: SUB1, rg: 'rg-prod', k8s: '1.33.2', identity: UA, vnet: true, kms: 'pmk' }),
  cluster({ name: 'aks-prod-cmk-public', sub: SUB1, rg: 'rg-prod', k8s: '1.34.1', identity: UA, vnet: true, kms: 'cmk-public', vault: 'kvprodpublic', key: 'aks-kms' }),
  cluster({ name: 'aks-prod-cmk-private', sub: SUB1, rg: 'rg-prod-secure', k8s: '1.34.1', identity: UA, vnet: true, kms: 'cmk-private', vault: 'kvprodprivate', key: 'aks-kms' }),
  cluster({ name: 'aks-stg-legacy', sub: SUB2, rg: 'rg-stg', k8s: '1.33.2', identity: UA, vnet: true, kms: 'legacy', vault: 'kvstglegacy', key: 'etcd-key', pinnedVersionIndex: 0 }),
  cluster({ name: 'aks-stg-old', sub: SUB2, rg: 'rg-stg', k8s: '1.32.6', identity: UA, vnet: true, kms: 'none' }),
  cluster({ name: 'aks-stg-sysid', sub: SUB2, rg: 'rg-stg', k8s: '1.33.2', identity: 'SystemAssigned', vnet: true, kms: 'none' }),
  cluster({ name: 'aks-stg-novnet', sub: SUB2, rg: 'rg-stg', k8s: '1.34.1', identity: UA, vnet: false, kms: 'none' }),
  cluster({ name: 'aks-stg-sp', sub: SUB2, rg: 'rg-stg', k8s: '1.33.2', identity: 'ServicePrincipal', vnet: true, kms: 'none' }),
  cluster({ name: 'aks-fab-cmk-public', sub: SUB3, rg: 'rg-fab', k8s: '1.34.1', identity: UA, vnet: true, kms: 'cmk-public', vault: 'kvfabkeys', key: 'kms-key' }),
  cluster({ name: 'aks-fab-pmk', sub: SUB3, rg: 'rg-fab', k8s: '1.33.2', identity: UA, vnet: true, kms: 'pmk' }),
  cluster({ name: 'aks-fab-plain', sub: SUB3, rg: 'rg-fab', k8s: '1.33.2', identity: UA, vnet: false, kms: 'none' }),
  cluster({ name: 'aks-fab-cmk-private', sub: SUB3, rg: 'rg-fab', k8s: '1.34.1', identity: UA, vnet: true, kms: 'cmk-private', vault: 'kvfabprivate', key: 'kms-key' }),
];

/** Clusters in the other directories' subscriptions (apart from CLUSTERS for the reason given above). */
const OTHER_TENANT_CLUSTERS: readonly SeedCluster[] = [
  cluster({ name: 'aks-partner-api', sub: SUB5, rg: 'rg-partner', k8s: '1.34.1', identity: UA, vnet: true, kms: 'pmk' }),
  cluster({ name: 'aks-partner-batch', sub: SUB5, rg: 'rg-partner', k8s: '1.33.2', identity: UA, vnet: true, kms: 'none' }),
  cluster({ name: 'aks-payments', sub: SUB6, rg: 'rg-payments', k8s: '1.34.1', identity: UA, vnet: true, kms: 'none' }),
];
const ALL_SUBSCRIPTIONS = [...SUBSCRIPTIONS, ...OTHER_TENANT_SUBSCRIPTIONS];
const ALL_CLUSTERS = [...CLUSTERS, ...OTHER_TENANT_CLUSTERS];

/** A preview feature's registration state in one subscription (Microsoft.Features). */
export interface SeedFeature {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly name: string;
  readonly state: 'Registered' | 'NotRegistered';
}

/** A user-assigned managed identity resource (Microsoft.ManagedIdentity/userAssignedIdentities). */
export interface SeedIdentityResource {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly principalId: string;
  readonly clientId: string;
}

export interface SeedRoleAssignment {
  /** The assignment's GUID name. */
  readonly name: string;
  readonly scope: string;
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
  readonly principalType: 'User' | 'ServicePrincipal';
}

/** The preview feature the new KMS experience (PMK and versionless CMK) needs (AZURE.md flows). */
export const KMS_PREVIEW_FEATURE = { namespace: 'Microsoft.ContainerService', name: 'KMSPMKPreview' } as const;

/** Registered in subscriptions 1, 3 and 5 (which run PMK/CMK clusters), not in the others. */
const FEATURES: readonly SeedFeature[] = ALL_SUBSCRIPTIONS.map((s) => ({
  subscriptionId: s.subscriptionId,
  ...KMS_PREVIEW_FEATURE,
  state: [SUB1, SUB3, SUB5].includes(s.subscriptionId) ? 'Registered' : 'NotRegistered',
}));

/** Resource providers registered in every seeded subscription. */
export const REGISTERED_PROVIDERS = ['Microsoft.ContainerService', 'Microsoft.KeyVault', 'Microsoft.ManagedIdentity', 'Microsoft.Authorization'] as const;

/** The `id-<cluster>` identity each UserAssigned cluster references. */
const IDENTITIES: readonly SeedIdentityResource[] = ALL_CLUSTERS.filter((c) => c.identity.type === 'UserAssigned').map((c) => ({
  subscriptionId: c.subscriptionId,
  resourceGroup: c.resourceGroup,
  name: `id-${c.name}`,
  location: c.location,
  principalId: c.identity.principalId,
  clientId: c.identity.clientId!,
}));

function assignment(scope: string, roleDefinitionGuid: string, principalId: string, principalType: SeedRoleAssignment['principalType']): SeedRoleAssignment {
  return { name: stableGuid(`roleassignment:${scope}/${roleDefinitionGuid}/${principalId}`.toLowerCase()), scope, roleDefinitionGuid, principalId, principalType };
}

/**
 * So the seeded flows work: the signed-in user is Owner of every subscription (management plane: it may
 * create vaults and assign roles; Owner grants nothing on the Key Vault data plane) and Crypto Officer
 * on every seeded vault except kvfabkeys (a vault the user can manage through ARM but not read on the
 * data plane); each CMK/legacy cluster's identity is Crypto User on its vault, and the private ones
 * also Key Vault Contributor (AZURE.md: approving the private endpoint connection needs it). A system-assigned
 * cluster's identity is Network Contributor on its agent pool's custom subnet, as the control-plane identity must be
 * on your own subnet ("Overview of managed identities in AKS", control plane role assignments: Network Contributor).
 */
const ROLE_ASSIGNMENTS: readonly SeedRoleAssignment[] = [
  ...ALL_SUBSCRIPTIONS.map((s) => assignment(`/subscriptions/${s.subscriptionId}`, OWNER, USER_OBJECT_ID, 'User')),
  ...VAULTS.filter((v) => v.name !== 'kvfabkeys').map((v) =>
    assignment(vaultResourceId(v.subscriptionId, v.resourceGroup, v.name), KEY_VAULT_CRYPTO_OFFICER, USER_OBJECT_ID, 'User'),
  ),
  ...CLUSTERS.filter((c) => c.vault !== undefined).flatMap((c) => {
    const v = VAULTS.find((x) => x.name === c.vault)!;
    const scope = vaultResourceId(v.subscriptionId, v.resourceGroup, v.name);
    return [
      assignment(scope, KEY_VAULT_CRYPTO_USER, c.identity.principalId, 'ServicePrincipal'),
      ...(c.kms === 'cmk-private' ? [assignment(scope, KEY_VAULT_CONTRIBUTOR, c.identity.principalId, 'ServicePrincipal')] : []),
    ];
  }),
  ...CLUSTERS.filter((c) => c.identity.type === 'SystemAssigned').map((c) =>
    assignment(clusterNodesSubnetId(c.subscriptionId, c.resourceGroup, c.name), NETWORK_CONTRIBUTOR, c.identity.principalId, 'ServicePrincipal'),
  ),
];

export interface Seed {
  /** The user's home directory: the tenant of SUBSCRIPTIONS. */
  readonly tenantId: string;
  /** Every directory the user belongs to, the home one first. */
  readonly tenants: readonly SeedTenant[];
  readonly userObjectId: string;
  readonly userDisplayName: string;
  readonly userPrincipalName: string;
  /** The home directory's subscriptions. */
  readonly subscriptions: readonly SeedSubscription[];
  /** The other directories' subscriptions (each names its tenantId). */
  readonly otherTenantSubscriptions: readonly SeedSubscription[];
  readonly vaults: readonly SeedVault[];
  /** Clusters in the home directory's subscriptions. */
  readonly clusters: readonly SeedCluster[];
  readonly otherTenantClusters: readonly SeedCluster[];
  readonly features: readonly SeedFeature[];
  readonly identities: readonly SeedIdentityResource[];
  readonly roleAssignments: readonly SeedRoleAssignment[];
  /** Where the built-in KMS policy is assigned (at subscription scope). */
  readonly policyAssignments: readonly { readonly subscriptionId: string; readonly name: string }[];
}

export const SEED: Seed = {
  tenantId: TENANT_ID,
  tenants: TENANTS,
  userObjectId: USER_OBJECT_ID,
  userDisplayName: 'Emulator User',
  userPrincipalName: 'emulator.user@contoso.example',
  subscriptions: SUBSCRIPTIONS,
  otherTenantSubscriptions: OTHER_TENANT_SUBSCRIPTIONS,
  vaults: VAULTS,
  clusters: CLUSTERS,
  otherTenantClusters: OTHER_TENANT_CLUSTERS,
  features: FEATURES,
  identities: IDENTITIES,
  roleAssignments: ROLE_ASSIGNMENTS,
  policyAssignments: [{ subscriptionId: SUB1, name: 'aks-kms-required' }],
};

/** Resource groups that exist in the seeded fleet (every group a seeded resource lives in). */
export function seedResourceGroups(seed: Seed = SEED): { subscriptionId: string; name: string; location: string }[] {
  const seen = new Map<string, { subscriptionId: string; name: string; location: string }>();
  for (const r of [...seed.clusters, ...seed.otherTenantClusters, ...seed.vaults, ...seed.identities]) {
    seen.set(`${r.subscriptionId}/${r.resourceGroup}`.toLowerCase(), { subscriptionId: r.subscriptionId, name: r.resourceGroup, location: r.location });
  }
  return [...seen.values()];
}

export function seedVault(name: string, seed: Seed = SEED): SeedVault {
  const v = seed.vaults.find((x) => x.name === name);
  if (!v) throw new Error(`seed: no vault ${name}`);
  return v;
}

export function seedCluster(name: string, seed: Seed = SEED): SeedCluster {
  const c = [...seed.clusters, ...seed.otherTenantClusters].find((x) => x.name === name);
  if (!c) throw new Error(`seed: no cluster ${name}`);
  return c;
}
