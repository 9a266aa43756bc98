/**
 * Composite `contextValue`s for tree items, matched by regex when-clauses in package.json, e.g.
 * `viewItem =~ /^cluster;.*state:cmk/`. Tokens encode exactly what the menus depend on.
 */
import { ClusterFacts, meetsVersionRule } from './kmsState';

const STATE_TOKEN: Record<ClusterFacts['kms']['kind'], string> = {
  notEncrypted: 'none',
  pmk: 'pmk',
  cmk: 'cmk',
  legacy: 'legacy',
  unknown: 'unknown',
};

export function clusterContextValue(facts: ClusterFacts): string {
  const tokens = [
    'cluster',
    `state:${STATE_TOKEN[facts.kms.kind]}`,
    `identity:${facts.identity}`,
    `k8s:${meetsVersionRule(facts) ? 'supported' : 'tooOld'}`,
    `vnet:${facts.apiServerVnetIntegration ? 'yes' : 'no'}`,
  ];
  if (facts.kms.keyVaultNetworkAccess) {
    tokens.splice(2, 0, `net:${facts.kms.keyVaultNetworkAccess.toLowerCase()}`);
  }
  return tokens.join(';');
}
