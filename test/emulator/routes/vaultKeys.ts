// Microsoft.KeyVault keys through ARM (keys.json 2025-05-01): get, list, list versions, get version, and
// PUT (`keys.createIfNotExist`: creates the key with its rotation policy, or returns the existing key
// unchanged). ARM is not behind the vault firewall and needs no data-plane role, which is why the
// product reads key ages here and may create keys of private vaults here (AZURE.md, "Reading keys
// without tripping the firewall").
import { KEYVAULT_MGMT_API_VERSIONS } from '../apiVersions';
import { HttpError, resourceNotFound } from '../errors';
import { json, readJsonBody } from '../http';
import { isJsonObject } from '../json';
import { addVersion, deletedKeyConflict, isValidKeyName, parseKeySpec, parseRotationPolicy } from '../keyOps';
import { renderMgmtKey } from '../model/key';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type KeyRecord, type VaultRecord } from '../state';
import { requireResourceGroup } from './scope';
import type { ArmDeps, ArmHandler, ArmRequest } from './types';

const VAULT = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}';

export function registerVaultKeyRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  const wall = (ms: number) => store.clock.toWall(ms);
  const vaultOf = (r: ArmRequest): VaultRecord => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, vaultName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const v = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (!v) throw resourceNotFound('Microsoft.KeyVault/vaults', vaultName, resourceGroupName);
    return v;
  };
  const keyOf = (r: ArmRequest, v: VaultRecord): KeyRecord => {
    const k = lookup.key(v, r.params.keyName);
    if (!k) throw resourceNotFound(`Microsoft.KeyVault/vaults/${v.name}/keys`, r.params.keyName, r.params.resourceGroupName);
    return k;
  };

  router.add('GET', `${VAULT}/keys`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    const base = deps.vaults.baseUrl(v.name);
    return json(200, pageOf(v.keys.map((k) => renderMgmtKey(v, k, base, wall)), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${VAULT}/keys/{keyName}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    return json(200, renderMgmtKey(v, keyOf(r, v), deps.vaults.baseUrl(v.name), wall));
  });

  router.add('PUT', `${VAULT}/keys/{keyName}`, KEYVAULT_MGMT_API_VERSIONS, async (r) => {
    const v = vaultOf(r);
    const name = r.params.keyName;
    // rule: emu-key-name-invalid
    if (!isValidKeyName(name)) throw new HttpError(400, 'BadRequest', `The key name '${name}' is invalid: use 1 to 127 letters, digits and hyphens.`);
    const body = await readJsonBody(r.raw);
    // rule: emu-key-request-invalid
    if (!isJsonObject(body) || !isJsonObject(body.properties)) throw new HttpError(400, 'BadRequest', 'The property "properties" is required.');
    // rule: emu-key-deleted-conflict
    if (lookup.deletedKey(v, name)) throw deletedKeyConflict(name);
    const existing = lookup.key(v, name);
    // createIfNotExist: an existing key is returned as it is, whatever the body asks for.
    if (existing) return json(200, renderMgmtKey(v, existing, deps.vaults.baseUrl(v.name), wall));
    const p = body.properties;
    const template = parseKeySpec({ kty: p.kty ?? 'RSA', keySize: p.keySize, curve: p.curveName, keyOps: p.keyOps }, v, 'BadRequest');
    const now = store.clock.now();
    const attrs = isJsonObject(p.attributes) ? p.attributes : {};
    const unix = (x: unknown) => (typeof x === 'number' ? store.clock.fromWall(x * 1000) : undefined);
    const key: KeyRecord = { name, versions: [], tags: {} };
    if (isJsonObject(body.tags)) for (const [t, val] of Object.entries(body.tags)) if (typeof val === 'string') key.tags[t] = val;
    if (p.rotationPolicy !== undefined && p.rotationPolicy !== null) {
      try {
        key.rotationPolicy = parseRotationPolicy(p.rotationPolicy, now);
      } catch (e) {
        // Same rule, ARM's error code.
        if (e instanceof HttpError) throw new HttpError(400, 'BadRequest', e.message);
        throw e;
      }
    }
    addVersion(key, template, now, {
      enabled: typeof attrs.enabled === 'boolean' ? attrs.enabled : undefined,
      expiresMs: unix(attrs.exp),
      notBeforeMs: unix(attrs.nbf),
    });
    v.keys.push(key);
    return json(200, renderMgmtKey(v, key, deps.vaults.baseUrl(v.name), wall));
  });

  router.add('GET', `${VAULT}/keys/{keyName}/versions`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    const k = keyOf(r, v);
    const base = deps.vaults.baseUrl(v.name);
    return json(200, pageOf(k.versions.map((ver) => renderMgmtKey(v, k, base, wall, ver)), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${VAULT}/keys/{keyName}/versions/{keyVersion}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    const k = keyOf(r, v);
    const ver = k.versions.find((x) => x.version.toLowerCase() === r.params.keyVersion.toLowerCase());
    if (!ver) throw resourceNotFound(`Microsoft.KeyVault/vaults/${v.name}/keys/${k.name}/versions`, r.params.keyVersion, r.params.resourceGroupName);
    return json(200, renderMgmtKey(v, k, deps.vaults.baseUrl(v.name), wall, ver));
  });
}
