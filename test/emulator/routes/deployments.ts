// Microsoft.Resources deployments (resources.json 2025-04-01): the list of a resource group's template deployments,
// `Deployments_ListByResourceGroup`, with what each deployed (`outputResources`). The emulator deploys no templates:
// the history holds what the admin API added (POST /_emulator/deployments), so tests can give a cluster a past.
import { json } from '../http';
import type { Router } from '../router';
import type { DeploymentRecord } from '../state';
import { PROVIDERS_API_VERSIONS } from '../apiVersions';
import { requireResourceGroup } from './scope';
import type { ArmDeps, ArmHandler } from './types';

function renderDeployment(d: DeploymentRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${d.subscriptionId}/resourceGroups/${d.resourceGroup}/providers/Microsoft.Resources/deployments/${d.name}`,
    name: d.name,
    type: 'Microsoft.Resources/deployments',
    properties: {
      provisioningState: 'Succeeded',
      timestamp: new Date(d.timestampMs).toISOString(),
      mode: 'Incremental',
      outputResources: d.outputResources.map(id => ({ id })),
    },
  };
}

export function registerDeploymentRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  router.add('GET', '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments', PROVIDERS_API_VERSIONS, (r) => {
    const { subscriptionId, resourceGroupName } = r.params;
    requireResourceGroup(store.fleet, subscriptionId, resourceGroupName);
    const value = store.fleet.deployments
      .filter(d => d.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() && d.resourceGroup.toLowerCase() === resourceGroupName.toLowerCase())
      .sort((a, b) => b.timestampMs - a.timestampMs)
      .map(renderDeployment);
    return json(200, { value });
  });
}
