/** User-facing words for domain values: one place, all through vscode.l10n. */
import * as vscode from 'vscode';
import type { ClusterFacts, KmsState } from '../kms/kmsState';
import { ageInUnits } from '../kms/rotation';

export function kmsStateLabel(kms: KmsState): string {
  switch (kms.kind) {
    case 'pmk':
      return vscode.l10n.t('PMK');
    case 'cmk':
      return kms.keyVaultNetworkAccess === 'Private' ? vscode.l10n.t('CMK · private') : vscode.l10n.t('CMK · public');
    case 'legacy':
      return vscode.l10n.t('legacy KMS');
    case 'notEncrypted':
      return vscode.l10n.t('not encrypted');
    case 'unknown':
      return vscode.l10n.t('checking…');
  }
}

/** A sentence saying what the state means for the cluster's secrets. */
export function kmsStateExplanation(kms: KmsState): string {
  switch (kms.kind) {
    case 'pmk':
      return vscode.l10n.t('Kubernetes Secrets are encrypted with platform-managed keys.');
    case 'cmk':
      return vscode.l10n.t('Kubernetes Secrets are encrypted with a customer-managed key in Azure Key Vault.');
    case 'legacy':
      return vscode.l10n.t('Legacy KMS: a versioned key ID and no infrastructure encryption; rotation needs manual re-encryption.');
    case 'notEncrypted':
      return vscode.l10n.t('Kubernetes Secrets are not encrypted with KMS.');
    case 'unknown':
      return vscode.l10n.t('Checking the encryption state…');
  }
}

export function kmsStateIcon(kms: KmsState): vscode.ThemeIcon {
  switch (kms.kind) {
    case 'pmk':
      return new vscode.ThemeIcon('shield', new vscode.ThemeColor('charts.green'));
    case 'cmk':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('charts.green'));
    case 'legacy':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
    case 'notEncrypted':
      return new vscode.ThemeIcon('unlock', new vscode.ThemeColor('charts.red'));
    case 'unknown':
      return new vscode.ThemeIcon('loading~spin');
  }
}

export function identityLabel(facts: ClusterFacts): string {
  switch (facts.identity) {
    case 'userAssigned':
      return vscode.l10n.t('user-assigned');
    case 'systemAssigned':
      return vscode.l10n.t('system-assigned');
    case 'none':
      return vscode.l10n.t('none');
  }
}

export function networkAccessLabel(kms: KmsState): string {
  return kms.keyVaultNetworkAccess === 'Private' ? vscode.l10n.t('Private (firewall, trusted services only)') : vscode.l10n.t('Public');
}

/** "12 days", "2 hours", "40 minutes". */
export function ageLabel(ageMs: number): string {
  const { value, unit } = ageInUnits(ageMs);
  switch (unit) {
    case 'days':
      return value === 1 ? vscode.l10n.t('1 day') : vscode.l10n.t('{0} days', value);
    case 'hours':
      return value === 1 ? vscode.l10n.t('1 hour') : vscode.l10n.t('{0} hours', value);
    case 'minutes':
      return value === 1 ? vscode.l10n.t('1 minute') : vscode.l10n.t('{0} minutes', value);
  }
}
