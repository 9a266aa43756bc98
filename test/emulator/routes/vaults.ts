// Microsoft.KeyVault vaults (management plane): get, list by subscription and resource group, PUT
// (create or update; a create is a body-mode LRO: provisioningState RegisteringDns until
// `vaultCreateDurationMs` has passed — 0: Succeeded at once, nothing to poll), PATCH, and checkNameAvailability. Vault names are global: a new
// vault gets its own data-plane listener, and `vaultUri` is that listener, `https://127.0.0.1:<port>/`.
import { KEYVAULT_MGMT_API_VERSIONS } from '../apiVersions';
import { HttpError, resourceNotFound } from '../errors';
import { json, readJsonBody } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import { renderVault } from '../model/vault';
import { isValidVaultName, vaultNameError } from '../names';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type VaultRecord } from '../state';
import { applyVaultProperties } from '../vaultProperties';
import { requireResourceGroup, requireSubscription } from './scope';
import type { ArmDeps, ArmHandler } from './types';

const PROVIDER = '/providers/Microsoft.KeyVault/vaults';
const VAULT = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{vaultName}`;

function alreadyExists(name: string): HttpError {
  return new HttpError(
    409,
    'VaultAlreadyExists',
    `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken. If you are sure that the vault name was not taken then it is possible that a vault with the same name was recently deleted but not purged after being placed in a recoverable state. If the vault is in a recoverable state then the vault will need to be purged before reusing the name. For more information on VaultAlreadyExists, soft delete and purging a vault follow this link https://go.microsoft.com/fwlink/?linkid=2147740.`,
  );
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  // rule: emu-vault-property-invalid
  if (!isJsonObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw new HttpError(400, 'BadRequest', 'The property "tags" must be an object of strings.');
  return { ...(value as Record<string, string>) };
}

function bodyObject(body: unknown): JsonObject {
  // rule: emu-request-invalid-content
  if (!isJsonObject(body)) throw new HttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  return body;
}

export function registerVaultRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  const render = (v: VaultRecord) =>
    renderVault(v, { tenantId: store.fleet.tenantId, vaultUri: `${deps.vaults.baseUrl(v.name)}/`, wall: (ms) => store.clock.toWall(ms) });

  router.add('GET', `/subscriptions/{subscriptionId}${PROVIDER}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = store.fleet;
    requireSubscription(fleet, r.params.subscriptionId);
    const all = lookup.vaults(fleet, r.params.subscriptionId).map(render);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize, topName: '$top' }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = store.fleet;
    requireResourceGroup(fleet, r.params.subscriptionId, r.params.resourceGroupName);
    const all = lookup.vaults(fleet, r.params.subscriptionId, r.params.resourceGroupName).map(render);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize, topName: '$top' }));
  });

  router.add('GET', VAULT, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, vaultName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const v = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (!v) throw resourceNotFound('Microsoft.KeyVault/vaults', vaultName, resourceGroupName);
    return json(200, render(v));
  });

  router.add('PUT', VAULT, KEYVAULT_MGMT_API_VERSIONS, async (r) => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, vaultName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    // rule: emu-vault-name-invalid
    if (!isValidVaultName(vaultName)) throw vaultNameError(vaultName);
    const body = bodyObject(await readJsonBody(r.raw));
    // rule: emu-arm-location-required
    if (typeof body.location !== 'string' || body.location === '') throw new HttpError(400, 'LocationRequired', 'The location property is required for this definition.');
    // rule: emu-vault-required-properties
    if (!isJsonObject(body.properties)) throw new HttpError(400, 'BadRequest', 'The property "properties" is required.');
    const props = body.properties;
    // rule: emu-vault-required-properties
    if (props.tenantId === undefined) throw new HttpError(400, 'BadRequest', 'The property "tenantId" is required.');
    if (props.sku === undefined) throw new HttpError(400, 'BadRequest', 'The property "sku" is required.');

    const existing = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (existing) {
      // Validate on a copy so a rejected update changes nothing.
      const next = structuredClone(existing);
      applyVaultProperties(next, props, false);
      Object.assign(existing, next, { tags: tagsOf(body.tags) ?? existing.tags, updatedMs: store.clock.now() });
      return json(200, render(existing));
    }
    // rule: emu-vault-name-taken
    if (lookup.vaultByName(fleet, vaultName)) throw alreadyExists(vaultName);

    const now = store.clock.now();
    const group = lookup.resourceGroup(fleet, subscriptionId, resourceGroupName)!;
    const vault: VaultRecord = {
      name: vaultName,
      subscriptionId: group.subscriptionId,
      resourceGroup: group.name,
      location: body.location,
      tags: tagsOf(body.tags) ?? {},
      createdMs: now,
      updatedMs: now,
      skuName: 'standard',
      enableRbacAuthorization: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
      accessPolicies: [],
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      ...(store.config.vaultCreateDurationMs > 0
        ? { provisioningState: 'RegisteringDns' as const, readyAtMs: now + store.config.vaultCreateDurationMs }
        : { provisioningState: 'Succeeded' as const }),
      createdBy: r.principal.upn ?? r.principal.oid,
      keys: [],
      deletedKeys: [],
    };
    applyVaultProperties(vault, props, true);
    // The listener must exist before the answer: vaultUri names its port.
    await deps.vaults.open(vaultName);
    // Another request may have taken the name while the listener opened.
    // rule: emu-vault-name-taken
    if (lookup.vaultByName(store.fleet, vaultName)) throw alreadyExists(vaultName);
    store.fleet.vaults.push(vault);
    return json(201, render(vault));
  });

  router.add('PATCH', VAULT, KEYVAULT_MGMT_API_VERSIONS, async (r) => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, vaultName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const v = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (!v) throw resourceNotFound('Microsoft.KeyVault/vaults', vaultName, resourceGroupName);
    const body = bodyObject(await readJsonBody(r.raw));
    const next = structuredClone(v);
    if (body.properties !== undefined) {
      if (!isJsonObject(body.properties)) throw new HttpError(400, 'BadRequest', 'The property "properties" must be an object.');
      applyVaultProperties(next, body.properties, false);
    }
    Object.assign(v, next, { tags: tagsOf(body.tags) ?? v.tags, updatedMs: store.clock.now() });
    return json(200, render(v));
  });

  router.add('POST', `/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/checkNameAvailability`, KEYVAULT_MGMT_API_VERSIONS, async (r) => {
    requireSubscription(store.fleet, r.params.subscriptionId);
    const body = bodyObject(await readJsonBody(r.raw));
    const name = typeof body.name === 'string' ? body.name : '';
    if (!isValidVaultName(name)) return json(200, { nameAvailable: false, reason: 'AccountNameInvalid', message: vaultNameError(name).message });
    if (lookup.vaultByName(store.fleet, name)) return json(200, { nameAvailable: false, reason: 'AlreadyExists', message: alreadyExists(name).message });
    return json(200, { nameAvailable: true });
  });
}
