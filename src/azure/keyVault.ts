/**
 * Key Vault through the management plane (`@azure/arm-keyvault`): vaults, and keys with their versions and creation
 * times. ARM is not blocked by a vault's firewall and needs no data-plane role, so key facts and rotation ages can be
 * read for private vaults too (AZURE.md, "Reading keys without tripping the firewall").
 */
import type { Key, Vault } from '@azure/arm-keyvault';
import { createKeyVaultManagement, type KeyVaultManagementContext } from '@azure/arm-keyvault/api';
import * as keys from '@azure/arm-keyvault/api/keys';
import * as vaults from '@azure/arm-keyvault/api/vaults';
import { parseArmId } from '../kms/armId';
import { kmsKeyArmBody } from '../kms/enable/config';
import type { KeyFacts, VaultFacts } from '../kms/enable/facts';
import type { NewVaultSpec } from '../kms/enable/ports';
import type { KeyVersionInfo } from '../kms/rotation';
import { fromArmPolicy, RotationPolicy } from '../kms/rotationPolicy';
import { AzureContext, armClientOptions } from './azureContext';
import { isNotFound } from './errors';
import { queryResourceGraph } from './resourceGraph';

/** Body-mode LRO polling interval for vault creation (the SDK's default is 2 s). */
const VAULT_POLL_MS = 1000;

function vaultParts(vaultId: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parsed = parseArmId(vaultId);
  if (!parsed || parsed.type.toLowerCase() !== 'vaults') {
    throw new Error(`"${vaultId}" is not a Key Vault resource ID (…/providers/Microsoft.KeyVault/vaults/<name>).`);
  }
  return parsed;
}

/**
 * The SDK's context (its client: pipeline, credential, endpoint) for a subscription. The pipeline is built once per
 * context and shared: a subscription's context is a copy that names it, which is how the SDK builds one itself
 * (createKeyVaultManagement). Building a pipeline, and with the classic client eleven operation groups, per
 * subscription cost ~0.4 ms each in the extension host, 200 times for a fleet's key health (test/bench scenario 4,
 * BENCH_CPU_PROFILE). A context is immutable, so what is made from it is too.
 */
const contexts = new WeakMap<AzureContext, { shared: KeyVaultManagementContext; bySubscription: Map<string, KeyVaultManagementContext> }>();

function contextFor(ctx: AzureContext, subscriptionId: string): KeyVaultManagementContext {
  let made = contexts.get(ctx);
  if (!made) {
    made = { shared: createKeyVaultManagement(ctx.credential, '', armClientOptions(ctx)), bySubscription: new Map() };
    contexts.set(ctx, made);
  }
  let forSubscription = made.bySubscription.get(subscriptionId);
  if (!forSubscription) {
    forSubscription = { ...made.shared, subscriptionId };
    made.bySubscription.set(subscriptionId, forSubscription);
  }
  return forSubscription;
}

function vaultFacts(vault: Vault, fallbackId: string): VaultFacts {
  const p = vault.properties;
  return {
    id: vault.id ?? fallbackId,
    name: vault.name ?? parseArmId(fallbackId)?.name ?? '',
    location: vault.location,
    vaultUri: p.vaultUri ?? '',
    enableRbacAuthorization: p.enableRbacAuthorization === true,
    enableSoftDelete: p.enableSoftDelete !== false,
    enablePurgeProtection: p.enablePurgeProtection === true,
    publicNetworkAccess: p.publicNetworkAccess,
    networkDefaultAction: p.networkAcls?.defaultAction,
    networkBypass: p.networkAcls?.bypass,
    provisioningState: p.provisioningState,
    tenantId: p.tenantId,
    accessPolicies: (p.accessPolicies ?? []).map(a => ({ objectId: a.objectId, keyPermissions: a.permissions.keys ?? [] })),
  };
}

/** ARM's key (`attributes` times are Unix seconds) as the plan's facts. */
function keyFacts(key: Key, fallbackName: string): KeyFacts {
  const expires = key.attributes?.expires;
  return {
    name: key.name ?? fallbackName,
    kty: key.kty,
    enabled: key.attributes?.enabled !== false,
    expiresOn: expires !== undefined ? new Date(expires * 1000) : undefined,
    keyIdWithVersion: key.keyUriWithVersion,
    keyOps: key.keyOps,
  };
}

export async function getVault(ctx: AzureContext, vaultId: string, signal?: AbortSignal): Promise<VaultFacts> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  return vaultFacts(await vaults.get(contextFor(ctx, subscriptionId), resourceGroup, name, { abortSignal: signal }), vaultId);
}

/** The vault, or undefined when it does not exist. */
export async function findVault(ctx: AzureContext, vaultId: string, signal?: AbortSignal): Promise<VaultFacts | undefined> {
  try {
    return await getVault(ctx, vaultId, signal);
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Vault names are global; a soft-deleted vault keeps its name too. */
export async function isVaultNameAvailable(ctx: AzureContext, subscriptionId: string, name: string, signal?: AbortSignal): Promise<boolean> {
  const result = await vaults.checkNameAvailability(contextFor(ctx, subscriptionId), { name, type: 'Microsoft.KeyVault/vaults' }, { abortSignal: signal });
  return result.nameAvailable !== false;
}

/** Creates an RBAC vault with soft delete and purge protection, open to public networks until the key exists. */
export async function createVault(ctx: AzureContext, spec: NewVaultSpec, signal?: AbortSignal): Promise<VaultFacts> {
  const vault = await vaults.createOrUpdate(
    contextFor(ctx, spec.subscriptionId),
    spec.resourceGroup,
    spec.name,
    {
      location: spec.location,
      properties: {
        tenantId: spec.tenantId,
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
        publicNetworkAccess: 'Enabled',
      },
    },
    { abortSignal: signal, updateIntervalInMs: VAULT_POLL_MS },
  );
  return vaultFacts(vault, spec.id);
}

export async function updateVault(
  ctx: AzureContext,
  vaultId: string,
  change: { networkDefaultAction?: 'Deny'; networkBypass?: 'AzureServices'; enablePurgeProtection?: true },
  signal?: AbortSignal,
): Promise<VaultFacts> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const context = contextFor(ctx, subscriptionId);
  const properties: Record<string, unknown> = {};
  if (change.networkDefaultAction || change.networkBypass) {
    // A PATCH's `networkAcls` (keyvault.json, VaultPatchProperties.networkAcls: one NetworkRuleSet) replaces the
    // vault's whole rule set, so rules left out are deleted. Read the current set and send it back with only the
    // default action and bypass changed: the user's ipRules and virtualNetworkRules survive the lock, as they do
    // with `az keyvault update --default-action Deny`
    // (azure-cli keyvault/custom.py: a generic update that GETs the vault and PUTs it back whole, update_vault_setter).
    const current = (await vaults.get(context, resourceGroup, name, { abortSignal: signal })).properties.networkAcls;
    properties.networkAcls = {
      ...current,
      defaultAction: change.networkDefaultAction ?? current?.defaultAction,
      bypass: change.networkBypass ?? current?.bypass,
      ipRules: current?.ipRules ?? [],
      virtualNetworkRules: current?.virtualNetworkRules ?? [],
    };
  }
  if (change.enablePurgeProtection) {
    properties.enablePurgeProtection = true;
  }
  return vaultFacts(await vaults.update(context, resourceGroup, name, { properties }, { abortSignal: signal }), vaultId);
}

/** A key's current facts through ARM, or undefined when it does not exist. */
export async function findKey(ctx: AzureContext, vaultId: string, keyName: string, signal?: AbortSignal): Promise<KeyFacts | undefined> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  try {
    return keyFacts(await keys.get(contextFor(ctx, subscriptionId), resourceGroup, name, keyName, { abortSignal: signal }), keyName);
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Every version of a key with its creation time (ARM `attributes.created` is Unix seconds). */
export async function listKeyVersions(ctx: AzureContext, vaultId: string, keyName: string, signal?: AbortSignal): Promise<KeyVersionInfo[]> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const versions: KeyVersionInfo[] = [];
  for await (const key of keys.listVersions(contextFor(ctx, subscriptionId), resourceGroup, name, keyName, { abortSignal: signal })) {
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

/** Every vault of the subscriptions, with what the vault facts need (Resource Graph rows carry ARM's properties). */
export const VAULTS_QUERY = [
  'resources',
  "| where type =~ 'microsoft.keyvault/vaults'",
  '| project id, name, location, properties',
  '| order by id asc',
].join('\n');

/**
 * The vaults of many subscriptions in one Resource Graph query instead of a read per vault: the key health of a
 * large fleet needs the facts of hundreds of vaults at once. The index can trail a change by a few seconds, as the
 * fleet listing does; a vault it does not have yet is read through ARM (keyHealthService).
 */
export async function listVaultsInResourceGraph(ctx: AzureContext, subscriptionIds: readonly string[], signal?: AbortSignal): Promise<VaultFacts[]> {
  const result: VaultFacts[] = [];
  await queryResourceGraph<Vault>(ctx, VAULTS_QUERY, subscriptionIds, rows => result.push(...rows.filter(v => v.properties).map(v => vaultFacts(v, v.id ?? ''))), signal);
  return result;
}

/** Vaults in a subscription, for the wizard's "existing vault" choice. */
export async function listVaults(ctx: AzureContext, subscriptionId: string, signal?: AbortSignal): Promise<VaultFacts[]> {
  const result: VaultFacts[] = [];
  for await (const v of vaults.listBySubscription(contextFor(ctx, subscriptionId), { abortSignal: signal })) {
    result.push(vaultFacts(v, v.id ?? ''));
  }
  return result.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A key's rotation policy through ARM (`keys.get` returns `rotationPolicy`): not blocked by the vault firewall and
 * needs no data-plane role. Undefined when the key has no policy set (ARM does not show Key Vault's default).
 */
export async function getRotationPolicyFromArm(ctx: AzureContext, vaultId: string, keyName: string, signal?: AbortSignal): Promise<RotationPolicy | undefined> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const key = await keys.get(contextFor(ctx, subscriptionId), resourceGroup, name, keyName, { abortSignal: signal });
  const policy = key.rotationPolicy;
  const set = policy && (policy.lifetimeActions?.length || policy.attributes?.expiryTime || policy.attributes?.created !== undefined);
  return set ? fromArmPolicy(policy) : undefined;
}

/**
 * Creates an RSA 2048 key through ARM (`keys.createIfNotExist`), for encrypt/decrypt as KMS needs. ARM is not behind
 * the vault firewall and needs no data-plane role, and an existing key is returned unchanged — so a retried create
 * never adds a second version (AZURE.md, "Reading keys without tripping the firewall").
 */
export async function createKeyIfNotExist(ctx: AzureContext, vaultId: string, keyName: string, signal?: AbortSignal): Promise<KeyFacts> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  const key = await keys.createIfNotExist(
    contextFor(ctx, subscriptionId),
    resourceGroup,
    name,
    keyName,
    kmsKeyArmBody(),
    { abortSignal: signal },
  );
  return keyFacts(key, keyName);
}

/**
 * Adds key permissions for one principal to an access-policy vault (`vaults.updateAccessPolicy`, kind `add`, which
 * merges with what the principal already holds), then reads the vault back.
 */
export async function addKeyAccessPolicy(
  ctx: AzureContext,
  vaultId: string,
  tenantId: string,
  objectId: string,
  keyPermissions: readonly string[],
  signal?: AbortSignal,
): Promise<VaultFacts> {
  const { subscriptionId, resourceGroup, name } = vaultParts(vaultId);
  await vaults.updateAccessPolicy(
    contextFor(ctx, subscriptionId),
    resourceGroup,
    name,
    'add',
    { properties: { accessPolicies: [{ tenantId, objectId, permissions: { keys: [...keyPermissions] } }] } },
    { abortSignal: signal },
  );
  return getVault(ctx, vaultId, signal);
}
