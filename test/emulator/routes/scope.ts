// Resolves the subscription / resource-group part of an ARM path the way ARM does before it reaches
// a resource provider: unknown subscription → 404 SubscriptionNotFound, unknown group → 404 ResourceGroupNotFound.
import { resourceGroupNotFound, subscriptionNotFound } from '../errors';
import { lookup, type FleetState } from '../state';

export function requireSubscription(fleet: FleetState, subscriptionId: string): void {
  // rule: emu-arm-not-found
  if (!lookup.subscription(fleet, subscriptionId)) throw subscriptionNotFound(subscriptionId);
}

export function requireResourceGroup(fleet: FleetState, subscriptionId: string, resourceGroup: string): void {
  requireSubscription(fleet, subscriptionId);
  // rule: emu-arm-not-found
  if (!lookup.resourceGroup(fleet, subscriptionId, resourceGroup)) throw resourceGroupNotFound(resourceGroup);
}
