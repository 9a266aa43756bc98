/** Reads and writes the subscription filter shared with the Azure extensions (src/kms/subscriptionFilter.ts). */
import * as vscode from 'vscode';
import { parseSubscriptionFilter, SubscriptionFilter } from '../kms/subscriptionFilter';

export const SHARED_FILTER_SECTION = 'azureResourceGroups';
export const SHARED_FILTER_KEY = 'selectedSubscriptions';
export const SHARED_FILTER_SETTING = `${SHARED_FILTER_SECTION}.${SHARED_FILTER_KEY}`;

export function sharedSubscriptionFilterValue(): unknown {
  return vscode.workspace.getConfiguration(SHARED_FILTER_SECTION).get(SHARED_FILTER_KEY);
}

export function sharedSubscriptionFilter(): SubscriptionFilter {
  return parseSubscriptionFilter(sharedSubscriptionFilterValue());
}

/** Written to the user's settings, where the Azure Resources extension writes it. */
export async function writeSharedSubscriptionFilter(value: string[]): Promise<void> {
  await vscode.workspace.getConfiguration(SHARED_FILTER_SECTION).update(SHARED_FILTER_KEY, value, vscode.ConfigurationTarget.Global);
}
