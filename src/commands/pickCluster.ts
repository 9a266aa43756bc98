/**
 * Resolves the cluster a command acts on: our tree item it was invoked on; an ARM ID (a string, or the cluster item of
 * the Azure Resources or AKS view — src/kms/hostArgument.ts); or, with no argument, one the user picks.
 */
import * as vscode from 'vscode';
import { hostArmId } from '../kms/hostArgument';
import type { FleetNode, ClusterNode } from '../views/treeNodes';
import type { CommandContext } from './commandContext';
import { clusterFromArmId } from './hostCluster';
import { kmsStateLabel } from '../views/labels';

export async function clusterArgument(ctx: CommandContext, arg: unknown): Promise<ClusterNode | undefined> {
  const node = arg as FleetNode | undefined;
  if (node?.kind === 'cluster') {
    return node;
  }
  if (node?.kind === 'detail') {
    return node.cluster;
  }
  const armId = hostArmId(arg);
  if (armId !== undefined) {
    return clusterFromArmId(ctx, armId);
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
