import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPORT_COLUMNS, renderReport, reportRow, ReportRow } from '../../src/kms/fleetReport';
import { normalizeStateFilter, passesStateFilter } from '../../src/kms/stateFilter';
import type { KmsPolicyState } from '../../src/kms/kmsPolicy';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';

const headers = Object.fromEntries(REPORT_COLUMNS.map(c => [c, c.toUpperCase()])) as Record<keyof ReportRow, string>;
const row = (over: Partial<ReportRow> = {}): ReportRow => ({
  subscription: 'Contoso, "Prod"', subscriptionId: 's1', cluster: 'aks1', resourceGroup: 'rg', location: 'eastus', state: 'CMK · private',
  kubernetesVersion: '1.34.1', identity: 'userAssigned', keyId: 'https://kv.vault.azure.net/keys/k', keyVaultResourceId: '/subscriptions/s1/x',
  networkAccess: 'Private', keyAgeDays: '12', versionStillInUse: '', warnings: 'too-old;no-purge-protection', kmsPolicy: 'Compliant', ...over,
});

describe('fleet report', () => {
  it('CSV quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const csv = renderReport([row({ cluster: '=HYPERLINK("x")' })], 'csv', headers, 't');
    const [head, line] = csv.trimEnd().split('\r\n');
    assert.equal(head, REPORT_COLUMNS.map(c => c.toUpperCase()).join(','));
    assert.ok(line.startsWith('"Contoso, ""Prod""",s1,"\'=HYPERLINK(""x"")",rg,'), line);
  });
  it('Markdown escapes pipes and has one row per cluster', () => {
    const md = renderReport([row({ cluster: 'a|b' }), row()], 'markdown', headers, 'Fleet');
    const lines = md.trim().split('\n');
    assert.equal(lines[0], '# Fleet');
    assert.equal(lines.length, 2 + 2 + 2);
    assert.ok(lines[4].includes('a\\|b'));
  });
  it('JSON round-trips', () => {
    assert.deepEqual(JSON.parse(renderReport([row()], 'json', headers, 't')), [row()]);
  });
  it("the policy column is the KMS policy's state as reported, empty where the policy is not assigned", () => {
    const pmk = clusterFactsOf({ id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c', name: 'c', properties: { securityProfile: { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } } } });
    const nonCompliant: KmsPolicyState = { complianceState: 'NonCompliant', assignmentIds: ['/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a'] };
    assert.equal(reportRow('Sub', pmk, 'PMK', undefined, nonCompliant).kmsPolicy, 'NonCompliant');
    assert.equal(reportRow('Sub', pmk, 'PMK').kmsPolicy, '');
    assert.equal(REPORT_COLUMNS.at(-1), 'kmsPolicy');
    const csv = renderReport([reportRow('Sub', pmk, 'PMK', undefined, nonCompliant)], 'csv', headers, 't');
    assert.match(csv.split('\r\n')[1], /,NonCompliant$/);
  });
});

describe('state filter', () => {
  const facts = (securityProfile: SecurityProfileJson) => clusterFactsOf({ id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c', name: 'c', properties: { securityProfile } });
  const pmk = facts({ kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } });
  const none = facts({});
  const priv = facts({ kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' }, azureKeyVaultKms: { enabled: true, keyId: 'https://kv.vault.azure.net/keys/k', keyVaultNetworkAccess: 'Private' } });
  it('empty shows all; a filter keeps only its states', () => {
    assert.deepEqual([pmk, none, priv].map(f => passesStateFilter(f, [])), [true, true, true]);
    assert.deepEqual([pmk, none, priv].map(f => passesStateFilter(f, ['notEncrypted'])), [false, true, false]);
    assert.deepEqual([pmk, none, priv].map(f => passesStateFilter(f, ['cmkPrivate', 'pmk'])), [true, false, true]);
  });
  const nonCompliant: KmsPolicyState = { complianceState: 'NonCompliant', assignmentIds: ['a'] };
  const compliant: KmsPolicyState = { complianceState: 'Compliant', assignmentIds: ['a'] };
  it('"policy: non-compliant" keeps only what the KMS policy reports NonCompliant, within the chosen states', () => {
    assert.equal(passesStateFilter(pmk, ['policyNonCompliant'], nonCompliant), true);
    assert.equal(passesStateFilter(pmk, ['policyNonCompliant'], compliant), false);
    assert.equal(passesStateFilter(pmk, ['policyNonCompliant']), false, 'not evaluated (not assigned, or not read yet) is not non-compliant');
    assert.equal(passesStateFilter(pmk, ['policyNonCompliant', 'pmk'], nonCompliant), true);
    assert.equal(passesStateFilter(pmk, ['policyNonCompliant', 'notEncrypted'], nonCompliant), false, 'both conditions hold');
    assert.equal(passesStateFilter(pmk, ['pmk'], compliant), true, 'without the policy condition the policy does not matter');
  });
  it('what is stored: all KMS states are "any state", the policy condition and order are kept, unknown values dropped', () => {
    assert.deepEqual(normalizeStateFilter(['pmk', 'notEncrypted', 'cmkPublic', 'cmkPrivate', 'legacy']), []);
    assert.deepEqual(normalizeStateFilter(['policyNonCompliant', 'legacy', 'pmk', 'notEncrypted', 'cmkPublic', 'cmkPrivate']), ['policyNonCompliant']);
    assert.deepEqual(normalizeStateFilter(['policyNonCompliant', 'pmk', 'bogus', 'notEncrypted']), ['notEncrypted', 'pmk', 'policyNonCompliant']);
    assert.deepEqual(normalizeStateFilter([]), []);
  });
  it('an unconfirmed state stays visible', () => {
    const unknown = clusterFactsOf({ id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/u', name: 'u', properties: {} }, false);
    assert.equal(passesStateFilter(unknown, ['pmk']), true);
  });
});
