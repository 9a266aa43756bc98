/**
 * Nothing leaked: after every flow the other suites ran in this extension host (sign-in, listing, hovers, the CMK
 * wizard, platform keys, rotation, policy, resume), no token or key material appears in the output channel's log,
 * the plan journal or telemetry.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { signedInApi } from './helpers';

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;
const KEY_MATERIAL = /"(n|d|p|q|dp|dq|qi|k)"\s*:\s*"[A-Za-z0-9_-]{40,}/;
const BEARER = /Bearer\s+[A-Za-z0-9._-]{20,}/;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

suite('No leaks', () => {
  test('the output channel log, the plan journal and telemetry hold no token or key material', async () => {
    const api = await signedInApi();
    const ctx = api.account.context!;
    const token = (await ctx.credential.getToken(`${ctx.cloud.resourceManagerEndpoint}/.default`))!.token;
    // The log folder of this extension host: the LogOutputChannel "AKS KMS" writes a file there.
    const logsRoot = path.dirname(path.dirname(api.logUri.fsPath));
    const logs = filesUnder(logsRoot).filter(f => /AKS KMS/.test(path.basename(f)));
    assert.ok(logs.length > 0, `the "AKS KMS" log file exists under ${logsRoot}`);
    const logText = logs.map(f => fs.readFileSync(f, 'utf8')).join('\n');
    assert.ok(/Listed \d+ clusters/.test(logText) && /Enable CMK on /.test(logText), 'the log really recorded the flows');
    assert.match(logText, /Rejected a message from the CMK wizard webview: unknown message type/, 'malformed webview messages are logged');

    const journal = JSON.stringify(api.journal.entries());
    const telemetry = JSON.stringify(api.telemetry.recentlySent);
    for (const [what, text] of [['output channel log', logText], ['plan journal', journal], ['telemetry', telemetry]] as const) {
      assert.ok(!text.includes(token), `${what} contains the access token`);
      assert.doesNotMatch(text, JWT, `${what} contains a JWT`);
      assert.doesNotMatch(text, BEARER, `${what} contains a bearer token`);
      assert.doesNotMatch(text, KEY_MATERIAL, `${what} contains key material`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
