/**
 * The cluster behind an ARM ID that another extension's tree (Azure Resources, AKS) or a caller handed to a command:
 * the node of our loaded fleet tree, so every action sees the same facts as in the AKS KMS view. When the cluster is
 * not there, the user is told which cluster, why we cannot act on it and what fixes that — with the fix one click away.
 */
import * as vscode from 'vscode';
import { azureSdk } from '../azure/lazySdk';
import type { ArmResourceId } from '../kms/armId';
import { checkClusterId } from '../kms/hostArgument';
import { errorMessage } from '../views/fleetTree';
import { managedClustersApiVersion } from '../views/settings';
import type { ClusterNode } from '../views/treeNodes';
import type { CommandContext } from './commandContext';

interface Fix {
  readonly label: string;
  readonly command: string;
}

const fixes = {
  signIn: (): Fix => ({ label: vscode.l10n.t('Sign in to Azure'), command: 'aksKms.signIn' }),
  selectSubscriptions: (): Fix => ({ label: vscode.l10n.t('Select Subscriptions…'), command: 'aksKms.selectSubscriptions' }),
  refresh: (): Fix => ({ label: vscode.l10n.t('Refresh'), command: 'aksKms.refresh' }),
  signInToDirectory: (): Fix => ({ label: vscode.l10n.t('Sign In to Directory…'), command: 'aksKms.signInToDirectory' }),
};

/** ARM's answer to a token of another directory than the subscription's (a directory we are not signed in to). */
function isOtherDirectory(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 'InvalidAuthenticationTokenTenant' || /InvalidAuthenticationTokenTenant|wrong issuer/.test(String(e?.message ?? ''));
}

/** Shows why we cannot act, with the fix as a button that runs it. */
function explain(ctx: CommandContext, severity: 'warning' | 'error', message: string, fix: Fix): void {
  ctx.log.warn(message);
  const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  void show(message, fix.label).then(answer => {
    if (answer === fix.label) {
      void vscode.commands.executeCommand(fix.command);
    }
  });
}

export async function clusterFromArmId(ctx: CommandContext, id: string): Promise<ClusterNode | undefined> {
  const check = checkClusterId(id);
  if (!check.ok) {
    void vscode.window.showErrorMessage(check.problem === 'notCluster'
      ? vscode.l10n.t('{0} is not an AKS cluster: AKS KMS acts only on Microsoft.ContainerService/managedClusters resources. ({1})', check.name, check.id)
      : vscode.l10n.t('"{0}" is not the resource ID of an AKS cluster (/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/…).', check.id));
    return undefined;
  }
  const cluster = check.cluster;
  if (!ctx.account.status.signedIn) {
    explain(ctx, 'warning', vscode.l10n.t('Cannot act on cluster {0}: AKS KMS is not signed in to Azure. Sign in, then run the action again.', cluster.name), fixes.signIn());
    return undefined;
  }
  await ctx.tree.ensureLoaded();
  const node = ctx.tree.findCluster(cluster.id);
  if (!node) {
    await explainNotListed(ctx, cluster);
  }
  return node;
}

/** A cluster we do not list: unreadable (gone, no access, another tenant), in a subscription not shown, or not listed yet. */
async function explainNotListed(ctx: CommandContext, cluster: ArmResourceId): Promise<void> {
  try {
    const azure = ctx.account.contextForSubscription(cluster.subscriptionId);
    if (azure) {
      const { ManagedClustersAdapter } = await azureSdk();
      await new ManagedClustersAdapter(azure, managedClustersApiVersion()).get(cluster.id);
    }
  } catch (err) {
    if (isOtherDirectory(err) && ctx.tree.listedDirectories.some(d => d.state === 'needsSignIn')) {
      explain(ctx, 'warning', vscode.l10n.t('Cannot act on cluster {0}: it belongs to a directory AKS KMS is not signed in to. Sign in to that directory, then run the action again.', cluster.name), fixes.signInToDirectory());
      return;
    }
    explain(ctx, 'error', vscode.l10n.t('Cannot act on cluster {0}: AKS KMS could not read it. Check that it still exists and that the signed-in account may read it, then refresh the AKS KMS view. ({1})', cluster.name, errorMessage(err)), fixes.refresh());
    return;
  }
  const shown = ctx.tree.subscriptionNodes.some(s => s.subscription.subscriptionId.toLowerCase() === cluster.subscriptionId.toLowerCase());
  if (!shown) {
    explain(ctx, 'warning', vscode.l10n.t('Cannot act on cluster {0}: its subscription {1} is not among the subscriptions shown in AKS KMS. Add it with "Select Subscriptions…", then run the action again.', cluster.name, cluster.subscriptionId), fixes.selectSubscriptions());
    return;
  }
  explain(ctx, 'warning', vscode.l10n.t('Cannot act on cluster {0}: it is not listed in the AKS KMS view yet (a new cluster can take a few minutes to appear). Refresh the view, then run the action again.', cluster.name), fixes.refresh());
}
