/**
 * The harness itself, seen from inside the extension host: the environment reaches it, the settings select the
 * emulator, the companion sign-in provider works through the real vscode.authentication API, and the emulator's
 * self-signed certificate is trusted by plain Node HTTPS.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import * as vscode from 'vscode';

const PROVIDER = 'microsoft-sovereign-cloud';
const COMPANION = 'aks-kms.aks-kms-emulator-auth';
const SEEDED_TENANT = '7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60';
const SEEDED_USER = '0b8a6c9e-2f4d-4e1a-8c3b-5d6e7f809a1b';

interface CompanionApi {
  removeAllSessions(): Promise<void>;
  signIn(scopes?: string[]): Promise<vscode.AuthenticationSession>;
  sessions(): Promise<readonly vscode.AuthenticationSession[]>;
}

interface Info {
  armEndpoint: string;
  caCertPath: string;
  tenantId: string;
  userObjectId: string;
}

function info(): Info {
  const file = process.env.AKS_KMS_EMULATOR_INFO;
  assert.ok(file, 'AKS_KMS_EMULATOR_INFO is set in the extension host');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Info;
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function companion(): Promise<CompanionApi> {
  const ext = vscode.extensions.getExtension<CompanionApi>(COMPANION);
  assert.ok(ext, `${COMPANION} is installed in the profile`);
  return ext.activate();
}

function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    // No `ca` option: the emulator's certificate must be trusted through NODE_EXTRA_CA_CERTS alone.
    https.get(url, { headers: { authorization: `Bearer ${token}` } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', c => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    }).on('error', reject);
  });
}

suite('Harness', () => {
  let wasSignedIn = false;

  suiteSetup(async () => {
    wasSignedIn = (await (await companion()).sessions()).length > 0;
  });

  suiteTeardown(async () => {
    // Leave the sign-in state as the other suites found it.
    const api = await companion();
    if (!wasSignedIn) await api.removeAllSessions();
  });

  test('the extension host gets NODE_EXTRA_CA_CERTS and AKS_KMS_EMULATOR_INFO from the harness', () => {
    const ca = process.env.NODE_EXTRA_CA_CERTS;
    assert.ok(ca, 'NODE_EXTRA_CA_CERTS is set');
    assert.ok(fs.existsSync(ca), `${ca} exists`);
    assert.strictEqual(ca, info().caCertPath, 'it is the emulator certificate');
    assert.match(fs.readFileSync(ca, 'utf8'), /-----BEGIN CERTIFICATE-----/);
  });

  test('the user settings select the emulator as a custom cloud, the way VS Code selects Azure Stack Hub', () => {
    const config = vscode.workspace.getConfiguration('microsoft-sovereign-cloud');
    assert.strictEqual(config.get('environment'), 'custom');
    const custom = config.get<Record<string, string>>('customEnvironment');
    assert.strictEqual(custom?.resourceManagerEndpointUrl, `${info().armEndpoint}/`);
    assert.strictEqual(custom?.keyVaultDnsSuffix, '127.0.0.1');
    assert.strictEqual(vscode.workspace.getConfiguration('aksKms').get('cloud'), undefined, 'no product setting selects the cloud');
  });

  test('the built-in Microsoft authentication is disabled, so the companion serves its provider ids', () => {
    assert.strictEqual(vscode.extensions.getExtension('vscode.microsoft-authentication'), undefined);
  });

  test('signed out, the emulator provider has no session and a silent request returns none', async () => {
    const api = await companion();
    await api.removeAllSessions();
    const session = await vscode.authentication.getSession(PROVIDER, ['https://management.core.windows.net/.default'], { silent: true });
    assert.strictEqual(session, undefined);
  });

  test('after sign-in, getSession(createIfNone) returns a session whose token names the seeded tenant and user', async () => {
    const api = await companion();
    const changed = new Promise<void>(resolve => {
      const d = vscode.authentication.onDidChangeSessions(e => {
        if (e.provider.id === PROVIDER) {
          d.dispose();
          resolve();
        }
      });
    });
    await api.signIn();
    await changed;
    const scope = `${info().armEndpoint}/.default`;
    const session = await vscode.authentication.getSession(PROVIDER, [scope, `VSCODE_TENANT:${SEEDED_TENANT}`], { createIfNone: true });
    const c = claims(session.accessToken);
    assert.strictEqual(c.tid, SEEDED_TENANT);
    assert.strictEqual(c.oid, SEEDED_USER);
    assert.strictEqual(c.aud, info().armEndpoint);
    assert.ok(typeof c.exp === 'number' && c.exp * 1000 > Date.now() + 50 * 60_000, 'expires in about an hour');
    assert.strictEqual(session.account.label, 'emulator.user@contoso.example');

    // Another resource comes silently once signed in (as with the Microsoft provider).
    const vault = await vscode.authentication.getSession(PROVIDER, ['https://vault.azure.net/.default'], { silent: true });
    assert.ok(vault, 'a Key Vault session without a second sign-in');
    assert.strictEqual(claims(vault.accessToken).aud, 'https://vault.azure.net');
  });

  test('the emulator answers the extension host over HTTPS with the session token', async () => {
    const api = await companion();
    const session = await api.signIn([`${info().armEndpoint}/.default`]);
    const res = await getJson(`${info().armEndpoint}/subscriptions?api-version=2022-12-01`, session.accessToken);
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    const names = ((res.body as { value: { displayName: string }[] }).value ?? []).map(s => s.displayName);
    assert.ok(names.includes('Contoso Production'), `seeded subscriptions listed: ${names.join(', ')}`);
  });
});
