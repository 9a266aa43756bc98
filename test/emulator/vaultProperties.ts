// Applies VaultProperties / VaultPatchProperties (keyvault.json 2025-05-01) to a vault record with Key
// Vault's rules: soft delete and purge protection are one-way switches, retention is 7–90 days, the
// enums are closed. Why one function for PUT and PATCH: the service validates both the same way; PUT
// just starts from defaults where PATCH starts from the stored vault.
import { HttpError } from './errors';
import { GUID_PATTERN } from './ids';
import { isJsonObject, type Json, type JsonObject } from './json';
import type { AccessPolicyRecord, NetworkAclsRecord, VaultRecord } from './state';

function bad(message: string): HttpError {
  return new HttpError(400, 'BadRequest', message);
}

function bool(v: Json | undefined, name: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  // rule: emu-vault-property-invalid
  if (typeof v !== 'boolean') throw bad(`The property "${name}" must be a boolean.`);
  return v;
}

function oneOf<T extends string>(v: Json | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (v === undefined || v === null) return undefined;
  const hit = allowed.find((a) => typeof v === 'string' && a.toLowerCase() === v.toLowerCase());
  // rule: emu-vault-property-invalid
  if (!hit) throw bad(`The value '${String(v)}' of property "${name}" is invalid. Allowed values: ${allowed.join(', ')}.`);
  return hit;
}

/**
 * A sent `networkAcls` (VaultProperties / VaultPatchProperties.networkAcls, one NetworkRuleSet) replaces the vault's
 * whole rule set, on PATCH too: rules it leaves out are gone (which is why `az keyvault update` and the product read
 * the set first and send it back whole). Left-out scalars take their defaults: bypass `AzureServices`
 * (NetworkRuleSet.bypass: "If not specified the default is 'AzureServices'") and defaultAction `Allow` (a new vault's).
 */
function networkAcls(v: JsonObject): NetworkAclsRecord {
  const next: NetworkAclsRecord = {
    defaultAction: oneOf(v.defaultAction, 'networkAcls.defaultAction', ['Allow', 'Deny'] as const) ?? 'Allow',
    bypass: oneOf(v.bypass, 'networkAcls.bypass', ['AzureServices', 'None'] as const) ?? 'AzureServices',
    ipRules: [],
    virtualNetworkRules: [],
  };
  if (Array.isArray(v.ipRules)) {
    next.ipRules = v.ipRules.map((r) => {
      if (!isJsonObject(r) || typeof r.value !== 'string') throw bad('Each networkAcls.ipRules entry needs a "value" (an IPv4 address or CIDR range).');
      return { value: r.value };
    });
  }
  if (Array.isArray(v.virtualNetworkRules)) {
    next.virtualNetworkRules = v.virtualNetworkRules.map((r) => {
      if (!isJsonObject(r) || typeof r.id !== 'string') throw bad('Each networkAcls.virtualNetworkRules entry needs an "id".');
      return { id: r.id, ...(typeof r.ignoreMissingVnetServiceEndpoint === 'boolean' ? { ignoreMissingVnetServiceEndpoint: r.ignoreMissingVnetServiceEndpoint } : {}) };
    });
  }
  return next;
}

export function accessPolicies(v: Json): AccessPolicyRecord[] {
  // rule: emu-vault-property-invalid
  if (!Array.isArray(v)) throw bad('The property "accessPolicies" must be an array.');
  return v.map((p) => {
    if (!isJsonObject(p) || typeof p.tenantId !== 'string' || typeof p.objectId !== 'string' || !isJsonObject(p.permissions)) {
      throw bad('Each access policy needs "tenantId", "objectId" and "permissions".');
    }
    const perms = p.permissions;
    const list = (x: Json | undefined) => (Array.isArray(x) ? x.map(String) : undefined);
    return {
      tenantId: p.tenantId,
      objectId: p.objectId,
      ...(typeof p.applicationId === 'string' ? { applicationId: p.applicationId } : {}),
      permissions: { keys: list(perms.keys), secrets: list(perms.secrets), certificates: list(perms.certificates), storage: list(perms.storage) },
    };
  });
}

/**
 * Applies `props` onto `vault` (already holding defaults for a create, or the stored state for an
 * update). `isCreate`: the one-way switches may start off.
 */
export function applyVaultProperties(vault: VaultRecord, props: JsonObject, isCreate: boolean): void {
  // rule: emu-vault-property-invalid
  if (props.tenantId !== undefined && (typeof props.tenantId !== 'string' || !GUID_PATTERN.test(props.tenantId))) {
    throw bad(`The property "tenantId" must be a GUID, got '${String(props.tenantId)}'.`);
  }
  if (props.sku !== undefined) {
    if (!isJsonObject(props.sku)) throw bad('The property "sku" must be an object like {"family":"A","name":"standard"}.');
    vault.skuName = oneOf(props.sku.name, 'sku.name', ['standard', 'premium'] as const) ?? vault.skuName;
  }
  const softDelete = bool(props.enableSoftDelete, 'enableSoftDelete');
  // rule: emu-vault-soft-delete-irreversible
  if (softDelete === false && vault.enableSoftDelete && !isCreate) {
    throw bad('The property "enableSoftDelete" cannot be set to false. Enabling the \'soft delete\' functionality is an irreversible action.');
  }
  if (softDelete !== undefined) vault.enableSoftDelete = softDelete;
  const purge = bool(props.enablePurgeProtection, 'enablePurgeProtection');
  // rule: emu-vault-purge-protection-irreversible
  if (purge === false) {
    throw bad('The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.');
  }
  if (purge === true) {
    // rule: emu-vault-purge-protection-needs-soft-delete
    if (!vault.enableSoftDelete) throw bad('The property "enablePurgeProtection" cannot be set to true when "enableSoftDelete" is false: purge protection needs soft delete.');
    vault.enablePurgeProtection = true;
  }
  if (props.softDeleteRetentionInDays !== undefined && props.softDeleteRetentionInDays !== null) {
    const days = props.softDeleteRetentionInDays;
    // rule: emu-vault-retention-range
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 7 || days > 90) throw bad(`The property "softDeleteRetentionInDays" accepts 7 to 90, got '${String(days)}'.`);
    vault.softDeleteRetentionInDays = days;
  }
  const rbac = bool(props.enableRbacAuthorization, 'enableRbacAuthorization');
  if (rbac !== undefined) vault.enableRbacAuthorization = rbac;
  vault.publicNetworkAccess = oneOf(props.publicNetworkAccess, 'publicNetworkAccess', ['Enabled', 'Disabled'] as const) ?? vault.publicNetworkAccess;
  if (props.networkAcls !== undefined && props.networkAcls !== null) {
    if (!isJsonObject(props.networkAcls)) throw bad('The property "networkAcls" must be an object.');
    vault.networkAcls = networkAcls(props.networkAcls);
  }
  if (props.accessPolicies !== undefined && props.accessPolicies !== null) vault.accessPolicies = accessPolicies(props.accessPolicies);
  for (const k of ['enabledForDeployment', 'enabledForDiskEncryption', 'enabledForTemplateDeployment'] as const) {
    const b = bool(props[k], k);
    if (b !== undefined) vault[k] = b;
  }
}
