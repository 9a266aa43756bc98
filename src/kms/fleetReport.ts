/**
 * The fleet's KMS posture as a report a security review can file: one row per cluster, as Markdown, CSV or JSON.
 * Pure: rows in, text out. Hand-written because the formats are tiny and a CSV library would be the bigger dependency.
 */
import type { ClusterFacts } from './kmsState';
import type { KeyHealth } from './keyHealth';
import type { KmsPolicyState } from './kmsPolicy';

export type ReportFormat = 'markdown' | 'csv' | 'json';

export interface ReportRow {
  readonly subscription: string;
  readonly subscriptionId: string;
  readonly cluster: string;
  readonly resourceGroup: string;
  readonly location: string;
  /** The tree's state label (PMK, CMK · public, …). */
  readonly state: string;
  readonly kubernetesVersion: string;
  readonly identity: string;
  readonly keyId: string;
  readonly keyVaultResourceId: string;
  readonly networkAccess: string;
  /** Age in whole days of the key version in use; empty when unknown or not CMK. */
  readonly keyAgeDays: string;
  /**
   * Within 6 hours of a rotation: the previous version AKS may still encrypt with, and until when (`<version> until
   * <ISO time>`); it must stay enabled and unexpired until then. Empty otherwise.
   */
  readonly versionStillInUse: string;
  /** Key warning codes, e.g. `too-old;no-purge-protection`. */
  readonly warnings: string;
  /**
   * The built-in Azure Policy for KMS as the service reports it (`NonCompliant`, `Compliant`, …); empty where it is not
   * assigned. A cluster on platform-managed keys is NonCompliant there although its Secrets are encrypted.
   */
  readonly kmsPolicy: string;
}

export const REPORT_COLUMNS: readonly (keyof ReportRow)[] = [
  'subscription', 'subscriptionId', 'cluster', 'resourceGroup', 'location', 'state', 'kubernetesVersion', 'identity',
  'keyId', 'keyVaultResourceId', 'networkAccess', 'keyAgeDays', 'versionStillInUse', 'warnings', 'kmsPolicy',
];

export function reportRow(subscription: string, facts: ClusterFacts, stateLabel: string, health?: KeyHealth, policy?: KmsPolicyState): ReportRow {
  const ageMs = health?.summary.inUseAgeMs;
  return {
    subscription,
    subscriptionId: facts.subscriptionId,
    cluster: facts.name,
    resourceGroup: facts.resourceGroup,
    location: facts.location ?? '',
    state: stateLabel,
    kubernetesVersion: facts.kubernetesVersion ?? '',
    identity: facts.identity,
    keyId: facts.kms.keyId ?? '',
    keyVaultResourceId: facts.kms.keyVaultResourceId ?? '',
    networkAccess: facts.kms.keyVaultNetworkAccess ?? '',
    keyAgeDays: ageMs === undefined ? '' : String(Math.floor(ageMs / 86_400_000)),
    versionStillInUse: health?.summary.mayStillUse && health.summary.pickupDeadline
      ? `${health.summary.mayStillUse.version} until ${health.summary.pickupDeadline.toISOString()}`
      : '',
    warnings: (health?.warnings ?? []).filter(w => w.severity !== 'info').map(w => w.code).join(';'),
    kmsPolicy: policy?.complianceState ?? '',
  };
}

/** RFC 4180: quote fields with commas, quotes or line breaks; double the quotes. Leading =,+,-,@ are prefixed with ' so a spreadsheet never evaluates them. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function markdownCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderReport(rows: readonly ReportRow[], format: ReportFormat, headers: Record<keyof ReportRow, string>, title: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'csv':
      return [REPORT_COLUMNS.map(c => csvField(headers[c])).join(','), ...rows.map(r => REPORT_COLUMNS.map(c => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
    case 'markdown':
      return [
        `# ${markdownCell(title)}`,
        '',
        `| ${REPORT_COLUMNS.map(c => markdownCell(headers[c])).join(' | ')} |`,
        `|${REPORT_COLUMNS.map(() => '---').join('|')}|`,
        ...rows.map(r => `| ${REPORT_COLUMNS.map(c => markdownCell(r[c])).join(' | ')} |`),
        '',
      ].join('\n');
  }
}
