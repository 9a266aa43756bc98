/**
 * Key Vault data plane (`@azure/keyvault-keys`). Used where the management plane cannot help: a cluster whose
 * security profile names a key but not its vault's resource ID. Needs network reach and a data-plane role.
 */
import { KeyClient } from '@azure/keyvault-keys';
import type { KeyFacts } from '../kms/enable/facts';
import type { DeletedKeyInfo } from '../kms/keyHealth';
import type { KeyVersionInfo } from '../kms/rotation';
import { isNotFound } from './errors';
import { pipelineOptions, type AzureContext } from './azureContext';

export function keyClient(ctx: AzureContext, vaultUrl: string): KeyClient {
  return new KeyClient(vaultUrl, ctx.credential, {
    // Only a local emulator on an IP address cannot pass this check; real clouds always keep it (cloud.ts).
    disableChallengeResourceVerification: !ctx.cloud.verifyKeyVaultChallengeResource,
    ...pipelineOptions(ctx, [`${ctx.cloud.keyVaultResource}/.default`]),
  });
}

export async function listKeyVersionsFromDataPlane(ctx: AzureContext, vaultUrl: string, keyName: string, signal?: AbortSignal): Promise<KeyVersionInfo[]> {
  const versions: KeyVersionInfo[] = [];
  for await (const p of keyClient(ctx, vaultUrl).listPropertiesOfKeyVersions(keyName, { abortSignal: signal })) {
    if (p.version && p.createdOn) {
      versions.push({ version: p.version, createdOn: p.createdOn, enabled: p.enabled, expiresOn: p.expiresOn });
    }
  }
  return versions;
}

/** A soft-deleted key's deletion and purge dates (Get Deleted Key); undefined when no deleted key has that name. */
export async function readDeletedKey(ctx: AzureContext, vaultUrl: string, keyName: string, signal?: AbortSignal): Promise<DeletedKeyInfo | undefined> {
  try {
    const deleted = await keyClient(ctx, vaultUrl).getDeletedKey(keyName, { abortSignal: signal });
    return { vaultName: new URL(vaultUrl).hostname.split('.')[0], deletedOn: deleted.properties.deletedOn, scheduledPurgeDate: deleted.properties.scheduledPurgeDate };
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Creates an RSA 2048 key (what KMS needs) through the data plane. */
export async function createRsaKey(ctx: AzureContext, vaultUrl: string, keyName: string, signal?: AbortSignal): Promise<KeyFacts> {
  const key = await keyClient(ctx, vaultUrl).createRsaKey(keyName, { keySize: 2048, abortSignal: signal });
  return { name: key.name, kty: key.keyType, enabled: key.properties.enabled !== false, expiresOn: key.properties.expiresOn, keyIdWithVersion: key.id };
}
