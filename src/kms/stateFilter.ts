/** The tree's filter by KMS state (e.g. "not encrypted only"); an empty filter shows every cluster. */
import type { ClusterFacts } from './kmsState';

export type StateFilterValue = 'pmk' | 'cmkPublic' | 'cmkPrivate' | 'legacy' | 'notEncrypted';

export const STATE_FILTER_VALUES: readonly StateFilterValue[] = ['notEncrypted', 'pmk', 'cmkPublic', 'cmkPrivate', 'legacy'];

export function stateFilterValueOf(facts: ClusterFacts): StateFilterValue | undefined {
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

/** Unknown states stay visible until confirmed, so a filter never hides a cluster it cannot yet classify. */
export function passesStateFilter(facts: ClusterFacts, filter: readonly string[]): boolean {
  if (!filter.length) {
    return true;
  }
  const value = stateFilterValueOf(facts);
  return value === undefined || filter.includes(value);
}
