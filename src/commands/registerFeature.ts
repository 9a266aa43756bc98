/** "Register KMS preview feature": registers KMSPMKPreview in a subscription and waits until it is Registered. */
import * as vscode from 'vscode';
import { azureSdk } from '../azure/lazySdk';
import { abortableSleep } from '../kms/plan/retry';
import { errorMessage } from '../views/fleetTree';
import { CommandContext, registerCommand } from './commandContext';

const MAX_POLL_MS = 30_000;

export function registerRegisterFeature(ctx: CommandContext): vscode.Disposable {
  return registerCommand(ctx, 'aksKms.registerFeature', async (subscriptionId?: unknown): Promise<string | undefined> => {
    if (!ctx.account.context) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sign in to Azure first.'));
      return undefined;
    }
    const { getKmsFeatureState, registerContainerServiceProvider, registerKmsFeature } = await azureSdk();
    let sub = typeof subscriptionId === 'string' ? subscriptionId : (subscriptionId as { subscription?: { subscriptionId?: string } } | undefined)?.subscription?.subscriptionId;
    if (!sub) {
      // Every subscription the tree lists, in every directory.
      await ctx.tree.ensureLoaded();
      const subs = ctx.tree.subscriptionNodes.map(n => n.subscription);
      const pick = await vscode.window.showQuickPick(subs.map(s => ({ label: s.displayName, description: s.subscriptionId, id: s.subscriptionId })), { placeHolder: vscode.l10n.t('Register KMSPMKPreview in which subscription?') });
      sub = pick?.id;
    }
    const azure = sub ? ctx.account.contextForSubscription(sub) : undefined;
    if (!sub || !azure) {
      return undefined;
    }
    try {
      const state = await getKmsFeatureState(azure, sub);
      if (/^registered$/i.test(state)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('KMSPMKPreview is already Registered in {0}.', sub));
        return state;
      }
      const register = vscode.l10n.t('Register');
      const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Register the KMSPMKPreview preview feature in {0}?', sub), { modal: true, detail: vscode.l10n.t('Registration takes several minutes; Microsoft.ContainerService is re-registered afterwards.') }, register);
      if (answer !== register) {
        return state;
      }
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Registering KMSPMKPreview'), cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let current = await registerKmsFeature(azure, sub!, abort.signal);
        let delay = 2000;
        while (!/^registered$/i.test(current)) {
          progress.report({ message: current });
          await abortableSleep(delay, abort.signal);
          delay = Math.min(MAX_POLL_MS, delay * 2);
          current = await getKmsFeatureState(azure, sub!, abort.signal);
        }
        await registerContainerServiceProvider(azure, sub!, abort.signal);
        ctx.log.info(`KMSPMKPreview registered in ${sub}.`);
        void vscode.window.showInformationMessage(vscode.l10n.t('KMSPMKPreview is Registered in {0}.', sub));
        return current;
      });
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Registering KMSPMKPreview failed: {0}', errorMessage(err)));
      return undefined;
    }
  });
}
