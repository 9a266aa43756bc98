// The built-in KMS policy's compliance states through Resource Graph's `policyresources` table: the emulator's rows
// (the seed assigns the policy in Contoso Production) read by the product's own query, with the real REST client.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { FleetService } from '../../src/azure/fleetService';
import { admin, azureContext, clusterId, SUB1, SUB2 } from './support/azure';

describe('the KMS policy in Resource Graph', () => {
  before(() => admin.reset());

  it('policy states: CMK clusters are Compliant, PMK and plain ones NonCompliant, only where the policy is assigned', async () => {
    const states = await new FleetService(azureContext()).kmsPolicyStates([SUB1, SUB2]);
    const of = (rg: string, name: string) => states.get(clusterId(SUB1, rg, name).toLowerCase())?.complianceState;
    assert.equal(of('rg-prod', 'aks-prod-cmk-public'), 'Compliant');
    assert.equal(of('rg-prod-secure', 'aks-prod-cmk-private'), 'Compliant');
    assert.equal(of('rg-prod', 'aks-prod-pmk'), 'NonCompliant', 'platform-managed keys do not satisfy this policy');
    assert.equal(of('rg-prod', 'aks-prod-plain'), 'NonCompliant');
    assert.equal(states.size, 4, 'Contoso Staging has no assignment: no states');
    assert.match(states.get(clusterId(SUB1, 'rg-prod', 'aks-prod-pmk').toLowerCase())!.assignmentIds[0], /^\/subscriptions\/11111111-.*\/policyAssignments\/aks-kms-required$/);
  });

  it('a subscription list without the assigned subscription reads no states', async () => {
    assert.equal((await new FleetService(azureContext()).kmsPolicyStates([SUB2])).size, 0);
  });
});
