// Microsoft.Resources subscriptions: list (paged) and get (subscriptions.json 2022-12-01).
import { SUBSCRIPTIONS_API_VERSIONS } from '../apiVersions';
import { subscriptionNotFound } from '../errors';
import { json } from '../http';
import type { JsonObject } from '../json';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type SubscriptionRecord } from '../state';
import type { ArmDeps, ArmHandler } from './types';

function renderSubscription(s: SubscriptionRecord, tenantId: string): JsonObject {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

export function registerSubscriptionRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  router.add('GET', '/subscriptions', SUBSCRIPTIONS_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const all = fleet.subscriptions.map((s) => renderSubscription(s, fleet.tenantId));
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', '/subscriptions/{subscriptionId}', SUBSCRIPTIONS_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const sub = lookup.subscription(fleet, r.params.subscriptionId);
    if (!sub) throw subscriptionNotFound(r.params.subscriptionId);
    return json(200, renderSubscription(sub, fleet.tenantId));
  });
}
