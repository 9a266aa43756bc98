/** Sign-in through the real vscode.authentication API, against the emulator cloud's authentication provider. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extensionApi, signInAtProvider, signOutEverywhere, waitFor } from './helpers';

suite('Sign-in', () => {
  test('signed out: the tree is empty so the welcome view shows, then "Sign in to Azure" signs in', async () => {
    const api = await extensionApi();
    await signOutEverywhere();
    await waitFor('signed-out status', async () => ((await api.account.refreshStatus()).signedIn ? undefined : true));
    assert.deepStrictEqual(await api.tree.getChildren(), [], 'no root items while signed out (welcome view)');

    await signInAtProvider();
    const result = await vscode.commands.executeCommand<boolean>('aksKms.signIn');
    assert.strictEqual(result, true);
    assert.strictEqual(api.account.status.signedIn, true);
    assert.match(api.account.status.accountLabel ?? '', /\S/, 'an account label');
    assert.strictEqual(api.account.cloud?.name, 'Custom');
    assert.strictEqual(api.account.cloud?.authProviderId, 'aks-kms-emulator');
    const roots = await api.tree.getChildren();
    assert.ok(roots.length >= 4, `subscriptions listed after sign-in (got ${roots.length})`);
  });

  test('the credential hands the emulator a token from the VS Code session', async () => {
    const api = await extensionApi();
    const ctx = api.account.context;
    assert.ok(ctx, 'signed in');
    const token = await ctx.credential.getToken(`${ctx.cloud.resourceManagerEndpoint}/.default`);
    assert.ok(token);
    const session = await vscode.authentication.getSession('aks-kms-emulator', [`${ctx.cloud.resourceManagerEndpoint}/.default`], { silent: true });
    assert.strictEqual(token.token, session?.accessToken);
    assert.ok(token.expiresOnTimestamp > Date.now(), 'expiry read from the token');
  });

  test('a broken custom cloud setting is reported in the tree with what to fix, and nothing is listed', async () => {
    const api = await extensionApi();
    const config = vscode.workspace.getConfiguration('aksKms');
    const saved = config.inspect('customCloud')?.globalValue;
    try {
      await config.update('customCloud', { ...(saved as object), resourceManagerEndpointUrl: 'http://127.0.0.1:1' }, vscode.ConfigurationTarget.Global);
      const status = await waitFor('cloud problem', async () => {
        const s = await api.account.refreshStatus();
        return s.problems?.length ? s : undefined;
      });
      assert.match(status.problems!.join(' '), /must use https/);
      const roots = await api.tree.getChildren();
      assert.ok(roots.length > 0 && roots.every(r => r.kind === 'message'), 'only problem messages');
    } finally {
      await config.update('customCloud', saved, vscode.ConfigurationTarget.Global);
      await waitFor('signed in again', async () => ((await api.account.refreshStatus()).signedIn ? true : undefined));
    }
  });
});
