/**
 * The drift warning from a cluster's past: a template deployment in its resource group whose output names it makes
 * preflight warn (`iac-managed`) that the change must go into that template too. Through the real prepareEnable and
 * the emulator's deployment history; a history that cannot be read only means no warning.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { prepareEnable } from '../../src/azure/enableFlow';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { admin, azureContext, clusterId, SUB1, writes } from './support/azure';

const PLAIN = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');

async function findings(id = PLAIN) {
  const ctx = azureContext();
  const prepared = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), { kind: 'pmk', clusterId: id });
  return prepared.findings.filter(f => f.code === 'iac-managed').map(f => f.message);
}

describe('drift warning from the deployment history', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.clearRequests();
  });

  it('a deployment that output the cluster warns, naming it; nothing is written', async () => {
    assert.deepEqual(await findings(), [], 'no history, no tag: no warning');
    await admin.addDeployment({ subscriptionId: SUB1, resourceGroup: 'rg-prod', name: 'platform-aks', outputResources: [PLAIN.toUpperCase()] });
    const [message] = await findings();
    assert.match(message, /^aks-prod-plain was deployed by the template deployment platform-aks \(\d{4}-\d\d-\d\d\): put this change into that template too/);
    assert.deepEqual(await writes(), []);
  });

  it('a deployment of other resources in the group does not warn', async () => {
    await admin.addDeployment({ subscriptionId: SUB1, resourceGroup: 'rg-prod', name: 'vaults', outputResources: [clusterId(SUB1, 'rg-prod', 'aks-prod-pmk')] });
    assert.deepEqual(await findings(), []);
  });

  it('a history that cannot be read (the service fails) leaves only the other findings', async () => {
    await admin.addDeployment({ subscriptionId: SUB1, resourceGroup: 'rg-prod', name: 'platform-aks', outputResources: [PLAIN] });
    await admin.injectFaults({ match: { method: 'GET', pathRegex: 'Microsoft\\.Resources/deployments' }, fault: '500', times: 'always' });
    try {
      const ctx = { ...azureContext(), retryOptions: { maxRetries: 0 } };
      const prepared = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), { kind: 'pmk', clusterId: PLAIN });
      assert.deepEqual(prepared.findings.filter(f => f.code === 'iac-managed'), []);
      assert.equal(prepared.blocked, false);
    } finally {
      await admin.clearFaults();
    }
  });
});
