/** Read-only cluster actions: Copy key ID, Open in portal, Show security profile. */
import * as vscode from 'vscode';
import { managedClustersApiVersion } from '../views/settings';
import { portalResourceUrl } from '../azure/cloud';
import { azureSdk } from '../azure/lazySdk';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';
import { errorMessage } from '../views/fleetTree';

export function registerClusterInfo(ctx: CommandContext): vscode.Disposable[] {
  return [
    registerCommand(ctx, 'aksKms.copyKeyId', async (arg?: unknown) => {
      const node = await clusterArgument(ctx, arg);
      const keyId = node?.facts.kms.keyId;
      if (!node) {
        return;
      }
      if (!keyId) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} does not use a customer-managed key.', node.facts.name));
        return;
      }
      await vscode.env.clipboard.writeText(keyId);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied key ID of {0}', node.facts.name), 3000);
      return keyId;
    }),
    registerCommand(ctx, 'aksKms.openInPortal', async (arg?: unknown) => {
      const node = await clusterArgument(ctx, arg);
      const cloud = ctx.account.cloud;
      if (!node || !cloud) {
        return;
      }
      // In the cluster's own directory, so a guest directory's resource opens without switching directories by hand.
      const url = portalResourceUrl(cloud, node.facts.id, ctx.account.tenantOfSubscription(node.facts.subscriptionId));
      await vscode.env.openExternal(vscode.Uri.parse(url));
      return url;
    }),
    registerCommand(ctx, 'aksKms.showSecurityProfile', async (arg?: unknown) => {
      const node = await clusterArgument(ctx, arg);
      const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
      if (!node || !azure) {
        return;
      }
      try {
        const apiVersion = managedClustersApiVersion();
        const { ManagedClustersAdapter } = await azureSdk();
        const cluster = await new ManagedClustersAdapter(azure, apiVersion).get(node.facts.id);
        // The same shape `az aks show --query securityProfile` prints.
        const content = JSON.stringify(cluster.properties?.securityProfile ?? null, null, 2);
        await ctx.documents.show(`/${node.facts.name}/securityProfile.json`, content, 'json');
        return content;
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not read {0}: {1}', node.facts.name, errorMessage(err)));
      }
    }),
  ];
}
