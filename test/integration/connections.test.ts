/**
 * Connections: every Azure client of the extension shares one keep-alive HTTPS agent (src/azure/sharedAgent.ts), so
 * calls through new clients — the adapters make one per call — reuse an open TLS connection instead of a handshake
 * each. The emulator numbers the connection each request arrived on.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findVault } from '../../src/azure/keyVault';
import { listKeyVersionsFromDataPlane } from '../../src/azure/keyVaultData';
import { admin, azureContext, SUB1 } from './support/azure';

const KV_PROD_PUBLIC = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic`;

const connectionsOf = async (host?: string) => new Set((await admin.requests())
  .filter(r => !r.path.startsWith('/_emulator') && (!host || r.host === host))
  .map(r => r.connection));

describe('connections', () => {
  before(async () => {
    await admin.reset();
  });

  it('ten ARM reads through ten new clients travel on one connection', async () => {
    await admin.clearRequests();
    for (let i = 0; i < 10; i++) {
      assert.ok(await findVault(azureContext(), KV_PROD_PUBLIC));
    }
    const requests = (await admin.requests()).filter(r => !r.path.startsWith('/_emulator'));
    assert.equal(requests.length, 10);
    assert.deepEqual([...await connectionsOf()], [requests[0].connection], 'one connection, reused');
  });

  it('Key Vault data-plane reads through new clients reuse the vault\'s connection too', async () => {
    const ctx = azureContext();
    const vault = await findVault(ctx, KV_PROD_PUBLIC);
    await admin.clearRequests();
    for (let i = 0; i < 5; i++) {
      assert.ok((await listKeyVersionsFromDataPlane(azureContext(), vault!.vaultUri, 'aks-kms')).length > 0);
    }
    const host = new URL(vault!.vaultUri).host;
    assert.equal((await connectionsOf(host)).size, 1);
  });
});
