/**
 * What a cluster's hover and detail rows say: built once from facts + key versions, rendered two ways
 * (a Markdown hover and child rows). Keeping one source means the two can never disagree.
 */
import * as vscode from 'vscode';
import { parseArmId } from '../kms/armId';
import { ClusterFacts, meetsVersionRule } from '../kms/kmsState';
import { MIN_KMS_KUBERNETES_VERSION } from '../kms/kubernetesVersion';
import { KeyVersionInfo, RotationSummary, summarizeRotation } from '../kms/rotation';
import { ageLabel, identityLabel, kmsStateExplanation, kmsStateLabel, networkAccessLabel } from './labels';

export interface DetailRow {
  readonly key: 'state' | 'keyId' | 'vault' | 'network' | 'identity' | 'kubernetes' | 'rotation';
  readonly label: string;
  readonly value: string;
  readonly icon: string;
  readonly warning?: boolean;
  /** Full text, e.g. the whole key ID, for the row's own hover and for copying. */
  readonly detail?: string;
}

/** Key-version facts as loaded for a cluster; `error` when they could not be read. */
export interface KeyVersionsResult {
  readonly versions?: readonly KeyVersionInfo[];
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

export function clusterDetailRows(facts: ClusterFacts, keys: KeyVersionsResult | undefined, now: Date): DetailRow[] {
  const kms = facts.kms;
  const rows: DetailRow[] = [{ key: 'state', label: vscode.l10n.t('Encryption'), value: kmsStateLabel(kms), icon: 'lock', detail: kmsStateExplanation(kms) }];
  if (kms.kind === 'cmk' || kms.kind === 'legacy') {
    rows.push({ key: 'keyId', label: vscode.l10n.t('Key'), value: kms.key ? `${kms.key.name}${kms.key.version ? `/${kms.key.version}` : ''}` : kms.keyId ?? '—', icon: 'key', detail: kms.keyId });
    const vaultName = kms.keyVaultResourceId ? parseArmId(kms.keyVaultResourceId)?.name : kms.key?.vaultHost;
    rows.push({ key: 'vault', label: vscode.l10n.t('Key vault'), value: vaultName ?? '—', icon: 'database', detail: kms.keyVaultResourceId ?? kms.key?.vaultUrl });
    rows.push({ key: 'network', label: vscode.l10n.t('Network access'), value: networkAccessLabel(kms), icon: kms.keyVaultNetworkAccess === 'Private' ? 'lock' : 'globe' });
    const summary = keys?.versions ? summarizeRotation(keys.versions, now, kms.key?.version) : undefined;
    rows.push({
      key: 'rotation',
      label: vscode.l10n.t('Key rotation'),
      value: keys === undefined ? vscode.l10n.t('loading…') : keys.error ? vscode.l10n.t('unavailable: {0}', keys.error) : rotationText(summary, kms.kind === 'legacy'),
      icon: 'history',
      warning: keys?.error !== undefined,
    });
  }
  const identityName = facts.userAssignedIdentityIds.map(id => parseArmId(id)?.name ?? id).join(', ');
  rows.push({
    key: 'identity',
    label: vscode.l10n.t('Identity'),
    value: identityName ? `${identityLabel(facts)} (${identityName})` : identityLabel(facts),
    icon: 'person',
    warning: facts.identity !== 'userAssigned' && kms.kind !== 'cmk',
    detail: facts.identity === 'systemAssigned' ? vscode.l10n.t('Customer-managed keys need a user-assigned control-plane identity.') : undefined,
  });
  const versionOk = meetsVersionRule(facts);
  rows.push({
    key: 'kubernetes',
    label: vscode.l10n.t('Kubernetes'),
    value: versionOk ? facts.kubernetesVersion ?? '—' : vscode.l10n.t('{0} (KMS needs {1} or later)', facts.kubernetesVersion ?? '?', MIN_KMS_KUBERNETES_VERSION),
    icon: 'versions',
    warning: !versionOk,
  });
  return rows;
}

/** The cluster's hover: name, state, then every detail row as a Markdown table. */
export function clusterHover(facts: ClusterFacts, keys: KeyVersionsResult | undefined, now: Date): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMarkdown(facts.name)}** — ${escapeMarkdown(kmsStateLabel(facts.kms))}\n\n`);
  md.appendMarkdown(`${escapeMarkdown(kmsStateExplanation(facts.kms))}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  for (const row of clusterDetailRows(facts, keys, now)) {
    if (row.key === 'state') {
      continue;
    }
    const value = row.key === 'keyId' || row.key === 'vault' ? `\`${row.detail ?? row.value}\`` : escapeMarkdown(row.value);
    md.appendMarkdown(`| $(${row.icon}) ${escapeMarkdown(row.label)} | ${row.warning ? '$(warning) ' : ''}${value} |\n`);
  }
  if (facts.identity === 'systemAssigned') {
    md.appendMarkdown(`\n${escapeMarkdown(vscode.l10n.t('Customer-managed keys need a user-assigned control-plane identity.'))}\n`);
  }
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, c => `\\${c}`);
}
