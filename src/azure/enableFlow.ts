/**
 * One enable flow end to end, for any front end (the wizard, the PMK command, integration tests): read facts, run
 * preflight, build the plan and its az script; then execute it and read back the verified security profile.
 */
import type { EnableConfig } from '../kms/enable/config';
import type { EnableFacts } from '../kms/enable/facts';
import { buildPlan, DEFAULT_PLAN_OPTIONS, Plan, PlanOptions } from '../kms/enable/plan';
import { renderAzScript } from '../kms/enable/azScript';
import { Finding, hasBlockingFindings, preflight, validateConfig } from '../kms/enable/preflight';
import type { SecurityProfileJson } from '../kms/managedCluster';
import { PlanResult, runPlan, StepEvent } from '../kms/plan/runner';
import type { AzureContext } from './azureContext';
import { azureEnablePorts, KnownFacts, readEnableFacts } from './enablePorts';
import { tokenIdentity } from './tokenClaims';
import type { ManagedClustersAdapter } from './managedClusters';

export interface PreparedEnable {
  readonly config: EnableConfig;
  readonly facts?: EnableFacts;
  readonly findings: readonly Finding[];
  readonly blocked: boolean;
  readonly plan?: Plan;
  readonly script?: string;
}

export interface EnableOutcome {
  readonly result: PlanResult;
  /** The cluster's securityProfile after the run (what `az aks show --query securityProfile` prints). */
  readonly securityProfile?: SecurityProfileJson;
}

/** Validates the input (no reads), then reads facts and runs every preflight rule. Writes nothing. */
export async function prepareEnable(
  ctx: AzureContext,
  clusters: ManagedClustersAdapter,
  config: EnableConfig,
  options: Partial<PlanOptions> = {},
  signal?: AbortSignal,
  known: KnownFacts = {},
): Promise<PreparedEnable> {
  const inputProblems = validateConfig(config);
  if (hasBlockingFindings(inputProblems)) {
    return { config, findings: inputProblems, blocked: true };
  }
  const facts = await readEnableFacts(ctx, clusters, config, signal, known);
  const findings = preflight(config, facts);
  const tenantId = options.tenantId ?? ctx.tenantId ?? (await tenantOf(ctx));
  const plan = buildPlan(config, facts, azureEnablePorts(ctx, clusters), { ...DEFAULT_PLAN_OPTIONS, ...options, tenantId });
  return { config, facts, findings, blocked: hasBlockingFindings(findings), plan, script: renderAzScript(config, facts, plan.preview) };
}

/** Runs a prepared, unblocked plan. Never call it for a blocked one: preflight is the gate before any write. */
export async function executeEnable(clusters: ManagedClustersAdapter, prepared: PreparedEnable, onEvent: (e: StepEvent) => void, signal?: AbortSignal): Promise<EnableOutcome> {
  if (prepared.blocked || !prepared.plan) {
    throw new Error('The plan is blocked by preflight findings; nothing was changed.');
  }
  const result = await runPlan(prepared.plan.steps, onEvent, signal);
  let securityProfile: SecurityProfileJson | undefined;
  try {
    // After a successful run the plan's verify step has just read the cluster: no need to read it a third time.
    const latest = result.status === 'succeeded' ? prepared.plan.observed.latest : undefined;
    securityProfile = (latest ?? (await clusters.get(prepared.config.clusterId))).properties?.securityProfile;
  } catch {
    securityProfile = undefined; // the run's own result already says what happened
  }
  return { result, securityProfile };
}

/** The tenant of the signed-in token (`tid`), for a new vault's tenantId. */
async function tenantOf(ctx: AzureContext): Promise<string> {
  const { tid } = await tokenIdentity(ctx);
  if (!tid) {
    throw new Error('The access token has no tenant (tid) claim: sign in again.');
  }
  return tid;
}
