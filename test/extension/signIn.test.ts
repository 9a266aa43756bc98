/** Sign-in through the real vscode.authentication API, against the emulator cloud's authentication provider. */
import * as assert from 'assert';
import * as vscode from 'vscode';
// The library's own choice of provider id, to hold the extension to it.
import { getConfiguredAuthProviderId } from '@microsoft/vscode-azext-azureauth/out/src/utils/configuredAzureEnv';
import { extensionApi, signInAtProvider, signOutEverywhere, updateAnySetting, waitFor } from './helpers';

const ENVIRONMENT = 'microsoft-sovereign-cloud.environment';
const CUSTOM_ENVIRONMENT = 'microsoft-sovereign-cloud.customEnvironment';

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
    assert.strictEqual(api.account.cloud?.authProviderId, 'microsoft-sovereign-cloud');
    assert.strictEqual(api.account.cloud?.authProviderId, getConfiguredAuthProviderId(), 'the same provider as the Azure extensions');
    const roots = await api.tree.getChildren();
    assert.ok(roots.length >= 4, `subscriptions listed after sign-in (got ${roots.length})`);
  });

  test('the credential hands the emulator a token from the VS Code session', async () => {
    const api = await extensionApi();
    const ctx = api.account.context;
    assert.ok(ctx, 'signed in');
    const token = await ctx.credential.getToken(`${ctx.cloud.resourceManagerEndpoint}/.default`);
    assert.ok(token);
    const session = await vscode.authentication.getSession('microsoft-sovereign-cloud', [`${ctx.cloud.resourceManagerEndpoint}/.default`], { silent: true });
    // The provider re-mints tokens as they age, so compare who they are for, not the exact strings.
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { oid: string; tid: string };
    assert.ok(session, 'a VS Code session exists');
    assert.deepStrictEqual({ oid: claims(token.token).oid, tid: claims(token.token).tid }, { oid: claims(session.accessToken).oid, tid: claims(session.accessToken).tid });
    assert.ok(token.expiresOnTimestamp > Date.now(), 'expiry read from the token');
  });

  for (const [environment, name, suffix, provider, portal] of [
    ['ChinaCloud', 'AzureChinaCloud', 'vault.azure.cn', 'microsoft-sovereign-cloud', 'https://portal.azure.cn'],
    ['USGovernment', 'AzureUSGovernment', 'vault.usgovcloudapi.net', 'microsoft-sovereign-cloud', 'https://portal.azure.us'],
    [undefined, 'AzureCloud', 'vault.azure.net', 'microsoft', 'https://portal.azure.com'],
  ] as const) {
    test(`${ENVIRONMENT} = ${String(environment)} selects ${name}, with the provider the Azure extensions use`, async () => {
      const api = await extensionApi();
      const saved = vscode.workspace.getConfiguration().inspect(ENVIRONMENT)?.globalValue;
      try {
        await updateAnySetting(ENVIRONMENT, environment ?? null);
        const cloud = await waitFor(name, () => (api.account.cloud?.name === name ? api.account.cloud : undefined));
        assert.strictEqual(cloud.keyVaultDnsSuffix, suffix);
        assert.strictEqual(cloud.portalUrl, portal);
        assert.strictEqual(cloud.authProviderId, provider);
        assert.strictEqual(cloud.authProviderId, getConfiguredAuthProviderId());
      } finally {
        await updateAnySetting(ENVIRONMENT, saved);
        await waitFor('the emulator cloud again', () => (api.account.cloud?.name === 'Custom' ? true : undefined));
        await waitFor('signed in again', async () => ((await api.account.refreshStatus()).signedIn ? true : undefined));
      }
    });
  }

  test('a broken custom environment is reported in the tree with what to fix, and nothing is listed', async () => {
    const api = await extensionApi();
    const saved = vscode.workspace.getConfiguration().inspect(CUSTOM_ENVIRONMENT)?.globalValue;
    try {
      await updateAnySetting(CUSTOM_ENVIRONMENT, { ...(saved as object), resourceManagerEndpointUrl: 'http://127.0.0.1:1' });
      const status = await waitFor('cloud problem', async () => {
        const s = await api.account.refreshStatus();
        return s.problems?.length ? s : undefined;
      });
      assert.match(status.problems!.join(' '), /customEnvironment\.resourceManagerEndpointUrl must use https/);
      const roots = await api.tree.getChildren();
      assert.ok(roots.length > 0 && roots.every(r => r.kind === 'message'), 'only problem messages');
    } finally {
      await updateAnySetting(CUSTOM_ENVIRONMENT, saved);
      await waitFor('signed in again', async () => ((await api.account.refreshStatus()).signedIn ? true : undefined));
    }
  });
});
