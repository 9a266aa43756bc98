/**
 * What a cluster's hover and detail rows say: built once from facts + key health, rendered two ways (a Markdown
 * hover and child rows). Keeping one source means the two can never disagree.
 */
import * as vscode from 'vscode';
import type { ClusterKeyHealth } from '../azure/keyHealthService';
import { parseArmId } from '../kms/armId';
import type { DeletedKeyInfo, KeyWarning } from '../kms/keyHealth';
import { ClusterFacts, meetsVersionRule } from '../kms/kmsState';
import { MIN_KMS_KUBERNETES_VERSION } from '../kms/kubernetesVersion';
import { isNonCompliant, kmsPolicyExplanation, KmsPolicyState } from '../kms/kmsPolicy';
import type { RotationSummary } from '../kms/rotation';
import { ageLabel, identityLabel, keyWarningLabel, kmsStateExplanation, kmsStateLabel, networkAccessLabel, policyLabel } from './labels';

export interface DetailRow {
  readonly key: 'state' | 'keyId' | 'vault' | 'network' | 'identity' | 'kubernetes' | 'rotation' | 'pickup' | 'policy' | 'azurePolicy' | `warning:${string}`;
  readonly label: string;
  readonly value: string;
  readonly icon: string;
  readonly warning?: 'warning' | 'error';
  /** Full text, e.g. the whole key ID, for the row's own hover and for copying. */
  readonly detail?: string;
}

/** Key health as loaded for a cluster; `error` when it could not be read. */
export interface KeyHealthResult {
  readonly health?: ClusterKeyHealth;
  readonly error?: string;
}

export function rotationText(summary: RotationSummary | undefined, pinned: boolean): string {
  if (!summary) {
    return vscode.l10n.t('no key versions found');
  }
  if (pinned && summary.pinned && summary.pinnedAgeMs !== undefined) {
    const inUse = vscode.l10n.t('version in use created {0} ago', ageLabel(summary.pinnedAgeMs));
    return summary.pinned.version === summary.current.version
      ? inUse
      : vscode.l10n.t('{0}; a newer version was created {1} ago (legacy KMS does not pick it up)', inUse, ageLabel(summary.currentAgeMs));
  }
  const created = vscode.l10n.t('current version created {0} ago', ageLabel(summary.currentAgeMs));
  return summary.pendingPickup ? vscode.l10n.t('{0} — AKS picks it up within 6 hours', created) : created;
}

/** "deleted on 2026-11-30; purged on 2027-02-28": a soft-deleted key can be recovered until its purge date. */
function deletedKeyText(deleted: DeletedKeyInfo): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (deleted.deletedOn && deleted.scheduledPurgeDate) {
    return vscode.l10n.t('key deleted on {0}; Key Vault purges it on {1}', day(deleted.deletedOn), day(deleted.scheduledPurgeDate));
  }
  return deleted.scheduledPurgeDate ? vscode.l10n.t('key deleted; Key Vault purges it on {0}', day(deleted.scheduledPurgeDate)) : vscode.l10n.t('key deleted');
}

/** The most severe key warning (errors before warnings), ignoring the informational "pending pickup". */
export function worstKeyWarning(keys: KeyHealthResult | undefined): KeyWarning | undefined {
  return keys?.health?.health.warnings.find(w => w.severity !== 'info');
}

export function clusterDetailRows(facts: ClusterFacts, keys: KeyHealthResult | undefined, _now?: Date, policy?: KmsPolicyState): DetailRow[] {
  const kms = facts.kms;
  const rows: DetailRow[] = [{ key: 'state', label: vscode.l10n.t('Encryption'), value: kmsStateLabel(kms), icon: 'lock', detail: kmsStateExplanation(kms) }];
  if (kms.kind === 'cmk' || kms.kind === 'legacy') {
    rows.push({ key: 'keyId', label: vscode.l10n.t('Key'), value: kms.key ? `${kms.key.name}${kms.key.version ? `/${kms.key.version}` : ''}` : kms.keyId ?? '—', icon: 'key', detail: kms.keyId });
    const vaultName = kms.keyVaultResourceId ? parseArmId(kms.keyVaultResourceId)?.name : keys?.health?.vault?.name ?? kms.key?.vaultHost;
    rows.push({ key: 'vault', label: vscode.l10n.t('Key vault'), value: vaultName ?? '—', icon: 'database', detail: kms.keyVaultResourceId ?? keys?.health?.vault?.id ?? kms.key?.vaultUrl });
    rows.push({ key: 'network', label: vscode.l10n.t('Network access'), value: networkAccessLabel(kms), icon: kms.keyVaultNetworkAccess === 'Private' ? 'lock' : 'globe' });
    const health = keys?.health?.health;
    const deleted = health?.summary.deleted;
    rows.push({
      key: 'rotation',
      label: vscode.l10n.t('Key rotation'),
      value: keys === undefined ? vscode.l10n.t('loading…') : keys.error ? vscode.l10n.t('unavailable: {0}', keys.error) : deleted ? deletedKeyText(deleted) : rotationText(health?.summary.rotation, kms.kind === 'legacy'),
      icon: 'history',
      warning: deleted ? 'error' : keys?.error !== undefined ? 'warning' : undefined,
    });
    const stillUsed = health?.summary.mayStillUse;
    const deadline = health?.summary.pickupDeadline;
    if (stillUsed && deadline) {
      // After a rotation AKS keeps encrypting with the previous version for up to 6 hours: it must stay usable.
      const state = stillUsed.enabled === false ? vscode.l10n.t('disabled') : stillUsed.expiresOn ? vscode.l10n.t('expires {0}', stillUsed.expiresOn.toISOString().slice(0, 16).replace('T', ' ') + ' UTC') : vscode.l10n.t('no expiry');
      rows.push({
        key: 'pickup',
        label: vscode.l10n.t('AKS may still use'),
        value: vscode.l10n.t('version {0} until {1} UTC ({2})', stillUsed.version.slice(0, 8), deadline.toISOString().slice(11, 16), state),
        icon: 'debug-step-back',
        detail: vscode.l10n.t('AKS picks up the newest version within 6 hours of its creation; until then it may still encrypt with {0}: keep it enabled and unexpired.', stillUsed.version),
        warning: health?.warnings.some(w => w.code === 'previous-unusable') ? 'error' : health?.warnings.some(w => w.code === 'previous-expires-in-window') ? 'warning' : undefined,
      });
    }
    if (health && !deleted) {
      rows.push({ key: 'policy', label: vscode.l10n.t('Rotation policy'), value: policyLabel(health.summary.policy, keys?.health?.policySource === 'unavailable'), icon: 'sync' });
    }
    if (health) {
      for (const w of health.warnings.filter(x => x.severity !== 'info')) {
        rows.push({ key: `warning:${w.code}`, label: vscode.l10n.t('Warning'), value: keyWarningLabel(w, health.summary.maxAgeDays), icon: 'warning', warning: w.severity === 'error' ? 'error' : 'warning', detail: w.message });
      }
    }
  }
  if (policy) {
    // Where the built-in KMS policy is assigned: what it says, and why (src/kms/kmsPolicy.ts).
    rows.push({
      key: 'azurePolicy',
      label: vscode.l10n.t('Azure Policy (KMS)'),
      value: isNonCompliant(policy) ? vscode.l10n.t('non-compliant') : /^compliant$/i.test(policy.complianceState) ? vscode.l10n.t('compliant') : policy.complianceState,
      icon: 'law',
      detail: kmsPolicyExplanation(policy, kms.kind),
      warning: isNonCompliant(policy) ? 'warning' : undefined,
    });
  }
  const identityName = facts.userAssignedIdentityIds.map(id => parseArmId(id)?.name ?? id).join(', ');
  rows.push({
    key: 'identity',
    label: vscode.l10n.t('Identity'),
    value: identityName ? `${identityLabel(facts)} (${identityName})` : identityLabel(facts),
    icon: 'person',
    // Only a service principal blocks KMS (platform or customer-managed keys); a system-assigned identity is
    // converted by the CMK update itself.
    warning: facts.identity === 'none' && kms.kind !== 'cmk' ? 'warning' : undefined,
    detail: identityNote(facts),
  });
  const versionOk = meetsVersionRule(facts);
  rows.push({
    key: 'kubernetes',
    label: vscode.l10n.t('Kubernetes'),
    value: versionOk ? facts.kubernetesVersion ?? '—' : vscode.l10n.t('{0} (KMS needs {1} or later)', facts.kubernetesVersion ?? '?', MIN_KMS_KUBERNETES_VERSION),
    icon: 'versions',
    warning: versionOk ? undefined : 'warning',
  });
  return rows;
}

/** The cluster's hover: name, state, then every detail row as a Markdown table, then the key warnings in full. */
export function clusterHover(facts: ClusterFacts, keys: KeyHealthResult | undefined, now?: Date, policy?: KmsPolicyState): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(facts.name)}** — ${escapeMarkdown(kmsStateLabel(facts.kms))}\n\n`);
  md.appendMarkdown(`${escapeMarkdown(kmsStateExplanation(facts.kms))}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  const rows = clusterDetailRows(facts, keys, now, policy);
  for (const row of rows) {
    if (row.key === 'state' || row.key.startsWith('warning:')) {
      continue;
    }
    const value = row.key === 'keyId' || row.key === 'vault' ? `\`${row.detail ?? row.value}\`` : escapeMarkdown(row.value);
    md.appendMarkdown(`| $(${row.icon}) ${escapeMarkdown(row.label)} | ${row.warning ? '$(warning) ' : ''}${value} |\n`);
  }
  for (const w of keys?.health?.health.warnings ?? []) {
    md.appendMarkdown(`\n$(${w.severity === 'info' ? 'info' : 'warning'}) ${escapeMarkdown(w.message)}\n`);
  }
  if (policy && isNonCompliant(policy)) {
    md.appendMarkdown(`\n$(law) ${escapeMarkdown(kmsPolicyExplanation(policy, facts.kms.kind))}\n`);
  }
  const note = identityNote(facts);
  if (note) {
    md.appendMarkdown(`\n${escapeMarkdown(note)}\n`);
  }
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, c => `\\${c}`);
}

/** What the control-plane identity means for customer-managed keys (AZURE.md "Rules", corrected 2026-12-01). */
function identityNote(facts: ClusterFacts): string | undefined {
  if (facts.identity === 'systemAssigned') {
    return vscode.l10n.t('Enabling a customer-managed key switches the control-plane identity to a user-assigned identity.');
  }
  if (facts.identity === 'none') {
    return vscode.l10n.t('KMS with platform or customer-managed keys needs a managed identity: move the cluster to one first (az aks update --enable-managed-identity).');
  }
  return undefined;
}
