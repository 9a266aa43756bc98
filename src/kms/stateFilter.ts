/**
 * The tree's filter by KMS state (e.g. "not encrypted only"), optionally narrowed to the clusters that the built-in
 * Azure Policy for KMS reports non-compliant. An empty filter shows every cluster.
 */
import { isNonCompliant, KmsPolicyState } from './kmsPolicy';
import type { ClusterFacts } from './kmsState';

export type KmsStateFilterValue = 'pmk' | 'cmkPublic' | 'cmkPrivate' | 'legacy' | 'notEncrypted';
/** Not a KMS state but a second condition: only clusters the KMS policy reports NonCompliant. */
export const POLICY_NON_COMPLIANT = 'policyNonCompliant';
export type StateFilterValue = KmsStateFilterValue | typeof POLICY_NON_COMPLIANT;

export const KMS_STATE_FILTER_VALUES: readonly KmsStateFilterValue[] = ['notEncrypted', 'pmk', 'cmkPublic', 'cmkPrivate', 'legacy'];
/** Every value the setting accepts, in the order the picker and the view's description show them. */
export const STATE_FILTER_VALUES: readonly StateFilterValue[] = [...KMS_STATE_FILTER_VALUES, POLICY_NON_COMPLIANT];

export function stateFilterValueOf(facts: ClusterFacts): KmsStateFilterValue | undefined {
  switch (facts.kms.kind) {
    case 'pmk':
      return 'pmk';
    case 'cmk':
      return facts.kms.keyVaultNetworkAccess === 'Private' ? 'cmkPrivate' : 'cmkPublic';
    case 'legacy':
      return 'legacy';
    case 'notEncrypted':
      return 'notEncrypted';
    case 'unknown':
      return undefined;
  }
}

/** What to store for a picked set: everything a KMS state can be, with no policy condition, is "no filter". */
export function normalizeStateFilter(chosen: readonly string[]): StateFilterValue[] {
  const values = STATE_FILTER_VALUES.filter(v => chosen.includes(v));
  const states = values.filter(v => v !== POLICY_NON_COMPLIANT);
  return states.length === KMS_STATE_FILTER_VALUES.length ? values.filter(v => v === POLICY_NON_COMPLIANT) : values;
}

/**
 * The KMS states chosen (none chosen: any state) and, when `policyNonCompliant` is in the filter, the policy's
 * NonCompliant verdict as well. Unknown KMS states stay visible until confirmed, so the filter never hides a cluster
 * it cannot yet classify; a cluster the policy has not evaluated (not assigned, or not read yet) is not non-compliant.
 */
export function passesStateFilter(facts: ClusterFacts, filter: readonly string[], policy?: KmsPolicyState): boolean {
  if (filter.includes(POLICY_NON_COMPLIANT) && !isNonCompliant(policy)) {
    return false;
  }
  const states = filter.filter(v => v !== POLICY_NON_COMPLIANT);
  if (!states.length) {
    return true;
  }
  const value = stateFilterValueOf(facts);
  return value === undefined || states.includes(value);
}
