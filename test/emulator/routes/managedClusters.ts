// Microsoft.ContainerService managedClusters as raw JSON: get, list by subscription, list by group.
// Each response is projected to what the caller's api-version defines (apiVersions.ts).
import { clusterApiVersionHasInfraEncryptionProfile, MANAGED_CLUSTER_API_VERSIONS } from '../apiVersions';
import { resourceNotFound } from '../errors';
import { json } from '../http';
import { cloneJson, deletePath, type JsonObject } from '../json';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type ClusterRecord } from '../state';
import { requireResourceGroup, requireSubscription } from './scope';
import type { ArmDeps, ArmHandler } from './types';

export const INFRA_ENCRYPTION_PROFILE_PATH = ['properties', 'securityProfile', 'kubernetesResourceObjectEncryptionProfile'] as const;

/** The cluster as a provider at `apiVersion` would return it. */
export function renderClusterForApiVersion(c: ClusterRecord, apiVersion: string): JsonObject {
  const body = cloneJson(c.body);
  if (!clusterApiVersionHasInfraEncryptionProfile(apiVersion)) deletePath(body, INFRA_ENCRYPTION_PROFILE_PATH);
  return body;
}

const PROVIDER = '/providers/Microsoft.ContainerService/managedClusters';

export function registerManagedClusterRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  router.add('GET', `/subscriptions/{subscriptionId}${PROVIDER}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireSubscription(fleet, r.params.subscriptionId);
    const all = lookup.clusters(fleet, r.params.subscriptionId).map((c) => renderClusterForApiVersion(c, r.apiVersion));
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    requireResourceGroup(fleet, r.params.subscriptionId, r.params.resourceGroupName);
    const all = lookup.clusters(fleet, r.params.subscriptionId, r.params.resourceGroupName).map((c) => renderClusterForApiVersion(c, r.apiVersion));
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${PROVIDER}/{resourceName}`, MANAGED_CLUSTER_API_VERSIONS, (r) => {
    const fleet = deps.store.fleet;
    const { subscriptionId, resourceGroupName, resourceName } = r.params;
    requireResourceGroup(fleet, subscriptionId, resourceGroupName);
    const c = lookup.cluster(fleet, subscriptionId, resourceGroupName, resourceName);
    if (!c) throw resourceNotFound('Microsoft.ContainerService/managedClusters', resourceName, resourceGroupName);
    return json(200, renderClusterForApiVersion(c, r.apiVersion));
  });
}
