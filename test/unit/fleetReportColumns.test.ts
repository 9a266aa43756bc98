/**
 * The fleet report's columns (one row per cluster, from its facts and key health) and the exact text of the three
 * formats a security review files: CSV a spreadsheet opens safely, Markdown that renders as one table, JSON.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPORT_COLUMNS, renderReport, reportRow, ReportRow } from '../../src/kms/fleetReport';
import { assessKeyHealth, KeyHealth } from '../../src/kms/keyHealth';
import type { ClusterFacts } from '../../src/kms/kmsState';

const SUB = '00000000-0000-4000-8000-000000000001';
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv1`;
const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const cmkFacts: ClusterFacts = {
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1`,
  name: 'aks1', subscriptionId: SUB, resourceGroup: 'rg', location: 'eastus', kubernetesVersion: '1.33.2', provisioningState: 'Succeeded',
  identity: 'userAssigned', userAssignedIdentityIds: [], apiServerVnetIntegration: false,
  kms: {
    kind: 'cmk', infrastructureEncryption: true, keyId: 'https://kv1.vault.azure.net/keys/k', keyVaultNetworkAccess: 'Private', keyVaultResourceId: VAULT_ID,
    key: { vaultUrl: 'https://kv1.vault.azure.net', vaultHost: 'kv1.vault.azure.net', name: 'k' },
  },
};

/** A cluster whose source left every optional field out (a PMK cluster from a sparse Resource Graph row). */
const sparseFacts: ClusterFacts = {
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks2`,
  name: 'aks2', subscriptionId: SUB, resourceGroup: 'rg', identity: 'systemAssigned', userAssignedIdentityIds: [], apiServerVnetIntegration: false,
  kms: { kind: 'pmk', infrastructureEncryption: true },
};

const health = (summary: Partial<KeyHealth['summary']>, warnings: KeyHealth['warnings'] = []): KeyHealth => ({
  summary: { pinned: false, pendingPickup: false, policyText: 'no rotation policy', maxAgeDays: 90, ...summary },
  warnings,
});

describe('fleet report row', () => {
  it('a CMK cluster: every column from its facts, key age and warnings from its key health', () => {
    const h = assessKeyHealth({
      keyName: 'k', now: NOW, vault: { name: 'kv1', enablePurgeProtection: false },
      versions: [{ version: 'aaaaaaaa1111', createdOn: ago(95 * DAY + 23 * HOUR) }],
    });
    assert.deepEqual(reportRow('Contoso Prod', cmkFacts, 'CMK · private', h), {
      subscription: 'Contoso Prod', subscriptionId: SUB, cluster: 'aks1', resourceGroup: 'rg', location: 'eastus', state: 'CMK · private',
      kubernetesVersion: '1.33.2', identity: 'userAssigned', keyId: 'https://kv1.vault.azure.net/keys/k', keyVaultResourceId: VAULT_ID,
      networkAccess: 'Private', keyAgeDays: '95', versionStillInUse: '', warnings: 'too-old;no-purge-protection', kmsPolicy: '',
    });
  });

  it('fields the source did not give are empty cells, not "undefined"', () => {
    const r = reportRow('Contoso Prod', sparseFacts, 'PMK');
    assert.deepEqual(
      { location: r.location, kubernetesVersion: r.kubernetesVersion, keyId: r.keyId, keyVaultResourceId: r.keyVaultResourceId, networkAccess: r.networkAccess, keyAgeDays: r.keyAgeDays, versionStillInUse: r.versionStillInUse, warnings: r.warnings },
      { location: '', kubernetesVersion: '', keyId: '', keyVaultResourceId: '', networkAccess: '', keyAgeDays: '', versionStillInUse: '', warnings: '' },
    );
    assert.ok(!renderReport([r], 'csv', Object.fromEntries(REPORT_COLUMNS.map(c => [c, c])) as Record<keyof ReportRow, string>, 't').includes('undefined'));
  });

  const ages: [string, number | undefined, string][] = [
    ['a key created just now is 0 days old', 0, '0'],
    ['a key one minute short of 2 days is 1 day old (whole days, rounded down)', 2 * DAY - 60_000, '1'],
    ['a key exactly 2 days old is 2 days old', 2 * DAY, '2'],
    ['a key whose age is unknown has an empty age', undefined, ''],
  ];
  for (const [name, inUseAgeMs, expected] of ages) {
    it(name, () => assert.equal(reportRow('s', cmkFacts, 'CMK', health({ inUseAgeMs })).keyAgeDays, expected));
  }

  it('within 6 hours of a rotation it names the previous version AKS may still use, and until when', () => {
    const h = assessKeyHealth({
      keyName: 'k', now: NOW,
      versions: [{ version: 'newnewnew', createdOn: ago(2 * HOUR) }, { version: 'oldoldold', createdOn: ago(40 * DAY) }],
    });
    const r = reportRow('s', cmkFacts, 'CMK', h);
    assert.equal(r.versionStillInUse, `oldoldold until ${new Date(NOW.getTime() + 4 * HOUR).toISOString()}`);
    assert.equal(r.warnings, '', 'the pending pickup is information, not a warning');
  });

  it('without a pickup deadline there is no version still in use', () => {
    const r = reportRow('s', cmkFacts, 'CMK', health({ mayStillUse: { version: 'oldoldold', createdOn: ago(40 * DAY) } }));
    assert.equal(r.versionStillInUse, '');
  });

  it('warnings keep errors and warnings in their order, joined by ";", and leave information out', () => {
    const h = health({}, [
      { code: 'disabled', severity: 'error', message: 'm' },
      { code: 'pending-pickup', severity: 'info', message: 'm' },
      { code: 'no-purge-protection', severity: 'warning', message: 'm' },
    ]);
    assert.equal(reportRow('s', cmkFacts, 'CMK', h).warnings, 'disabled;no-purge-protection');
  });
});

const headers = Object.fromEntries(REPORT_COLUMNS.map(c => [c, c.toUpperCase()])) as Record<keyof ReportRow, string>;
const blank = Object.fromEntries(REPORT_COLUMNS.map(c => [c, ''])) as unknown as ReportRow;
const row = (over: Partial<ReportRow>): ReportRow => ({ ...blank, ...over });

describe('fleet report CSV', () => {
  const header = REPORT_COLUMNS.map(c => c.toUpperCase()).join(',');
  const commas = ','.repeat(REPORT_COLUMNS.length - 1);

  it('is a header line and one line per cluster, each ended by CRLF', () => {
    const csv = renderReport([row({ cluster: 'a' }), row({ cluster: 'b' })], 'csv', headers, 'title not in CSV');
    const cells = (cluster: string) => commas.slice(0, 2) + cluster + commas.slice(2);
    assert.equal(csv, `${header}\r\n${cells('a')}\r\n${cells('b')}\r\n`);
  });

  it('with no clusters it is the header line alone', () => {
    assert.equal(renderReport([], 'csv', headers, 't'), `${header}\r\n`);
  });

  const cells: [string, string, string][] = [
    ['a plain value stays as it is', 'aks1', 'aks1'],
    ['a comma is quoted', 'a,b', '"a,b"'],
    ['quotes are doubled and quoted', 'say "hi"', '"say ""hi"""'],
    ['a line feed is quoted', 'a\nb', '"a\nb"'],
    ['a carriage return is quoted', 'a\rb', '"a\rb"'],
    ['a leading = is defused with an apostrophe', '=1+1', "'=1+1"],
    ['a leading + is defused', '+1', "'+1"],
    ['a leading - is defused', '-1', "'-1"],
    ['a leading @ is defused', '@SUM(A1)', "'@SUM(A1)"],
    ['= inside a value is not defused', 'a=b', 'a=b'],
    ['a kebab-case warning list is not defused', 'too-old;no-purge-protection', 'too-old;no-purge-protection'],
    ['a defused formula with a comma is quoted too', '=A1,B1', `"'=A1,B1"`],
  ];
  for (const [name, value, expected] of cells) {
    it(`cell: ${name}`, () => assert.equal(renderReport([row({ subscription: value })], 'csv', headers, 't'), `${header}\r\n${expected}${commas}\r\n`));
  }

  it('headers are escaped like cells', () => {
    const csv = renderReport([], 'csv', { ...headers, subscription: 'Subscription, name' }, 't');
    assert.ok(csv.startsWith('"Subscription, name",SUBSCRIPTIONID,'), csv);
  });
});

describe('fleet report Markdown', () => {
  it('is a title, a blank line, the header, the separator, one line per cluster and a final newline', () => {
    const md = renderReport([row({ cluster: 'a' }), row({ cluster: 'b' })], 'markdown', headers, 'KMS posture');
    const empties = (cluster: string) => `| ${['', '', cluster, ...Array<string>(REPORT_COLUMNS.length - 3).fill('')].join(' | ')} |`;
    assert.equal(md, [
      '# KMS posture',
      '',
      `| ${REPORT_COLUMNS.map(c => c.toUpperCase()).join(' | ')} |`,
      `|${Array<string>(REPORT_COLUMNS.length).fill('---').join('|')}|`,
      empties('a'),
      empties('b'),
      '',
    ].join('\n'));
  });

  const cells: [string, string, string][] = [
    ['a pipe is escaped so it does not split the cell', 'a|b', 'a\\|b'],
    ['a backslash is doubled so it escapes nothing', 'a\\b', 'a\\\\b'],
    ['a backslash before a pipe stays a backslash', 'a\\|b', 'a\\\\\\|b'],
    ['a line feed becomes a space', 'a\nb\nc', 'a b c'],
    ['a CRLF becomes one space', 'a\r\nb', 'a b'],
  ];
  for (const [name, value, expected] of cells) {
    it(`cell: ${name}`, () => {
      const line = renderReport([row({ cluster: value })], 'markdown', headers, 't').split('\n')[4];
      assert.equal(line, `| ${['', '', expected, ...Array<string>(REPORT_COLUMNS.length - 3).fill('')].join(' | ')} |`);
    });
  }

  it('the title and headers are escaped like cells', () => {
    const md = renderReport([], 'markdown', { ...headers, subscription: 'Sub|scription' }, 'Fleet | prod\nnight');
    const lines = md.split('\n');
    assert.equal(lines[0], '# Fleet \\| prod night');
    assert.ok(lines[2].startsWith('| Sub\\|scription | SUBSCRIPTIONID |'), lines[2]);
  });
});

describe('fleet report JSON', () => {
  it('is the rows as an indented array with a final newline', () => {
    const r = row({ cluster: 'aks1', warnings: 'too-old' });
    assert.equal(renderReport([r], 'json', headers, 't'), `${JSON.stringify([r], null, 2)}\n`);
    assert.ok(renderReport([r], 'json', headers, 't').includes('\n  {\n    "subscription": "",'));
  });
});
