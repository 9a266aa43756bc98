/**
 * The preview-feature steps every plan starts with ("Register the feature flag" on the KMS data encryption page):
 * register KMSPMKPreview and wait until it is Registered, then re-register the provider so the flag reaches it.
 */
import * as l10n from '@vscode/l10n';
import { done, skipped, type PlanStep } from '../plan/runner';
import { KMS_FEATURE } from './config';
import type { EnableFacts } from './facts';
import type { PlanOptions, StepId, StepPreview } from './plan';
import type { EnablePorts } from './ports';

/** Feature polling starts at `featurePollMs` and doubles up to this (registration takes minutes in Azure). */
const MAX_FEATURE_POLL_MS = 30_000;

export function featureSteps(facts: EnableFacts, ports: EnablePorts, options: PlanOptions): { steps: PlanStep<StepId>[]; preview: StepPreview[] } {
  const subscriptionId = facts.cluster.subscriptionId;
  const registered = /^registered$/i.test(facts.featureState);
  // The provider is re-registered only after this run registered the feature (a no-op write otherwise).
  let registeredNow = false;
  const steps: PlanStep<StepId>[] = [
    {
      id: 'registerFeature',
      dependsOn: [],
      async run(ctx) {
        if (options.featureRegisteredByBatch) {
          return skipped(l10n.t('{0} is Registered', KMS_FEATURE.name));
        }
        let state = await ports.getFeatureState(subscriptionId, ctx.signal);
        if (/^registered$/i.test(state)) {
          return skipped(l10n.t('{0} is Registered', KMS_FEATURE.name));
        }
        registeredNow = true;
        if (!/^registering$/i.test(state)) {
          state = await ports.registerFeature(subscriptionId, ctx.signal);
        }
        const deadline = Date.now() + options.featureTimeoutMs;
        let delay = options.featurePollMs;
        while (!/^registered$/i.test(state)) {
          if (Date.now() > deadline) {
            throw new Error(l10n.t('{0} is still {1} after {2} minutes; run the plan again later to resume.', KMS_FEATURE.name, state, Math.round(options.featureTimeoutMs / 60_000)));
          }
          ctx.progress(`${KMS_FEATURE.name}: ${state}`);
          await ports.sleep(delay, ctx.signal);
          delay = Math.min(MAX_FEATURE_POLL_MS, delay * 2);
          state = await ports.getFeatureState(subscriptionId, ctx.signal);
        }
        return done(l10n.t('{0} is Registered', KMS_FEATURE.name));
      },
    },
    {
      id: 'registerProvider',
      dependsOn: ['registerFeature'],
      async run(ctx) {
        if (!registeredNow) {
          return skipped(l10n.t('the feature was already registered'));
        }
        // The docs re-register the provider after the feature so the new feature flag reaches it.
        await ports.registerProvider(subscriptionId, ctx.signal);
        return done(l10n.t('{0} re-registered', KMS_FEATURE.namespace));
      },
    },
  ];
  return {
    steps,
    preview: [
      { id: 'registerFeature', dependsOn: [], alreadyDone: registered, irreversible: false },
      { id: 'registerProvider', dependsOn: ['registerFeature'], alreadyDone: registered, irreversible: false },
    ],
  };
}
