/** Preview feature and resource provider registration (`@azure/arm-features`, `@azure/arm-resources`). */
import { FeatureClient } from '@azure/arm-features';
import { ResourceManagementClient } from '@azure/arm-resources';
import { KMS_FEATURE } from '../kms/enable/config';
import { AzureContext, armClientOptions, classicArmClientOptions } from './azureContext';

export async function getKmsFeatureState(ctx: AzureContext, subscriptionId: string, signal?: AbortSignal): Promise<string> {
  const client = new FeatureClient(ctx.credential, subscriptionId, classicArmClientOptions(ctx));
  const feature = await client.features.get(KMS_FEATURE.namespace, KMS_FEATURE.name, { abortSignal: signal });
  return feature.properties?.state ?? 'NotRegistered';
}

export async function registerKmsFeature(ctx: AzureContext, subscriptionId: string, signal?: AbortSignal): Promise<string> {
  const client = new FeatureClient(ctx.credential, subscriptionId, classicArmClientOptions(ctx));
  const feature = await client.features.register(KMS_FEATURE.namespace, KMS_FEATURE.name, { abortSignal: signal });
  return feature.properties?.state ?? 'Registering';
}

export async function registerContainerServiceProvider(ctx: AzureContext, subscriptionId: string, signal?: AbortSignal): Promise<void> {
  const client = new ResourceManagementClient(ctx.credential, subscriptionId, armClientOptions(ctx));
  await client.providers.register(KMS_FEATURE.namespace, { abortSignal: signal });
}
