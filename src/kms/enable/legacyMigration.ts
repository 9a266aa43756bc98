/**
 * Legacy KMS → the new experience: the CMK plan with the cluster's own vault and key (AZURE.md: a versioned key ID
 * is legacy; the new experience uses the versionless ID plus infrastructure encryption). This works out what the
 * wizard should prefill. A legacy profile often lacks `keyVaultResourceId` (Public access leaves it empty), so the
 * vault is found among the subscription's vaults by the key ID's host.
 */
import * as l10n from '@vscode/l10n';
import { sameArmId } from '../armId';
import type { ClusterFacts } from '../kmsState';
import type { CmkConfig } from './config';
import type { VaultFacts } from './facts';

export type LegacyMigrationDefaults =
  | { readonly ok: true; readonly config: CmkConfig; readonly vault: VaultFacts }
  | { readonly ok: false; readonly reason: string };

/**
 * The vault among `vaults` whose URI has the key ID's origin (host and port: the emulator gives each vault its own
 * port on one host); undefined when none does.
 */
export function vaultForKeyOrigin(vaults: readonly VaultFacts[], vaultUrl: string): VaultFacts | undefined {
  const origin = (u: string) => {
    try {
      return new URL(u).origin.toLowerCase();
    } catch {
      return undefined;
    }
  };
  const wanted = origin(vaultUrl);
  return wanted === undefined ? undefined : vaults.find(v => origin(v.vaultUri) === wanted);
}

/**
 * The CMK configuration that moves a legacy cluster to the new experience with the same vault and key: existing
 * vault and key, the cluster's network access and user-assigned identity (a new identity named after the cluster
 * when it has none), and purge protection turned on when the vault lacks it (the plan asks before that
 * irreversible step; the user may untick it).
 */
export function legacyMigrationDefaults(facts: ClusterFacts, vaults: readonly VaultFacts[]): LegacyMigrationDefaults {
  const kms = facts.kms;
  if (kms.kind !== 'legacy') {
    return { ok: false, reason: l10n.t('{0} does not use legacy KMS (a versioned key ID without infrastructure encryption), so there is nothing to move to the new experience.', facts.name) };
  }
  if (!kms.key) {
    return { ok: false, reason: l10n.t('{0} has the key ID "{1}", which is not a Key Vault key ID; choose the vault and key in the wizard.', facts.name, kms.keyId ?? '') };
  }
  const vault = (kms.keyVaultResourceId ? vaults.find(v => sameArmId(v.id, kms.keyVaultResourceId)) : undefined) ?? vaultForKeyOrigin(vaults, kms.key.vaultUrl);
  if (!vault) {
    return {
      ok: false,
      reason: l10n.t("The key vault {0} of {1}'s key is not among the vaults you can read in subscription {2}; it may be in another subscription. Choose it in the wizard, or ask for Reader on it.", kms.key.vaultHost, facts.name, facts.subscriptionId),
    };
  }
  const identityId = facts.identity === 'userAssigned' ? facts.userAssignedIdentityIds[0] : undefined;
  const config: CmkConfig = {
    kind: 'cmk',
    clusterId: facts.id,
    networkAccess: kms.keyVaultNetworkAccess ?? 'Public',
    vault: { kind: 'existing', id: vault.id },
    key: { kind: 'existing', name: kms.key.name },
    identity: identityId
      ? { kind: 'existing', id: identityId }
      : { kind: 'new', name: `id-${facts.name}-kms`.slice(0, 128), resourceGroup: facts.resourceGroup, location: facts.location ?? vault.location ?? '' },
    ...(vault.enablePurgeProtection ? {} : { enablePurgeProtection: true }),
  };
  return { ok: true, config, vault };
}
