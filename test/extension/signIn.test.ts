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
    // The provider re-mints tokens as they age, so compare who they are for, not the exact strings.
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { oid: string; tid: string };
    assert.ok(session, 'a VS Code session exists');
    assert.deepStrictEqual({ oid: claims(token.token).oid, tid: claims(token.token).tid }, { oid: claims(session.accessToken).oid, tid: claims(session.accessToken).tid });
    assert.ok(token.expiresOnTimestamp > Date.now(), 'expiry read from the token');
  });

  test('Azure China needs VS Code\'s microsoft-sovereign-cloud environment: a clear problem until it is set', async () => {
    const api = await extensionApi();
    const config = vscode.workspace.getConfiguration('aksKms');
    const savedCloud = config.inspect('cloud')?.globalValue;
    try {
      await config.update('cloud', 'AzureChinaCloud', vscode.ConfigurationTarget.Global);
      const status = await waitFor('sovereign problem', async () => {
        const s = await api.account.refreshStatus();
        return s.problems?.length ? s : undefined;
      });
      assert.match(status.problems!.join(' '), /microsoft-sovereign-cloud\.environment.*ChinaCloud/);
      assert.strictEqual(api.account.cloud?.authProviderId, 'microsoft-sovereign-cloud');
      assert.strictEqual(api.account.cloud?.keyVaultDnsSuffix, 'vault.azure.cn');
      assert.strictEqual(api.account.cloud?.portalUrl, 'https://portal.azure.cn');
    } finally {
      await config.update('cloud', savedCloud, vscode.ConfigurationTarget.Global);
      await waitFor('signed in again', async () => ((await api.account.refreshStatus()).signedIn ? true : undefined));
    }
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
