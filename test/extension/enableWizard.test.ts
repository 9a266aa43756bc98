/**
 * The CMK wizard in the real extension host: the command opens the webview panel for the cluster, and the wizard's
 * messages (what the webview posts) drive preflight, the plan and the run against the emulator.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { HostToWebview, WizardForm } from '../../src/webview/protocol';
import type { EnableWizardPanel } from '../../src/views/wizard/enableWizardPanel';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, signedInApi } from './helpers';

function nextMessage(panel: EnableWizardPanel, type: HostToWebview['type'], timeoutMs = 30_000): Promise<HostToWebview> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = panel.onDidPost(m => {
      if (m.type === type) {
        clearTimeout(timer);
        sub.dispose();
        resolve(m);
      }
    });
  });
}

suite('CMK wizard', () => {
  const admin = emulatorAdmin(readEmulatorInfo());
  suiteSetup(async () => {
    await admin.reset();
    await admin.config({ featureRegistrationDelayMs: 300, clusterUpdateDurationMs: 300, vaultCreateDurationMs: 200 });
    await (await signedInApi()).tree.refresh();
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Enable KMS (CMK)… runs a private-vault plan end to end and the tree shows CMK · private', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-plain');
    const panel = await vscode.commands.executeCommand<EnableWizardPanel>('aksKms.enableCmk', node);
    assert.ok(panel, 'the command returns the wizard');
    assert.strictEqual(panel.panel.title, 'Enable KMS (CMK): aks-prod-plain');

    const init = nextMessage(panel, 'init');
    await panel.receive({ type: 'ready' });
    const initMessage = (await init) as Extract<HostToWebview, { type: 'init' }>;
    assert.strictEqual(initMessage.cluster.name, 'aks-prod-plain');
    assert.strictEqual(initMessage.defaults.identity.kind, 'existing', 'defaults to the cluster\'s own identity');
    assert.ok(initMessage.vaults.some(v => v.label === 'kvprodpublic'), 'existing vaults offered');

    const form: WizardForm = {
      ...initMessage.defaults,
      networkAccess: 'Private',
      vault: { kind: 'new', name: 'kvwizard01', resourceGroup: 'rg-prod', location: 'eastus' },
    };
    const checked = nextMessage(panel, 'checked');
    await panel.receive({ type: 'check', form });
    const plan = (await checked) as Extract<HostToWebview, { type: 'checked' }>;
    assert.strictEqual(plan.blocked, false, JSON.stringify(plan.findings));
    // The firewall can be opened again: no "cannot be undone" badge; its row says what it changes instead.
    const lock = plan.steps.find(s => s.id === 'lockFirewall');
    assert.ok(lock, 'the firewall step is planned');
    assert.strictEqual(lock.irreversible, false, 'lockFirewall is not irreversible');
    assert.match(lock.description ?? '', /Blocks public network access.*trusted Azure service/);
    assert.ok(plan.steps.some(s => s.id === 'updateCluster' && s.irreversible), 'the cluster update still is');
    assert.match(plan.script, /az keyvault update --name kvwizard01 .*--default-action Deny --bypass AzureServices/);

    const steps: string[] = [];
    const everything: HostToWebview[] = [];
    const sub = panel.onDidPost(m => {
      everything.push(m);
      if (m.type === 'step') {
        steps.push(`${m.stepId}:${m.status}`);
      }
    });
    const finished = nextMessage(panel, 'finished', 60_000);
    await panel.receive({ type: 'run', form, confirmedIrreversible: true });
    const result = (await finished) as Extract<HostToWebview, { type: 'finished' }>;
    sub.dispose();
    assert.strictEqual(result.status, 'succeeded', result.message);
    const profile = JSON.parse(result.securityProfile!);
    assert.strictEqual(profile.azureKeyVaultKms.keyVaultNetworkAccess, 'Private');
    assert.match(profile.azureKeyVaultKms.keyId, /\/keys\/aks-kms$/);
    assert.ok(steps.includes('lockFirewall:done') && steps.includes('updateCluster:done') && steps.includes('verify:done'), steps.join(' '));
    // The finished step's event carries its outcome (or nothing), never the progress line shown while it ran.
    const updateDone = everything.find(m => m.type === 'step' && m.stepId === 'updateCluster' && m.status === 'done') as Extract<HostToWebview, { type: 'step' }>;
    assert.doesNotMatch(updateDone.message ?? '', /updating the cluster/);
    assert.strictEqual(result.followUp, undefined, 'no legacy follow-up for a cluster that was not on legacy KMS');
    // Nothing sent to the webview (its state) carries a token or key material.
    const webviewState = JSON.stringify([initMessage, plan, ...everything]);
    assert.doesNotMatch(webviewState, /eyJ[A-Za-z0-9_-]{8,}\.eyJ|Bearer |"n"\s*:\s*"[A-Za-z0-9_-]{40,}/);

    await api.tree.ensureLoaded();
    const after = await clusterByName(api, 'aks-prod-plain');
    assert.strictEqual(api.tree.getTreeItem(after).description, 'CMK · private');
  });

  test('Move to the New KMS Experience… on a legacy cluster ends with the documented Secrets rewrite, copyable', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-stg-legacy');
    assert.strictEqual(node.facts.kms.kind, 'legacy');
    const panel = await vscode.commands.executeCommand<EnableWizardPanel>('aksKms.moveToNewExperience', node);
    const init = nextMessage(panel, 'init');
    await panel.receive({ type: 'ready' });
    const form = ((await init) as Extract<HostToWebview, { type: 'init' }>).defaults;
    assert.deepStrictEqual(form.key, { kind: 'existing', name: 'etcd-key' }, 'prefilled with the cluster\'s own key');
    const checked = nextMessage(panel, 'checked');
    await panel.receive({ type: 'check', form });
    const plan = (await checked) as Extract<HostToWebview, { type: 'checked' }>;
    assert.strictEqual(plan.blocked, false, JSON.stringify(plan.findings));
    const finished = nextMessage(panel, 'finished', 60_000);
    await panel.receive({ type: 'run', form, confirmedIrreversible: true });
    const result = (await finished) as Extract<HostToWebview, { type: 'finished' }>;
    assert.strictEqual(result.status, 'succeeded', result.message);
    assert.ok(result.followUp, 'the result page carries the follow-up');
    assert.strictEqual(result.followUp.command, 'kubectl get secrets --all-namespaces -o json | kubectl replace -f -');
    assert.match(result.followUp.message, /written before this change stay encrypted with the legacy key version until they are rewritten/);
    await vscode.env.clipboard.writeText('');
    await panel.receive({ type: 'copyFollowUp' });
    assert.strictEqual(await vscode.env.clipboard.readText(), result.followUp.command, 'Copy command copies the host\'s command');
  });

  test('a blocked plan shows its findings and runs nothing', async () => {
    const api = await signedInApi();
    await admin.clearRequests();
    const panel = await vscode.commands.executeCommand<EnableWizardPanel>('aksKms.enableCmk', await clusterByName(api, 'aks-stg-old'));
    const checked = nextMessage(panel, 'checked');
    await panel.receive({
      type: 'check',
      form: { networkAccess: 'Private', vault: { kind: 'new', name: 'kvblocked01', resourceGroup: 'rg-stg', location: 'eastus' }, key: { kind: 'new', name: 'aks-kms' }, identity: { kind: 'new', name: 'id-x', resourceGroup: 'rg-stg', location: 'eastus' }, enablePurgeProtection: true },
    });
    const plan = (await checked) as Extract<HostToWebview, { type: 'checked' }>;
    assert.strictEqual(plan.blocked, true);
    assert.ok(plan.findings.some(f => f.code === 'k8s-too-old'));
    const writes = (await admin.requests()).filter(r => r.write && !r.path.startsWith('/_emulator'));
    assert.deepStrictEqual(writes, []);
  });

  test('the webview is hardened: strict CSP with a nonce, only the extension\'s dist/ and media/ folders', async () => {
    const api = await signedInApi();
    const panel = await vscode.commands.executeCommand<EnableWizardPanel>('aksKms.enableCmk', await clusterByName(api, 'aks-fab-pmk'));
    const html = panel.panel.webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{16,})'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // Every source is 'none', the nonce, or the webview's own resource origin: no remote origins.
    const allowed = new Set([...panel.panel.webview.cspSource.split(/\s+/), "'none'", `'nonce-${nonce}'`]);
    for (const directive of csp.split(';').map(d => d.trim()).filter(Boolean)) {
      for (const source of directive.split(/\s+/).slice(1)) {
        assert.ok(allowed.has(source), `CSP source ${source} in "${directive}"`);
      }
    }
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map(m => m[1]);
    assert.ok(scripts.length > 0 && scripts.every(attrs => attrs.includes(`nonce="${nonce}"`)), 'every script carries the nonce');
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script bodies');
    const roots = (panel.panel.webview.options.localResourceRoots ?? []).map(u => u.path.split('/').slice(-1)[0]).sort();
    assert.deepStrictEqual(roots, ['dist', 'media']);
    assert.strictEqual(panel.panel.webview.options.enableCommandUris, undefined, 'no command links from the webview');
  });

  test('malformed or unknown webview messages are rejected and change nothing', async () => {
    const api = await signedInApi();
    const panel = await vscode.commands.executeCommand<EnableWizardPanel>('aksKms.enableCmk', await clusterByName(api, 'aks-fab-plain'));
    const posted: HostToWebview[] = [];
    const sub = panel.onDidPost(m => posted.push(m));
    for (const bad of [null, 'run', { type: 'rm -rf' }, { type: 'run', form: {} }, { type: 'run', form: { networkAccess: 'Public' }, confirmedIrreversible: false }, { type: 'check', form: { networkAccess: 'Everywhere' } }, { type: 'ready', extra: 1 }]) {
      await panel.receive(bad);
    }
    sub.dispose();
    assert.deepStrictEqual(posted, [], 'no reply, no action');
  });
});
