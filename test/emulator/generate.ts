// A large generated fleet for benchmarks (`--generate-fleet NxM`, or POST /_emulator/reset {generateFleet}):
// N subscriptions × M clusters added to the CONTRACTS.md seed, deterministic (same spec → same ids, names,
// states everywhere) and shaped like the seeded clusters (model/managedCluster.ts builds both).
// Why plain Seed data: state.ts turns it into live resources exactly like the seed, so every route serves
// generated resources with no special case.
import { identityClientId, identityPrincipalId, stableGuid, stableHex, userAssignedIdentityId, vaultResourceId } from './ids';
import { KEY_VAULT_CONTRIBUTOR, KEY_VAULT_CRYPTO_OFFICER, KEY_VAULT_CRYPTO_USER, OWNER } from './roles';
import {
  DAY_MS,
  KMS_PREVIEW_FEATURE,
  type Seed,
  type SeedCluster,
  type SeedFeature,
  type SeedIdentityResource,
  type SeedKmsState,
  type SeedRoleAssignment,
  type SeedSubscription,
  type SeedVault,
} from './seed';

export interface GeneratedFleetSpec {
  readonly subscriptions: number;
  readonly clustersPerSubscription: number;
}

/** Bounds that keep one emulator process responsive (and each generated vault has a listener of its own). */
export const MAX_GENERATED_SUBSCRIPTIONS = 2000;
export const MAX_GENERATED_CLUSTERS = 100_000;

/** The resource group of every generated resource in a generated subscription. */
export const GENERATED_RESOURCE_GROUP = 'rg-fleet';
/** The key every generated vault holds (two versions, the newest 20 days old). */
export const GENERATED_KEY = 'aks-kms';

const LOCATIONS = ['eastus', 'westeurope'] as const;

/** Checks a spec (from the CLI or the admin API); answers the reason it is unusable, or undefined. */
export function fleetSpecProblem(spec: { subscriptions?: unknown; clustersPerSubscription?: unknown }): string | undefined {
  const { subscriptions: n, clustersPerSubscription: m } = spec;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_GENERATED_SUBSCRIPTIONS) return `subscriptions must be an integer 1…${MAX_GENERATED_SUBSCRIPTIONS}`;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) return 'clustersPerSubscription must be an integer ≥ 0';
  if (n * m > MAX_GENERATED_CLUSTERS) return `at most ${MAX_GENERATED_CLUSTERS} generated clusters`;
  return undefined;
}

/** `200x50` → {subscriptions: 200, clustersPerSubscription: 50}. */
export function parseFleetSpec(text: string): GeneratedFleetSpec {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  const spec = m ? { subscriptions: Number(m[1]), clustersPerSubscription: Number(m[2]) } : {};
  const problem = m ? fleetSpecProblem(spec) : 'expected NxM, e.g. 200x50';
  if (problem) throw new Error(`--generate-fleet '${text}': ${problem}`);
  return spec as GeneratedFleetSpec;
}

/** `f1ee7000-0000-4000-8000-000000000001` for index 0: valid, recognisable, ordered like the index. */
export function generatedSubscriptionId(index: number): string {
  return `f1ee7000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function generatedVaultName(subscriptionIndex: number): string {
  return `kvfleet${pad(subscriptionIndex + 1, 4)}`;
}

export function generatedClusterName(subscriptionIndex: number, clusterIndex: number): string {
  return `aks-f${pad(subscriptionIndex + 1, 4)}-${pad(clusterIndex + 1, 3)}`;
}

/** The vaults a spec generates (their listeners must be open before the fleet is built). */
export function generatedVaultNames(spec: GeneratedFleetSpec | undefined): string[] {
  if (!spec || spec.clustersPerSubscription === 0) return [];
  return Array.from({ length: spec.subscriptions }, (_, i) => generatedVaultName(i));
}

/**
 * A cluster's KMS state by its position in the fleet, in a 20-slot pattern: 40 % not encrypted, 25 % PMK, 20 % CMK
 * public, 10 % CMK private, 5 % legacy KMS — every state the tree shows, in every subscription of 20 clusters or more.
 */
function kmsStateAt(g: number): SeedKmsState {
  const slot = g % 20;
  if (slot < 8) return 'none';
  if (slot < 13) return 'pmk';
  if (slot < 17) return 'cmk-public';
  if (slot < 19) return 'cmk-private';
  return 'legacy';
}

function assignment(scope: string, roleDefinitionGuid: string, principalId: string, principalType: SeedRoleAssignment['principalType']): SeedRoleAssignment {
  return { name: stableGuid(`roleassignment:${scope}/${roleDefinitionGuid}/${principalId}`.toLowerCase()), scope, roleDefinitionGuid, principalId, principalType };
}

/** The generated part of a fleet (no seed resources), as Seed lists. */
export function generateFleet(spec: GeneratedFleetSpec, userObjectId: string): Omit<Seed, 'tenantId' | 'tenants' | 'otherTenantSubscriptions' | 'otherTenantClusters' | 'policyAssignments' | 'userObjectId' | 'userDisplayName' | 'userPrincipalName'> {
  const problem = fleetSpecProblem(spec);
  if (problem) throw new Error(`generated fleet: ${problem}`);
  const rg = GENERATED_RESOURCE_GROUP;
  const subscriptions: SeedSubscription[] = [];
  const vaults: SeedVault[] = [];
  const clusters: SeedCluster[] = [];
  const features: SeedFeature[] = [];
  const identities: SeedIdentityResource[] = [];
  const roleAssignments: SeedRoleAssignment[] = [];

  for (let i = 0; i < spec.subscriptions; i++) {
    const subscriptionId = generatedSubscriptionId(i);
    const location = LOCATIONS[i % LOCATIONS.length];
    subscriptions.push({ subscriptionId, displayName: `Fleet ${pad(i + 1, 4)}`, location });
    // The preview feature is registered wherever PMK or new-experience CMK clusters run.
    features.push({ subscriptionId, ...KMS_PREVIEW_FEATURE, state: 'Registered' });
    roleAssignments.push(assignment(`/subscriptions/${subscriptionId}`, OWNER, userObjectId, 'User'));
    if (spec.clustersPerSubscription === 0) continue;

    const vaultName = generatedVaultName(i);
    const vaultId = vaultResourceId(subscriptionId, rg, vaultName);
    vaults.push({
      name: vaultName,
      subscriptionId,
      resourceGroup: rg,
      location,
      // Every other vault denies public networks (trusted services — AKS — still pass).
      firewall: i % 2 === 1,
      purgeProtection: true,
      keys: [
        {
          name: GENERATED_KEY,
          versions: [120 * DAY_MS, 20 * DAY_MS].map((ageMs, v) => ({ version: stableHex(`keyversion:${vaultName}/${GENERATED_KEY}/${v}`), ageMs })),
          ...(i % 3 === 0 ? { rotationPolicy: { timeAfterCreate: 'P90D', expiryTime: 'P1Y' } } : {}),
        },
      ],
    });
    roleAssignments.push(assignment(vaultId, KEY_VAULT_CRYPTO_OFFICER, userObjectId, 'User'));

    for (let j = 0; j < spec.clustersPerSubscription; j++) {
      const g = i * spec.clustersPerSubscription + j;
      const name = generatedClusterName(i, j);
      const kms = kmsStateAt(g);
      const systemAssigned = kms === 'none' && g % 7 === 3;
      const kubernetesVersion = kms === 'none' && g % 5 === 0 ? '1.32.6' : g % 2 === 0 ? '1.33.2' : '1.34.1';
      const identityName = `id-${name}`;
      const principalId = systemAssigned ? stableGuid(`system-principal:${subscriptionId}/${rg}/${name}`) : identityPrincipalId(subscriptionId, rg, identityName);
      clusters.push({
        name,
        subscriptionId,
        resourceGroup: rg,
        location,
        kubernetesVersion,
        identity: systemAssigned
          ? { type: 'SystemAssigned', principalId }
          : { type: 'UserAssigned', resourceId: userAssignedIdentityId(subscriptionId, rg, identityName), principalId, clientId: identityClientId(subscriptionId, rg, identityName) },
        vnetIntegration: kms === 'cmk-private' || g % 3 !== 0,
        kms,
        ...(kms === 'cmk-public' || kms === 'cmk-private' || kms === 'legacy' ? { vault: vaultName, key: GENERATED_KEY } : {}),
        ...(kms === 'legacy' ? { pinnedVersionIndex: 0 } : {}),
      });
      if (!systemAssigned) {
        identities.push({ subscriptionId, resourceGroup: rg, name: identityName, location, principalId, clientId: identityClientId(subscriptionId, rg, identityName) });
      }
      if (kms === 'cmk-public' || kms === 'cmk-private' || kms === 'legacy') {
        roleAssignments.push(assignment(vaultId, KEY_VAULT_CRYPTO_USER, principalId, 'ServicePrincipal'));
        if (kms === 'cmk-private') roleAssignments.push(assignment(vaultId, KEY_VAULT_CONTRIBUTOR, principalId, 'ServicePrincipal'));
      }
    }
  }
  return { subscriptions, vaults, clusters, features, identities, roleAssignments };
}

/** The seed plus a generated fleet (the seed alone when there is no spec). */
export function withGeneratedFleet(seed: Seed, spec: GeneratedFleetSpec | undefined): Seed {
  if (!spec) return seed;
  const g = generateFleet(spec, seed.userObjectId);
  return {
    ...seed,
    subscriptions: [...seed.subscriptions, ...g.subscriptions],
    vaults: [...seed.vaults, ...g.vaults],
    clusters: [...seed.clusters, ...g.clusters],
    features: [...seed.features, ...g.features],
    identities: [...seed.identities, ...g.identities],
    roleAssignments: [...seed.roleAssignments, ...g.roleAssignments],
  };
}
