/**
 * Rotation age and key health in the real extension host: hover and detail rows before and after "Rotate Key Now",
 * "Set Rotation Policy…" applied, and the warning colours as the emulator's clock moves on.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { AksKmsApi } from '../../src/extension';
import type { ClusterNode } from '../../src/views/treeNodes';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, hoverText, signedInApi, withMessages } from './helpers';

const DAY = 86_400_000;

async function rows(api: AksKmsApi, node: ClusterNode): Promise<Record<string, string>> {
  const children = await api.tree.getChildren(node);
  const result: Record<string, string> = {};
  for (const c of children) {
    const item = api.tree.getTreeItem(c);
    result[String(item.label) === 'Warning' ? `Warning: ${item.description}` : String(item.label)] = String(item.description);
  }
  return result;
}

async function hover(api: AksKmsApi, name: string): Promise<string> {
  const node = await clusterByName(api, name);
  return hoverText(await api.tree.resolveTreeItem(api.tree.getTreeItem(node), node));
}

function iconColor(api: AksKmsApi, node: ClusterNode): string | undefined {
  const icon = api.tree.getTreeItem(node).iconPath as vscode.ThemeIcon;
  return icon.color?.id;
}

suite('Key rotation and health', () => {
  const admin = emulatorAdmin(readEmulatorInfo());
  setup(async () => {
    await admin.reset();
    await (await signedInApi()).tree.refresh();
  });

  test('hover and detail rows before and after Rotate Key Now', async () => {
    const api = await signedInApi();
    let node = await clusterByName(api, 'aks-prod-cmk-public');
    assert.match(await hover(api, 'aks-prod-cmk-public'), /current version created 12 days ago/);
    const before = await rows(api, node);
    assert.strictEqual(before['Key rotation'], 'current version created 12 days ago');
    assert.strictEqual(before['Rotation policy'], 'rotates 90 days after creation, expires after 1 year');

    const version = await vscode.commands.executeCommand<{ version: string }>('aksKms.rotateKey', node);
    assert.match(version.version, /^[0-9a-f]{32}$/);
    node = await clusterByName(api, 'aks-prod-cmk-public');
    const text = await hover(api, 'aks-prod-cmk-public');
    assert.match(text, /current version created 0 minutes ago — AKS picks it up within 6 hours/);
    assert.match(text, /AKS picks up a new version within 6 hours/, 'the pending-pickup note');
    const after = await rows(api, node);
    assert.strictEqual(after['Key rotation'], 'current version created 0 minutes ago — AKS picks it up within 6 hours');
  });

  test('Set Rotation Policy… applies the policy and the detail row shows it; an invalid one is refused', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-public');
    const bad = await vscode.commands.executeCommand<{ ok: boolean; problems?: { message: string }[] }>('aksKms.setRotationPolicy', node, { rotateAfter: 3 });
    assert.strictEqual(bad.ok, false);
    assert.match(bad.problems![0].message, /at least 7 days/);
    const good = await vscode.commands.executeCommand<{ ok: boolean }>('aksKms.setRotationPolicy', node, { rotateAfter: 30, expiresAfter: 'P1Y', notifyBeforeExpiry: 30 });
    assert.strictEqual(good.ok, true);
    const after = await rows(api, await clusterByName(api, 'aks-prod-cmk-public'));
    assert.strictEqual(after['Rotation policy'], 'rotates 30 days after creation, expires after 1 year, notifies 30 days before expiry');
  });

  test('Set Rotation Policy… asks before an expiry without rotation (cancel writes nothing); as an argument it is applied and logged', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-public');
    const before = (await rows(api, node))['Rotation policy'];
    // The three input boxes answered as a user would: no rotation, expire after a year, no notification.
    const win = vscode.window as unknown as { showInputBox: typeof vscode.window.showInputBox };
    const savedInput = win.showInputBox;
    const answers = ['', 'P1Y', ''];
    win.showInputBox = (async () => answers.shift()) as typeof vscode.window.showInputBox;
    try {
      await withMessages(async shown => {
        assert.strictEqual(await vscode.commands.executeCommand('aksKms.setRotationPolicy', node), undefined);
        assert.deepStrictEqual(shown.map(m => [m.severity, m.message, m.modal]), [['warning', 'Set this rotation policy on aks-kms?', true]]);
      });
    } finally {
      win.showInputBox = savedInput;
    }
    assert.strictEqual((await rows(api, await clusterByName(api, 'aks-prod-cmk-public')))['Rotation policy'], before, 'cancelled: the policy is unchanged');
    const applied = await vscode.commands.executeCommand<{ ok: boolean }>('aksKms.setRotationPolicy', node, { expiresAfter: 'P1Y' });
    assert.strictEqual(applied.ok, true);
  });

  test('warnings: a key past the maximum age, and a vault without purge protection, colour the icon and add rows', async () => {
    const api = await signedInApi();
    const fresh = await clusterByName(api, 'aks-prod-cmk-private');
    await rows(api, fresh);
    assert.strictEqual(iconColor(api, fresh), 'charts.green', 'a 30-day-old key is healthy');

    await admin.advanceClock(61 * DAY);
    await api.tree.refresh();
    const old = await clusterByName(api, 'aks-prod-cmk-private');
    const r = await rows(api, old);
    assert.strictEqual(r['Key rotation'], 'current version created 91 days ago');
    assert.ok('Warning: key version older than 90 days' in r, JSON.stringify(r));
    assert.strictEqual(iconColor(api, old), 'list.warningForeground');
    assert.match(api.tree.getTreeItem(old).contextValue ?? '', /;keyWarning$/);

    const legacy = await clusterByName(api, 'aks-stg-legacy');
    const lr = await rows(api, legacy);
    assert.ok('Warning: vault has no purge protection' in lr, JSON.stringify(lr));
    assert.match(await hover(api, 'aks-stg-legacy'), /kvstglegacy has no purge protection/);
  });
});
