/** User-facing words for domain values: one place, all through vscode.l10n. */
import * as vscode from 'vscode';
import type { KeyWarning } from '../kms/keyHealth';
import type { ClusterFacts, KmsState } from '../kms/kmsState';
import type { RotationPolicy } from '../kms/rotationPolicy';
import type { BatchItemStatus } from '../kms/bulk/batch';
import { STATE_FILTER_VALUES, StateFilterValue } from '../kms/stateFilter';
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

/** A short, localised label for a key warning (the domain's full sentence is shown as its detail). */
export function keyWarningLabel(w: KeyWarning, maxAgeDays: number): string {
  switch (w.code) {
    case 'too-old':
      return vscode.l10n.t('key version older than {0} days', maxAgeDays);
    case 'expires-soon':
      return vscode.l10n.t('key expires within 30 days');
    case 'expired':
      return vscode.l10n.t('key expired');
    case 'disabled':
      return vscode.l10n.t('key version disabled');
    case 'no-purge-protection':
      return vscode.l10n.t('vault has no purge protection');
    case 'pending-pickup':
      return vscode.l10n.t('new version not yet picked up by AKS');
    case 'previous-unusable':
      return vscode.l10n.t('previous version, still in use, is unusable');
    case 'previous-expires-in-window':
      return vscode.l10n.t('previous version expires before the pickup');
    case 'key-deleted':
      return vscode.l10n.t('key deleted (recover it before the purge)');
  }
}

/** The rotation policy in words: "rotates 90 days after creation, expires after 1 year". */
export function policyLabel(policy: RotationPolicy | undefined, unknown: boolean): string {
  if (!policy) {
    return unknown ? vscode.l10n.t('unknown (the vault could not be read)') : vscode.l10n.t('none (rotate manually)');
  }
  const parts: string[] = [];
  if (policy.rotateAfterCreate) {
    parts.push(vscode.l10n.t('rotates {0} after creation', isoDurationLabel(policy.rotateAfterCreate)));
  }
  if (policy.rotateBeforeExpiry) {
    parts.push(vscode.l10n.t('rotates {0} before expiry', isoDurationLabel(policy.rotateBeforeExpiry)));
  }
  if (policy.expiresAfter) {
    parts.push(vscode.l10n.t('expires after {0}', isoDurationLabel(policy.expiresAfter)));
  }
  if (policy.notifyBeforeExpiry) {
    parts.push(vscode.l10n.t('notifies {0} before expiry', isoDurationLabel(policy.notifyBeforeExpiry)));
  }
  return parts.join(', ') || vscode.l10n.t('none (rotate manually)');
}

/** `P90D` → "90 days", `P1Y` → "1 year", `P3M` → "3 months". */
export function isoDurationLabel(duration: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(duration);
  if (!m) {
    return duration;
  }
  const [, y, mo, d] = m.map(v => (v === undefined ? 0 : Number(v)));
  const parts: string[] = [];
  if (y) {
    parts.push(y === 1 ? vscode.l10n.t('1 year') : vscode.l10n.t('{0} years', y));
  }
  if (mo) {
    parts.push(mo === 1 ? vscode.l10n.t('1 month') : vscode.l10n.t('{0} months', mo));
  }
  if (d) {
    parts.push(d === 1 ? vscode.l10n.t('1 day') : vscode.l10n.t('{0} days', d));
  }
  return parts.join(' ') || duration;
}

export function stateFilterLabel(value: StateFilterValue): string {
  switch (value) {
    case 'notEncrypted':
      return vscode.l10n.t('not encrypted');
    case 'pmk':
      return vscode.l10n.t('PMK');
    case 'cmkPublic':
      return vscode.l10n.t('CMK · public');
    case 'cmkPrivate':
      return vscode.l10n.t('CMK · private');
    case 'legacy':
      return vscode.l10n.t('legacy KMS');
    case 'policyNonCompliant':
      return vscode.l10n.t('policy: non-compliant');
  }
}

/** The tree view's description while a state filter is on, e.g. "Filter: not encrypted". */
export function stateFilterDescription(filter: readonly string[]): string | undefined {
  const values = STATE_FILTER_VALUES.filter(v => filter.includes(v));
  return values.length ? vscode.l10n.t('Filter: {0}', values.map(stateFilterLabel).join(', ')) : undefined;
}

/** A cluster's place in a running batch, on its tree row. */
export function batchStatusLabel(status: BatchItemStatus): string {
  switch (status) {
    case 'queued':
      return vscode.l10n.t('queued');
    case 'running':
      return vscode.l10n.t('updating…');
    case 'done':
      return vscode.l10n.t('done');
    case 'skipped':
      return vscode.l10n.t('skipped');
    case 'failed':
      return vscode.l10n.t('failed');
    case 'notStarted':
      return vscode.l10n.t('not started (cancelled)');
  }
}

export function batchStatusIcon(status: BatchItemStatus): vscode.ThemeIcon {
  switch (status) {
    case 'queued':
      return new vscode.ThemeIcon('clock');
    case 'running':
      return new vscode.ThemeIcon('loading~spin');
    case 'done':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'skipped':
      return new vscode.ThemeIcon('circle-slash');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'notStarted':
      return new vscode.ThemeIcon('debug-stop');
  }
}
