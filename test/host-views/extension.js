// Stand-ins for two hosts' views, so UI tests can right-click AKS clusters there offline (neither host can be installed
// from a marketplace here):
//  - Microsoft's Azure Resources extension (ms-azuretools.vscode-azureresourcegroups): views `azureResourceGroups` and
//    `azureFocusView`;
//  - the Kubernetes extension's cloud explorer `kubernetes.cloudExplorer` as the AKS extension
//    (ms-kubernetes-tools.vscode-aks-tools) fills it.
// Every item carries the context value the real host builds, and its element is shaped like the one the real host
// hands to a command (VS Code passes the tree element itself). Where each comes from is cited next to it. The cluster
// IDs are the emulator's seeded fleet (docs/CONTRACTS.md), plus one cluster the emulator does not have.
// Test infrastructure only; not part of the AKS KMS extension.
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const vscode = require('vscode');

const TENANT = '7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60';
const ACCOUNT = 'emulator.user@contoso.example';
const SUB1 = { subscriptionId: '11111111-1111-4111-8111-111111111111', name: 'Contoso Production', tenantId: TENANT };
const SUB3 = { subscriptionId: '33333333-3333-4333-8333-333333333333', name: 'Fabrikam Platform', tenantId: TENANT };
const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';

const armId = (sub, rg, type, name) => `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/${type}/${name}`;

// ------------------------------------------------------------------ Azure Resources (vscode-azureresourcegroups)

// vscode-azext-utils utils/src/utils/contextUtils.ts: createContextValue = dedupe, sort, join with ';'.
const createContextValue = values => Array.from(new Set(values)).sort().join(';');

// src/tree/BranchDataItemWrapper.ts appendContextValues: the branch item's values, then the options' and the extra
// ones, deduplicated in insertion order (not sorted).
function appendContextValues(original, ...lists) {
  const set = new Set(original.split(';'));
  for (const v of lists.flat()) set.add(v);
  return Array.from(set).join(';');
}

/**
 * A resource row: src/tree/azure/AzureResourceItem.ts wrapping the default branch item (DefaultAzureResourceItem:
 * createContextValue(['azureResource', 'hasPortalUrl'])) with options.contextValues ['azureResource']
 * (GroupingItem.getChildren) and the extra values hasPortalUrl, hasProperties (viewProperties default) and the
 * resource's AzExtResourceType (AzureResourceItem.getExtraContextValues). The command argument is that item: its
 * `resource` is the AzureResource, its `id` the tree id with the account/tenant prefix (idPrefix.ts).
 */
function resourceItem(sub, rg, armType, azExtType, name) {
  const id = armId(sub, rg, armType, name);
  const element = {
    id: `/accounts/${ACCOUNT}/tenants/${TENANT}${id}`,
    resource: {
      id, name, resourceGroup: rg, location: 'eastus', resourceType: azExtType,
      azureResourceType: { type: armType.toLowerCase() }, subscription: sub,
    },
    portalUrl: vscode.Uri.parse(`https://portal.azure.com/#@${TENANT}/resource${id}`),
    viewProperties: { label: name, data: { id, name, type: armType } },
  };
  const contextValue = appendContextValues(createContextValue(['azureResource', 'hasPortalUrl']), ['azureResource'], ['hasPortalUrl', 'hasProperties', azExtType]);
  return node(element, { label: name, contextValue, icon: azExtType === 'KeyVaults' ? 'key' : 'server-environment' });
}

/** src/tree/azure/grouping/ResourceTypeGroupingItem.ts: ['groupingItem'] + azureResourceTypeGroup, the type, canFocus. */
function typeGroup(sub, azExtType, children) {
  const element = { id: `/accounts/${ACCOUNT}/tenants/${TENANT}/subscriptions/${sub.subscriptionId}/${azExtType}`, resourceType: azExtType };
  // No display name is registered for ContainerServiceManagedClusters (src/utils/azureUtils.ts), so the label is the type.
  return node(element, { label: azExtType, contextValue: createContextValue(['groupingItem', 'azureResourceTypeGroup', azExtType, 'canFocus']), icon: 'folder', children });
}

/** src/tree/azure/grouping/ResourceGroupGroupingItem.ts: ['groupingItem'] + hasPortalUrl, azureResourceGroup, canFocus. */
function resourceGroupGroup(sub, rg, children) {
  const element = { id: `/accounts/${ACCOUNT}/tenants/${TENANT}/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}` };
  return node(element, { label: rg, contextValue: createContextValue(['groupingItem', 'hasPortalUrl', 'azureResourceGroup', 'canFocus']), icon: 'symbol-namespace', children });
}

/** src/tree/azure/SubscriptionItem.ts. */
function subscriptionItem(sub, children) {
  return node({ id: `/accounts/${ACCOUNT}/tenants/${TENANT}/subscriptions/${sub.subscriptionId}`, subscription: sub }, { label: sub.name, contextValue: 'azureextensionui.azureSubscription', icon: 'azure', children });
}

// ------------------------------------------------------------------ Kubernetes cloud explorer (vscode-kubernetes-tools + vscode-aks-tools)

const AZURE_CLOUD = { cloudName: 'Azure' };

/** vscode-kubernetes-tools src/components/cloudexplorer/cloudexplorer.ts: a cloud's root row. */
function cloudNode(children) {
  return node({ nodeType: 'cloud', provider: AZURE_CLOUD }, { label: 'Azure', contextValue: 'kubernetes.cloudExplorer.cloud.Azure', icon: 'azure', children });
}

/**
 * The cloud explorer wraps every row a provider returns as {nodeType: 'contributed', provider, value} (asContributedNode)
 * and hands that wrapper to commands; `value` is the AKS extension's tree item (its contextValue shown as is).
 */
function contributed(value, options) {
  return node({ nodeType: 'contributed', provider: AZURE_CLOUD, value }, options);
}

/** vscode-aks-tools src/tree/aksClusterTreeItem.ts: `aks.cluster ${CloudExplorerV1.SHOW_KUBECONFIG_COMMANDS_CONTEXT}`. */
function aksCluster(sub, rg, name) {
  const value = {
    nodeType: 'cluster', resourceType: CLUSTER_TYPE, armId: armId(sub, rg, CLUSTER_TYPE, name), name,
    subscriptionId: sub.subscriptionId, resourceGroupName: rg, id: `${name} ${rg}`,
  };
  return contributed(value, { label: name, contextValue: 'aks.cluster kubernetes.providesKubeconfig', icon: 'server-environment' });
}

/** vscode-aks-tools src/tree/fleetTreeItem.ts and subscriptionTreeItem.ts. */
function aksFleet(sub, rg, name) {
  const value = { nodeType: 'fleet', armId: armId(sub, rg, 'Microsoft.ContainerService/fleets', name), name, subscriptionId: sub.subscriptionId, resourceGroupName: rg };
  return contributed(value, { label: name, contextValue: 'aks.fleet', icon: 'layers' });
}
function aksSubscription(sub, children) {
  return contributed({ nodeType: 'subscription', subscriptionId: sub.subscriptionId, name: sub.name }, { label: sub.name, contextValue: 'aks.subscription', icon: 'azure', children });
}

// ------------------------------------------------------------------ trees

const rows = new WeakMap();

function node(element, { label, contextValue, icon, children }) {
  rows.set(element, { label, contextValue, icon, children: children ?? [] });
  return element;
}

class StandInTree {
  constructor(roots) {
    this.roots = roots;
  }

  getTreeItem(element) {
    const row = rows.get(element);
    const item = new vscode.TreeItem(row.label, row.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.contextValue = row.contextValue;
    item.iconPath = new vscode.ThemeIcon(row.icon);
    return item;
  }

  getChildren(element) {
    return element ? rows.get(element).children : this.roots;
  }
}

function activate(context) {
  const resources = [subscriptionItem(SUB1, [
    typeGroup(SUB1, 'ContainerServiceManagedClusters', [
      resourceItem(SUB1, 'rg-prod', CLUSTER_TYPE, 'ContainerServiceManagedClusters', 'aks-prod-plain'),
      resourceItem(SUB1, 'rg-prod', CLUSTER_TYPE, 'ContainerServiceManagedClusters', 'aks-prod-cmk-public'),
      // Not in the emulator: AKS KMS cannot read it and must say so.
      resourceItem(SUB1, 'rg-prod', CLUSTER_TYPE, 'ContainerServiceManagedClusters', 'aks-ghost'),
    ]),
    typeGroup(SUB1, 'KeyVaults', [resourceItem(SUB1, 'rg-prod', 'Microsoft.KeyVault/vaults', 'KeyVaults', 'kvprodpublic')]),
  ])];
  const focused = [resourceGroupGroup(SUB3, 'rg-fab', [
    resourceItem(SUB3, 'rg-fab', CLUSTER_TYPE, 'ContainerServiceManagedClusters', 'aks-fab-pmk'),
  ])];
  const clouds = [cloudNode([aksSubscription(SUB3, [
    aksCluster(SUB3, 'rg-fab', 'aks-fab-plain'),
    aksCluster(SUB3, 'rg-fab', 'aks-fab-cmk-public'),
    aksFleet(SUB3, 'rg-fab', 'fleet-fab'),
  ])])];
  context.subscriptions.push(
    vscode.window.createTreeView('azureResourceGroups', { treeDataProvider: new StandInTree(resources) }),
    vscode.window.createTreeView('azureFocusView', { treeDataProvider: new StandInTree(focused) }),
    vscode.window.createTreeView('kubernetes.cloudExplorer', { treeDataProvider: new StandInTree(clouds) }),
  );
}

module.exports = { activate, deactivate() {} };
