/** Subscriptions the signed-in account can see (`@azure/arm-resources-subscriptions`). */
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { AzureContext, armClientOptions } from './azureContext';

export interface SubscriptionInfo {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId?: string;
  readonly state?: string;
}

export async function listSubscriptions(ctx: AzureContext, signal?: AbortSignal): Promise<SubscriptionInfo[]> {
  const client = new SubscriptionClient(ctx.credential, armClientOptions(ctx));
  const result: SubscriptionInfo[] = [];
  for await (const s of client.subscriptions.list({ abortSignal: signal })) {
    if (s.subscriptionId) {
      result.push({ subscriptionId: s.subscriptionId, displayName: s.displayName ?? s.subscriptionId, tenantId: s.tenantId, state: s.state });
    }
  }
  return result.sort((a, b) => a.displayName.localeCompare(b.displayName));
}
