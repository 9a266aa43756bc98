/** Localised titles of plan steps (the domain names them by id only). */
import * as vscode from 'vscode';
import type { StepId } from '../kms/enable/plan';

export function stepTitle(id: StepId | string): string {
  switch (id as StepId) {
    case 'registerFeature':
      return vscode.l10n.t('Register the KMSPMKPreview feature and wait until it is Registered');
    case 'registerProvider':
      return vscode.l10n.t('Re-register the Microsoft.ContainerService provider');
    case 'createVault':
      return vscode.l10n.t('Create the key vault (RBAC, soft delete, purge protection)');
    case 'enablePurgeProtection':
      return vscode.l10n.t('Turn on purge protection on the vault');
    case 'assignCryptoOfficerToUser':
      return vscode.l10n.t('Assign Key Vault Crypto Officer to you on the vault');
    case 'createKey':
      return vscode.l10n.t('Create the RSA key');
    case 'lockFirewall':
      return vscode.l10n.t('Lock the vault firewall (deny public access, allow trusted Azure services)');
    case 'createIdentity':
      return vscode.l10n.t('Create the user-assigned identity');
    case 'assignCryptoUserToIdentity':
      return vscode.l10n.t('Assign Key Vault Crypto User to the identity');
    case 'assignContributorToIdentity':
      return vscode.l10n.t('Assign Key Vault Contributor to the identity');
    case 'updateCluster':
      return vscode.l10n.t('Update the cluster');
    case 'verify':
      return vscode.l10n.t('Verify the cluster\'s security profile');
    default:
      return id;
  }
}
