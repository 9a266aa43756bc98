/**
 * The CMK wizard, opened for a cluster (from the tree, or picked in the palette) under three names that match the
 * cluster's state: "Enable KMS (CMK)…" (not encrypted), "Migrate to Customer-Managed Keys…" (platform keys), and
 * "Move to the New KMS Experience…" (legacy KMS, prefilled with the cluster's own vault and key).
 */
import * as vscode from 'vscode';
import { managedClustersApiVersion } from '../views/settings';
import { EnableWizardPanel } from '../views/wizard/enableWizardPanel';
import { CommandContext, registerCommand } from './commandContext';
import { clusterArgument } from './pickCluster';

export function registerEnableCmk(ctx: CommandContext): vscode.Disposable[] {
  const open = async (arg?: unknown) => {
    const node = await clusterArgument(ctx, arg);
    const azure = node && ctx.account.contextForSubscription(node.facts.subscriptionId);
    if (!node || !azure) {
      return undefined;
    }
    return EnableWizardPanel.show({
      extensionUri: ctx.extensionUri,
      azure,
      managedClustersApiVersion: managedClustersApiVersion(),
      log: ctx.log,
      telemetry: ctx.telemetry,
      journal: ctx.journal,
      onFinished: () => void ctx.tree.refresh(),
    }, node.facts);
  };
  return ['aksKms.enableCmk', 'aksKms.migrateToCmk', 'aksKms.moveToNewExperience'].map(id => registerCommand(ctx, id, open));
}
