/** The "AKS KMS" tree against the seeded emulator fleet: items, descriptions, context values, hovers, detail rows. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { emulatorAdmin, emulatorRequest, readEmulatorInfo } from '../emulator/client';
import { mintTestToken } from '../emulator/token';
import { allClusters, clusterByName, hoverText, rootSubscriptions, signedInApi, updateAnySetting, waitFor } from './helpers';

/** The seeded fleet as the user must see it (docs/CONTRACTS.md). */
const EXPECTED: { name: string; subscription: string; description: string; context: RegExp; hover: RegExp[] }[] = [
  { name: 'aks-prod-plain', subscription: 'Contoso Production', description: 'not encrypted', context: /^cluster;state:none;identity:userAssigned;k8s:supported;vnet:yes$/, hover: [/not encrypted/, /1\.33\.2/] },
  { name: 'aks-prod-pmk', subscription: 'Contoso Production', description: 'PMK', context: /^cluster;state:pmk;/, hover: [/platform-managed keys/] },
  {
    name: 'aks-prod-cmk-public', subscription: 'Contoso Production', description: 'CMK · public', context: /^cluster;state:cmk;net:public;/,
    hover: [/\/keys\/aks-kms`/, /kvprodpublic/, /Network access \| Public/, /user-assigned \\\(id-aks-prod-cmk-public\\\)/, /1\.34\.1/, /current version created 12 days ago/],
  },
  {
    name: 'aks-prod-cmk-private', subscription: 'Contoso Production', description: 'CMK · private', context: /^cluster;state:cmk;net:private;/,
    hover: [/kvprodprivate/, /Private/, /current version created 30 days ago/],
  },
  {
    name: 'aks-stg-legacy', subscription: 'Contoso Staging', description: 'legacy KMS', context: /^cluster;state:legacy;net:public;/,
    hover: [/\/keys\/etcd-key\/[0-9a-f]{32}`/, /version in use created 120 days ago/, /newer version was created 95 days ago/],
  },
  { name: 'aks-stg-old', subscription: 'Contoso Staging', description: 'not encrypted', context: /k8s:tooOld/, hover: [/1\.32\.6 \\\(KMS needs 1\.33 or later\\\)/] },
  { name: 'aks-stg-sysid', subscription: 'Contoso Staging', description: 'not encrypted', context: /identity:systemAssigned/, hover: [/system-assigned/, /switches the control-plane identity to a user-assigned identity/] },
  { name: 'aks-stg-novnet', subscription: 'Contoso Staging', description: 'not encrypted', context: /vnet:no$/, hover: [/not encrypted/] },
  {
    name: 'aks-stg-sp', subscription: 'Contoso Staging', description: 'not encrypted', context: /identity:none/,
    hover: [/KMS with platform or customer-managed keys needs a managed identity: move the cluster to one first \\\(az aks update --enable-managed-identity\\\)/],
  },
  { name: 'aks-fab-cmk-public', subscription: 'Fabrikam Platform', description: 'CMK · public', context: /state:cmk;net:public/, hover: [/kvfabkeys/, /current version created 95 days ago/] },
  { name: 'aks-fab-pmk', subscription: 'Fabrikam Platform', description: 'PMK', context: /state:pmk/, hover: [/platform-managed/] },
  { name: 'aks-fab-plain', subscription: 'Fabrikam Platform', description: 'not encrypted', context: /state:none.*vnet:no/, hover: [/not encrypted/] },
  { name: 'aks-fab-cmk-private', subscription: 'Fabrikam Platform', description: 'CMK · private', context: /state:cmk;net:private/, hover: [/current version created 2 hours ago — AKS picks it up within 6 hours/] },
];

suite('Fleet tree', () => {
  suiteSetup(async () => {
    await emulatorAdmin(readEmulatorInfo()).reset();
    await updateAnySetting('azureResourceGroups.selectedSubscriptions', undefined);
    const api = await signedInApi();
    await api.tree.refresh();
  });

  test('lists every subscription, the empty one with a message', async () => {
    const api = await signedInApi();
    const subs = await rootSubscriptions(api);
    assert.deepStrictEqual(subs.map(s => s.subscription.displayName).sort(), ['Contoso Production', 'Contoso Sandbox', 'Contoso Staging', 'Fabrikam Platform']);
    const sandbox = subs.find(s => s.subscription.displayName === 'Contoso Sandbox')!;
    const children = await api.tree.getChildren(sandbox);
    assert.strictEqual(children.length, 1);
    assert.strictEqual(children[0].kind, 'message');
    const prod = api.tree.getTreeItem(subs.find(s => s.subscription.displayName === 'Contoso Production')!);
    assert.strictEqual(prod.description, '3 of 4 encrypted');
    assert.strictEqual(prod.id, '/subscriptions/11111111-1111-4111-8111-111111111111');
  });

  test('every seeded cluster: description, icon, ARM id, contextValue', async () => {
    const api = await signedInApi();
    const clusters = await allClusters(api);
    assert.deepStrictEqual(clusters.map(c => c.facts.name).sort(), EXPECTED.map(e => e.name).sort());
    for (const e of EXPECTED) {
      const node = clusters.find(c => c.facts.name === e.name)!;
      const item = api.tree.getTreeItem(node);
      assert.strictEqual(item.label, e.name);
      assert.strictEqual(item.description, e.description, `${e.name} description`);
      assert.match(String(item.contextValue), e.context, `${e.name} contextValue ${item.contextValue}`);
      assert.match(String(item.id), new RegExp(`^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\\.ContainerService/managedClusters/${e.name}$`, 'i'));
      assert.ok(item.iconPath instanceof vscode.ThemeIcon, `${e.name} has a codicon`);
      const parent = api.tree.getParent(node);
      assert.strictEqual(parent?.kind === 'subscription' ? parent.subscription.displayName : undefined, e.subscription);
    }
  });

  test('every seeded cluster: hover with key ID, vault, network access, identity, version and rotation age', async () => {
    const api = await signedInApi();
    for (const e of EXPECTED) {
      const node = await clusterByName(api, e.name);
      const item = await api.tree.resolveTreeItem(api.tree.getTreeItem(node), node);
      const text = hoverText(item);
      for (const pattern of e.hover) {
        assert.match(text, pattern, `${e.name} hover:\n${text}`);
      }
    }
  });

  test('detail rows of a CMK cluster', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-private');
    // Contoso Production has the KMS policy assigned; its states arrive after the clusters.
    await waitFor('the policy state', () => api.tree.kmsPolicyOf(node));
    const rows = await api.tree.getChildren(node);
    const described = Object.fromEntries(rows.map(r => {
      const item = api.tree.getTreeItem(r);
      return [String(item.label), String(item.description)];
    }));
    assert.deepStrictEqual(Object.keys(described), ['Encryption', 'Key', 'Key vault', 'Network access', 'Key rotation', 'Rotation policy', 'Azure Policy (KMS)', 'Identity', 'Kubernetes']);
    assert.strictEqual(described['Azure Policy (KMS)'], 'compliant');
    assert.strictEqual(described['Rotation policy'], 'none (rotate manually)');
    assert.strictEqual(described['Encryption'], 'CMK · private');
    assert.strictEqual(described['Key'], 'aks-kms');
    assert.strictEqual(described['Key vault'], 'kvprodprivate');
    assert.match(described['Network access'], /^Private/);
    assert.strictEqual(described['Key rotation'], 'current version created 30 days ago');
    assert.strictEqual(described['Kubernetes'], '1.34.1');
  });

  test('within 6 hours of a rotation, the detail rows name the previous version AKS may still use and until when', async () => {
    const api = await signedInApi();
    // kvfabprivate/kms-key: versions 60 days and 2 hours old (seed.ts).
    const node = await clusterByName(api, 'aks-fab-cmk-private');
    const rows = await api.tree.getChildren(node);
    const pickup = rows.map(r => api.tree.getTreeItem(r)).find(i => i.label === 'AKS may still use');
    assert.ok(pickup, `a pickup row (rows: ${rows.map(r => api.tree.getTreeItem(r).label).join(', ')})`);
    assert.match(String(pickup.description), /^version [0-9a-f]{8} until \d\d:\d\d UTC \((no expiry|expires \d{4}-\d\d-\d\d \d\d:\d\d UTC)\)$/);
    assert.strictEqual(pickup.iconPath instanceof vscode.ThemeIcon && pickup.iconPath.color, undefined, 'an enabled, unexpired previous version is no warning');
    const health = await api.tree.loadKeyHealthFor(node);
    const previous = health.health?.health.summary.mayStillUse;
    assert.ok(previous, 'the key health names the version');
    assert.ok(String(pickup.description).startsWith(`version ${previous.version.slice(0, 8)}`));
    assert.ok(Date.now() - previous.createdOn.getTime() > 59 * 86_400_000, 'the 60-day-old version, not the new one');
    // A CMK cluster without a recent rotation has no such row.
    const settled = await api.tree.getChildren(await clusterByName(api, 'aks-prod-cmk-private'));
    assert.ok(!settled.some(r => api.tree.getTreeItem(r).label === 'AKS may still use'));
  });

  test('where the built-in KMS policy is assigned, a row says what it reports, and why PMK is non-compliant', async () => {
    const api = await signedInApi();
    const row = async (name: string) => {
      const node = await clusterByName(api, name);
      // The policy states are read after the clusters; wait for them.
      await waitFor(`policy state of ${name}`, () => (api.tree.kmsPolicyOf(node) || name.startsWith('aks-stg') ? true : undefined));
      return (await api.tree.getChildren(node)).map(r => api.tree.getTreeItem(r)).find(i => i.label === 'Azure Policy (KMS)');
    };
    const pmk = await row('aks-prod-pmk');
    assert.strictEqual(pmk?.description, 'non-compliant');
    assert.match(String(pmk?.tooltip), /Platform-managed keys encrypt the Secrets, but this policy asks for a customer-managed key/);
    assert.strictEqual((await row('aks-prod-cmk-public'))?.description, 'compliant');
    assert.strictEqual(await row('aks-stg-old'), undefined, 'no row where the policy is not assigned');
    assert.match(hoverText(await api.tree.resolveTreeItem(api.tree.getTreeItem(await clusterByName(api, 'aks-prod-pmk')), await clusterByName(api, 'aks-prod-pmk'))), /this policy asks for a customer-managed key/);
  });

  test('a deleted key: the cluster turns red, the rotation row gives the purge date, and the warning how to recover', async () => {
    const info = readEmulatorInfo();
    const api = await signedInApi();
    const keyId = (await clusterByName(api, 'aks-prod-cmk-public')).facts.kms.keyId!;
    // Deleted by someone in Key Vault (the data plane's Delete Key; soft delete keeps it 90 days).
    const deleted = await emulatorRequest(info, { method: 'DELETE', url: `${keyId}?api-version=2025-07-01`, token: mintTestToken({ aud: 'https://vault.azure.net' }) });
    assert.strictEqual(deleted.status, 200, JSON.stringify(deleted.body));
    try {
      await api.tree.refresh();
      const node = await clusterByName(api, 'aks-prod-cmk-public');
      await api.tree.loadKeyHealthFor(node);
      const item = api.tree.getTreeItem(node);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon && item.iconPath.color instanceof vscode.ThemeColor);
      assert.strictEqual((item.iconPath.color as vscode.ThemeColor).id, 'list.errorForeground');
      const rows = (await api.tree.getChildren(node)).map(r => api.tree.getTreeItem(r));
      const rotation = rows.find(r => r.label === 'Key rotation');
      assert.match(String(rotation?.description), /^key deleted on \d{4}-\d\d-\d\d; Key Vault purges it on \d{4}-\d\d-\d\d$/);
      assert.ok(!rows.some(r => r.label === 'Rotation policy'), 'no rotation policy row for a deleted key');
      const warning = rows.find(r => r.label === 'Warning');
      assert.strictEqual(warning?.description, 'key deleted (recover it before the purge)');
      assert.match(hoverText(await api.tree.resolveTreeItem(item, node)), /Recover it now \\?\(az keyvault key recover --vault-name kvprodpublic --name aks-kms\\?\)/);
    } finally {
      await emulatorAdmin(info).reset();
      await api.tree.refresh();
    }
  });

  test('subscription filter: only the selected subscriptions are listed', async () => {
    const api = await signedInApi();
    try {
      await updateAnySetting('azureResourceGroups.selectedSubscriptions', ['7f3c2a10-5b1e-4c7d-9a0e-1d2c3b4a5f60/33333333-3333-4333-8333-333333333333']);
      await api.tree.refresh();
      const subs = await rootSubscriptions(api);
      assert.deepStrictEqual(subs.map(s => s.subscription.displayName), ['Fabrikam Platform']);
      assert.deepStrictEqual((await allClusters(api)).map(c => c.facts.name).sort(), ['aks-fab-cmk-private', 'aks-fab-cmk-public', 'aks-fab-plain', 'aks-fab-pmk']);
    } finally {
      await updateAnySetting('azureResourceGroups.selectedSubscriptions', undefined);
      await api.tree.refresh();
    }
    assert.strictEqual((await rootSubscriptions(api)).length, 4);
  });

  test('when Resource Graph omits preview fields, PMK is confirmed with per-cluster GETs', async () => {
    const api = await signedInApi();
    const admin = emulatorAdmin(readEmulatorInfo());
    try {
      await admin.config({ resourceGraphOmitsPreviewFields: true });
      await admin.clearRequests();
      await api.tree.refresh();
      const pmk = await clusterByName(api, 'aks-prod-pmk');
      assert.strictEqual(api.tree.getTreeItem(pmk).description, 'PMK');
      assert.strictEqual(api.tree.getTreeItem(await clusterByName(api, 'aks-prod-plain')).description, 'not encrypted');
      assert.strictEqual(api.tree.getTreeItem(await clusterByName(api, 'aks-prod-cmk-public')).description, 'CMK · public');
      const gets = (await admin.requests()).filter(r => r.method === 'GET' && /managedClusters\/[^/?]+$/i.test(r.path.split('?')[0]));
      // CMK clusters are known from azureKeyVaultKms alone, and aks-stg-old (Kubernetes 1.32: no platform keys there)
      // from its version; only the 7 others need a GET.
      assert.strictEqual(gets.length, 7, `cluster GETs: ${gets.map(g => g.path).join(', ')}`);
      assert.ok(!gets.some(g => /\/aks-stg-old\?/.test(g.path)));
    } finally {
      await admin.config({ resourceGraphOmitsPreviewFields: false });
      await api.tree.refresh();
    }
  });

  test('key health after a refresh: the vaults in one query, nothing on a vault\'s host, and only rows with a key warning redrawn', async () => {
    const info = readEmulatorInfo();
    const admin = emulatorAdmin(info);
    const api = await signedInApi();
    await api.tree.ensurePolicyStatesLoaded(); // the suite's own load is over: its redraws are not counted
    const redrawn = new Map<string, number>();
    let wholeTree = 0;
    const listener = api.tree.onDidChangeTreeData(e => {
      for (const node of Array.isArray(e) ? e : e ? [e] : []) {
        if (node.kind === 'cluster') {
          redrawn.set(node.facts.name, (redrawn.get(node.facts.name) ?? 0) + 1);
        }
      }
      wholeTree += e === undefined ? 1 : 0;
    });
    try {
      await admin.clearRequests();
      await api.tree.refresh();
      const withKeys = (await allClusters(api)).filter(c => c.facts.kms.key);
      await waitFor('the key health of every cluster with a key', () => (withKeys.every(c => api.tree.keyHealthOf(c)) ? true : undefined));
      const warned = withKeys.filter(c => api.tree.keyHealthOf(c)?.health?.health.warnings.some(w => w.severity !== 'info')).map(c => c.facts.name).sort();
      await api.tree.ensurePolicyStatesLoaded();
      // A row is redrawn when the KMS policy's state for it arrives (its hover and detail rows show it), and once
      // more when its key health brings a warning — not for a key health that changes nothing on the row.
      const expected = (await allClusters(api)).map(c => [c.facts.name, (api.tree.kmsPolicyOf(c) ? 1 : 0) + (warned.includes(c.facts.name) ? 1 : 0)] as const)
        .filter(([, n]) => n > 0).sort();
      await waitFor('the redraw of the rows with a warning', () => (warned.every(n => (redrawn.get(n) ?? 0) >= (expected.find(([e]) => e === n)?.[1] ?? 1)) ? true : undefined));
      await new Promise(r => setTimeout(r, 300)); // a later redraw batch would show here
      assert.deepStrictEqual(warned, ['aks-fab-cmk-public', 'aks-stg-legacy'], 'the seeded keys older than 90 days');
      assert.deepStrictEqual([...redrawn].sort(), expected, `rows without a key warning are redrawn only for the policy state: ${JSON.stringify([...redrawn].sort())}`);
      assert.ok(withKeys.some(c => !warned.includes(c.facts.name)), 'clusters with a healthy key exist');
      assert.strictEqual(wholeTree, 2, 'the whole tree when Refresh starts and when the subscriptions are listed; not again when the clusters are');

      const requests = (await admin.requests()).filter(r => !r.path.startsWith('/_emulator'));
      const armHost = new URL(info.armEndpoint).host;
      assert.deepStrictEqual(requests.filter(r => r.host !== armHost).map(r => r.path), [], 'no request to a vault\'s own host');
      assert.deepStrictEqual(requests.filter(r => /\/vaults(\/[^/?]+)?\?/i.test(r.path)).map(r => r.path), [], 'no vault read on its own');
    } finally {
      listener.dispose();
    }
  });

  test('aksKms.maxKeyAgeDays decides which keys are too old; a new value holds from the next Refresh', async () => {
    const api = await signedInApi();
    const tooOld = async () => {
      await api.tree.refresh();
      const withKeys = (await allClusters(api)).filter(c => c.facts.kms.key);
      await waitFor('the key health of every cluster with a key', () => (withKeys.every(c => api.tree.keyHealthOf(c)) ? true : undefined));
      return withKeys.filter(c => api.tree.keyHealthOf(c)?.health?.health.warnings.some(w => w.code === 'too-old')).map(c => c.facts.name).sort();
    };
    try {
      const byDefault = await tooOld();
      assert.deepStrictEqual(byDefault, ['aks-fab-cmk-public', 'aks-stg-legacy'], 'older than the default 90 days');
      await updateAnySetting('aksKms.maxKeyAgeDays', 1);
      const strict = await tooOld();
      assert.ok(strict.length > byDefault.length && byDefault.every(n => strict.includes(n)), `a 1-day limit warns of more keys: ${strict.join(', ')}`);
      await updateAnySetting('aksKms.maxKeyAgeDays', 3650);
      assert.deepStrictEqual(await tooOld(), [], 'no seeded key is ten years old');
    } finally {
      await updateAnySetting('aksKms.maxKeyAgeDays', undefined);
      await api.tree.refresh();
    }
  });

  test('Refresh picks up changes made outside VS Code', async () => {
    const api = await signedInApi();
    const before = (await allClusters(api)).length;
    await vscode.commands.executeCommand('aksKms.refresh');
    assert.strictEqual((await allClusters(api)).length, before);
    const ids = new Set((await allClusters(api)).map(c => c.facts.id));
    assert.strictEqual(ids.size, before, 'ids are unique ARM ids');
  });
});

suite('Cluster commands', () => {
  test('Copy Key ID puts the versionless key ID on the clipboard', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-public');
    await vscode.commands.executeCommand('aksKms.copyKeyId', node);
    const clip = await vscode.env.clipboard.readText();
    assert.match(clip, /^https:\/\/127\.0\.0\.1:\d+\/keys\/aks-kms$/);
    assert.strictEqual(clip, node.facts.kms.keyId);
  });

  test('Show Security Profile opens the cluster\'s securityProfile as JSON', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-private');
    const content = await vscode.commands.executeCommand<string>('aksKms.showSecurityProfile', node);
    const profile = JSON.parse(content);
    assert.strictEqual(profile.azureKeyVaultKms.enabled, true);
    assert.strictEqual(profile.azureKeyVaultKms.keyVaultNetworkAccess, 'Private');
    assert.match(profile.azureKeyVaultKms.keyVaultResourceId, /\/vaults\/kvprodprivate$/);
    assert.strictEqual(profile.kubernetesResourceObjectEncryptionProfile.infrastructureEncryption, 'Enabled');
    const editor = vscode.window.activeTextEditor;
    assert.strictEqual(editor?.document.languageId, 'json');
    assert.strictEqual(editor?.document.uri.scheme, 'aks-kms', 'a read-only document, never "save changes?"');
    assert.strictEqual(editor?.document.uri.path, '/aks-prod-cmk-private/securityProfile.json');
    assert.strictEqual(editor?.document.getText(), content);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('Open in Portal builds a link to the cloud\'s portal', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-fab-pmk');
    const url = await vscode.commands.executeCommand<string>('aksKms.openInPortal', node);
    assert.ok(url.startsWith(`${api.account.cloud!.portalUrl}/#@`), url);
    assert.ok(url.endsWith(`/resource${node.facts.id}`), url);
  });
});
