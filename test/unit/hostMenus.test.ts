/**
 * package.json's context-menu entries for the Azure Resources and AKS views, evaluated against the context values the
 * real hosts build (read from their sources; test/host-views/extension.js cites where each comes from). The when
 * clauses here are plain `view`/`viewItem` comparisons joined by `&&`, so a small evaluator is enough; VS Code's own
 * parser is exercised by test/ui/hostViews.ui.test.mjs, which right-clicks the same values.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

interface MenuEntry { command: string; when?: string; group?: string }

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]>; commands: { command: string }[] } };
const itemMenu = pkg.contributes.menus['view/item/context'];

function evaluate(when: string, context: { view: string; viewItem: string }): boolean {
  return when.split('&&').map(t => t.trim()).every(term => {
    const regex = /^(view|viewItem) =~ \/(.*)\/([a-z]*)$/.exec(term);
    if (regex) {
      return new RegExp(regex[2], regex[3]).test(context[regex[1] as 'view' | 'viewItem']);
    }
    const equals = /^(view|viewItem) == (\S+)$/.exec(term);
    if (equals) {
      return context[equals[1] as 'view' | 'viewItem'] === equals[2];
    }
    throw new Error(`the evaluator does not know the term ${JSON.stringify(term)} of ${when}`);
  });
}

function commandsShown(view: string, viewItem: string): string[] {
  return itemMenu.filter(e => e.when && !e.when.includes('aksKms.fleet') && evaluate(e.when, { view, viewItem })).map(e => e.command);
}

const ACTIONS = ['aksKms.showKmsState', 'aksKms.enableCmk', 'aksKms.enablePmk', 'aksKms.migrateToPmk', 'aksKms.rotateKey', 'aksKms.exportIac'];

// vscode-azureresourcegroups: AzureResourceItem (default branch item + options + extra values) and the grouping items.
const AZURE_CLUSTER = 'azureResource;hasPortalUrl;hasProperties;ContainerServiceManagedClusters';
const AZURE_ITEMS_WITHOUT_ACTIONS: [string, string][] = [
  ['the type group of clusters', 'ContainerServiceManagedClusters;azureResourceTypeGroup;canFocus;groupingItem'],
  ['a key vault', 'azureResource;hasPortalUrl;hasProperties;KeyVaults'],
  ['a resource group', 'azureResourceGroup;canFocus;groupingItem;hasPortalUrl'],
  ['a subscription', 'azureextensionui.azureSubscription'],
  ['a resource that could not be resolved (no type)', 'azureResource;hasPortalUrl;invalid'],
  ['an Arc-connected cluster', 'azureResource;hasPortalUrl;hasProperties;KubernetesConnectedClusters'],
];
// vscode-aks-tools: AksClusterTreeItem, FleetTreeItem, SubscriptionTreeItem; vscode-kubernetes-tools: the cloud row.
const AKS_CLUSTER = 'aks.cluster kubernetes.providesKubeconfig';
const AKS_ITEMS_WITHOUT_ACTIONS: [string, string][] = [
  ['a fleet', 'aks.fleet'],
  ['a subscription', 'aks.subscription'],
  ['the Azure cloud row', 'kubernetes.cloudExplorer.cloud.Azure'],
];

describe('menus on the Azure Resources and AKS views', () => {
  for (const view of ['azureResourceGroups', 'azureFocusView']) {
    it(`${view}: a cluster gets the six actions, in order`, () => {
      assert.deepEqual(commandsShown(view, AZURE_CLUSTER), ACTIONS);
    });
    for (const [what, viewItem] of AZURE_ITEMS_WITHOUT_ACTIONS) {
      it(`${view}: ${what} gets none`, () => assert.deepEqual(commandsShown(view, viewItem), []));
    }
  }
  it('kubernetes.cloudExplorer: a cluster gets the six actions, in order', () => {
    assert.deepEqual(commandsShown('kubernetes.cloudExplorer', AKS_CLUSTER), ACTIONS);
  });
  for (const [what, viewItem] of AKS_ITEMS_WITHOUT_ACTIONS) {
    it(`kubernetes.cloudExplorer: ${what} gets none`, () => assert.deepEqual(commandsShown('kubernetes.cloudExplorer', viewItem), []));
  }
  it('other views (and our own, which has its state-aware entries) get none of these entries', () => {
    for (const view of ['azureWorkspace', 'extension.vsKubernetesExplorer', 'azureResourceGroupsX']) {
      assert.deepEqual(commandsShown(view, AZURE_CLUSTER), [], view);
      assert.deepEqual(commandsShown(view, AKS_CLUSTER), [], view);
    }
  });
  it('the host-view entries sit together in one group below the hosts\' own (which use groups 1–9)', () => {
    const groups = itemMenu.filter(e => /azureResourceGroups|kubernetes\.cloudExplorer/.test(e.when ?? '')).map(e => e.group ?? '');
    assert.equal(groups.length, 12);
    for (const g of groups) {
      assert.match(g, /^9_aksKms@[1-6]$/);
    }
  });
  it('every command named in a menu is contributed', () => {
    const contributed = new Set(pkg.contributes.commands.map(c => c.command));
    for (const e of itemMenu) {
      assert.ok(contributed.has(e.command), e.command);
    }
  });
});
