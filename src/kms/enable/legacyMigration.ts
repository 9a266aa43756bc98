/**
 * Legacy KMS → the new experience: the CMK plan with the cluster's own vault and key (AZURE.md: a versioned key ID
 * is legacy; the new experience uses the versionless ID plus infrastructure encryption). This works out what the
 * wizard should prefill. A legacy profile often lacks `keyVaultResourceId` (Public access leaves it empty), so the
 * vault is found among the subscription's vaults by the key ID's host. After a legacy cluster moves (to the new
 * experience, or to platform keys), the result names the documented follow-up for Secrets written under the old key.
 */
import * as l10n from '@vscode/l10n';
import { sameArmId } from '../armId';
import type { ClusterFacts, KmsKind } from '../kmsState';
import type { StepStatus } from '../plan/runner';
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
  const wanted = vaultOrigin(vaultUrl);
  return wanted === undefined ? undefined : vaults.find(v => vaultOrigin(v.vaultUri) === wanted);
}

/** A vault or key URL's origin (scheme, host and port), lower case; undefined for what is not a URL. */
export function vaultOrigin(url: string): string | undefined {
  try {
    // Stryker disable next-line MethodExpression: URL already lowercases the host; the scheme is lower case too
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
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

/**
 * The one command the legacy KMS docs give for rewriting every Secret, so each is encrypted again with whatever KMS
 * configuration the cluster has now. Source: the legacy page "Add Key Management Service etcd encryption to an Azure
 * Kubernetes Service cluster" (learn.microsoft.com/azure/aks/use-kms-etcd-encryption), sections "Rotate existing keys
 * in a public/private key vault" and "Turn off KMS": after the key ID changes or Key Vault KMS is turned off, Secrets
 * written earlier stay encrypted with the previous key until this command rewrites them; the same sections ask for it
 * even when the KMS update itself failed. No current page of the new experience ("Enable KMS data encryption in AKS",
 * kms-data-encryption) says that AKS re-encrypts them when a legacy cluster moves, so this product does not claim it.
 */
export const REWRITE_SECRETS_COMMAND = 'kubectl get secrets --all-namespaces -o json | kubectl replace -f -';

export interface SecretsRewriteInput {
  /** Which flow ran. */
  readonly flow: 'pmk' | 'cmk' | 'migrateToPmk';
  /** The cluster's KMS kind before the flow ran (undefined when it was not read). */
  readonly kindBefore: KmsKind | undefined;
  /** What became of the `updateCluster` step (the runner's `PlanResult.steps`); undefined when the plan had none. */
  readonly updateCluster: StepStatus | undefined;
}

export interface SecretsRewriteFollowUp {
  /** `changed`: the cluster update went through; `attempted`: it started but did not finish. */
  readonly reason: 'changed' | 'attempted';
  /** Why and when to run the command, for the result page or notification; ends so the command can follow it. */
  readonly message: string;
  readonly command: string;
}

/**
 * Whether a finished (or stopped) flow leaves Secrets written under a legacy KMS key that the user should rewrite,
 * and the sentence that says why. Only a cluster that was on legacy KMS and whose key changed needs it: moving to the
 * new experience (CMK plan: versioned → versionless key ID) or turning Key Vault KMS off (migrate to PMK). Enabling
 * PMK alone never applies to a legacy cluster (preflight blocks it), and nothing applies when the cluster update
 * never started.
 */
export function secretsRewriteFollowUp(input: SecretsRewriteInput): SecretsRewriteFollowUp | undefined {
  if (input.kindBefore !== 'legacy' || input.flow === 'pmk') {
    return undefined;
  }
  switch (input.updateCluster) {
    case undefined:
    case 'pending':
      return undefined;
    case 'done':
    case 'skipped':
      return {
        reason: 'changed',
        command: REWRITE_SECRETS_COMMAND,
        message: input.flow === 'cmk'
          ? l10n.t('Secrets written before this change stay encrypted with the legacy key version until they are rewritten, so keep that version enabled. The legacy KMS docs ("Rotate existing keys") ask you to rewrite every Secret after the key changes; run this once with cluster-admin rights:')
          // "Keep the old key and vault" is already the migration's own result sentence, so it is not repeated here.
          : l10n.t('Secrets written before this change stay encrypted with the legacy key until they are rewritten. The legacy KMS docs ("Turn off KMS") ask you to rewrite every Secret after Key Vault KMS is turned off; run this once with cluster-admin rights:'),
      };
    case 'running':
    case 'failed':
    case 'cancelled':
      return {
        reason: 'attempted',
        command: REWRITE_SECRETS_COMMAND,
        message: l10n.t('The cluster update did not finish. The legacy KMS docs ask you to rewrite every Secret even when a KMS update fails, so the KMS plugin is not left in an unexpected state; run this with cluster-admin rights:'),
      };
  }
}
