/**
 * The enable and migrate plans as step graphs (DESIGN.md: idempotent steps, independent ones in parallel). Every step
 * reads the world first and writes only what is missing, so re-running a failed or cancelled plan resumes where it
 * stopped. PMK and "migrate to platform keys" use only the feature steps and the cluster steps; CMK uses them all:
 *
 *   registerFeature ─► registerProvider ──────────────────────────────────────────────────────────┐
 *   createVault ─► [enablePurgeProtection] ─┬► createKey ─► [lockFirewall] ───────────────────────────┤
 *                                           └► [assignCryptoOfficerToUser] (RBAC vault) ─────────────┤
 *   createIdentity ─┬► assignCryptoUserToIdentity, or grantAccessPolicyToIdentity (also after createVault) ┤
 *                   ├► assignContributorToIdentity (also after createVault) ─────────────────────────┤
 *                   └► [assignNetworkContributorToIdentity] (identity changes; custom subnets) ───────┴► updateCluster ─► verify
 *
 * The feature steps are in featureSteps.ts, the cluster steps in clusterSteps.ts.
 */
import * as l10n from '@vscode/l10n';
import { parseArmId } from '../armId';
import { parseKeyId, versionlessKeyId } from '../keyId';
import { ROLE_PROPAGATION_RETRY } from '../plan/retry';
import { done, skipped, type PlanStep, type StepContext } from '../plan/runner';
import { applyCmk, applyMigrateToPmk, applyPmk, CmkTarget, expectedKmsProfile, profileMismatches } from './clusterUpdate';
import { scopeCoversScope } from '../armId';
import { CmkConfig, EnableConfig, identityIdOf, KMS_KEY_PERMISSIONS, MigrateToPmkConfig, PmkConfig, RoleName, ROLES, vaultIdOf } from './config';
import { isProvisioning, subnetsNeedingRole } from './preflight';
import type { ManagedClusterJson } from '../managedCluster';
import type { EnableFacts, IdentityFacts, KeyFacts, VaultFacts } from './facts';
import type { EnablePorts } from './ports';
import { roleAssignmentName } from './roleAssignmentName';
import type { ClusterWait } from './clusterWrite';
import { clusterSteps } from './clusterSteps';
import { featureSteps } from './featureSteps';

export type StepId =
  | 'registerFeature'
  | 'registerProvider'
  | 'createVault'
  | 'enablePurgeProtection'
  | 'assignCryptoOfficerToUser'
  | 'createKey'
  | 'lockFirewall'
  | 'createIdentity'
  | 'assignCryptoUserToIdentity'
  | 'assignContributorToIdentity'
  /** Access-policy vault (enableRbacAuthorization false): encrypt/decrypt for the cluster identity (legacy KMS page). */
  | 'grantAccessPolicyToIdentity'
  /** A system-assigned (or other) control-plane identity is replaced: the new one needs Network Contributor on custom subnets. */
  | 'assignNetworkContributorToIdentity'
  | 'updateCluster'
  | 'verify';

/** What the wizard shows before running: each step, what it depends on, and whether it is predicted to be skipped. */
export interface StepPreview {
  readonly id: StepId;
  readonly dependsOn: readonly StepId[];
  readonly alreadyDone: boolean;
  readonly irreversible: boolean;
}

export interface PlanOptions {
  /** First wait before re-reading the feature state; doubles up to 30 s (registration takes minutes in Azure). */
  readonly featurePollMs: number;
  /** Give up waiting for the feature after this long. */
  readonly featureTimeoutMs: number;
  readonly tenantId: string;
  readonly rolePropagation?: typeof ROLE_PROPAGATION_RETRY;
  /** Polling a cluster whose update (ours, its answer lost) is already running; default CLUSTER_UPDATE_WAIT. */
  readonly clusterWait?: ClusterWait;
  /**
   * A batch registered the preview feature for the subscription before this plan runs (bulk platform keys): the
   * plan's feature steps then end as skipped without reading the feature again.
   */
  readonly featureRegisteredByBatch?: boolean;
}

export const DEFAULT_PLAN_OPTIONS: Omit<PlanOptions, 'tenantId'> = { featurePollMs: 2_000, featureTimeoutMs: 30 * 60_000 };
/** How long the plan waits for a vault that is still being created (Key Vault's DNS registration takes seconds). */
const VAULT_READY_TIMEOUT_MS = 5 * 60_000;
const VAULT_READY_POLL_MS = 2_000;

export interface Plan {
  readonly preview: readonly StepPreview[];
  readonly steps: readonly PlanStep<StepId>[];
  /** The securityProfile fields the cluster must report at the end. */
  readonly expected: ReturnType<typeof expectedKmsProfile>;
  /** The cluster as the plan's own steps last read it, so callers need not read it again. */
  readonly observed: ClusterObservation;
}

export interface ClusterObservation {
  latest?: ManagedClusterJson;
}

/** Whether the vault's firewall already denies public access and lets trusted services (AKS among them) through. */
function firewallLocked(vault: VaultFacts): boolean {
  // Stryker disable next-line StringLiteral: the '' fallbacks and any other non-matching text fail the tests alike
  return /^deny$/i.test(vault.networkDefaultAction ?? '') && /azureservices/i.test(vault.networkBypass ?? '');
}

/** Mutable results shared by steps of one run (a vault created by one step is used by the next). */
interface RunState {
  vault?: VaultFacts;
  key?: KeyFacts;
  identity?: IdentityFacts;
}

export function buildPlan(config: EnableConfig, facts: EnableFacts, ports: EnablePorts, options: PlanOptions): Plan {
  switch (config.kind) {
    case 'pmk':
    case 'migrateToPmk':
      return buildPlatformKeysPlan(config, facts, ports, options);
    case 'cmk':
      return buildCmkPlan(config, facts, ports, options);
  }
}

/**
 * Platform keys — from an unencrypted cluster (`pmk`), or from CMK / legacy KMS (`migrateToPmk`, which turns Key Vault
 * KMS off and keeps infrastructure encryption; no step touches the vault or the key: they must be kept). The feature
 * steps, then one cluster update and its verification.
 */
function buildPlatformKeysPlan(config: PmkConfig | MigrateToPmkConfig, facts: EnableFacts, ports: EnablePorts, options: PlanOptions): Plan {
  const feature = featureSteps(facts, ports, options);
  const expected = expectedKmsProfile(config.kind === 'pmk' ? 'pmk' : 'migrateToPmk');
  const apply = config.kind === 'pmk' ? applyPmk : applyMigrateToPmk;
  const observed: ClusterObservation = {};
  const steps = [...feature.steps, ...clusterSteps(config.clusterId, ['registerProvider'], ports, () => expected, apply, undefined, undefined, observed, options.clusterWait)];
  const alreadyDone = config.kind === 'pmk'
    ? facts.cluster.kms.kind === 'pmk'
    : profileMismatches(facts.clusterJson.properties?.securityProfile, expected).length === 0;
  return {
    expected,
    steps,
    observed,
    preview: [
      ...feature.preview,
      { id: 'updateCluster', dependsOn: ['registerProvider'], alreadyDone, irreversible: true },
      { id: 'verify', dependsOn: ['updateCluster'], alreadyDone: false, irreversible: false },
    ],
  };
}

function buildCmkPlan(config: CmkConfig, facts: EnableFacts, ports: EnablePorts, options: PlanOptions): Plan {
  const subscriptionId = facts.cluster.subscriptionId;
  const vaultId = vaultIdOf(subscriptionId, config.vault);
  const identityId = identityIdOf(subscriptionId, config.identity);
  const state: RunState = { vault: facts.vault, key: facts.key, identity: facts.identity };
  const retry = options.rolePropagation ?? ROLE_PROPAGATION_RETRY;
  const privateVault = config.networkAccess === 'Private';

  const requireVault = (): VaultFacts => {
    if (!state.vault) {
      throw new Error(l10n.t('The key vault {0} is not available.', vaultId));
    }
    return state.vault;
  };
  const requireIdentity = (): IdentityFacts => {
    if (!state.identity) {
      throw new Error(l10n.t('The identity {0} is not available.', identityId));
    }
    return state.identity;
  };
  const keyIdFor = (vault: VaultFacts) => {
    // Stryker disable next-line Regex: parseKeyId reads the URL leniently (WHATWG URL) and drops empty path segments: any trimming of the slashes, or none, gives the same key ID
    const parsed = parseKeyId(`${vault.vaultUri.replace(/\/+$/, '')}/keys/${config.key.name}`);
    if (!parsed.ok) {
      throw new Error(parsed.reason);
    }
    return versionlessKeyId(parsed.keyId);
  };
  // Only assignments at the vault's scope or above it count: one on a single key or another resource does not.
  const hasRole = (principalId: string, role: RoleName) =>
    facts.vault !== undefined &&
    facts.roleAssignments.some(r => r.principalId.toLowerCase() === principalId.toLowerCase() && r.roleGuid === ROLES[role] && scopeCoversScope(r.scope, facts.vault!.id));
  // An access-policy vault ignores Key Vault data roles: the identity gets an access policy instead (legacy KMS page).
  const accessPolicyVault = facts.vault?.enableRbacAuthorization === false;

  /**
   * `created` — this call made it; `createdEarlier` — the service said it exists, yet the step had found none: under
   * the deterministic name it is ours, from an earlier attempt whose answer was lost (the SDK re-sent the PUT);
   * `held` — the principal already had the role.
   */
  const assignAt = async (ctx: StepContext, scope: string, role: RoleName, p: { id: string; type: 'User' | 'ServicePrincipal' }): Promise<'created' | 'createdEarlier' | 'held'> => {
    const roleGuid = ROLES[role];
    if (await ports.hasRoleAssignment(scope, p.id, roleGuid, ctx.signal)) {
      return 'held';
    }
    const name = roleAssignmentName(scope, p.id, roleGuid);
    const result = await ports.createRoleAssignment({ scope, name, principalId: p.id, principalType: p.type, roleGuid }, ctx.signal);
    if (result === 'created') {
      return 'created';
    }
    const byName = await ports.getRoleAssignment(scope, name, ctx.signal);
    const ours = byName !== undefined && byName.principalId.toLowerCase() === p.id.toLowerCase() && byName.roleGuid.toLowerCase() === roleGuid.toLowerCase();
    return ours ? 'createdEarlier' : 'held';
  };
  const assignStep = (id: StepId, dependsOn: StepId[], role: RoleName, principal: () => { id: string; type: 'User' | 'ServicePrincipal' }): PlanStep<StepId> => ({
    id,
    dependsOn,
    async run(ctx: StepContext) {
      switch (await assignAt(ctx, requireVault().id, role, principal())) {
        case 'held':
          return skipped(l10n.t('already assigned'));
        case 'createdEarlier':
          return done(l10n.t('assigned (the answer to the first attempt was lost)'));
        case 'created':
          return done();
      }
    },
  });

  const steps: PlanStep<StepId>[] = [];
  const preview: StepPreview[] = [];
  const add = (step: PlanStep<StepId>, alreadyDone: boolean, irreversible = false) => {
    steps.push(step);
    preview.push({ id: step.id, dependsOn: step.dependsOn, alreadyDone, irreversible });
  };

  const feature = featureSteps(facts, ports, options);
  steps.push(...feature.steps);
  preview.push(...feature.preview);

  add({
    id: 'createVault',
    dependsOn: [],
    async run(ctx) {
      let existing = await ports.getVault(vaultId, ctx.signal);
      // A vault still being created (e.g. by an interrupted run) is waited for, not created again or called missing.
      for (let waited = 0; existing && isProvisioning(existing.provisioningState) && waited < VAULT_READY_TIMEOUT_MS; waited += VAULT_READY_POLL_MS) {
        ctx.progress(l10n.t('the key vault {0} is still being created', existing.name));
        await ports.sleep(VAULT_READY_POLL_MS, ctx.signal);
        existing = await ports.getVault(vaultId, ctx.signal);
      }
      if (existing && isProvisioning(existing.provisioningState)) {
        throw new Error(l10n.t('The key vault {0} is still being created; run the plan again in a few minutes to resume.', existing.name));
      }
      if (existing) {
        state.vault = existing;
        return skipped(l10n.t('{0} exists', existing.name));
      }
      if (config.vault.kind === 'existing') {
        throw new Error(l10n.t('The key vault {0} does not exist.', vaultId));
      }
      const v = config.vault;
      state.vault = await ports.createVault({ id: vaultId, name: v.name, resourceGroup: v.resourceGroup, subscriptionId, location: v.location, tenantId: options.tenantId }, ctx.signal);
      return done(l10n.t('{0} created', state.vault.name));
    },
  }, Boolean(facts.vault));

  let officerDependsOn: StepId[] = ['createVault'];
  if (config.enablePurgeProtection && !(facts.vault?.enablePurgeProtection ?? config.vault.kind === 'new')) {
    add({
      id: 'enablePurgeProtection',
      dependsOn: ['createVault'],
      async run(ctx) {
        const vault = requireVault();
        if (vault.enablePurgeProtection) {
          return skipped(l10n.t('purge protection is on'));
        }
        state.vault = await ports.updateVault(vault.id, { enablePurgeProtection: true }, ctx.signal);
        return done();
      },
    }, false, true);
    officerDependsOn = ['enablePurgeProtection'];
  }

  const beforeCluster: StepId[] = ['registerProvider', 'createKey', accessPolicyVault ? 'grantAccessPolicyToIdentity' : 'assignCryptoUserToIdentity', 'assignContributorToIdentity'];
  if (!accessPolicyVault) {
    // The docs give the signed-in principal Crypto Officer to create the key; the plan creates it through ARM, but
    // the role is still what "Rotate Key Now" needs later on the data plane.
    add(assignStep('assignCryptoOfficerToUser', officerDependsOn, 'keyVaultCryptoOfficer', () => ({ id: facts.user.objectId, type: facts.user.principalType })),
      hasRole(facts.user.objectId, 'keyVaultCryptoOfficer'));
    beforeCluster.push('assignCryptoOfficerToUser');
  }

  add({
    id: 'createKey',
    dependsOn: officerDependsOn,
    async run(ctx) {
      const vault = requireVault();
      const existing = await ports.getKey(vault, config.key.name, ctx.signal);
      if (existing) {
        state.key = existing;
        return skipped(l10n.t('{0} exists', config.key.name));
      }
      // Through ARM: the firewall does not block it, and a retried create returns the key instead of a new version.
      state.key = await ports.createKey(vault, config.key.name, ctx.signal);
      return done(l10n.t('{0} created', config.key.name));
    },
  }, Boolean(facts.key));

  if (privateVault) {
    const locked = facts.vault !== undefined && firewallLocked(facts.vault);
    add({
      id: 'lockFirewall',
      dependsOn: ['createKey'],
      async run(ctx) {
        const vault = (await ports.getVault(requireVault().id, ctx.signal)) ?? requireVault();
        if (firewallLocked(vault)) {
          state.vault = vault;
          return skipped(l10n.t('the firewall already denies public access and lets trusted services through'));
        }
        state.vault = await ports.updateVault(vault.id, { networkDefaultAction: 'Deny', networkBypass: 'AzureServices' }, ctx.signal);
        return done();
      },
    }, locked, false);
    beforeCluster.push('lockFirewall');
  }

  add({
    id: 'createIdentity',
    dependsOn: [],
    async run(ctx) {
      const existing = await ports.getIdentity(identityId, ctx.signal);
      if (existing) {
        state.identity = existing;
        return skipped(l10n.t('{0} exists', existing.name));
      }
      if (config.identity.kind === 'existing') {
        throw new Error(l10n.t('The identity {0} does not exist.', identityId));
      }
      const i = config.identity;
      state.identity = await ports.createIdentity({ id: identityId, name: i.name, resourceGroup: i.resourceGroup, subscriptionId, location: i.location }, ctx.signal);
      return done(l10n.t('{0} created', state.identity.name));
    },
  }, Boolean(facts.identity));

  const identityPrincipal = () => ({ id: requireIdentity().principalId, type: 'ServicePrincipal' as const });
  const identityHas = (role: RoleName) => Boolean(facts.identity && facts.vault) && hasRole(facts.identity!.principalId, role);
  if (accessPolicyVault) {
    const holdsPolicy = (vault: VaultFacts | undefined, objectId: string) =>
      KMS_KEY_PERMISSIONS.every(p => vault?.accessPolicies?.some(a => a.objectId.toLowerCase() === objectId.toLowerCase() && a.keyPermissions.some(k => k.toLowerCase() === p || k.toLowerCase() === 'all')));
    add({
      id: 'grantAccessPolicyToIdentity',
      dependsOn: ['createVault', 'createIdentity'],
      async run(ctx) {
        const vault = (await ports.getVault(requireVault().id, ctx.signal)) ?? requireVault();
        const principalId = requireIdentity().principalId;
        if (holdsPolicy(vault, principalId)) {
          return skipped(l10n.t('the access policy already allows encrypt and decrypt'));
        }
        state.vault = await ports.addKeyAccessPolicy(vault, vault.tenantId ?? options.tenantId, principalId, KMS_KEY_PERMISSIONS, ctx.signal);
        return done(l10n.t('access policy with key permissions {0}', KMS_KEY_PERMISSIONS.join(', ')));
      },
    }, Boolean(facts.identity) && holdsPolicy(facts.vault, facts.identity?.principalId ?? ''));
  } else {
    add(assignStep('assignCryptoUserToIdentity', ['createVault', 'createIdentity'], 'keyVaultCryptoUser', identityPrincipal), identityHas('keyVaultCryptoUser'));
  }
  add(assignStep('assignContributorToIdentity', ['createVault', 'createIdentity'], 'keyVaultContributor', identityPrincipal), identityHas('keyVaultContributor'));

  // A control-plane identity that changes (e.g. system-assigned → user-assigned) must be able to manage the agent
  // pools' custom subnets, as the old one could ("Use a managed identity in AKS": Network Contributor on the subnet).
  const subnets = subnetsNeedingRole(facts, identityId);
  if (subnets.length) {
    add({
      id: 'assignNetworkContributorToIdentity',
      dependsOn: ['createIdentity'],
      async run(ctx) {
        let created = 0;
        for (const subnet of subnets) {
          if ((await assignAt(ctx, subnet.id, 'networkContributor', identityPrincipal())) !== 'held') {
            created++;
          }
        }
        return created ? done(l10n.t('Network Contributor on {0} subnet(s)', created)) : skipped(l10n.t('already assigned'));
      },
    }, false);
    beforeCluster.push('assignNetworkContributorToIdentity');
  }

  // The target is computed when the cluster step runs: a new vault's URI is known only after it exists.
  const target = (): CmkTarget => ({ keyId: keyIdFor(requireVault()), keyVaultResourceId: requireVault().id, networkAccess: config.networkAccess, identityId });
  const expectedStatic = expectedKmsProfile({
    keyId: facts.vault ? keyIdFor(facts.vault) : `https://${config.vault.kind === 'new' ? config.vault.name : parseArmId(vaultId)?.name}.<vault domain>/keys/${config.key.name}`,
    keyVaultResourceId: vaultId,
    networkAccess: config.networkAccess,
    identityId,
  });
  let expectedAtRun: Plan['expected'] | undefined;
  const expectedNow = () => (expectedAtRun ??= expectedKmsProfile(target()));
  const clusterAlreadyDone = profileMismatches(facts.clusterJson.properties?.securityProfile, expectedStatic).length === 0;
  const observed: ClusterObservation = {};
  const [update, verify] = clusterSteps(config.clusterId, beforeCluster, ports, expectedNow, c => applyCmk(c, target()), () => identityId, retry, observed, options.clusterWait);
  add(update, clusterAlreadyDone, true);
  add(verify, false);

  return { expected: expectedStatic, steps, preview, observed };
}
