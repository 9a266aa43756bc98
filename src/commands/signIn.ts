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

/**
 * "Sign In to Directory…": an interactive sign-in to one directory (tenant) that will not hand out a token silently
 * (multifactor authentication, another conditional-access step). Takes the tenant id (the tree's row passes it), or
 * asks which of the directories waiting for a sign-in.
 */
export function registerSignInToDirectory(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.signInToDirectory', async (arg?: unknown) => {
    let tenantId = typeof arg === 'string' ? arg : undefined;
    if (!tenantId) {
      await ctx.tree.ensureLoaded();
      const waiting = ctx.tree.listedDirectories.filter(d => d.state === 'needsSignIn');
      if (!waiting.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Every directory is signed in.'));
        return false;
      }
      const pick = await vscode.window.showQuickPick(waiting.map(d => ({ label: d.displayName, description: d.tenantId, detail: d.defaultDomain, tenantId: d.tenantId })), { placeHolder: vscode.l10n.t('Directory to sign in to') });
      tenantId = pick?.tenantId;
    }
    if (!tenantId) {
      return false;
    }
    const account = ctx.tree.listedDirectories.find(d => d.tenantId.toLowerCase() === tenantId.toLowerCase())?.account;
    try {
      await ctx.account.signInToDirectory(tenantId, account);
      ctx.log.info(`Signed in to directory ${tenantId}.`);
      // The account announces the sign-in, and the tree reloads on that (extension.ts): wait for that load only.
      await ctx.tree.ensureLoaded();
      return true;
    } catch (err) {
      ctx.log.error(`Sign-in to directory ${tenantId} failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Sign-in to the directory failed: {0}', errorMessage(err)));
      return false;
    }
  });
}
