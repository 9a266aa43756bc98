/** "Enable KMS (CMK)…": opens the wizard for a cluster (from the tree, or picked in the palette). */
import * as vscode from 'vscode';
import { EnableWizardPanel } from '../views/wizard/enableWizardPanel';
import type { CommandContext } from './commandContext';
import { clusterArgument } from './pickCluster';

export function registerEnableCmk(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('aksKms.enableCmk', async (arg?: unknown) => {
    const node = await clusterArgument(ctx, arg);
    const azure = ctx.account.context;
    if (!node || !azure) {
      return undefined;
    }
    return EnableWizardPanel.show({
      extensionUri: ctx.extensionUri,
      azure,
      managedClustersApiVersion: vscode.workspace.getConfiguration('aksKms').get<string>('managedClustersApiVersion') || undefined,
      log: ctx.log,
      onFinished: () => void ctx.tree.refresh(),
    }, node.facts);
  });
}
