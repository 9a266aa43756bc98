// Microsoft.Resources providers (resources.json 2025-04-01): GET a provider and POST …/register, the
// `az provider register --namespace Microsoft.ContainerService` step after a feature registration.
// Every seeded subscription has the emulated namespaces registered; register is then a no-op.
import { KEYVAULT_MGMT_API_VERSIONS, MANAGED_CLUSTER_API_VERSIONS, MSI_API_VERSIONS, PROVIDERS_API_VERSIONS, AUTHORIZATION_API_VERSIONS } from '../apiVersions';
import { AKS_OPERATION_API_VERSION } from '../clusterOperations';
import { HttpError } from '../errors';
import { json } from '../http';
import { renderProvider, type ProviderResourceTypeInfo } from '../model/feature';
import type { Router } from '../router';
import { lookup, type EmulatorStore, type ProviderRecord } from '../state';
import { requireSubscription } from './scope';
import type { ArmDeps, ArmHandler, ArmRequest } from './types';

const TRACKED = 'CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SupportsTags, SupportsLocation';

/** The resource types each emulated namespace declares (only what the emulator serves). */
const CATALOG: Record<string, readonly ProviderResourceTypeInfo[]> = {
  'microsoft.containerservice': [
    { resourceType: 'managedClusters', apiVersions: MANAGED_CLUSTER_API_VERSIONS, capabilities: `${TRACKED}, SystemAssignedResourceIdentity` },
    { resourceType: 'locations/operations', apiVersions: [AKS_OPERATION_API_VERSION, ...MANAGED_CLUSTER_API_VERSIONS] },
  ],
  'microsoft.keyvault': [{ resourceType: 'vaults', apiVersions: KEYVAULT_MGMT_API_VERSIONS, capabilities: TRACKED }],
  'microsoft.managedidentity': [{ resourceType: 'userAssignedIdentities', apiVersions: MSI_API_VERSIONS, capabilities: TRACKED }],
  'microsoft.authorization': [
    { resourceType: 'roleAssignments', apiVersions: AUTHORIZATION_API_VERSIONS },
    { resourceType: 'roleDefinitions', apiVersions: AUTHORIZATION_API_VERSIONS },
  ],
};

const LOCATIONS = ['East US', 'West Europe'];

function providerOf(store: EmulatorStore, r: ArmRequest): ProviderRecord {
  requireSubscription(store.fleet, r.params.subscriptionId);
  const p = lookup.provider(store.fleet, r.params.subscriptionId, r.params.namespace);
  // rule: emu-arm-not-found
  if (!p) throw new HttpError(404, 'InvalidResourceNamespace', `The resource namespace '${r.params.namespace}' is invalid.`);
  return p;
}

export function registerProviderRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;
  const render = (p: ProviderRecord) => renderProvider(p, CATALOG[p.namespace.toLowerCase()] ?? [], LOCATIONS);

  router.add('GET', '/subscriptions/{subscriptionId}/providers/{namespace}', PROVIDERS_API_VERSIONS, (r) => json(200, render(providerOf(store, r))));

  router.add('POST', '/subscriptions/{subscriptionId}/providers/{namespace}/register', PROVIDERS_API_VERSIONS, (r) => {
    const p = providerOf(store, r);
    if (p.registrationState === 'NotRegistered') {
      p.registrationState = 'Registering';
      p.settlesAtMs = store.clock.now() + store.config.featureRegistrationDelayMs;
    }
    return json(200, render(p));
  });
}
