/**
 * Several directories (tenants) in one tree, through the Azure sign-in library and the real vscode.authentication
 * API: the emulator makes the user a guest of two more directories, one of which refuses a silent token until the
 * user signs in to it (conditional access), and the subscription filter is the one the Azure extensions share.
 */
import * as assert from 'assert';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import type { AksKmsApi } from '../../src/extension';
import type { ClusterNode, DirectoryNode, FleetNode, MessageNode, SubscriptionNode } from '../../src/views/treeNodes';
import * as vscode from 'vscode';
import { companion, signedInApi, updateAnySetting, waitFor, withMessages } from './helpers';

const info = readEmulatorInfo();
const admin = emulatorAdmin(info);
const HOME = info.tenantId;
const tenantNamed = (name: string) => {
  const t = info.tenants?.find(x => x.displayName === name);
  assert.ok(t, `the emulator lists directory ${name}`);
  return t.tenantId;
};
const PARTNER = tenantNamed('Fabrikam Partners');
const MFA = tenantNamed('Woodgrove Bank');
const FILTER = 'azureResourceGroups.selectedSubscriptions';

async function children(api: AksKmsApi, node?: FleetNode): Promise<FleetNode[]> {
  return api.tree.getChildren(node);
}

async function directories(api: AksKmsApi): Promise<Map<string, DirectoryNode>> {
  const roots = await children(api);
  assert.ok(roots.every(r => r.kind === 'directory'), `the root lists directories (got ${roots.map(r => r.kind).join(', ')})`);
  return new Map((roots as DirectoryNode[]).map(d => [d.directory.displayName, d]));
}

async function clusterNames(api: AksKmsApi, subscription: SubscriptionNode): Promise<string[]> {
  return (await children(api, subscription)).filter((n): n is ClusterNode => n.kind === 'cluster').map(c => c.facts.name).sort();
}

suite('Directories (tenants)', () => {
  suiteSetup(async () => {
    await admin.reset();
    await admin.config({ guestDirectories: true });
    await updateAnySetting(FILTER, undefined);
    const api = await signedInApi();
    await api.tree.refresh();
  });

  suiteTeardown(async () => {
    await admin.config({ guestDirectories: false });
    await updateAnySetting(FILTER, undefined);
    // Forget the interactive sign-in to the MFA directory, so other suites start from one directory.
    await (await companion()).removeAllSessions();
    const api = await signedInApi();
    await api.tree.refresh();
  });

  test('every directory is a root row; the one that wants its own sign-in offers it; the others list their clusters', async () => {
    const api = await signedInApi();
    const dirs = await directories(api);
    assert.deepStrictEqual([...dirs.keys()].sort(), ['Contoso', 'Fabrikam Partners', 'Woodgrove Bank']);

    const contoso = await children(api, dirs.get('Contoso'));
    assert.deepStrictEqual(contoso.map(n => n.kind === 'subscription' && n.subscription.displayName).sort(), ['Contoso Production', 'Contoso Sandbox', 'Contoso Staging', 'Fabrikam Platform']);

    const partner = await children(api, dirs.get('Fabrikam Partners'));
    assert.deepStrictEqual(partner.map(n => n.kind === 'subscription' && n.subscription.displayName), ['Partner Workloads']);
    const partnerSub = partner[0] as SubscriptionNode;
    assert.strictEqual(partnerSub.subscription.tenantId, PARTNER);
    assert.deepStrictEqual(await clusterNames(api, partnerSub), ['aks-partner-api', 'aks-partner-batch']);
    const pmk = (await children(api, partnerSub)).find((n): n is ClusterNode => n.kind === 'cluster' && n.facts.name === 'aks-partner-api');
    assert.strictEqual(pmk?.facts.kms.kind, 'pmk', 'read with a token of the partner directory');

    const woodgrove = dirs.get('Woodgrove Bank')!;
    assert.strictEqual(woodgrove.directory.state, 'needsSignIn');
    const item = api.tree.getTreeItem(woodgrove);
    assert.match(String(item.description), /sign-in required/);
    const rows = await children(api, woodgrove);
    assert.strictEqual(rows.length, 1);
    const row = rows[0] as MessageNode;
    assert.strictEqual(row.kind, 'message');
    assert.strictEqual(row.command?.command, 'aksKms.signInToDirectory');
    assert.deepStrictEqual(row.command?.arguments, [MFA]);
  });

  test('the parent of a subscription is its directory (reveal walks it)', async () => {
    const api = await signedInApi();
    const dirs = await directories(api);
    const partnerSub = (await children(api, dirs.get('Fabrikam Partners'))).find((n): n is SubscriptionNode => n.kind === 'subscription')!;
    assert.strictEqual(api.tree.getParent(partnerSub), dirs.get('Fabrikam Partners'));
  });

  test('an action on a cluster of the directory not signed in to (from another view) says so and offers the sign-in', async () => {
    const id = '/subscriptions/66666666-6666-4666-8666-666666666666/resourceGroups/rg-payments/providers/Microsoft.ContainerService/managedClusters/aks-payments';
    await withMessages(async shown => {
      assert.strictEqual(await vscode.commands.executeCommand('aksKms.enablePmk', id), undefined);
      assert.deepStrictEqual(shown.map(m => [m.severity, m.message, m.items]), [[
        'warning',
        'Cannot act on cluster aks-payments: it belongs to a directory AKS KMS is not signed in to. Sign in to that directory, then run the action again.',
        ['Sign In to Directory…'],
      ]]);
    });
  });

  test('once the user signs in to that directory (at the provider), a refresh lists its subscriptions', async () => {
    // The command's own interactive sign-in needs VS Code's consent dialog, which extension-host tests cannot answer:
    // the UI suite clicks it (test/ui/directories.ui.test.mjs). Here the user signs in from the Accounts menu.
    const api = await signedInApi();
    await (await companion()).signIn([`${info.armEndpoint}/.default`, `VSCODE_TENANT:${MFA}`]);
    await api.tree.refresh();
    const woodgrove = (await directories(api)).get('Woodgrove Bank');
    assert.strictEqual(woodgrove?.directory.state, 'signedIn');
    const subs = (await children(api, woodgrove)).filter((n): n is SubscriptionNode => n.kind === 'subscription');
    assert.deepStrictEqual(subs.map(s => s.subscription.displayName), ['Woodgrove Payments']);
    assert.deepStrictEqual(await clusterNames(api, subs[0]), ['aks-payments']);
    assert.strictEqual(api.account.tenantOfSubscription(subs[0].subscription.subscriptionId), MFA, 'later calls for it carry a token of its directory');
  });

  test('a directory whose listing fails shows why, and the other directories still list their clusters', async () => {
    const api = await signedInApi();
    const [rule] = await admin.injectFaults({ fault: '503', retryAfterSeconds: 0, times: 'always', match: { tenant: PARTNER, pathRegex: '^/subscriptions$' } });
    try {
      await api.tree.refresh();
      const dirs = await directories(api);
      assert.strictEqual(dirs.get('Fabrikam Partners')?.directory.state, 'failed');
      const rows = await children(api, dirs.get('Fabrikam Partners'));
      assert.strictEqual(rows[0]?.kind, 'message');
      assert.match((rows[0] as MessageNode).text, /Could not list the subscriptions of Fabrikam Partners/);
      const contoso = (await children(api, dirs.get('Contoso'))).filter((n): n is SubscriptionNode => n.kind === 'subscription');
      assert.strictEqual(contoso.length, 4);
      assert.ok((await clusterNames(api, contoso.find(s => s.subscription.displayName === 'Contoso Production')!)).includes('aks-prod-pmk'));
      assert.ok(rule.id);
    } finally {
      await admin.clearFaults();
      await api.tree.refresh();
    }
  });

  test('the shared filter, written as the Azure view writes it, narrows the tree to its directories and subscriptions', async () => {
    const api = await signedInApi();
    const partnerSub = '55555555-5555-4555-8555-555555555555';
    const stagingSub = '22222222-2222-4222-8222-222222222222';
    try {
      await updateAnySetting(FILTER, [`${PARTNER}/${partnerSub}`, `${HOME}/${stagingSub}`]);
      // The configuration listener reloads the tree; wait for the narrowed listing.
      const dirs = await waitFor('the narrowed tree', async () => {
        await api.tree.ensureLoaded();
        const subs = api.tree.subscriptionNodes.map(s => s.subscription.subscriptionId).sort();
        return JSON.stringify(subs) === JSON.stringify([stagingSub, partnerSub].sort()) ? directories(api) : undefined;
      });
      assert.deepStrictEqual([...dirs.keys()].sort(), ['Contoso', 'Fabrikam Partners'], 'a directory without a selected subscription is left out');
      assert.deepStrictEqual((await children(api, dirs.get('Contoso'))).map(n => n.kind === 'subscription' && n.subscription.displayName), ['Contoso Staging']);
      // One subscription of one directory left: the directory row stays, so the subscription still says where it is.
      await updateAnySetting(FILTER, [`${PARTNER}/${partnerSub}`]);
      const one = await waitFor('one directory left', async () => {
        await api.tree.ensureLoaded();
        return api.tree.subscriptionNodes.length === 1 ? directories(api) : undefined;
      });
      assert.deepStrictEqual([...one.keys()], ['Fabrikam Partners']);
    } finally {
      await updateAnySetting(FILTER, undefined);
      await waitFor('every subscription again', async () => {
        await api.tree.ensureLoaded();
        return api.tree.subscriptionNodes.length === 6 ? true : undefined;
      });
    }
  });
});
