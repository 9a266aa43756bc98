/**
 * The legacy KMS follow-up: which finished (or stopped) flows leave Secrets written under the legacy key, so the result
 * shows the documented `kubectl … | kubectl replace -f -` command, and which do not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REWRITE_SECRETS_COMMAND, secretsRewriteFollowUp, SecretsRewriteInput } from '../../src/kms/enable/legacyMigration';

describe('secretsRewriteFollowUp', () => {
  const table: [string, SecretsRewriteInput, 'changed' | 'attempted' | undefined][] = [
    ['legacy → new experience (CMK wizard), cluster updated', { flow: 'cmk', kindBefore: 'legacy', updateCluster: 'done' }, 'changed'],
    ['legacy → platform keys, cluster updated', { flow: 'migrateToPmk', kindBefore: 'legacy', updateCluster: 'done' }, 'changed'],
    ['legacy, the update found the change already made (resumed)', { flow: 'migrateToPmk', kindBefore: 'legacy', updateCluster: 'skipped' }, 'changed'],
    ['legacy, the cluster update failed: the docs still ask for the rewrite', { flow: 'cmk', kindBefore: 'legacy', updateCluster: 'failed' }, 'attempted'],
    ['legacy, the cluster update still running when the plan stopped', { flow: 'cmk', kindBefore: 'legacy', updateCluster: 'running' }, 'attempted'],
    ['legacy, cancelled during the cluster update', { flow: 'migrateToPmk', kindBefore: 'legacy', updateCluster: 'cancelled' }, 'attempted'],
    ['legacy, stopped before the cluster update started', { flow: 'cmk', kindBefore: 'legacy', updateCluster: 'pending' }, undefined],
    ['legacy, a plan without a cluster update', { flow: 'cmk', kindBefore: 'legacy', updateCluster: undefined }, undefined],
    ['new-experience CMK → platform keys: AKS handles it, nothing to do', { flow: 'migrateToPmk', kindBefore: 'cmk', updateCluster: 'done' }, undefined],
    ['not encrypted → CMK', { flow: 'cmk', kindBefore: 'notEncrypted', updateCluster: 'done' }, undefined],
    ['PMK → CMK', { flow: 'cmk', kindBefore: 'pmk', updateCluster: 'done' }, undefined],
    ['enable PMK (never on a legacy cluster: preflight blocks it)', { flow: 'pmk', kindBefore: 'legacy', updateCluster: 'done' }, undefined],
    ['kind unknown before the run', { flow: 'cmk', kindBefore: undefined, updateCluster: 'done' }, undefined],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.equal(secretsRewriteFollowUp(input)?.reason, expected));
  }

  it('the command is the documented one, verbatim', () => {
    assert.equal(REWRITE_SECRETS_COMMAND, 'kubectl get secrets --all-namespaces -o json | kubectl replace -f -');
    assert.equal(secretsRewriteFollowUp({ flow: 'cmk', kindBefore: 'legacy', updateCluster: 'done' })?.command, REWRITE_SECRETS_COMMAND);
  });

  it('the sentence says why (Secrets written before stay under the old key), cites the legacy page, and leads into the command', () => {
    const moved = secretsRewriteFollowUp({ flow: 'cmk', kindBefore: 'legacy', updateCluster: 'done' })!.message;
    assert.match(moved, /Secrets written before this change stay encrypted with the legacy key version until they are rewritten/);
    assert.match(moved, /legacy KMS docs \("Rotate existing keys"\)/);
    const pmk = secretsRewriteFollowUp({ flow: 'migrateToPmk', kindBefore: 'legacy', updateCluster: 'done' })!.message;
    assert.match(pmk, /stay encrypted with the legacy key until they are rewritten\./);
    assert.match(pmk, /\("Turn off KMS"\)/);
    const failed = secretsRewriteFollowUp({ flow: 'cmk', kindBefore: 'legacy', updateCluster: 'failed' })!.message;
    assert.match(failed, /did not finish.*even when a KMS update fails/);
    for (const m of [moved, pmk, failed]) {
      assert.match(m, /:$/, 'the command follows the sentence');
      // No claim that AKS re-encrypts them: no current page says so.
      assert.doesNotMatch(m, /AKS (re-?encrypts|rewrites|moves)/i);
    }
  });
});
