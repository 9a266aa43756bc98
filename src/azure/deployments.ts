/**
 * Whether a template deployment put the cluster where it is: the latest deployment in the cluster's resource group
 * whose `outputResources` name the cluster (`Deployments_ListByResourceGroup`, resources.json 2025-04-01). Such a
 * cluster's template must get the KMS change too (preflight `iac-managed`). A hint only: where the history cannot be
 * read (no permission, a failure) the answer is "unknown", never an error.
 */
import { parseArmId, sameArmId } from '../kms/armId';
import { AzureContext, rawArmClient } from './azureContext';

/** Deployments looked at (one page): a group's history keeps up to 800, the recent ones are what matter. */
const HISTORY_LIMIT = 100;

/**
 * The stable api-version of resources.json. Called as REST: `@azure/arm-resources` 7 no longer has the deployments
 * operations (they left the package), and one GET needs no other client.
 */
const DEPLOYMENTS_API_VERSION = '2025-04-01';

/** The wire shape of `DeploymentListResult` (what is read of it). */
interface DeploymentListJson {
  readonly value?: readonly { readonly name?: string; readonly properties?: { readonly timestamp?: string; readonly outputResources?: readonly { readonly id?: string }[] } }[];
}

export interface TemplateDeployment {
  readonly name: string;
  readonly timestamp?: Date;
}

export async function templateDeploymentOf(ctx: AzureContext, clusterId: string, signal?: AbortSignal): Promise<TemplateDeployment | undefined> {
  const cluster = parseArmId(clusterId);
  if (!cluster) {
    return undefined;
  }
  try {
    const response = await rawArmClient(ctx)
      .pathUnchecked('/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments/', cluster.subscriptionId, cluster.resourceGroup)
      .get({ queryParameters: { 'api-version': DEPLOYMENTS_API_VERSION, $top: HISTORY_LIMIT }, abortSignal: signal });
    if (response.status !== '200') {
      return undefined;
    }
    let newest: TemplateDeployment | undefined;
    for (const d of (response.body as DeploymentListJson).value ?? []) {
      const deployed = (d.properties?.outputResources ?? []).some(r => r.id !== undefined && sameArmId(r.id, clusterId));
      const timestamp = d.properties?.timestamp ? new Date(d.properties.timestamp) : undefined;
      if (deployed && d.name && (!newest || (timestamp && (!newest.timestamp || timestamp > newest.timestamp)))) {
        newest = { name: d.name, timestamp };
      }
    }
    return newest;
  } catch (err) {
    if ((err as { name?: string }).name === 'AbortError') {
      throw err;
    }
    return undefined;
  }
}
