/**
 * The configuration that reproduces a cluster's current customer-managed key as code: its vault, key, network access
 * and user-assigned identity, for "Export as Infrastructure as Code…" on a cluster that already has one.
 *
 * A profile may leave `keyVaultResourceId` empty: the spec asks for it only with Private network access ("When
 * keyVaultNetworkAccess is `Public`, leave the field empty", managedClusters.json `AzureKeyVaultKms`), so clusters
 * set up by other tools with a public vault often lack it. The vault is then the one whose URI has the key ID's host,
 * among the vaults the user can read in the cluster's subscription (as for a legacy cluster's migration).
 */
import * as l10n from '@vscode/l10n';
import type { CmkConfig } from '../enable/config';
import type { VaultFacts } from '../enable/facts';
import { vaultForKeyOrigin } from '../enable/legacyMigration';
import type { ClusterFacts } from '../kmsState';

export type CurrentCmkSetup =
  | { readonly ok: true; readonly config: CmkConfig }
  /** A customer-managed key whose vault is not among `vaults`: why its setup cannot be written as code. */
  | { readonly ok: false; readonly reason: string };

/** Whether currentCmkSetup needs the subscription's vaults: a customer-managed key whose profile does not name its vault. */
export function vaultListingNeeded(facts: ClusterFacts): boolean {
  return facts.kms.kind === 'cmk' && facts.kms.key !== undefined && !facts.kms.keyVaultResourceId && facts.userAssignedIdentityIds.length > 0;
}

/**
 * The cluster's current customer-managed key setup; undefined when the cluster has none to reproduce (not the new
 * KMS experience with a Key Vault key ID and a user-assigned identity). `vaults` matter only when vaultListingNeeded.
 */
export function currentCmkSetup(facts: ClusterFacts, vaults: readonly VaultFacts[] = []): CurrentCmkSetup | undefined {
  const kms = facts.kms;
  const identityId = facts.userAssignedIdentityIds[0];
  if (kms.kind !== 'cmk' || !kms.key || !identityId) {
    return undefined;
  }
  const vaultId = kms.keyVaultResourceId || vaultForKeyOrigin(vaults, kms.key.vaultUrl)?.id;
  if (!vaultId) {
    return {
      ok: false,
      reason: l10n.t("The key vault {0} of {1}'s key is not among the vaults you can read in subscription {2}; it may be in another subscription. Ask for Reader on it to export the cluster's setup as it is.", kms.key.vaultHost, facts.name, facts.subscriptionId),
    };
  }
  return {
    ok: true,
    config: {
      kind: 'cmk',
      clusterId: facts.id,
      networkAccess: kms.keyVaultNetworkAccess ?? 'Public',
      vault: { kind: 'existing', id: vaultId },
      key: { kind: 'existing', name: kms.key.name },
      identity: { kind: 'existing', id: identityId },
    },
  };
}
