/** Telemetry follows telemetry.telemetryLevel: with usage data off (as in this profile), nothing reaches the sender. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { signedInApi } from './helpers';

suite('Telemetry', () => {
  test('with telemetry off, commands run and no event is sent', async () => {
    const api = await signedInApi();
    assert.strictEqual(vscode.workspace.getConfiguration('telemetry').get('telemetryLevel'), 'off');
    assert.strictEqual(vscode.env.isTelemetryEnabled, false);
    const before = api.telemetry.recentlySent.length;
    await vscode.commands.executeCommand('aksKms.refresh');
    assert.strictEqual(api.telemetry.usageEnabled, false);
    assert.strictEqual(api.telemetry.recentlySent.length, before, 'no event handed to the sender');
    assert.strictEqual(before, 0);
  });
});
