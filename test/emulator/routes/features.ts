// Microsoft.Features (features.json 2021-07-01): get a feature, list a provider's or all features,
// register and unregister. Register moves NotRegistered → Registering → Registered after
// `featureRegistrationDelayMs` (lifecycle.ts settles it), like `az feature register` + `az feature show`.
import { FEATURES_API_VERSIONS } from '../apiVersions';
import { HttpError } from '../errors';
import { json } from '../http';
import { renderFeature } from '../model/feature';
import { pageOf } from '../paging';
import type { Router } from '../router';
import { lookup, type EmulatorStore, type FeatureRecord } from '../state';
import { requireSubscription } from './scope';
import type { ArmDeps, ArmHandler, ArmRequest } from './types';

const FEATURES = '/subscriptions/{subscriptionId}/providers/Microsoft.Features';
const FEATURE = `${FEATURES}/providers/{namespace}/features/{featureName}`;

function featureOf(store: EmulatorStore, r: ArmRequest): FeatureRecord {
  requireSubscription(store.fleet, r.params.subscriptionId);
  const f = lookup.feature(store.fleet, r.params.subscriptionId, r.params.namespace, r.params.featureName);
  // verbatim text (as `az feature register` reports an unknown feature); the code is a guess.
  // rule: emu-arm-not-found
  if (!f) throw new HttpError(404, 'FeatureNotFound', `The feature '${r.params.featureName}' could not be found.`);
  return f;
}

export function registerFeatureRoutes(router: Router<ArmHandler>, deps: ArmDeps): void {
  const store = deps.store;

  router.add('GET', `${FEATURES}/features`, FEATURES_API_VERSIONS, (r) => {
    requireSubscription(store.fleet, r.params.subscriptionId);
    const all = store.fleet.features.filter((f) => f.subscriptionId.toLowerCase() === r.params.subscriptionId.toLowerCase()).map(renderFeature);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', `${FEATURES}/providers/{namespace}/features`, FEATURES_API_VERSIONS, (r) => {
    requireSubscription(store.fleet, r.params.subscriptionId);
    const all = store.fleet.features
      .filter((f) => f.subscriptionId.toLowerCase() === r.params.subscriptionId.toLowerCase() && f.namespace.toLowerCase() === r.params.namespace.toLowerCase())
      .map(renderFeature);
    return json(200, pageOf(all, r.http, { pageSize: deps.pageSize }));
  });

  router.add('GET', FEATURE, FEATURES_API_VERSIONS, (r) => json(200, renderFeature(featureOf(store, r))));

  router.add('POST', `${FEATURE}/register`, FEATURES_API_VERSIONS, (r) => {
    const f = featureOf(store, r);
    if (f.state !== 'Registered' && f.state !== 'Registering') {
      f.state = 'Registering';
      f.settlesAtMs = store.clock.now() + store.config.featureRegistrationDelayMs;
    }
    return json(200, renderFeature(f));
  });

  router.add('POST', `${FEATURE}/unregister`, FEATURES_API_VERSIONS, (r) => {
    const f = featureOf(store, r);
    if (f.state === 'Registered' || f.state === 'Registering') {
      f.state = 'Unregistering';
      f.settlesAtMs = store.clock.now() + store.config.featureRegistrationDelayMs;
    }
    return json(200, renderFeature(f));
  });
}
