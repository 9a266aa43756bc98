/** Localised titles and one-line descriptions of plan steps (the domain names them by id only). */
import * as vscode from 'vscode';
import type { StepId } from '../kms/enable/plan';

/** One entry per step id, so a new step cannot reach the wizard or the output channel without a title. */
const TITLES: Record<StepId, () => string> = {
  registerFeature: () => vscode.l10n.t('Register the KMSPMKPreview feature and wait until it is Registered'),
  registerProvider: () => vscode.l10n.t('Re-register the Microsoft.ContainerService provider'),
  createVault: () => vscode.l10n.t('Create the key vault (RBAC, soft delete, purge protection)'),
  enablePurgeProtection: () => vscode.l10n.t('Turn on purge protection on the vault'),
  assignCryptoOfficerToUser: () => vscode.l10n.t('Assign Key Vault Crypto Officer to you on the vault'),
  createKey: () => vscode.l10n.t('Create the RSA key'),
  lockFirewall: () => vscode.l10n.t('Lock the vault firewall (deny public access, allow trusted Azure services)'),
  createIdentity: () => vscode.l10n.t('Create the user-assigned identity'),
  assignCryptoUserToIdentity: () => vscode.l10n.t('Assign Key Vault Crypto User to the identity'),
  assignContributorToIdentity: () => vscode.l10n.t('Assign Key Vault Contributor to the identity'),
  grantAccessPolicyToIdentity: () => vscode.l10n.t('Give the identity encrypt and decrypt on the vault\'s keys (access policy)'),
  assignNetworkContributorToIdentity: () => vscode.l10n.t('Assign Network Contributor to the identity on the cluster\'s subnets'),
  updateCluster: () => vscode.l10n.t('Update the cluster'),
  verify: () => vscode.l10n.t('Verify the cluster\'s security profile'),
};

export function stepTitle(id: StepId | string): string {
  return Object.hasOwn(TITLES, id) ? TITLES[id as StepId]() : id;
}

/**
 * What a step does, when its title alone could mislead, shown under the title in the plan. The firewall lock is the
 * case: it is not a one-way step (the firewall can be opened again), but the user should know what it changes.
 */
export function stepDescription(id: StepId | string): string | undefined {
  switch (id as StepId) {
    case 'lockFirewall':
      return vscode.l10n.t('Blocks public network access to the vault; AKS still reaches the key as a trusted Azure service. You can open the firewall again later.');
    default:
      return undefined;
  }
}
