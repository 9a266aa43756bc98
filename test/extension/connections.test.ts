/**
 * In the real extension host, where VS Code's proxy support wraps every https request: the extension's Azure calls
 * reuse open TLS connections (src/azure/sharedAgent.ts) instead of a handshake per call. The emulator numbers the
 * connection each request arrived on.
 */
import * as assert from 'assert';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { allClusters, signedInApi } from './helpers';

suite('Connections', () => {
  test('loading the fleet and every key\'s health reuses connections, and a second load mostly finds them open in the pool', async () => {
    const info = readEmulatorInfo();
    const admin = emulatorAdmin(info);
    await admin.reset();
    const api = await signedInApi();
    await admin.clearRequests();
    await api.tree.refresh();
    const clusters = await allClusters(api);
    await Promise.all(clusters.filter(c => c.facts.kms.key).map(c => api.tree.loadKeyHealthFor(c)));
    const requests = (await admin.requests()).filter(r => !r.path.startsWith('/_emulator'));
    const arm = requests.filter(r => r.host === new URL(info.armEndpoint).host);
    const armConnections = new Set(arm.map(r => r.connection)).size;
    assert.ok(arm.length >= 10, `${arm.length} ARM requests`);
    // Parallel reads need parallel connections (how many depends on what else runs): some must already be reused
    // (before the fix every request had its own connection).
    assert.ok(armConnections < arm.length, `${arm.length} ARM requests on ${armConnections} connections`);

    // A second load finds the first load's connections idle in the pool and reuses them.
    const before = new Set(arm.map(r => r.connection));
    await admin.clearRequests();
    await api.tree.refresh();
    await Promise.all((await allClusters(api)).filter(c => c.facts.kms.key).map(c => api.tree.loadKeyHealthFor(c)));
    // Directory and subscription listings go through the Azure extensions' library's own clients, not ours.
    const ours = (r: { path: string }) => !/^\/(tenants|subscriptions)(\?|$)/.test(r.path);
    const again = (await admin.requests()).filter(r => r.host === new URL(info.armEndpoint).host && ours(r));
    const opened = new Set(again.map(r => r.connection).filter(c => !before.has(c)));
    assert.ok(again.length >= 5, `${again.length} ARM requests of the extension's own`);
    // At most what the parallel reads need beyond the pool the first load left (before the fix: one per request).
    assert.ok(opened.size * 2 < again.length, `the second load opened ${opened.size} new connections for ${again.length} requests: ${again.map(r => `${r.connection} ${r.method} ${r.path.split('?')[0]}`).join('\n')}`);
  });
});
