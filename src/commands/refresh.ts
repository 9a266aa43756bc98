/** "Refresh": drop every cached result and list the fleet again, with progress on the view. */
import * as vscode from 'vscode';
import { CommandContext, registerCommand } from './commandContext';

export function registerRefresh(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.refresh', async () => {
    await ctx.account.refreshStatus();
    await vscode.window.withProgress({ location: { viewId: 'aksKms.fleet' } }, () => ctx.tree.refresh());
  });
}
