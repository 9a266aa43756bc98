/** Filter by State… and Export Fleet Report… on the seeded fleet. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { allClusters, signedInApi, updateSetting } from './helpers';

suite('Fleet views', () => {
  suiteSetup(async () => {
    await emulatorAdmin(readEmulatorInfo()).reset();
    await (await signedInApi()).tree.refresh();
  });

  test('Filter by State… keeps only unencrypted clusters, and clearing it shows all again', async () => {
    const api = await signedInApi();
    try {
      const stored = await vscode.commands.executeCommand<string[]>('aksKms.filterByState', ['notEncrypted']);
      assert.deepStrictEqual(stored, ['notEncrypted']);
      const shown = (await allClusters(api)).map(c => c.facts.name).sort();
      assert.deepStrictEqual(shown, ['aks-fab-plain', 'aks-prod-plain', 'aks-stg-novnet', 'aks-stg-old', 'aks-stg-sp', 'aks-stg-sysid']);
    } finally {
      await updateSetting('stateFilter', undefined);
    }
    assert.strictEqual((await allClusters(api)).length, 13);
  });

  test('Filter by State… "policy: non-compliant" keeps what the KMS policy reports non-compliant, alone or within states', async () => {
    const api = await signedInApi();
    try {
      // The policy is assigned to Contoso Production only (seed.ts): there PMK and no encryption are NonCompliant.
      assert.deepStrictEqual(await vscode.commands.executeCommand<string[]>('aksKms.filterByState', ['policyNonCompliant']), ['policyNonCompliant']);
      await api.tree.ensurePolicyStatesLoaded();
      assert.deepStrictEqual((await allClusters(api)).map(c => c.facts.name).sort(), ['aks-prod-plain', 'aks-prod-pmk']);
      await vscode.commands.executeCommand('aksKms.filterByState', ['pmk', 'policyNonCompliant']);
      assert.deepStrictEqual((await allClusters(api)).map(c => c.facts.name), ['aks-prod-pmk']);
      // Every state and the policy: stored as the policy condition alone.
      assert.deepStrictEqual(await vscode.commands.executeCommand<string[]>('aksKms.filterByState', ['notEncrypted', 'pmk', 'cmkPublic', 'cmkPrivate', 'legacy', 'policyNonCompliant']), ['policyNonCompliant']);
    } finally {
      await updateSetting('stateFilter', undefined);
    }
    assert.strictEqual((await allClusters(api)).length, 13);
  });

  test('Export Fleet Report… writes every listed cluster as CSV and as JSON', async () => {
    await signedInApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-kms-report-'));
    const csvUri = vscode.Uri.file(path.join(dir, 'fleet.csv'));
    const result = await vscode.commands.executeCommand<{ clusters: number }>('aksKms.exportFleetReport', 'csv', csvUri);
    assert.strictEqual(result.clusters, 13);
    const lines = fs.readFileSync(csvUri.fsPath, 'utf8').trimEnd().split('\r\n');
    assert.strictEqual(lines.length, 14, 'header + 13 clusters');
    assert.match(lines[0], /^Subscription,Subscription ID,Cluster,.*,Azure Policy \(KMS\)$/);
    assert.ok(lines.some(l => /aks-fab-cmk-public,rg-fab,westeurope,CMK · public,/.test(l) && /too-old/.test(l)), 'the 95-day key is flagged');

    const jsonUri = vscode.Uri.file(path.join(dir, 'fleet.json'));
    await vscode.commands.executeCommand('aksKms.exportFleetReport', 'json', jsonUri);
    const rows = JSON.parse(fs.readFileSync(jsonUri.fsPath, 'utf8')) as { cluster: string; state: string; keyAgeDays: string; kmsPolicy: string }[];
    assert.strictEqual(rows.find(r => r.cluster === 'aks-prod-cmk-public')?.keyAgeDays, '12');
    // The KMS policy column, read before the report is written (assigned in Contoso Production only).
    assert.deepStrictEqual(Object.fromEntries(rows.filter(r => r.kmsPolicy).map(r => [r.cluster, r.kmsPolicy])), {
      'aks-prod-cmk-private': 'Compliant', 'aks-prod-cmk-public': 'Compliant', 'aks-prod-plain': 'NonCompliant', 'aks-prod-pmk': 'NonCompliant',
    });
    assert.strictEqual(rows.find(r => r.cluster === 'aks-stg-legacy')?.state, 'legacy KMS');
  });
});
