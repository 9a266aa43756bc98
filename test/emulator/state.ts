// In-memory state of the emulator: the fleet (built from SEED at the clock's "now") plus the runtime
// switches of POST /_emulator/config. Reset replaces the fleet wholesale; vault listeners live outside
// it (vaultListener.ts), so a vault keeps its host:port across resets.
// Every `…Ms` field of a record is an instant in emulator time (clock.ts); renderers convert to wall time.
import { isControllable, type Clock } from './clock';
import { vaultResourceId } from './ids';
import type { JsonObject } from './json';
import { buildManagedClusterJson } from './model/managedCluster';
import { withGeneratedFleet, type GeneratedFleetSpec } from './generate';
import { REGISTERED_PROVIDERS, SEED, seedResourceGroups, type Seed } from './seed';

export interface SubscriptionRecord {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly state: 'Enabled';
  /** Its directory; the home tenant (FleetState.tenantId) when absent. */
  readonly tenantId?: string;
}

export interface TenantRecord {
  readonly tenantId: string;
  readonly displayName: string;
  readonly defaultDomain: string;
  /** Not served by ARM: handed to the sign-in extension through the info file (seed.ts SeedTenant). */
  readonly requiresInteractiveSignIn?: boolean;
}

export interface ResourceGroupRecord {
  readonly subscriptionId: string;
  readonly name: string;
  readonly location: string;
}

export interface ClusterRecord {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** The full JSON at the newest api-version; responses project it down per api-version. */
  body: JsonObject;
}

/** Key types Key Vault creates in vaults (not managed HSM): RSA and EC, software or HSM-protected. */
export type KeyType = 'RSA' | 'RSA-HSM' | 'EC' | 'EC-HSM';

export interface KeyVersionRecord {
  readonly version: string;
  readonly createdMs: number;
  updatedMs: number;
  enabled: boolean;
  expiresMs?: number;
  notBeforeMs?: number;
  readonly kty: KeyType;
  /** RSA only: modulus bits. */
  readonly keySize?: number;
  /** EC only: P-256, P-384, P-521 or P-256K. */
  readonly curve?: string;
  keyOps: readonly string[];
}

export interface LifetimeActionRecord {
  action: 'Rotate' | 'Notify';
  /** ISO 8601 duration; Rotate only. */
  timeAfterCreate?: string;
  /** ISO 8601 duration. */
  timeBeforeExpiry?: string;
}

export interface RotationPolicyRecord {
  lifetimeActions: LifetimeActionRecord[];
  /** ISO 8601 duration stamped on each new version as its expiry. */
  expiryTime?: string;
  createdMs: number;
  updatedMs: number;
}

export interface KeyRecord {
  readonly name: string;
  /** Oldest first; the last one is the current version. */
  versions: KeyVersionRecord[];
  rotationPolicy?: RotationPolicyRecord;
  tags: Record<string, string>;
}

/** A soft-deleted key: recoverable until Key Vault purges it at `scheduledPurgeMs` (deletion + the vault's retention days). */
export interface DeletedKeyRecord extends KeyRecord {
  readonly deletedMs: number;
  readonly scheduledPurgeMs: number;
}

/** An access policy entry (vaults with enableRbacAuthorization false). */
export interface AccessPolicyRecord {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { keys?: string[]; secrets?: string[]; certificates?: string[]; storage?: string[] };
}

export interface NetworkAclsRecord {
  defaultAction: 'Allow' | 'Deny';
  bypass: 'AzureServices' | 'None';
  ipRules: { value: string }[];
  virtualNetworkRules: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
}

export interface VaultRecord {
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  tags: Record<string, string>;
  readonly createdMs: number;
  updatedMs: number;
  skuName: 'standard' | 'premium';
  enableRbacAuthorization: boolean;
  enableSoftDelete: boolean;
  softDeleteRetentionInDays: number;
  /** Key Vault never reports `false`: absent means "not enabled". */
  enablePurgeProtection?: true;
  publicNetworkAccess: 'Enabled' | 'Disabled';
  networkAcls: NetworkAclsRecord;
  accessPolicies: AccessPolicyRecord[];
  enabledForDeployment: boolean;
  enabledForDiskEncryption: boolean;
  enabledForTemplateDeployment: boolean;
  /** RegisteringDns right after a create, until `readyAtMs` (body-mode LRO). */
  provisioningState: 'Succeeded' | 'RegisteringDns';
  readyAtMs?: number;
  /** Who created it (systemData). */
  createdBy: string;
  keys: KeyRecord[];
  /** Soft-deleted keys (every vault has soft delete); their names cannot be reused until recovered or purged. */
  deletedKeys: DeletedKeyRecord[];
}

export type FeatureState = 'NotRegistered' | 'Registering' | 'Registered' | 'Unregistering' | 'Unregistered';

export interface FeatureRecord {
  readonly subscriptionId: string;
  readonly namespace: string;
  readonly name: string;
  state: FeatureState;
  /** When Registering/Unregistering completes. */
  settlesAtMs?: number;
}

export interface ProviderRecord {
  readonly subscriptionId: string;
  readonly namespace: string;
  registrationState: 'NotRegistered' | 'Registering' | 'Registered';
  settlesAtMs?: number;
}

export interface IdentityRecord {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  tags: Record<string, string>;
  readonly principalId: string;
  readonly clientId: string;
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup';

export interface RoleAssignmentRecord {
  /** The GUID in the assignment's id. */
  readonly name: string;
  /** `/subscriptions/…[/resourceGroups/…[/providers/…]]`, as the creator wrote it (compared case-insensitively). */
  readonly scope: string;
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  description?: string;
  condition?: string;
  conditionVersion?: string;
  readonly createdMs: number;
  updatedMs: number;
  readonly createdBy: string;
}

export interface OperationError {
  readonly code: string;
  readonly message: string;
}

/** An async managed-cluster operation (PUT): Azure-AsyncOperation status until `endsAtMs`. */
export interface ClusterOperationRecord {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly clusterName: string;
  readonly location: string;
  readonly kind: 'Create' | 'Update';
  readonly startMs: number;
  readonly endsAtMs: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Decided when the operation is accepted (fault injection): how it will end. */
  readonly failWith?: OperationError;
  /** Update only: the cluster before the PUT, restored (as Failed) when the operation fails. */
  readonly previousBody?: JsonObject;
  endMs?: number;
  error?: OperationError;
}

export interface FleetState {
  /** The signed-in user's home directory. */
  readonly tenantId: string;
  /** Every directory the user belongs to (GET /tenants). */
  readonly tenants: readonly TenantRecord[];
  readonly userObjectId: string;
  readonly userPrincipalName: string;
  readonly seededAtMs: number;
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  clusters: ClusterRecord[];
  vaults: VaultRecord[];
  features: FeatureRecord[];
  providers: ProviderRecord[];
  identities: IdentityRecord[];
  roleAssignments: RoleAssignmentRecord[];
  clusterOperations: ClusterOperationRecord[];
  /** Azure Policy assignments of the built-in KMS policy (routes/resourceGraph.ts `policyresources`), by subscription. */
  policyAssignments: { readonly subscriptionId: string; readonly name: string }[];
  /** Template deployments in resource groups' history (routes/deployments.ts); added through the admin API. */
  deployments: DeploymentRecord[];
}

/** A finished template deployment: what it deployed (`outputResources`) and when. */
export interface DeploymentRecord {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly timestampMs: number;
  readonly outputResources: readonly string[];
}

/** Fault injection: the next `count` accepted cluster operations end `Failed` with this error. */
export interface ClusterFaultConfig {
  count: number;
  code: string;
  message: string;
}

export interface EmulatorConfig {
  /** Resource Graph rows omit preview-only fields (`kubernetesResourceObjectEncryptionProfile`). */
  resourceGraphOmitsPreviewFields: boolean;
  /**
   * The user is also a member (guest) of the seed's other directories: GET /tenants lists them. Off by default, so
   * the everyday fleet is one directory; multi-directory tests switch it on.
   */
  guestDirectories: boolean;
  /** Feature register/unregister: Registering → Registered after this long (also provider registration). */
  featureRegistrationDelayMs: number;
  /** Managed-cluster PUT: the LRO reports InProgress for this long. */
  clusterUpdateDurationMs: number;
  /** Vault PUT (create): provisioningState RegisteringDns for this long. */
  vaultCreateDurationMs: number;
  /** A new role assignment takes effect on the data plane (and for AKS's KMS check) only after this long. */
  rolePropagationDelayMs: number;
  /** Fixed delay before every ARM and Key Vault data-plane request is served (not the admin API): network + front door. */
  requestLatencyMs: number;
  /** A user-assigned identity PUT that creates the identity answers only after this long (a synchronous create). */
  identityCreateDurationMs: number;
  /** A role assignment PUT that creates the assignment answers only after this long (propagation starts after it). */
  roleAssignmentCreateDurationMs: number;
  failNextClusterOperations: ClusterFaultConfig;
}

export const DEFAULT_CLUSTER_FAULT: ClusterFaultConfig = {
  count: 0,
  code: 'InternalOperationError',
  message: 'The emulator failed this operation because failNextClusterOperations asked it to.',
};

export const DEFAULT_CONFIG: EmulatorConfig = {
  resourceGraphOmitsPreviewFields: false,
  guestDirectories: false,
  featureRegistrationDelayMs: 3000,
  clusterUpdateDurationMs: 2000,
  vaultCreateDurationMs: 1000,
  rolePropagationDelayMs: 0,
  requestLatencyMs: 0,
  identityCreateDurationMs: 0,
  roleAssignmentCreateDurationMs: 0,
  failNextClusterOperations: DEFAULT_CLUSTER_FAULT,
};

/** What POST /_emulator/config accepts: any subset; the fault's code and message are optional. */
export type EmulatorConfigPatch = Partial<Omit<EmulatorConfig, 'failNextClusterOperations'>> & {
  failNextClusterOperations?: { count: number; code?: string; message?: string };
};

/** Where each vault's data plane listens; owned by vaultListener.ts. */
export interface VaultEndpoints {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  baseUrl(vaultName: string): string;
}

/** Vault endpoints that can also open a listener for a vault created at run time. */
export interface VaultProvisioner extends VaultEndpoints {
  /** Opens the vault's listener if it has none yet; resolves with its port. */
  open(vaultName: string): Promise<number>;
}

export const RSA_KEY_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'] as const;
export const EC_KEY_OPS = ['sign', 'verify'] as const;
/** Seeded role assignments and identities are this old, so propagation never matters for them. */
const SEEDED_ASSIGNMENT_AGE_MS = 30 * 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export function buildFleet(seed: Seed, nowMs: number, endpoints: VaultEndpoints): FleetState {
  const vaults: VaultRecord[] = seed.vaults.map((v) => ({
    name: v.name,
    subscriptionId: v.subscriptionId,
    resourceGroup: v.resourceGroup,
    location: v.location,
    tags: {},
    // A vault is older than its oldest key.
    createdMs: nowMs - Math.max(...v.keys.flatMap((k) => k.versions.map((x) => x.ageMs))) - 60_000,
    updatedMs: nowMs - Math.max(...v.keys.flatMap((k) => k.versions.map((x) => x.ageMs))) - 60_000,
    skuName: 'standard',
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    softDeleteRetentionInDays: 90,
    ...(v.purgeProtection ? { enablePurgeProtection: true as const } : {}),
    publicNetworkAccess: 'Enabled',
    networkAcls: { defaultAction: v.firewall ? 'Deny' : 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
    accessPolicies: [],
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    provisioningState: 'Succeeded' as const,
    createdBy: seed.userPrincipalName,
    deletedKeys: [],
    keys: v.keys.map((k) => ({
      name: k.name,
      tags: {},
      versions: k.versions.map((x) => {
        const createdMs = nowMs - x.ageMs;
        return {
          version: x.version,
          createdMs,
          updatedMs: createdMs,
          enabled: true,
          // A rotation policy's expiryTime (P1Y) stamps every version it governs.
          ...(k.rotationPolicy ? { expiresMs: createdMs + YEAR_MS } : {}),
          kty: 'RSA' as const,
          keySize: 2048,
          keyOps: RSA_KEY_OPS,
        };
      }),
      ...(k.rotationPolicy
        ? {
            rotationPolicy: {
              lifetimeActions: [{ action: 'Rotate' as const, timeAfterCreate: k.rotationPolicy.timeAfterCreate }],
              expiryTime: k.rotationPolicy.expiryTime,
              createdMs: nowMs - k.versions[0].ageMs,
              updatedMs: nowMs - k.versions[0].ageMs,
            },
          }
        : {}),
    })),
  }));

  // By name: a generated fleet has thousands of clusters pointing at hundreds of vaults.
  const seedVaults = new Map(seed.vaults.map((v) => [v.name, v]));
  const baseUrls = new Map<string, string>();
  const ctx = {
    tenantId: seed.tenantId,
    keyId: (vault: string, key: string, version?: string) => {
      let base = baseUrls.get(vault);
      if (base === undefined) baseUrls.set(vault, (base = endpoints.baseUrl(vault)));
      return `${base}/keys/${key}${version ? `/${version}` : ''}`;
    },
    vaultResourceId: (vault: string) => {
      const v = seedVaults.get(vault);
      if (!v) throw new Error(`seed: no vault ${vault}`);
      return vaultResourceId(v.subscriptionId, v.resourceGroup, v.name);
    },
    keyVersions: (vault: string, key: string) => {
      const k = seedVaults.get(vault)?.keys.find((x) => x.name === key);
      if (!k) throw new Error(`seed: no key ${vault}/${key}`);
      return k.versions.map((x) => x.version);
    },
  };

  return {
    tenantId: seed.tenantId,
    tenants: seed.tenants.map((t) => ({ ...t })),
    policyAssignments: seed.policyAssignments.map((a) => ({ ...a })),
    deployments: [],
    userObjectId: seed.userObjectId,
    userPrincipalName: seed.userPrincipalName,
    seededAtMs: nowMs,
    subscriptions: [...seed.subscriptions, ...seed.otherTenantSubscriptions].map((s) => ({
      subscriptionId: s.subscriptionId,
      displayName: s.displayName,
      state: 'Enabled',
      ...(s.tenantId ? { tenantId: s.tenantId } : {}),
    })),
    resourceGroups: seedResourceGroups(seed),
    clusters: [...seed.clusters, ...seed.otherTenantClusters].map((c) => ({
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      name: c.name,
      body: buildManagedClusterJson(c, ctx),
    })),
    vaults,
    features: seed.features.map((f) => ({ subscriptionId: f.subscriptionId, namespace: f.namespace, name: f.name, state: f.state })),
    providers: [...seed.subscriptions, ...seed.otherTenantSubscriptions].flatMap((s) =>
      REGISTERED_PROVIDERS.map((namespace) => ({ subscriptionId: s.subscriptionId, namespace, registrationState: 'Registered' as const })),
    ),
    identities: seed.identities.map((i) => ({ ...i, tags: {} })),
    roleAssignments: seed.roleAssignments.map((a) => ({
      ...a,
      createdMs: nowMs - SEEDED_ASSIGNMENT_AGE_MS,
      updatedMs: nowMs - SEEDED_ASSIGNMENT_AGE_MS,
      createdBy: seed.userObjectId,
    })),
    clusterOperations: [],
  };
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Lookup tables over a list that only grows (clusters and identities are created, never deleted, and a reset
 * builds new lists): rebuilt when the list is a new array or has grown, so a 10,000-cluster fleet answers a
 * GET without scanning every cluster (docs/CONTRACTS.md, generated fleet).
 */
interface ScopedIndex<T> {
  readonly length: number;
  /** `sub/rg/name`, lower-case. */
  readonly byName: Map<string, T>;
  /** `sub`, lower-case; in list order. */
  readonly bySubscription: Map<string, T[]>;
}

type Scoped = { readonly subscriptionId: string; readonly resourceGroup: string; readonly name: string };
const indexes = new WeakMap<readonly Scoped[], ScopedIndex<Scoped>>();

function scopedIndex<T extends Scoped>(list: readonly T[]): ScopedIndex<T> {
  const cached = indexes.get(list) as ScopedIndex<T> | undefined;
  if (cached && cached.length === list.length) return cached;
  const byName = new Map<string, T>();
  const bySubscription = new Map<string, T[]>();
  for (const x of list) {
    const key = `${x.subscriptionId}/${x.resourceGroup}/${x.name}`.toLowerCase();
    if (!byName.has(key)) byName.set(key, x);
    const sub = x.subscriptionId.toLowerCase();
    let group = bySubscription.get(sub);
    if (!group) bySubscription.set(sub, (group = []));
    group.push(x);
  }
  const index: ScopedIndex<T> = { length: list.length, byName, bySubscription };
  indexes.set(list, index as unknown as ScopedIndex<Scoped>);
  return index;
}

function inScope<T extends Scoped>(list: readonly T[], sub: string, rg?: string): T[] {
  const all = scopedIndex(list).bySubscription.get(sub.toLowerCase()) ?? [];
  return rg === undefined ? [...all] : all.filter((x) => eq(x.resourceGroup, rg));
}

const byName = <T extends Scoped>(list: readonly T[], sub: string, rg: string, name: string): T | undefined =>
  scopedIndex(list).byName.get(`${sub}/${rg}/${name}`.toLowerCase());

/** Case-insensitive lookups, as ARM resolves names. */
export const lookup = {
  subscription: (s: FleetState, id: string) => s.subscriptions.find((x) => eq(x.subscriptionId, id)),
  /** The directory a subscription belongs to (undefined for an unknown subscription). */
  tenantOf: (s: FleetState, id: string) => {
    const sub = s.subscriptions.find((x) => eq(x.subscriptionId, id));
    return sub ? sub.tenantId ?? s.tenantId : undefined;
  },
  resourceGroup: (s: FleetState, sub: string, rg: string) => s.resourceGroups.find((x) => eq(x.subscriptionId, sub) && eq(x.name, rg)),
  clusters: (s: FleetState, sub: string, rg?: string) => inScope(s.clusters, sub, rg),
  cluster: (s: FleetState, sub: string, rg: string, name: string) => byName(s.clusters, sub, rg, name),
  vaults: (s: FleetState, sub: string, rg?: string) =>
    s.vaults.filter((x) => eq(x.subscriptionId, sub) && (rg === undefined || eq(x.resourceGroup, rg))),
  vault: (s: FleetState, sub: string, rg: string, name: string) =>
    s.vaults.find((x) => eq(x.subscriptionId, sub) && eq(x.resourceGroup, rg) && eq(x.name, name)),
  /** Vault names are globally unique, so the data plane finds its vault by name alone. */
  vaultByName: (s: FleetState, name: string) => s.vaults.find((x) => eq(x.name, name)),
  key: (v: VaultRecord, name: string) => v.keys.find((x) => eq(x.name, name)),
  deletedKey: (v: VaultRecord, name: string) => v.deletedKeys.find((x) => eq(x.name, name)),
  feature: (s: FleetState, sub: string, namespace: string, name: string) =>
    s.features.find((x) => eq(x.subscriptionId, sub) && eq(x.namespace, namespace) && eq(x.name, name)),
  provider: (s: FleetState, sub: string, namespace: string) => s.providers.find((x) => eq(x.subscriptionId, sub) && eq(x.namespace, namespace)),
  identities: (s: FleetState, sub: string, rg?: string) => inScope(s.identities, sub, rg),
  identity: (s: FleetState, sub: string, rg: string, name: string) => byName(s.identities, sub, rg, name),
  clusterOperation: (s: FleetState, id: string) => s.clusterOperations.find((x) => eq(x.id, id)),
};

export interface StoreOptions {
  readonly clock: Clock;
  readonly endpoints: VaultEndpoints;
  readonly initialConfig: EmulatorConfig;
  readonly seed?: Seed;
  /** A generated fleet added to the seed at start-up and by every plain reset (`--generate-fleet`). */
  readonly generateFleet?: GeneratedFleetSpec;
}

/** Holds the current fleet and config; `reset()` re-seeds at the clock's current "now". */
export class EmulatorStore {
  fleet: FleetState;
  config: EmulatorConfig;
  readonly clock: Clock;
  /** The generated fleet the current state was built with (undefined: the seed alone). */
  generatedFleet: GeneratedFleetSpec | undefined;
  /**
   * Bumped whenever state a read could see may have changed: every ARM write (server.ts) and every change time
   * makes (lifecycle.ts). A result computed at the same epoch is still current (Resource Graph reuses it).
   */
  epoch = 0;
  private readonly seed: Seed;

  constructor(private readonly options: StoreOptions) {
    this.clock = options.clock;
    this.seed = options.seed ?? SEED;
    this.generatedFleet = options.generateFleet;
    this.fleet = buildFleet(withGeneratedFleet(this.seed, this.generatedFleet), this.clock.now(), options.endpoints);
    this.config = { ...options.initialConfig };
  }

  /**
   * @param generateFleet the generated fleet to build instead of the start-up one (`null`: none). Its vaults'
   *   listeners must already be open (generatedVaultNames).
   */
  changed(): void {
    this.epoch++;
  }

  /** The generated fleet of start-up (`--generate-fleet`), which a plain reset restores. */
  get startupFleet(): GeneratedFleetSpec | undefined {
    return this.options.generateFleet;
  }

  reset(generateFleet?: GeneratedFleetSpec | null): void {
    // A reset is a fresh start: wall-clock time again, then the seed at that "now".
    if (isControllable(this.clock)) this.clock.reset();
    this.generatedFleet = generateFleet === undefined ? this.options.generateFleet : (generateFleet ?? undefined);
    this.changed();
    this.fleet = buildFleet(withGeneratedFleet(this.seed, this.generatedFleet), this.clock.now(), this.options.endpoints);
    this.config = { ...this.options.initialConfig };
  }
}
