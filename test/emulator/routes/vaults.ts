// Microsoft.KeyVault vaults (management plane): get, list by subscription, list by resource group.
// vaultUri is the vault's own data-plane listener, `https://127.0.0.1:<port>/`.
import { KEYVAULT_MGMT_API_VERSIONS } from '../apiVersions';
import { resourceNotFound } from '../errors';
import { json } from '../http';
import { renderVault } from '../model/vault';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type VaultRecord } from '../state';
import { requireResourceGroup, requireSubscription } from './scope';
import type { ArmDeps, ArmHandler } from './types';

const PROVIDER = '/providers/Microsoft.KeyVault/vaults';

export function registerVaultRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const render = (v: VaultRecord) =>
    renderVault(v, {
      tenantId: deps.store.fleet.tenantId,
      createdBy: deps.store.fleet.userPrincipalName,
      vaultUri: `${deps.vaults.baseUrl(v.name)}/`,
    });

  router.add('GET', `/subscriptions/{subscriptionId}${PROVIDER}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireSubscription(fleet, r.params.subscriptionId);
    const all = lookup.vaults(fleet, r.params.subscriptionId).map(render);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize, topName: '$top' }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireResourceGroup(fleet, r.params.subscriptionId, r.params.resourceGroupName);
    const all = lookup.vaults(fleet, r.params.subscriptionId, r.params.resourceGroupName).map(render);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize, topName: '$top' }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{vaultName}`, KEYVAULT_MGMT_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const { subscriptionId, resourceGroupName, vaultName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const v = lookup.vault(fleet, subscriptionId, resourceGroupName, vaultName);
    if (!v) throw resourceNotFound('Microsoft.KeyVault/vaults', vaultName, resourceGroupName);
    return json(200, render(v));
  });
}
