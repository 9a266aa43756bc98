import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNonCompliant, kmsPolicyExplanation, kmsPolicyStatesByCluster } from '../../src/kms/kmsPolicy';

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
});
