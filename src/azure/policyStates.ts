/** The KMS policy's compliance states of the clusters, through Resource Graph's `policyresources` table. */
import { kmsPolicyStatesByCluster, KMS_POLICY_STATES_QUERY, KmsPolicyState, PolicyStateRow } from '../kms/kmsPolicy';
import type { AzureContext } from './azureContext';
import { queryResourceGraph } from './resourceGraph';

/** Per cluster (lower-case id); empty where the policy is not assigned. */
export async function loadKmsPolicyStates(ctx: AzureContext, subscriptionIds: readonly string[], signal?: AbortSignal): Promise<Map<string, KmsPolicyState>> {
  const rows: PolicyStateRow[] = [];
  await queryResourceGraph<PolicyStateRow>(ctx, KMS_POLICY_STATES_QUERY, subscriptionIds, page => rows.push(...page), signal);
  return kmsPolicyStatesByCluster(rows);
}
