/**
 * The subscription filter every Azure extension shares: `azureResourceGroups.selectedSubscriptions`, a list of
 * `tenantId/subscriptionId` entries written by the Azure Resources view's "Select Subscriptions" and read by the
 * Azure extensions' sign-in library (an empty list means no filter). Pure: the view reads and writes the setting.
 */

export interface SubscriptionFilter {
  /** Subscription ids, lower case (an entry without a tenant part, written by hand, still selects its subscription). */
  readonly subscriptionIds: ReadonlySet<string>;
}

export function parseSubscriptionFilter(setting: unknown): SubscriptionFilter {
  const values = Array.isArray(setting) ? setting.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  const subscriptionIds = new Set<string>();
  for (const value of values) {
    const parts = value.trim().toLowerCase().split('/');
    subscriptionIds.add(parts[parts.length - 1]);
  }
  return { subscriptionIds };
}

/**
 * No entries: every subscription shows. Otherwise the subscription must be listed. Subscription ids are unique across
 * directories, so the id decides, as in the sign-in library (`getSubscriptionFilters`); the tenant part of an entry
 * only tells the library which directories to visit.
 */
export function isSubscriptionSelected(filter: SubscriptionFilter, subscriptionId: string): boolean {
  return filter.subscriptionIds.size === 0 || filter.subscriptionIds.has(subscriptionId.toLowerCase());
}

/**
 * The setting's new value after a pick: every subscription picked is written as "no filter" (so subscriptions created
 * later show up too), as the sign-in library reads an empty list; otherwise `tenant/subscription` entries. Entries of
 * directories that were not offered in the pick (signed out, not listed) are kept: another extension's choice there
 * is not ours to drop.
 */
export function subscriptionFilterAfterPick(
  previous: unknown,
  offered: readonly { tenantId: string; subscriptionId: string }[],
  picked: readonly { tenantId: string; subscriptionId: string }[],
): string[] {
  const offeredTenants = new Set(offered.map(o => o.tenantId.toLowerCase()));
  const kept = (Array.isArray(previous) ? previous : [])
    .filter((v): v is string => typeof v === 'string' && v.includes('/'))
    .filter(v => !offeredTenants.has(v.split('/')[0].toLowerCase()));
  if (picked.length === offered.length && kept.length === 0) {
    return [];
  }
  return [...kept, ...picked.map(p => `${p.tenantId}/${p.subscriptionId}`)];
}
