import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSubscriptionSelected, parseSubscriptionFilter, subscriptionFilterAfterPick } from '../../src/kms/subscriptionFilter';

const T1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const T2 = 'bbbbbbbb-0000-4000-8000-000000000002';
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S5 = '55555555-5555-4555-8555-555555555555';

describe('the shared subscription filter (azureResourceGroups.selectedSubscriptions)', () => {
  it('empty, missing or malformed: every subscription shows', () => {
    for (const value of [undefined, null, [], 'x', [42, '']]) {
      assert.equal(isSubscriptionSelected(parseSubscriptionFilter(value), S1), true, JSON.stringify(value));
    }
  });
  it('tenant/subscription entries select by subscription id, in any case; others are hidden', () => {
    const filter = parseSubscriptionFilter([`${T1}/${S1.toUpperCase()}`, `${T2}/${S5}`]);
    assert.equal(isSubscriptionSelected(filter, S1), true);
    assert.equal(isSubscriptionSelected(filter, S5), true);
    assert.equal(isSubscriptionSelected(filter, S2), false);
  });
  it('entries written by hand in upper case or with blanks select the subscription; a blank entry is no filter', () => {
    const SX = 'abcdef01-cdef-4abc-8def-abcdef012345';
    const filter = parseSubscriptionFilter([` ${T1.toUpperCase()}/${SX.toUpperCase()} `]);
    assert.equal(isSubscriptionSelected(filter, SX), true);
    assert.equal(isSubscriptionSelected(parseSubscriptionFilter([`${T1}/${SX}`]), SX.toUpperCase()), true, 'an id in upper case (as some ARM answers spell it) is the same subscription');
    assert.equal(isSubscriptionSelected(filter, S2), false);
    assert.equal(isSubscriptionSelected(parseSubscriptionFilter(['  ']), S2), true);
  });
  it('a bare subscription id (written by hand) selects it too', () => {
    assert.equal(isSubscriptionSelected(parseSubscriptionFilter([S2]), S2), true);
  });

  const offered = [{ tenantId: T1, subscriptionId: S1 }, { tenantId: T1, subscriptionId: S2 }, { tenantId: T2, subscriptionId: S5 }];
  it('picking everything writes no filter, so subscriptions created later show too', () => {
    assert.deepEqual(subscriptionFilterAfterPick([`${T1}/${S1}`], offered, offered), []);
  });
  it('a partial pick writes tenant/subscription entries, as the Azure Resources view does', () => {
    assert.deepEqual(subscriptionFilterAfterPick([], offered, [offered[1], offered[2]]), [`${T1}/${S2}`, `${T2}/${S5}`]);
  });
  it('entries of directories not offered (signed out here) are kept: they are another extension\'s choice', () => {
    const T3 = 'cccccccc-0000-4000-8000-000000000003';
    const kept = `${T3}/99999999-9999-4999-8999-999999999999`;
    assert.deepEqual(subscriptionFilterAfterPick([kept, `${T1}/${S1}`], offered, [offered[0]]), [kept, `${T1}/${S1}`]);
    // Everything offered picked, but another directory's entry stays: still a filter.
    assert.deepEqual(subscriptionFilterAfterPick([kept], offered, offered), [kept, ...offered.map(o => `${o.tenantId}/${o.subscriptionId}`)]);
  });
  it('after a pick, entries that are not text or name no directory are dropped: the pick replaces them', () => {
    assert.deepEqual(subscriptionFilterAfterPick([42, null, S2, `${T1}/${S1}`], offered, [offered[0]]), [`${T1}/${S1}`]);
    assert.deepEqual(subscriptionFilterAfterPick([S2], offered, offered), [], 'everything picked: no filter');
    assert.deepEqual(subscriptionFilterAfterPick(undefined, offered, [offered[2]]), [`${T2}/${S5}`], 'nothing stored yet');
  });
});
