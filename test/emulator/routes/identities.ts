// Microsoft.ManagedIdentity userAssignedIdentities (ManagedIdentity.json 2024-11-30): PUT (create or
// update tags), GET, list by subscription and by resource group. principalId and clientId derive from
// the resource id (ids.ts), so re-creating an identity under the same name gives the same ids.
import { MSI_API_VERSIONS } from '../apiVersions';
import { HttpError, resourceNotFound } from '../errors';
import { json, readJsonBody } from '../http';
import { identityClientId, identityPrincipalId } from '../ids';
import { isJsonObject } from '../json';
import { delay } from '../latency';
import { renderIdentity } from '../model/identity';
import { identityNameError, isValidIdentityName } from '../names';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type IdentityRecord } from '../state';
import { requireResourceGroup, requireSubscription } from './scope';
import type { ArmDeps, ArmHandler } from './types';

const PROVIDER = '/providers/Microsoft.ManagedIdentity/userAssignedIdentities';
const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';

function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new HttpError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'tags' must be an object of strings.");
  }
  return { ...(value as Record<string, string>) };
}

export function registerIdentityRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  const render = (i: IdentityRecord) => renderIdentity(i, store.fleet.tenantId);

  router.add('GET', `/subscriptions/{subscriptionId}${PROVIDER}`, MSI_API_VERSIONS, (r) => {
    requireSubscription(store.fleet, r.params.subscriptionId);
    return json(200, pageOf(lookup.identities(store.fleet, r.params.subscriptionId).map(render), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}`, MSI_API_VERSIONS, (r) => {
    requireResourceGroup(store.fleet, r.params.subscriptionId, r.params.resourceGroupName);
    return json(200, pageOf(lookup.identities(store.fleet, r.params.subscriptionId, r.params.resourceGroupName).map(render), r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{resourceName}`, MSI_API_VERSIONS, (r) => {
    const { subscriptionId, resourceGroupName, resourceName } = r.params;
    requireResourceGroup(store.fleet, subscriptionId, resourceGroupName);
    const i = lookup.identity(store.fleet, subscriptionId, resourceGroupName, resourceName);
    if (!i) throw resourceNotFound(TYPE, resourceName, resourceGroupName);
    return json(200, render(i));
  });

  router.add('PUT', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{resourceName}`, MSI_API_VERSIONS, async (r) => {
    const fleet = store.fleet;
    const { subscriptionId, resourceGroupName, resourceName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    // rule: emu-identity-name-invalid
    if (!isValidIdentityName(resourceName)) throw identityNameError(resourceName);
    const body = await readJsonBody(r.raw);
    // rule: emu-request-invalid-content
    if (!isJsonObject(body)) throw new HttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
    const location = body.location;
    // rule: emu-arm-location-required
    if (typeof location !== 'string' || location === '') throw new HttpError(400, 'LocationRequired', 'The location property is required for this definition.');
    const tags = tagsOf(body.tags);
    // Creating takes the service a while (identityCreateDurationMs); an update of tags does not.
    if (!lookup.identity(fleet, subscriptionId, resourceGroupName, resourceName)) await delay(store.config.identityCreateDurationMs);
    const existing = lookup.identity(fleet, subscriptionId, resourceGroupName, resourceName);
    if (existing) {
      // rule: emu-identity-location-conflict
      if (existing.location.toLowerCase() !== location.toLowerCase()) {
        throw new HttpError(
          400,
          'InvalidResourceLocation',
          `The resource '${resourceName}' already exists in location '${existing.location}' in resource group '${resourceGroupName}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
        );
      }
      existing.tags = tags;
      return json(200, render(existing));
    }
    const group = lookup.resourceGroup(fleet, subscriptionId, resourceGroupName)!;
    const created: IdentityRecord = {
      subscriptionId: group.subscriptionId,
      resourceGroup: group.name,
      name: resourceName,
      location,
      tags,
      principalId: identityPrincipalId(group.subscriptionId, group.name, resourceName),
      clientId: identityClientId(group.subscriptionId, group.name, resourceName),
    };
    fleet.identities.push(created);
    return json(201, render(created));
  });
}
