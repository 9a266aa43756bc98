/**
 * The last two steps of every plan: update the cluster (GET-modify-PUT with If-Match, joining its own update after a
 * lost answer) and verify the security profile it reports.
 */
import * as l10n from '@vscode/l10n';
import type { ManagedClusterJson } from '../managedCluster';
import { isIdentityPermissionPending, retryWhile, ROLE_PROPAGATION_RETRY } from '../plan/retry';
import { done, skipped, type PlanStep } from '../plan/runner';
import { profileMismatches } from './clusterUpdate';
import { type ClusterWait, writeCluster } from './clusterWrite';
import type { ClusterObservation, Plan, StepId } from './plan';
import type { EnablePorts } from './ports';

export function clusterSteps(
  clusterId: string,
  dependsOn: StepId[],
  ports: EnablePorts,
  expected: () => Plan['expected'],
  apply: (cluster: Awaited<ReturnType<EnablePorts['getCluster']>>) => Awaited<ReturnType<EnablePorts['getCluster']>>,
  identityId: (() => string) | undefined,
  /** CMK: how long to wait for the identity's new Key Vault role to reach AKS's check. */
  propagation: typeof ROLE_PROPAGATION_RETRY | undefined,
  observed: ClusterObservation,
  clusterWait: ClusterWait | undefined,
): PlanStep<StepId>[] {
  const matches = (cluster: Awaited<ReturnType<EnablePorts['getCluster']>>) =>
    profileMismatches(cluster.properties?.securityProfile, expected()).length === 0 &&
    (!identityId || Object.keys(cluster.identity?.userAssignedIdentities ?? {}).some(id => id.toLowerCase() === identityId().toLowerCase()));
  return [
    {
      id: 'updateCluster',
      dependsOn,
      async run(ctx) {
        const current = await ports.getCluster(clusterId, ctx.signal);
        observed.latest = current;
        if (matches(current)) {
          return skipped(l10n.t('the cluster already has this configuration'));
        }
        ctx.progress(l10n.t('updating the cluster (this takes several minutes)'));
        const putOnce = (body: ManagedClusterJson) => {
          const put = () => ports.putCluster(clusterId, body, m => ctx.progress(m), ctx.signal);
          // AKS refuses the update until the identity's new role has propagated; that is worth waiting for.
          return propagation
            ? retryWhile(put, isIdentityPermissionPending, {
              ...propagation,
              signal: ctx.signal,
              sleep: (ms, s) => ports.sleep(ms, s),
              onRetry: (_attempt, delayMs) => ctx.progress(l10n.t('waiting {0} s for the new role assignment to reach Key Vault', Math.round(delayMs / 1000))),
            })
            : put();
        };
        // The PUT carries the GET's eTag (If-Match): a change made by someone else in between answers 412, and
        // writeCluster re-reads, re-checks and re-applies instead of overwriting it. A PUT whose answer was lost meets
        // its own update (412, 409 or no answer): writeCluster recognises our target on the re-read and waits for it.
        const outcome = await writeCluster({
          current,
          apply,
          matches,
          put: putOnce,
          reread: () => ports.getCluster(clusterId, ctx.signal),
          onConflict: () => ctx.progress(l10n.t('the cluster changed since it was read; reading it again')),
          wait: clusterWait,
          sleep: ms => ports.sleep(ms, ctx.signal),
          onWaiting: state => ctx.progress(l10n.t('the cluster is {0} with this update already; waiting for it to finish', state)),
        });
        // putCluster returns the cluster as a GET shows it after the operation: that is what `verify` checks.
        observed.latest = outcome.cluster;
        // The step found the cluster without our change, so a re-read that shows it means this run's update was applied.
        switch (outcome.kind) {
          case 'written':
            return done(updatedNote(outcome.cluster));
          case 'joinedRunningUpdate':
            return done(l10n.t('{0} (the update was already running, from an attempt whose answer was lost; waited for it)', updatedNote(outcome.cluster)));
          case 'alreadyMatches':
            return done(l10n.t('{0} (already applied when the cluster was read again)', updatedNote(outcome.cluster)));
        }
      },
    },
    {
      id: 'verify',
      dependsOn: ['updateCluster'],
      async run(ctx) {
        const cluster = observed.latest ?? (await ports.getCluster(clusterId, ctx.signal));
        observed.latest = cluster;
        const problems = profileMismatches(cluster.properties?.securityProfile, expected());
        if (problems.length) {
          throw new Error(l10n.t('The cluster does not report the expected security profile: {0}.', problems.join('; ')));
        }
        return done(l10n.t('securityProfile matches'));
      },
    },
  ];
}

/** What a finished cluster update changed, in a few words (the step's note replaces its progress message). */
function updatedNote(cluster: ManagedClusterJson): string {
  const kms = cluster.properties?.securityProfile?.azureKeyVaultKms;
  return kms?.enabled
    ? l10n.t('cluster updated: Key Vault KMS on ({0} network access), infrastructure encryption Enabled', kms.keyVaultNetworkAccess ?? '')
    : l10n.t('cluster updated: infrastructure encryption Enabled, Key Vault KMS off');
}
