// Directories (tenants) in the emulator, through the real SDK clients and the product's fleet service: GET /tenants
// lists the user's directories, a token of one directory sees that directory's subscriptions and clusters only, and
// a subscription refuses a token of another directory the way ARM does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import { FleetService } from '../../src/azure/fleetService';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { SEED } from '../emulator/seed';
import { testCredential } from '../emulator/token';
import { admin, azureContext, info } from './support/azure';

const PARTNER = SEED.tenants.find((t) => t.displayName === 'Fabrikam Partners')!.tenantId;
const PARTNER_SUB = SEED.otherTenantSubscriptions.find((s) => s.tenantId === PARTNER)!.subscriptionId;

/** A credential whose tokens are for one directory (`tid`), as VS Code's `VSCODE_TENANT:` scope asks. */
function directoryCredential(tenantId: string): TokenCredential {
  const base = testCredential(info);
  return { getToken: (scopes, options) => base.getToken(scopes, { ...options, tenantId }) };
}

const armOptions = () => ({ endpoint: info.armEndpoint, credentials: { scopes: [`${info.armEndpoint}/.default`] } });

describe('directories (tenants) in the emulator', () => {
  before(async () => {
    await admin.reset();
    await admin.config({ guestDirectories: true });
  });
  after(async () => {
    await admin.reset();
  });

  it('Tenants_List names every directory of the user, whichever directory the token is for; off, only the home one', async () => {
    const client = new SubscriptionClient(testCredential(info), armOptions());
    const listed = [];
    for await (const t of client.tenants.list()) listed.push({ tenantId: t.tenantId, displayName: t.displayName, defaultDomain: t.defaultDomain, category: t.tenantCategory });
    assert.deepEqual(listed.map((t) => t.displayName).sort(), SEED.tenants.map((t) => t.displayName).sort());
    assert.ok(listed.every((t) => t.category === 'Home' && t.defaultDomain?.endsWith('.example')));
    await admin.config({ guestDirectories: false });
    try {
      const home = [];
      for await (const t of client.tenants.list()) home.push(t.tenantId);
      assert.deepEqual(home, [SEED.tenantId]);
    } finally {
      await admin.config({ guestDirectories: true });
    }
  });

  it("each directory's token lists that directory's subscriptions and clusters", async () => {
    const home = new SubscriptionClient(testCredential(info), armOptions());
    const homeSubs = [];
    for await (const s of home.subscriptions.list()) homeSubs.push(s.subscriptionId);
    assert.deepEqual(homeSubs.sort(), SEED.subscriptions.map((s) => s.subscriptionId).sort());

    const partnerCtx = azureContext(directoryCredential(PARTNER));
    const service = new FleetService(partnerCtx);
    assert.deepEqual((await service.listSubscriptions()).map((s) => [s.displayName, s.tenantId]), [['Partner Workloads', PARTNER]]);
    // Listing calls back again when a confirmation changes a cluster's facts: the last word per cluster counts.
    const clusters = new Map<string, string>();
    await service.loadClusters([PARTNER_SUB], { onClusters: (c) => c.forEach((x) => clusters.set(x.name, x.kms.kind)) });
    assert.deepEqual([...clusters].sort(), [['aks-partner-api', 'pmk'], ['aks-partner-batch', 'notEncrypted']]);

    // The home directory's Resource Graph does not see the partner's clusters, even when asked for its subscription.
    const fromHome: string[] = [];
    await new FleetService(azureContext()).loadClusters([PARTNER_SUB], { onClusters: (c) => fromHome.push(...c.map((x) => x.name)) });
    assert.deepEqual(fromHome, []);
  });

  it('a token of another directory is refused with InvalidAuthenticationTokenTenant', async () => {
    const id = `/subscriptions/${PARTNER_SUB}/resourceGroups/rg-partner/providers/Microsoft.ContainerService/managedClusters/aks-partner-api`;
    await assert.rejects(new ManagedClustersAdapter(azureContext(), '2026-10-01').get(id), (err: Error & { statusCode?: number; code?: string }) => {
      assert.equal(err.statusCode, 401);
      assert.match(err.message, /wrong issuer .*must match the tenant 'https:\/\/sts\.windows\.net\/5e1d4c3b/);
      return true;
    });
    const ok = await new ManagedClustersAdapter(azureContext(directoryCredential(PARTNER)), '2026-10-01').get(id);
    assert.equal(ok.name, 'aks-partner-api');
  });
});
