/**
 * The KMS actions invoked from other extensions' trees: each command gets the argument the Azure Resources view
 * (`AzureResourceItem`: ARM ID in `resource.id`) or the Kubernetes cloud explorer with the AKS extension
 * (`{nodeType: 'contributed', value: AksClusterTreeNode}`: ARM ID in `value.armId`) hands it, a plain ARM ID, or our own
 * tree node — and must open its flow for that cluster. A cluster we cannot act on gets a message that names it, says
 * why and offers the fix. (The menus themselves are right-clicked in test/ui/hostViews.ui.test.mjs.)
 *
 * Messages are observed by replacing the `vscode.window.show*Message` functions for the duration of a test: this
 * suite is loaded from the extension's own folder, so it shares the extension's `vscode` API object.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PlatformKeysResult } from '../../src/commands/platformKeys';
import type { KmsStateShown } from '../../src/commands/showKmsState';
import { withoutThemeIcons } from '../../src/kms/themeIcons';
import type { EnableWizardPanel } from '../../src/views/wizard/enableWizardPanel';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, extensionApi, signedInApi, signInAtProvider, signOutEverywhere, updateAnySetting, updateSetting, waitFor, withMessages, recordMessages } from './helpers';

const TENANT = '7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60';
const SUB1 = '11111111-1111-4111-8111-111111111111';
const SUB3 = '33333333-3333-4333-8333-333333333333';
/** The subscription filter AKS KMS shares with the Azure extensions (`tenant/subscription` entries). */
const SUBSCRIPTION_FILTER = 'azureResourceGroups.selectedSubscriptions';
const clusterId = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const PLAIN = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
const CMK = clusterId(SUB1, 'rg-prod', 'aks-prod-cmk-public');
const GHOST = clusterId(SUB1, 'rg-prod', 'aks-ghost');
const VAULT = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic`;

const nameOf = (id: string) => id.split('/').pop()!;

/** vscode-azureresourcegroups src/tree/azure/AzureResourceItem.ts: the element of a resource row. */
function azureResourcesItem(id: string, resourceType = 'ContainerServiceManagedClusters') {
  return {
    id: `/accounts/emulator.user@contoso.example/tenants/${TENANT}${id}`,
    resource: {
      id, name: nameOf(id), resourceGroup: id.split('/')[4], resourceType,
      azureResourceType: { type: id.split('/').slice(6, 8).join('/').toLowerCase() },
      subscription: { subscriptionId: id.split('/')[2], name: 'Contoso Production', tenantId: TENANT },
    },
    portalUrl: vscode.Uri.parse(`https://portal.azure.com/#@${TENANT}/resource${id}`),
    viewProperties: { label: nameOf(id), data: {} },
  };
}

/** vscode-kubernetes-tools cloudexplorer.ts wrapping vscode-aks-tools src/tree/aksClusterTreeItem.ts. */
function aksViewItem(id: string) {
  return {
    nodeType: 'contributed',
    provider: { cloudName: 'Azure' },
    value: { nodeType: 'cluster', resourceType: 'Microsoft.ContainerService/managedClusters', armId: id, name: nameOf(id), subscriptionId: id.split('/')[2], resourceGroupName: id.split('/')[4] },
  };
}

type Shape = { name: string; arg: (id: string) => Promise<unknown> };
const shapes: Shape[] = [
  { name: 'an Azure Resources item', arg: async id => azureResourcesItem(id) },
  { name: 'an AKS view item', arg: async id => aksViewItem(id) },
  { name: 'a plain ARM ID', arg: async id => id },
  { name: 'our own tree node', arg: async id => clusterByName(await signedInApi(), nameOf(id)) },
];

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap(g => g.tabs);
}

suite('KMS actions from the Azure Resources and AKS views', () => {
  const admin = emulatorAdmin(readEmulatorInfo());
  suiteSetup(async () => {
    await admin.reset();
    await updateAnySetting(SUBSCRIPTION_FILTER, undefined);
    await updateSetting('stateFilter', undefined);
    await (await signedInApi()).tree.refresh();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await admin.reset();
    await (await signedInApi()).tree.refresh();
  });

  for (const shape of shapes) {
    test(`Enable KMS (CMK)… from ${shape.name} opens the wizard for that cluster`, async () => {
      const panel = await vscode.commands.executeCommand<EnableWizardPanel | undefined>('aksKms.enableCmk', await shape.arg(PLAIN));
      assert.ok(panel, 'the wizard opened');
      try {
        assert.strictEqual(panel.panel.title, 'Enable KMS (CMK): aks-prod-plain');
      } finally {
        panel.panel.dispose();
      }
    });

    test(`Enable Platform Keys from ${shape.name} checks that cluster and asks to confirm`, async () => {
      const result = await withMessages(async shown => {
        const r = await vscode.commands.executeCommand<PlatformKeysResult | undefined>('aksKms.enablePmk', await shape.arg(PLAIN));
        const modal = shown.filter(m => m.modal);
        assert.deepStrictEqual(modal.map(m => m.message), ['Encrypt Kubernetes Secrets in aks-prod-plain with platform-managed keys?'], JSON.stringify(shown));
        assert.deepStrictEqual(modal[0].items, ['Enable platform keys']);
        return r;
      });
      assert.strictEqual(result?.status, 'declined', 'declining the confirmation writes nothing');
    });

    test(`Migrate to Platform Keys from ${shape.name} checks that cluster and asks to confirm`, async () => {
      const result = await withMessages(async shown => {
        const r = await vscode.commands.executeCommand<PlatformKeysResult | undefined>('aksKms.migrateToPmk', await shape.arg(CMK));
        assert.deepStrictEqual(shown.filter(m => m.modal).map(m => m.message), ['Migrate aks-prod-cmk-public from its customer-managed key to platform-managed keys?'], JSON.stringify(shown));
        return r;
      });
      assert.strictEqual(result?.status, 'declined');
    });

    test(`Rotate Key Now from ${shape.name} rotates that cluster's key`, async () => {
      const api = await signedInApi();
      // Key Vault reports a version's creation in whole seconds, and the current version is the newest: two rotations in
      // the same second (the previous shape's test) cannot be told apart from the versions list. Start in a new second.
      await new Promise(resolve => setTimeout(resolve, 1_100));
      const version = await withMessages(async shown => {
        const v = await vscode.commands.executeCommand<{ version: string } | undefined>('aksKms.rotateKey', await shape.arg(CMK));
        assert.ok(v, `rotated (messages: ${JSON.stringify(shown)})`);
        assert.ok(shown.some(m => m.severity === 'info' && m.message.startsWith(`Key aks-kms rotated: new version ${v.version.slice(0, 8)}.`)), JSON.stringify(shown));
        return v;
      });
      const health = await api.tree.loadKeyHealthFor(await clusterByName(api, 'aks-prod-cmk-public'));
      assert.strictEqual(health.health?.health.summary.rotation?.current.version, version.version, 'the new version is the current one of the cluster\'s key');
    });

    test(`Show KMS State from ${shape.name} previews the hover facts and selects the cluster in the AKS KMS view`, async () => {
      const api = await signedInApi();
      const result = await vscode.commands.executeCommand<KmsStateShown | undefined>('aksKms.showKmsState', await shape.arg(CMK));
      assert.ok(result);
      assert.strictEqual(result.clusterId.toLowerCase(), CMK.toLowerCase());
      const node = await clusterByName(api, 'aks-prod-cmk-public');
      assert.strictEqual(result.markdown, withoutThemeIcons((await api.tree.clusterTooltip(node)).value), 'the same Markdown as the hover');
      assert.match(result.markdown, /^\*\*aks-prod-cmk-public\*\* — CMK · public/);
      assert.match(result.markdown, /kvprodpublic/);
      assert.doesNotMatch(result.markdown, /\$\([a-z-]+\)/, 'no theme icons left for the preview to print');
      // An earlier test left the same document open (the preview holds it): its text follows the provider's change event.
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.uri));
      await waitFor('the document to show the new state', () => (doc.getText() === result.markdown ? true : undefined));
      assert.strictEqual(result.revealed, true);
      await waitFor('the cluster selected in the AKS KMS view', () => {
        const selected = api.view.selection[0];
        return api.view.visible && selected?.kind === 'cluster' && selected.facts.id.toLowerCase() === CMK.toLowerCase() ? true : undefined;
      });
      await waitFor('the Markdown preview tab', () => allTabs().find(t => t.label === 'Preview aks-prod-cmk-public.kms.md' && t.input instanceof vscode.TabInputWebview));
    });
  }

  test('a cluster Azure shows but AKS KMS cannot read: named, why, and how to fix — for every action', async () => {
    for (const command of ['aksKms.showKmsState', 'aksKms.enableCmk', 'aksKms.enablePmk', 'aksKms.migrateToPmk', 'aksKms.rotateKey']) {
      await withMessages(async shown => {
        const result = await vscode.commands.executeCommand(command, azureResourcesItem(GHOST));
        assert.strictEqual(result, undefined, `${command} did nothing`);
        assert.strictEqual(shown.length, 1, `${command}: ${JSON.stringify(shown)}`);
        assert.strictEqual(shown[0].severity, 'error');
        assert.match(shown[0].message, /^Cannot act on cluster aks-ghost: AKS KMS could not read it\. Check that it still exists and that the signed-in account may read it, then refresh the AKS KMS view\. \(.*(not found|NotFound|ResourceNotFound).*\)$/i);
        assert.deepStrictEqual(shown[0].items, ['Refresh']);
      });
    }
    assert.ok(!allTabs().some(t => /aks-ghost/.test(t.label)), 'nothing opened for it');
  });

  test('a cluster in a subscription AKS KMS does not show: named, why, and "Select Subscriptions…"', async () => {
    const api = await signedInApi();
    try {
      await updateAnySetting(SUBSCRIPTION_FILTER, [`${TENANT}/${SUB3}`]);
      await api.tree.refresh();
      await withMessages(async shown => {
        const result = await vscode.commands.executeCommand('aksKms.enablePmk', aksViewItem(PLAIN));
        assert.strictEqual(result, undefined);
        assert.deepStrictEqual(shown.map(m => [m.severity, m.message, m.items]), [[
          'warning',
          `Cannot act on cluster aks-prod-plain: its subscription ${SUB1} is not among the subscriptions shown in AKS KMS. Add it with "Select Subscriptions…", then run the action again.`,
          ['Select Subscriptions…'],
        ]]);
      });
    } finally {
      await updateAnySetting(SUBSCRIPTION_FILTER, undefined);
      await api.tree.refresh();
    }
  });

  test('signed out: the cluster is named and "Sign in to Azure" offered', async () => {
    const api = await extensionApi();
    try {
      await signOutEverywhere();
      await waitFor('signed out', async () => ((await api.account.refreshStatus()).signedIn ? undefined : true));
      await withMessages(async shown => {
        const result = await vscode.commands.executeCommand('aksKms.showKmsState', azureResourcesItem(CMK));
        assert.strictEqual(result, undefined);
        assert.deepStrictEqual(shown.map(m => [m.severity, m.message, m.items]), [[
          'warning', 'Cannot act on cluster aks-prod-cmk-public: AKS KMS is not signed in to Azure. Sign in, then run the action again.', ['Sign in to Azure'],
        ]]);
      });
    } finally {
      await signInAtProvider();
      await vscode.commands.executeCommand('aksKms.signIn');
      await api.tree.refresh();
    }
  });

  test('the fix button runs the fix: "Refresh" reloads the fleet', async () => {
    const api = await signedInApi();
    const before = api.tree.clusterNodes()[0];
    const rec = recordMessages(m => m.items[0]);
    try {
      await vscode.commands.executeCommand('aksKms.showKmsState', GHOST);
      // The tree drops its nodes on refresh and lists them again: the old node object is gone.
      await waitFor('a reloaded fleet', () => (api.tree.clusterNodes().length && !api.tree.clusterNodes().includes(before) ? true : undefined));
    } finally {
      rec.restore();
    }
  });

  test('not a cluster: a key vault from the Azure view, a name instead of an ID', async () => {
    await withMessages(async shown => {
      assert.strictEqual(await vscode.commands.executeCommand('aksKms.showKmsState', azureResourcesItem(VAULT, 'KeyVaults')), undefined);
      assert.strictEqual(await vscode.commands.executeCommand('aksKms.enablePmk', 'aks-prod-plain'), undefined);
      assert.deepStrictEqual(shown.map(m => [m.severity, m.message]), [
        ['error', `kvprodpublic is not an AKS cluster: AKS KMS acts only on Microsoft.ContainerService/managedClusters resources. (${VAULT})`],
        ['error', '"aks-prod-plain" is not the resource ID of an AKS cluster (/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/…).'],
      ]);
    });
  });
});
