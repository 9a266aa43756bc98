/**
 * Managed clusters as raw JSON at a preview api-version. No published `@azure/arm-containerservice` models
 * `kubernetesResourceObjectEncryptionProfile`, and its serializers drop unknown fields, so a typed GET → PUT would
 * silently strip platform-key settings (AZURE.md, "SDK facts"). Raw JSON keeps every field.
 */
import { getClient, type Client } from '@azure-rest/core-client';
import type { ManagedClusterJson } from '../kms/managedCluster';
import { AzureContext, armClientOptions } from './azureContext';
import { AzureRequestError } from './errors';

export const DEFAULT_MANAGED_CLUSTERS_API_VERSION = '2026-10-02-preview';

export class ManagedClustersAdapter {
  private readonly client: Client;

  constructor(ctx: AzureContext, private readonly apiVersion: string = DEFAULT_MANAGED_CLUSTERS_API_VERSION) {
    const options = armClientOptions(ctx);
    this.client = getClient(options.endpoint, ctx.credential, { credentials: options.credentials });
  }

  async get(clusterId: string, signal?: AbortSignal): Promise<ManagedClusterJson> {
    const response = await this.client
      .pathUnchecked(clusterId)
      .get({ queryParameters: { 'api-version': this.apiVersion }, abortSignal: signal });
    if (response.status !== '200') {
      throw AzureRequestError.fromResponse(response.status, response.body, `GET ${clusterId}`);
    }
    return response.body as ManagedClusterJson;
  }
}
