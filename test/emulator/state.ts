// In-memory state of the emulator: the fleet (built from SEED at the clock's "now") plus the runtime
// switches of POST /_emulator/config. Reset replaces the fleet wholesale; vault listeners live outside
// it (vaultListener.ts), so a vault keeps its host:port across resets.
import type { Clock } from './clock';
import { vaultResourceId } from './ids';
import type { JsonObject } from './json';
import { buildManagedClusterJson } from './model/managedCluster';
import { SEED, seedResourceGroups, type Seed } from './seed';

export interface SubscriptionRecord {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly state: 'Enabled';
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

export interface KeyVersionRecord {
  readonly version: string;
  readonly createdMs: number;
  updatedMs: number;
  enabled: boolean;
  expiresMs?: number;
  notBeforeMs?: number;
  readonly kty: 'RSA';
  readonly keySize: number;
  readonly keyOps: readonly string[];
}

export interface RotationPolicyRecord {
  timeAfterCreate: string;
  expiryTime: string;
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
  keys: KeyRecord[];
}

export interface FleetState {
  readonly tenantId: string;
  readonly userObjectId: string;
  readonly userPrincipalName: string;
  readonly seededAtMs: number;
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  clusters: ClusterRecord[];
  vaults: VaultRecord[];
}

export interface EmulatorConfig {
  /** Resource Graph rows omit preview-only fields (`kubernetesResourceObjectEncryptionProfile`). */
  resourceGraphOmitsPreviewFields: boolean;
}

/** Where each vault's data plane listens; owned by vaultListener.ts. */
export interface VaultEndpoints {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  baseUrl(vaultName: string): string;
}

const RSA_KEY_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'] as const;
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
              timeAfterCreate: k.rotationPolicy.timeAfterCreate,
              expiryTime: k.rotationPolicy.expiryTime,
              createdMs: nowMs - k.versions[0].ageMs,
              updatedMs: nowMs - k.versions[0].ageMs,
            },
          }
        : {}),
    })),
  }));

  const ctx = {
    tenantId: seed.tenantId,
    keyId: (vault: string, key: string, version?: string) => `${endpoints.baseUrl(vault)}/keys/${key}${version ? `/${version}` : ''}`,
    vaultResourceId: (vault: string) => {
      const v = seed.vaults.find((x) => x.name === vault);
      if (!v) throw new Error(`seed: no vault ${vault}`);
      return vaultResourceId(v.subscriptionId, v.resourceGroup, v.name);
    },
    keyVersions: (vault: string, key: string) => {
      const k = seed.vaults.find((x) => x.name === vault)?.keys.find((x) => x.name === key);
      if (!k) throw new Error(`seed: no key ${vault}/${key}`);
      return k.versions.map((x) => x.version);
    },
  };

  return {
    tenantId: seed.tenantId,
    userObjectId: seed.userObjectId,
    userPrincipalName: seed.userPrincipalName,
    seededAtMs: nowMs,
    subscriptions: seed.subscriptions.map((s) => ({ subscriptionId: s.subscriptionId, displayName: s.displayName, state: 'Enabled' })),
    resourceGroups: seedResourceGroups(seed),
    clusters: seed.clusters.map((c) => ({
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      name: c.name,
      body: buildManagedClusterJson(c, ctx),
    })),
    vaults,
  };
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Case-insensitive lookups, as ARM resolves names. */
export const lookup = {
  subscription: (s: FleetState, id: string) => s.subscriptions.find((x) => eq(x.subscriptionId, id)),
  resourceGroup: (s: FleetState, sub: string, rg: string) => s.resourceGroups.find((x) => eq(x.subscriptionId, sub) && eq(x.name, rg)),
  clusters: (s: FleetState, sub: string, rg?: string) =>
    s.clusters.filter((x) => eq(x.subscriptionId, sub) && (rg === undefined || eq(x.resourceGroup, rg))),
  cluster: (s: FleetState, sub: string, rg: string, name: string) =>
    s.clusters.find((x) => eq(x.subscriptionId, sub) && eq(x.resourceGroup, rg) && eq(x.name, name)),
  vaults: (s: FleetState, sub: string, rg?: string) =>
    s.vaults.filter((x) => eq(x.subscriptionId, sub) && (rg === undefined || eq(x.resourceGroup, rg))),
  vault: (s: FleetState, sub: string, rg: string, name: string) =>
    s.vaults.find((x) => eq(x.subscriptionId, sub) && eq(x.resourceGroup, rg) && eq(x.name, name)),
  /** Vault names are globally unique, so the data plane finds its vault by name alone. */
  vaultByName: (s: FleetState, name: string) => s.vaults.find((x) => eq(x.name, name)),
  key: (v: VaultRecord, name: string) => v.keys.find((x) => eq(x.name, name)),
};

export interface StoreOptions {
  readonly clock: Clock;
  readonly endpoints: VaultEndpoints;
  readonly initialConfig: EmulatorConfig;
  readonly seed?: Seed;
}

/** Holds the current fleet and config; `reset()` re-seeds at the clock's current "now". */
export class EmulatorStore {
  fleet: FleetState;
  config: EmulatorConfig;
  readonly clock: Clock;
  private readonly seed: Seed;

  constructor(private readonly options: StoreOptions) {
    this.clock = options.clock;
    this.seed = options.seed ?? SEED;
    this.fleet = buildFleet(this.seed, this.clock.now(), options.endpoints);
    this.config = { ...options.initialConfig };
  }

  reset(): void {
    this.fleet = buildFleet(this.seed, this.clock.now(), this.options.endpoints);
    this.config = { ...this.options.initialConfig };
  }
}
