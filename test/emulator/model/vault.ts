// Renders a vault as Microsoft.KeyVault returns it (getVault.json example, `Vault` in keyvault.json).
import { vaultResourceId } from '../ids';
import type { JsonObject } from '../json';
import type { VaultRecord } from '../state';

export interface VaultRenderContext {
  readonly tenantId: string;
  /** `https://127.0.0.1:<port>/` — the vault's own data-plane listener. */
  readonly vaultUri: string;
  /** Emulator instant → wall-clock instant (clock.toWall). */
  readonly wall: (emulatorMs: number) => number;
}

export function renderVault(v: VaultRecord, ctx: VaultRenderContext): JsonObject {
  const properties: JsonObject = {
    sku: { family: 'A', name: v.skuName },
    tenantId: ctx.tenantId,
    accessPolicies: v.accessPolicies.map((p) => {
      const entry: JsonObject = { tenantId: p.tenantId, objectId: p.objectId, permissions: structuredClone(p.permissions) as JsonObject };
      if (p.applicationId !== undefined) entry.applicationId = p.applicationId;
      return entry;
    }),
    enabledForDeployment: v.enabledForDeployment,
    enabledForDiskEncryption: v.enabledForDiskEncryption,
    enabledForTemplateDeployment: v.enabledForTemplateDeployment,
    enableSoftDelete: v.enableSoftDelete,
    softDeleteRetentionInDays: v.softDeleteRetentionInDays,
    enableRbacAuthorization: v.enableRbacAuthorization,
    vaultUri: ctx.vaultUri,
    provisioningState: v.provisioningState,
    publicNetworkAccess: v.publicNetworkAccess,
    networkAcls: {
      bypass: v.networkAcls.bypass,
      defaultAction: v.networkAcls.defaultAction,
      ipRules: v.networkAcls.ipRules.map((r) => ({ value: r.value })),
      virtualNetworkRules: v.networkAcls.virtualNetworkRules.map((r) => ({ id: r.id, ...(r.ignoreMissingVnetServiceEndpoint !== undefined ? { ignoreMissingVnetServiceEndpoint: r.ignoreMissingVnetServiceEndpoint } : {}) })),
    },
  };
  // Key Vault omits enablePurgeProtection unless it is on (the property never accepts false).
  if (v.enablePurgeProtection) properties.enablePurgeProtection = true;
  return {
    id: vaultResourceId(v.subscriptionId, v.resourceGroup, v.name),
    name: v.name,
    type: 'Microsoft.KeyVault/vaults',
    location: v.location,
    tags: { ...v.tags },
    systemData: {
      createdBy: v.createdBy,
      createdByType: 'User',
      createdAt: new Date(ctx.wall(v.createdMs)).toISOString(),
      lastModifiedBy: v.createdBy,
      lastModifiedByType: 'User',
      lastModifiedAt: new Date(ctx.wall(v.updatedMs)).toISOString(),
    },
    properties,
  };
}

/** Key Vault's DeletionRecoveryLevel for the vault's soft-delete / purge-protection settings. */
export function recoveryLevel(v: VaultRecord): string {
  if (!v.enableSoftDelete) return 'Purgeable';
  return v.enablePurgeProtection ? 'Recoverable' : 'Recoverable+Purgeable';
}
