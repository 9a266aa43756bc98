/** "Sign in to Azure": interactive sign-in through the configured cloud's authentication provider. */
import * as vscode from 'vscode';
import { CommandContext, registerCommand } from './commandContext';
import { errorMessage } from '../views/fleetTree';

export function registerSignIn(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.signIn', async () => {
    try {
      const status = await ctx.account.signIn();
      if (status.problems?.length) {
        void vscode.window.showErrorMessage(status.problems.join(' '));
        return false;
      }
      ctx.log.info(`Signed in to ${ctx.account.cloud?.displayName ?? 'Azure'} as ${status.accountLabel ?? 'unknown account'}.`);
      await ctx.tree.refresh();
      return status.signedIn;
    } catch (err) {
      ctx.log.error(`Sign-in failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Sign-in failed: {0}', errorMessage(err)));
      return false;
    }
  });
}
