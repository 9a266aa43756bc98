import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNonCompliant, KMS_POLICY_STATES_QUERY, kmsPolicyExplanation, kmsPolicyStatesByCluster, PolicyStateRow } from '../../src/kms/kmsPolicy';
import { compileQuery } from '../emulator/kql';

const row = (resourceId: string, complianceState: string, assignment = 'a1') => ({ id: `${resourceId}/ps/${assignment}`, resourceId, complianceState, policyAssignmentId: `/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/${assignment}` });

describe('the KMS policy states', () => {
  it('per cluster, by lower-case id; NonCompliant in any assignment wins', () => {
    const states = kmsPolicyStatesByCluster([row('/C1', 'Compliant', 'a1'), row('/c1', 'NonCompliant', 'a2'), row('/c2', 'Compliant')]);
    assert.equal(states.get('/c1')?.complianceState, 'NonCompliant');
    assert.deepEqual(states.get('/c1')?.assignmentIds.length, 2);
    assert.equal(states.get('/c2')?.complianceState, 'Compliant');
    assert.equal(isNonCompliant(states.get('/c1')), true);
    assert.equal(isNonCompliant(states.get('/c2')), false);
    assert.equal(isNonCompliant(undefined), false);
  });
  it('explains the platform-managed-keys case in one sentence, and the plain one differently', () => {
    const non = { complianceState: 'NonCompliant', assignmentIds: [] };
    assert.match(kmsPolicyExplanation(non, 'pmk'), /^Platform-managed keys encrypt the Secrets, but this policy asks for a customer-managed key/);
    assert.match(kmsPolicyExplanation(non, 'notEncrypted'), /asks for Key Vault KMS with a customer-managed key/);
    assert.match(kmsPolicyExplanation({ complianceState: 'Compliant', assignmentIds: [] }, 'cmk'), /finds Key Vault KMS enabled/);
  });
  it('NonCompliant stays when a later assignment finds the cluster Compliant', () => {
    const states = kmsPolicyStatesByCluster([row('/c1', 'NonCompliant', 'a1'), row('/c1', 'Compliant', 'a2'), row('/c1', 'Unknown', 'a3')]);
    assert.equal(states.get('/c1')?.complianceState, 'NonCompliant');
    assert.equal(states.get('/c1')?.assignmentIds.length, 3);
    assert.equal(kmsPolicyStatesByCluster([row('/c2', 'Unknown', 'a1'), row('/c2', 'Compliant', 'a2')]).get('/c2')?.complianceState, 'Unknown', 'the first state, when none is NonCompliant');
  });
  it('the Resource Graph query (run by the emulator\'s KQL) keeps this policy\'s cluster states only, in id order, with the columns the grouping reads', () => {
    const SUB = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters';
    const state = (id: string, cluster: string, definition: string, complianceState: string, type = 'microsoft.policyinsights/policystates') => ({
      id, type, properties: {
        resourceId: `${SUB}/${cluster}`, complianceState, policyAssignmentId: `/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/${id}`,
        policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${definition}`,
      },
    });
    const KMS = 'DBBDC317-9734-4DD8-9074-993B29C69008';
    const table = [
      state('b', 'AKS-2', KMS, 'NonCompliant'),
      state('a', 'aks-1', KMS.toLowerCase(), 'Compliant'),
      state('c', 'aks-1', '00000000-0000-0000-0000-000000000000', 'NonCompliant'),
      state('d', 'aks-1', KMS, 'NonCompliant', 'microsoft.policyinsights/attestations'),
    ];
    const query = compileQuery(KMS_POLICY_STATES_QUERY);
    assert.equal(query.table, 'policyresources');
    const { rows } = query.run(table, ['id', 'type', 'properties']);
    assert.deepEqual(rows, [
      { id: 'a', resourceId: `${SUB}/aks-1`.toLowerCase(), complianceState: 'Compliant', policyAssignmentId: '/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/a' },
      { id: 'b', resourceId: `${SUB}/aks-2`.toLowerCase(), complianceState: 'NonCompliant', policyAssignmentId: '/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/b' },
    ]);
    const states = kmsPolicyStatesByCluster(rows as unknown as PolicyStateRow[]);
    assert.equal(states.get(`${SUB}/aks-1`.toLowerCase())?.complianceState, 'Compliant', 'another policy\'s or an attestation\'s NonCompliant does not count');
  });
});
