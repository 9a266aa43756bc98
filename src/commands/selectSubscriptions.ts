/**
 * "Select Subscriptions…": which subscriptions the tree lists, in every directory. The choice is the one all Azure
 * extensions share (`azureResourceGroups.selectedSubscriptions`), so a pick here holds in the Azure view too.
 */
import * as vscode from 'vscode';
import { isSubscriptionSelected, parseSubscriptionFilter, subscriptionFilterAfterPick } from '../kms/subscriptionFilter';
import { sharedSubscriptionFilterValue, writeSharedSubscriptionFilter } from '../views/subscriptionFilter';
import { CommandContext, registerCommand } from './commandContext';
import { errorMessage } from '../views/fleetTree';

export function registerSelectSubscriptions(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.selectSubscriptions', async () => {
    if (!ctx.account.context) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
      return;
    }
    let directories;
    try {
      await ctx.tree.ensureLoaded();
      directories = ctx.tree.listedDirectories.filter(d => d.state === 'signedIn');
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list subscriptions: {0}', errorMessage(err)));
      return;
    }
    const previous = sharedSubscriptionFilterValue();
    const filter = parseSubscriptionFilter(previous);
    const several = directories.length > 1;
    const items = directories.flatMap(d => d.subscriptions.map(s => ({
      label: s.displayName,
      description: s.subscriptionId,
      detail: several ? d.displayName : undefined,
      picked: isSubscriptionSelected(filter, s.subscriptionId),
      tenantId: d.tenantId,
      subscriptionId: s.subscriptionId,
    })));
    if (!items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No subscriptions to choose from: sign in to a directory that has some.'));
      return;
    }
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, matchOnDetail: true, placeHolder: vscode.l10n.t('Subscriptions to show (shared with the Azure extensions)') });
    if (!picked) {
      return;
    }
    await writeSharedSubscriptionFilter(subscriptionFilterAfterPick(previous, items, picked));
    // The configuration listener (extension.ts) reloads the tree.
  });
}
