/**
 * Every directory (Entra tenant) the signed-in accounts can reach, and the subscriptions in each, through the Azure
 * extensions' own sign-in library (`@microsoft/vscode-azext-azureauth`, the one the Azure Resources extension uses).
 * Each directory is listed on its own, so one that needs an interactive sign-in (MFA, conditional access) or that
 * fails never hides the others.
 */
import { VSCodeAzureSubscriptionProvider } from '@microsoft/vscode-azext-azureauth';
import type * as vscode from 'vscode';
import type { AzureContext } from './azureContext';
import { listSubscriptions, SubscriptionInfo } from './subscriptions';

export type DirectoryState = 'signedIn' | 'needsSignIn' | 'failed';

export interface DirectoryListing {
  readonly tenantId: string;
  readonly displayName: string;
  readonly defaultDomain?: string;
  /** The VS Code account the directory was reached with (undefined for the Azure CLI login). */
  readonly account?: vscode.AuthenticationSessionAccountInformation;
  readonly state: DirectoryState;
  /** Sorted by name; empty unless signed in. */
  readonly subscriptions: readonly SubscriptionInfo[];
  /** Why listing failed (state `failed`). */
  readonly error?: string;
}

/** The directories of every account signed in to the configured cloud's VS Code authentication provider. */
export async function listDirectories(): Promise<DirectoryListing[]> {
  const provider = new VSCodeAzureSubscriptionProvider();
  try {
    const tenants = await provider.getTenants();
    const listings = await Promise.all(tenants.map(async (tenant): Promise<DirectoryListing> => {
      const tenantId = tenant.tenantId ?? '';
      const base = { tenantId, displayName: tenant.displayName ?? tenantId, defaultDomain: tenant.defaultDomain, account: tenant.account };
      if (!(await provider.isSignedIn(tenantId, tenant.account))) {
        return { ...base, state: 'needsSignIn', subscriptions: [] };
      }
      try {
        // The library lists the account's home directory alongside the one asked for; keep only the one asked for.
        const subscriptions = (await provider.getSubscriptions({ tenantId, account: tenant.account }))
          .filter(s => s.tenantId.toLowerCase() === tenantId.toLowerCase())
          .map(s => ({ subscriptionId: s.subscriptionId, displayName: s.name, tenantId }));
        return { ...base, state: 'signedIn', subscriptions: uniqueSorted(subscriptions) };
      } catch (err) {
        return { ...base, state: 'failed', subscriptions: [], error: err instanceof Error ? err.message : String(err) };
      }
    }));
    return listings.sort((a, b) => a.displayName.localeCompare(b.displayName));
  } finally {
    provider.dispose();
  }
}

/** The Azure CLI login's one directory (the one `az login` chose): the subscriptions its token sees. */
export async function listCliDirectory(ctx: AzureContext): Promise<DirectoryListing[]> {
  const subscriptions = await listSubscriptions(ctx);
  const tenantId = ctx.tenantId ?? subscriptions[0]?.tenantId ?? '';
  return [{ tenantId, displayName: tenantId, state: 'signedIn', subscriptions: subscriptions.map(s => ({ ...s, tenantId: s.tenantId ?? tenantId })) }];
}

function uniqueSorted(subscriptions: SubscriptionInfo[]): SubscriptionInfo[] {
  const byId = new Map(subscriptions.map(s => [s.subscriptionId.toLowerCase(), s]));
  return [...byId.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
