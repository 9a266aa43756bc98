// Microsoft.Resources subscriptions and tenants: list (paged) and get (subscriptions.json 2022-12-01).
import { SUBSCRIPTIONS_API_VERSIONS } from '../apiVersions';
import { subscriptionNotFound } from '../errors';
import { json } from '../http';
import type { JsonObject } from '../json';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type SubscriptionRecord, type TenantRecord } from '../state';
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

function renderTenant(t: TenantRecord): JsonObject {
  return {
    id: `/tenants/${t.tenantId}`,
    tenantId: t.tenantId,
    tenantCategory: 'Home',
    country: 'United States',
    countryCode: 'US',
    displayName: t.displayName,
    domains: [t.defaultDomain],
    defaultDomain: t.defaultDomain,
    tenantType: 'AAD',
  };
}

export function registerSubscriptionRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  // Every directory the user belongs to, whichever directory the token is for (Tenants_List).
  router.add('GET', '/tenants', SUBSCRIPTIONS_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const member = deps.store.config.guestDirectories ? fleet.tenants : fleet.tenants.filter((t) => t.tenantId === fleet.tenantId);
    return json(200, pageOf(member.map(renderTenant), r.http, { pageSize: deps.pageSize }));
  });

  // Only the subscriptions of the token's directory: a second directory needs a token of its own.
  // rule: emu-subscriptions-per-tenant
  router.add('GET', '/subscriptions', SUBSCRIPTIONS_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const tid = r.principal.tid.toLowerCase();
    const all = fleet.subscriptions
      .filter((s) => (s.tenantId ?? fleet.tenantId).toLowerCase() === tid)
      .map((s) => renderSubscription(s, s.tenantId ?? fleet.tenantId));
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', '/subscriptions/{subscriptionId}', SUBSCRIPTIONS_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const sub = lookup.subscription(fleet, r.params.subscriptionId);
    if (!sub) throw subscriptionNotFound(r.params.subscriptionId);
    return json(200, renderSubscription(sub, sub.tenantId ?? fleet.tenantId));
  });
}
