/** "Select Subscriptions…": which subscriptions the tree lists (saved in `aksKms.selectedSubscriptions`; none = all). */
import * as vscode from 'vscode';
import { azureSdk } from '../azure/lazySdk';
import { CommandContext, registerCommand } from './commandContext';
import { errorMessage } from '../views/fleetTree';

export function registerSelectSubscriptions(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.selectSubscriptions', async () => {
    const azure = ctx.account.context;
    if (!azure) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
      return;
    }
    let subscriptions;
    try {
      const { FleetService } = await azureSdk();
      subscriptions = await new FleetService(azure).listSubscriptions();
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list subscriptions: {0}', errorMessage(err)));
      return;
    }
    const config = vscode.workspace.getConfiguration('aksKms');
    const selected = new Set((config.get<string[]>('selectedSubscriptions') ?? []).map(s => s.toLowerCase()));
    const items = subscriptions.map(s => ({
      label: s.displayName,
      description: s.subscriptionId,
      picked: selected.size === 0 || selected.has(s.subscriptionId.toLowerCase()),
      id: s.subscriptionId,
    }));
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Subscriptions to show in AKS KMS') });
    if (!picked) {
      return;
    }
    // Everything picked is stored as "all", so subscriptions created later show up too.
    const value = picked.length === items.length ? [] : picked.map(p => p.id);
    await config.update('selectedSubscriptions', value, vscode.ConfigurationTarget.Global);
    await ctx.tree.refresh();
  });
}
