/**
 * A plan that stops (here: the cluster update fails) stays in the journal; the tree offers "Resume Plan" on the
 * cluster, and resuming finishes it without creating anything twice. (Resume after the extension host is killed is
 * covered by the crash suite, which restarts code-server between its two phases.)
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, signedInApi } from './helpers';

suite('Resume', () => {
  const admin = emulatorAdmin(readEmulatorInfo());
  suiteSetup(async () => {
    await admin.reset();
    await admin.config({ clusterUpdateDurationMs: 200, failNextClusterOperations: { count: 1, code: 'InternalOperationError', message: 'The operation failed (injected).' } });
    await (await signedInApi()).tree.refresh();
  });

  test('a failed plan is offered for Resume, and Resume converges to PMK', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-plain');
    const journal = api.journal;
    // Run the plan as the commands do, but without the modal confirmation (the test host refuses dialogs).
    const clusters = new ManagedClustersAdapter(api.account.context!);
    const prepared = await prepareEnable(api.account.context!, clusters, { kind: 'pmk', clusterId: node.facts.id });
    const first = await journal.run(node.facts.name, clusters, prepared, () => undefined);
    assert.strictEqual(first.result.status, 'failed');
    assert.strictEqual(first.result.failedStep, 'updateCluster');

    await api.tree.refresh();
    const failed = await clusterByName(api, 'aks-prod-plain');
    const item = api.tree.getTreeItem(failed);
    assert.strictEqual(item.description, 'not encrypted · plan failed, resumable');
    assert.match(item.contextValue ?? '', /;resumable$/);

    const result = await vscode.commands.executeCommand<{ status: string; securityProfile?: { kubernetesResourceObjectEncryptionProfile?: unknown } }>('aksKms.resumePlan', failed, false);
    assert.strictEqual(result.status, 'succeeded');
    assert.deepStrictEqual(result.securityProfile?.kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.strictEqual(journal.resumable(failed.facts.id), undefined, 'nothing left to resume');
    const after = await clusterByName(api, 'aks-prod-plain');
    assert.strictEqual(api.tree.getTreeItem(after).description, 'PMK');
    const puts = (await admin.requests({ write: true })).filter(r => r.method === 'PUT' && r.path.split('?')[0].endsWith('/managedClusters/aks-prod-plain'));
    assert.strictEqual(puts.length, 2, 'one failed PUT, one resumed PUT');
  });
});
