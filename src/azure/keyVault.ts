/**
 * Key Vault through the management plane (`@azure/arm-keyvault`): vault properties and key versions with their
 * creation times. ARM is not blocked by a vault's firewall and needs no data-plane role, so rotation ages can be
 * read for private vaults too (AZURE.md, "Reading keys without tripping the firewall").
 */
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { parseArmId } from '../kms/armId';
import type { KeyVersionInfo } from '../kms/rotation';
import { AzureContext, armClientOptions } from './azureContext';

export interface VaultInfo {
  readonly id: string;
  readonly name: string;
  readonly vaultUri?: string;
  readonly enableRbacAuthorization?: boolean;
  readonly enableSoftDelete?: boolean;
  readonly enablePurgeProtection?: boolean;
  readonly publicNetworkAccess?: string;
  readonly networkDefaultAction?: string;
  readonly networkBypass?: string;
}

function vaultParts(vaultId: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parsed = parseArmId(vaultId);
  if (!parsed || parsed.type.toLowerCase() !== 'vaults') {
    throw new Error(`"${vaultId}" is not a Key Vault resource ID (…/providers/Microsoft.KeyVault/vaults/<name>).`);
  }
  return parsed;
}

export async function getVault(ctx: AzureContext, vaultId: string, signal?: AbortSignal): Promise<VaultInfo> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const client = new KeyVaultManagementClient(ctx.credential, subscriptionId, armClientOptions(ctx));
  const vault = await client.vaults.get(resourceGroup, name, { abortSignal: signal });
  const p = vault.properties;
  return {
    id: vault.id ?? vaultId,
    name: vault.name ?? name,
    vaultUri: p.vaultUri,
    enableRbacAuthorization: p.enableRbacAuthorization,
    enableSoftDelete: p.enableSoftDelete,
    enablePurgeProtection: p.enablePurgeProtection,
    publicNetworkAccess: p.publicNetworkAccess,
    networkDefaultAction: p.networkAcls?.defaultAction,
    networkBypass: p.networkAcls?.bypass,
  };
}

/** Every version of a key with its creation time (ARM `attributes.created` is Unix seconds). */
export async function listKeyVersions(ctx: AzureContext, vaultId: string, keyName: string, signal?: AbortSignal): Promise<KeyVersionInfo[]> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const client = new KeyVaultManagementClient(ctx.credential, subscriptionId, armClientOptions(ctx));
  const versions: KeyVersionInfo[] = [];
  for await (const key of client.keys.listVersions(resourceGroup, name, keyName, { abortSignal: signal })) {
    const created = key.attributes?.created;
    const version = key.keyUriWithVersion?.split('/').pop();
    if (created === undefined || !version) {
      continue;
    }
    versions.push({
      version,
      createdOn: new Date(created * 1000),
      enabled: key.attributes?.enabled,
      expiresOn: key.attributes?.expires !== undefined ? new Date(key.attributes.expires * 1000) : undefined,
    });
  }
  return versions;
}
