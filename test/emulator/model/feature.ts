// Renders Microsoft.Features `FeatureResult` (features.json 2021-07-01) and Microsoft.Resources
// `Provider` (resources.json 2025-04-01), the two halves of "register the preview feature".
import { featureId } from '../ids';
import type { JsonObject } from '../json';
import type { FeatureRecord, ProviderRecord } from '../state';

export function renderFeature(f: FeatureRecord): JsonObject {
  return {
    id: featureId(f.subscriptionId, f.namespace, f.name),
    // The service names features `<namespace>/<feature>` (as `az feature list` shows them).
    name: `${f.namespace}/${f.name}`,
    type: 'Microsoft.Features/providers/features',
    properties: { state: f.state },
  };
}

export interface ProviderResourceTypeInfo {
  readonly resourceType: string;
  readonly apiVersions: readonly string[];
  readonly capabilities?: string;
}

export function renderProvider(p: ProviderRecord, resourceTypes: readonly ProviderResourceTypeInfo[], locations: readonly string[]): JsonObject {
  return {
    id: `/subscriptions/${p.subscriptionId}/providers/${p.namespace}`,
    namespace: p.namespace,
    registrationState: p.registrationState,
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: [...locations],
      apiVersions: [...t.apiVersions].reverse(),
      ...(t.capabilities ? { capabilities: t.capabilities } : {}),
    })),
  };
}
