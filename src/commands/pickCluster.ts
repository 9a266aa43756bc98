/** Resolves the cluster a command acts on: the tree item it was invoked on, or one the user picks. */
import * as vscode from 'vscode';
import type { FleetNode, ClusterNode } from '../views/treeNodes';
import type { CommandContext } from './commandContext';
import { kmsStateLabel } from '../views/labels';

export async function clusterArgument(ctx: CommandContext, arg: unknown): Promise<ClusterNode | undefined> {
  const node = arg as FleetNode | undefined;
  if (node?.kind === 'cluster') {
    return node;
  }
  if (node?.kind === 'detail') {
    return node.cluster;
  }
  if (typeof arg === 'string') {
    await ctx.tree.ensureLoaded();
    return ctx.tree.findCluster(arg);
  }
  if (!ctx.account.status.signedIn) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
    return undefined;
  }
  await ctx.tree.ensureLoaded();
  const picks = ctx.tree.clusterNodes()
    .sort((a, b) => a.facts.name.localeCompare(b.facts.name))
    .map(c => ({ label: c.facts.name, description: kmsStateLabel(c.facts.kms), detail: `${c.facts.resourceGroup} · ${c.facts.subscriptionId}`, node: c }));
  const picked = await vscode.window.showQuickPick(picks, { placeHolder: vscode.l10n.t('Select an AKS cluster'), matchOnDetail: true });
  return picked?.node;
}
