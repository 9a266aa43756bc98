// Microsoft.KeyVault keys through ARM (keys.json 2025-05-01): get, list, list versions, get version.
// ARM is not behind the vault firewall and needs no data-plane role, which is why the product reads
// key ages here (AZURE.md, "Reading keys without tripping the firewall").
import { KEYVAULT_MGMT_API_VERSIONS } from '../apiVersions';
import { resourceNotFound } from '../errors';
import { json } from '../http';
import { renderMgmtKey } from '../model/key';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type KeyRecord, type VaultRecord } from '../state';
import { requireResourceGroup } from './scope';
import type { ArmDeps, ArmHandler, ArmRequest } from './types';

const VAULT = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}';

export function registerVaultKeyRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const vaultOf = (r: ArmRequest): VaultRecord => {
    const fleet = deps.store.fleet;
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
    return json(200, pageOf(v.keys.map((k) => renderMgmtKey(v, k, base)), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${VAULT}/keys/{keyName}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    return json(200, renderMgmtKey(v, keyOf(r, v), deps.vaults.baseUrl(v.name)));
  });

  router.add('GET', `${VAULT}/keys/{keyName}/versions`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    const k = keyOf(r, v);
    const base = deps.vaults.baseUrl(v.name);
    return json(200, pageOf(k.versions.map((ver) => renderMgmtKey(v, k, base, ver)), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${VAULT}/keys/{keyName}/versions/{keyVersion}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const v = vaultOf(r);
    const k = keyOf(r, v);
    const ver = k.versions.find((x) => x.version.toLowerCase() === r.params.keyVersion.toLowerCase());
    if (!ver) throw resourceNotFound(`Microsoft.KeyVault/vaults/${v.name}/keys/${k.name}/versions`, r.params.keyVersion, r.params.resourceGroupName);
    return json(200, renderMgmtKey(v, k, deps.vaults.baseUrl(v.name), ver));
  });
}
