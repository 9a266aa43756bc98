/**
 * What Azure Policy says about a cluster's KMS: the built-in policy "Azure Kubernetes Clusters should enable Key
 * Management Service (KMS)" (definition dbbdc317-9734-4dd8-9074-993b29c69008, as issue 14 names it) audits
 * `securityProfile.azureKeyVaultKms.enabled` only — so a cluster on platform-managed keys, whose Secrets are
 * encrypted, is still reported NonCompliant by it. Pure: policy-state rows in, per-cluster facts and words out.
 */
import * as l10n from '@vscode/l10n';
import type { KmsKind } from './kmsState';

export const KMS_POLICY_DEFINITION_GUID = 'dbbdc317-9734-4dd8-9074-993b29c69008';

/** The Resource Graph query for the policy's states (rows of `policyresources`), ordered by id for paging. */
export const KMS_POLICY_STATES_QUERY = [
  'policyresources',
  "| where type =~ 'microsoft.policyinsights/policystates'",
  `| where tolower(tostring(properties.policyDefinitionId)) endswith '/${KMS_POLICY_DEFINITION_GUID}'`,
  '| project id, resourceId = tolower(tostring(properties.resourceId)), complianceState = tostring(properties.complianceState),',
  '  policyAssignmentId = tostring(properties.policyAssignmentId)',
  '| order by id asc',
].join('\n');

export interface PolicyStateRow {
  readonly id: string;
  readonly resourceId: string;
  readonly complianceState: string;
  readonly policyAssignmentId: string;
}

/** The state that fails the policy, in any letter case. */
const NON_COMPLIANT = /^noncompliant$/i;

export interface KmsPolicyState {
  /** `Compliant`, `NonCompliant` (or another state the service reports, e.g. `Unknown`). */
  readonly complianceState: string;
  /** The assignments that evaluated the cluster (one cluster can be in scope of several). */
  readonly assignmentIds: readonly string[];
}

/** Per cluster (lower-case id): NonCompliant wins over any other state when several assignments evaluated it. */
export function kmsPolicyStatesByCluster(rows: readonly PolicyStateRow[]): Map<string, KmsPolicyState> {
  const result = new Map<string, { complianceState: string; assignmentIds: string[] }>();
  for (const row of rows) {
    const key = row.resourceId.toLowerCase();
    const entry = result.get(key) ?? { complianceState: row.complianceState, assignmentIds: [] };
    if (NON_COMPLIANT.test(row.complianceState)) {
      entry.complianceState = row.complianceState;
    }
    entry.assignmentIds.push(row.policyAssignmentId);
    result.set(key, entry);
  }
  return result;
}

export function isNonCompliant(state: KmsPolicyState | undefined): boolean {
  return !!state && NON_COMPLIANT.test(state.complianceState);
}

/** The sentence under the compliance state: why, and for platform-managed keys why it is not what it seems. */
export function kmsPolicyExplanation(state: KmsPolicyState, kms: KmsKind): string {
  if (!isNonCompliant(state)) {
    return l10n.t('The Azure Policy "Azure Kubernetes Clusters should enable Key Management Service (KMS)" finds Key Vault KMS enabled.');
  }
  return kms === 'pmk'
    ? l10n.t('Platform-managed keys encrypt the Secrets, but this policy asks for a customer-managed key (it checks securityProfile.azureKeyVaultKms.enabled only): enable KMS with a customer-managed key to comply.')
    : l10n.t('The Azure Policy "Azure Kubernetes Clusters should enable Key Management Service (KMS)" asks for Key Vault KMS with a customer-managed key: enable it to comply.');
}
