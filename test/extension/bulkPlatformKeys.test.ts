/** "Enable Platform Keys on…" in the real extension host: from a subscription, a multi-selection and with ids; decline, resume, re-run. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { BulkPlatformKeysResult } from '../../src/commands/bulkPlatformKeys';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, recordMessages, rootSubscriptions, signedInApi, withMessages } from './helpers';

const ACTION = 'Enable platform keys';

/** Runs the command, accepting the batch's confirmation (and dismissing everything else). */
async function runAccepting(...args: unknown[]): Promise<{ result: BulkPlatformKeysResult | undefined; modal: { message: string; detail?: string }[] }> {
  const rec = recordMessages(m => (m.modal && m.items.includes(ACTION) ? ACTION : undefined));
  try {
    const result = await vscode.commands.executeCommand<BulkPlatformKeysResult | undefined>('aksKms.enablePmkBulk', ...args);
    return { result, modal: rec.shown.filter(m => m.modal) };
  } finally {
    rec.restore();
  }
}

const byName = (result: BulkPlatformKeysResult | undefined) =>
  Object.fromEntries((result?.results ?? []).map(r => [r.cluster.name, r.status]));

suite('Bulk platform keys', () => {
  const admin = emulatorAdmin(readEmulatorInfo());
  setup(async () => {
    await admin.reset();
    await admin.config({ featureRegistrationDelayMs: 300, clusterUpdateDurationMs: 300 });
    await (await signedInApi()).tree.refresh();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('from a subscription: its unencrypted clusters, the ineligible one apart with why; one confirmation; the tree and a summary show the end', async () => {
    const api = await signedInApi();
    const staging = (await rootSubscriptions(api)).find(s => s.subscription.displayName === 'Contoso Staging')!;
    const { result, modal } = await runAccepting(staging);
    assert.deepStrictEqual(modal.map(m => m.message), ['Encrypt Kubernetes Secrets in 2 clusters with platform-managed keys?']);
    assert.ok(result);
    assert.strictEqual(result.status, 'completed');
    assert.deepStrictEqual([...result.eligible].sort(), ['aks-stg-novnet', 'aks-stg-sysid']);
    assert.deepStrictEqual(byName(result), { 'aks-stg-novnet': 'done', 'aks-stg-sysid': 'done', 'aks-stg-old': 'skipped', 'aks-stg-sp': 'skipped' });
    assert.match(result.results.find(r => r.cluster.name === 'aks-stg-sp')!.detail!, /service principal, not a managed identity.*az aks update --enable-managed-identity/);
    assert.match(result.results.find(r => r.cluster.name === 'aks-stg-old')!.detail!, /1\.32\.6/);
    assert.match(result.summaryMarkdown, /^# Enable platform keys: 4 clusters/);
    assert.match(result.summaryMarkdown, /\n2 done, 2 skipped, 0 failed\n/);
    const summary = vscode.window.activeTextEditor?.document;
    assert.strictEqual(summary?.languageId, 'markdown');
    assert.strictEqual(summary?.getText(), result.summaryMarkdown, 'the summary opens as Markdown');
    await api.tree.ensureLoaded();
    await api.tree.refresh();
    assert.strictEqual((await clusterByName(api, 'aks-stg-novnet')).facts.kms.kind, 'pmk');
    assert.strictEqual((await clusterByName(api, 'aks-stg-sysid')).facts.kms.kind, 'pmk');
    assert.strictEqual((await clusterByName(api, 'aks-stg-sp')).facts.kms.kind, 'notEncrypted', 'platform keys need a managed identity: the service-principal cluster is left as it is');

    // Again: nothing to do, nothing asked, nothing written.
    await admin.clearRequests();
    const again = await runAccepting(staging);
    assert.strictEqual(again.result?.status, 'nothingToDo');
    assert.deepStrictEqual(again.modal, []);
    assert.deepStrictEqual((await admin.requests({ write: true })).filter(r => !r.path.startsWith('/_emulator')), []);
  });

  test('a multi-selection of clusters; declining writes nothing', async () => {
    const api = await signedInApi();
    const plain = await clusterByName(api, 'aks-prod-plain');
    const fab = await clusterByName(api, 'aks-fab-plain');
    const pmk = await clusterByName(api, 'aks-prod-pmk');
    await admin.clearRequests();
    const declined = await withMessages(async shown => {
      const r = await vscode.commands.executeCommand<BulkPlatformKeysResult>('aksKms.enablePmkBulk', plain, [plain, fab, pmk]);
      const modal = shown.filter(m => m.modal);
      assert.deepStrictEqual(modal.map(m => m.message), ['Encrypt Kubernetes Secrets in 2 clusters with platform-managed keys?']);
      return r;
    });
    assert.strictEqual(declined.status, 'declined');
    assert.deepStrictEqual((await admin.requests({ write: true })).filter(r => !r.path.startsWith('/_emulator')), [], 'declined: nothing written');
    const { result } = await runAccepting(plain, [plain, fab, pmk]);
    assert.deepStrictEqual(byName(result), { 'aks-prod-plain': 'done', 'aks-fab-plain': 'done', 'aks-prod-pmk': 'skipped' });
    assert.match(result!.results.find(r => r.cluster.name === 'aks-prod-pmk')!.detail!, /already on platform-managed keys/);
  });

  test('a failed update is reported with its step; the unfinished batch is offered again and resumes only what is left', async () => {
    const api = await signedInApi();
    const ids = ['aks-prod-plain', 'aks-fab-plain'].map(n => api.tree.clusterNodes().find(c => c.facts.name === n)!.facts.id);
    await admin.injectFaults({ match: { method: 'PUT', pathRegex: '/managedClusters/aks-fab-plain$' }, fault: 'lroFailed', times: 1, code: 'ReconcileFailed', message: 'Injected reconcile failure.' });
    const { result } = await runAccepting({ clusterIds: ids });
    assert.deepStrictEqual(byName(result), { 'aks-prod-plain': 'done', 'aks-fab-plain': 'failed' });
    assert.match(result!.summaryMarkdown, /\| aks-fab-plain \| Fabrikam Platform \| failed \| at "[^"]+": .*Injected reconcile failure/);

    await admin.clearRequests();
    const resumed = await runAccepting({ resume: true });
    assert.deepStrictEqual(byName(resumed.result), { 'aks-fab-plain': 'done' }, 'only the failed cluster runs again');
    const puts = (await admin.requests({ write: true })).filter(r => r.method === 'PUT' && /managedClusters/.test(r.path));
    assert.deepStrictEqual(puts.map(p => p.path.split('?')[0].split('/').pop()), ['aks-fab-plain']);
    assert.strictEqual((await runAccepting({ resume: true })).result, undefined, 'nothing left to resume');
  });
});
