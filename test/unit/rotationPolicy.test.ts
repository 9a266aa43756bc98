import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIsoDuration, durationDays, isoDurationMs, parseIsoDuration } from '../../src/kms/isoDuration';
import {
  describeRotationPolicy, fromArmPolicy, fromSdkPolicy, RotationPolicy, RotationPolicyInput, rotationPolicyInputOf, rotationPolicyRisks, samePolicy, toArmPolicy, toSdkPolicy,
  validateRotationPolicyInput,
} from '../../src/kms/rotationPolicy';

describe('ISO 8601 durations', () => {
  const table: [string, number | undefined, string][] = [
    ['P90D', 90, '90 days'],
    ['p90d', 90, '90 days'],
    ['P1Y', 365, '1 year'],
    ['P3M', 90, '3 months'],
    ['P2W', 14, '2 weeks'],
    ['P1Y10D', 375, '1 year 10 days'],
    ['PT48H', 2, '48 hours'],
    ['P1D', 1, '1 day'],
    ['P', undefined, 'P'],
    ['P1DT', undefined, 'P1DT'],
    ['90D', undefined, '90D'],
    ['P-5D', undefined, 'P-5D'],
    ['', undefined, ''],
  ];
  for (const [text, days, words] of table) {
    it(`${JSON.stringify(text)} → ${days} days, "${words}"`, () => {
      assert.equal(durationDays(text), days);
      assert.equal(parseIsoDuration(text) === undefined, days === undefined);
      assert.equal(describeIsoDuration(text), words);
    });
  }

  const MIN = 60_000;
  const DAY = 24 * 60 * MIN;
  // Every unit, several digits where Key Vault allows them, and the time part on its own.
  const units: [string, number | undefined, string][] = [
    [' P90D ', 90 * DAY, '90 days'],
    ['P10Y', 3650 * DAY, '10 years'],
    ['P1M', 30 * DAY, '1 month'],
    ['P12M', 360 * DAY, '12 months'],
    ['P1W', 7 * DAY, '1 week'],
    ['P10W', 70 * DAY, '10 weeks'],
    ['PT1H', 60 * MIN, '1 hour'],
    ['PT1H30M', 90 * MIN, '1 hour 30 minutes'],
    ['PT1M', MIN, '1 minute'],
    ['PT90M', 90 * MIN, '90 minutes'],
    ['PT1S', 1000, '1 second'],
    ['PT1M30S', 90_000, '1 minute 30 seconds'],
    ['PT3600S', 3_600_000, '3600 seconds'],
    ['XP90D', undefined, 'XP90D'],
    ['PT1.5H', undefined, 'PT1.5H'],
  ];
  for (const [text, ms, words] of units) {
    it(`${JSON.stringify(text)} → ${ms} ms, "${words}"`, () => {
      assert.equal(isoDurationMs(text), ms);
      assert.equal(describeIsoDuration(text), words);
    });
  }
});

describe('validateRotationPolicyInput: accepted', () => {
  const table: [string, RotationPolicyInput, RotationPolicy][] = [
    ['days as text', { rotateAfter: '90', expiresAfter: '365', notifyBeforeExpiry: '30' }, { rotateAfterCreate: 'P90D', expiresAfter: 'P365D', notifyBeforeExpiry: 'P30D' }],
    ['days as numbers', { rotateAfter: 60, expiresAfter: 180 }, { rotateAfterCreate: 'P60D', expiresAfter: 'P180D' }],
    ['ISO durations, any case, trimmed', { rotateAfter: ' p3m ', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' }, { rotateAfterCreate: 'P3M', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' }],
    ['the minimums: rotate after 7 days, expire after 28', { rotateAfter: '7', expiresAfter: '28' }, { rotateAfterCreate: 'P7D', expiresAfter: 'P28D' }],
    ['rotation exactly 7 days before expiry', { rotateAfter: '83', expiresAfter: 'P90D' }, { rotateAfterCreate: 'P83D', expiresAfter: 'P90D' }],
    ['rotation only', { rotateAfter: 'P90D', expiresAfter: '', notifyBeforeExpiry: '' }, { rotateAfterCreate: 'P90D' }],
    ['expiry only (no automatic rotation)', { expiresAfter: 'P2Y' }, { expiresAfter: 'P2Y' }],
    ['notify exactly 7 days before expiry', { rotateAfter: '30', expiresAfter: '60', notifyBeforeExpiry: '7' }, { rotateAfterCreate: 'P30D', expiresAfter: 'P60D', notifyBeforeExpiry: 'P7D' }],
    // No page or spec limits these; they are asked about before the policy is set (rotationPolicyRisks), not refused.
    ['nothing entered: no automatic rotation, no expiry, no notification', {}, {}],
    ['notify 6 days before expiry', { expiresAfter: '90', notifyBeforeExpiry: '6' }, { expiresAfter: 'P90D', notifyBeforeExpiry: 'P6D' }],
    ['notify as early as the expiry', { expiresAfter: '90', notifyBeforeExpiry: '90' }, { expiresAfter: 'P90D', notifyBeforeExpiry: 'P90D' }],
  ];
  for (const [name, input, policy] of table) {
    it(name, () => {
      const r = validateRotationPolicyInput(input);
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(JSON.parse(JSON.stringify(r.policy)), policy);
    });
  }
});

describe('validateRotationPolicyInput: refused, with the field and a sentence on how to fix it', () => {
  const table: [string, RotationPolicyInput, keyof RotationPolicyInput, RegExp][] = [
    ['rotate after 6 days', { rotateAfter: '6' }, 'rotateAfter', /Rotate after is 6 days; Key Vault needs at least 7 days\. Enter 7 or more/],
    ['rotate after 0', { rotateAfter: '0', expiresAfter: 'P1Y' }, 'rotateAfter', /at least 7 days/],
    ['rotate after PT48H', { rotateAfter: 'PT48H' }, 'rotateAfter', /Rotate after is 2 days/],
    ['expiry 27 days', { expiresAfter: '27' }, 'expiresAfter', /Expires after is 27 days; Key Vault needs at least 28 days \(P28D\)/],
    ['rotation not 7 days before expiry', { rotateAfter: '84', expiresAfter: '90' }, 'rotateAfter', /must be at least 7 days shorter than Expires after \(90 days\)/],
    ['rotation after expiry', { rotateAfter: 'P1Y', expiresAfter: 'P90D' }, 'rotateAfter', /at least 7 days shorter/],
    ['notify without expiry', { rotateAfter: '90', notifyBeforeExpiry: '30' }, 'notifyBeforeExpiry', /needs an expiry: set Expires after, or clear Notify before expiry/],
    ['not a duration', { rotateAfter: 'three months' }, 'rotateAfter', /"three months" is not a number of days or an ISO 8601 duration; enter e\.g\. 90, P90D, P3M or P1Y/],
    ['negative days', { rotateAfter: '-5' }, 'rotateAfter', /not a number of days/],
    ['fractional days', { expiresAfter: '30.5' }, 'expiresAfter', /not a number of days/],
  ];
  for (const [name, input, field, message] of table) {
    it(name, () => {
      const r = validateRotationPolicyInput(input);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.problems.some(p => p.field === field && message.test(p.message)), JSON.stringify(r));
    });
  }
});

describe('Key Vault shapes', () => {
  const policy: RotationPolicy = { rotateAfterCreate: 'P90D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' };
  it('to the SDK shape and back', () => {
    assert.deepEqual(toSdkPolicy(policy), {
      expiresIn: 'P1Y',
      lifetimeActions: [{ timeAfterCreate: 'P90D', action: 'Rotate' }, { timeBeforeExpiry: 'P30D', action: 'Notify' }],
    });
    assert.deepEqual(fromSdkPolicy(toSdkPolicy(policy)), policy);
  });
  it('to the REST/ARM shape of AZURE.md and back', () => {
    assert.deepEqual(toArmPolicy({ rotateAfterCreate: 'P90D', expiresAfter: 'P1Y' }), {
      attributes: { expiryTime: 'P1Y' },
      lifetimeActions: [{ trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } }],
    });
    assert.deepEqual(fromArmPolicy(toArmPolicy(policy)), policy);
  });
  it('ARM writes action types in lower case and times in Unix seconds', () => {
    const p = fromArmPolicy({
      attributes: { expiryTime: 'P1Y', created: 1_700_000_000, updated: 1_700_000_060 },
      lifetimeActions: [{ trigger: { timeAfterCreate: 'P90D' }, action: { type: 'rotate' } }, { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'notify' } }],
    });
    assert.deepEqual(p, { ...policy, createdOn: new Date(1_700_000_000_000), updatedOn: new Date(1_700_000_060_000) });
  });
  it('rotate before expiry round-trips', () => {
    const before: RotationPolicy = { rotateBeforeExpiry: 'P30D', expiresAfter: 'P6M' };
    assert.deepEqual(fromSdkPolicy(toSdkPolicy(before)), before);
    assert.deepEqual(fromArmPolicy(toArmPolicy(before)), before);
  });
  it('unknown action types are ignored', () => {
    assert.deepEqual(fromArmPolicy({ lifetimeActions: [{ trigger: { timeAfterCreate: 'P9D' }, action: { type: 'Explode' } }] }), {});
  });
  it('samePolicy compares lengths, not spellings', () => {
    assert.ok(samePolicy({ expiresAfter: 'P1Y', rotateAfterCreate: 'P90D' }, { expiresAfter: 'P365D', rotateAfterCreate: 'P3M' }));
    assert.ok(!samePolicy({ expiresAfter: 'P1Y' }, { expiresAfter: 'P2Y' }));
    assert.ok(!samePolicy({ expiresAfter: 'P1Y' }, {}));
  });
  it('the form prefill from a policy, and the words', () => {
    assert.deepEqual(rotationPolicyInputOf(policy), { rotateAfter: 'P90D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' });
    assert.deepEqual(rotationPolicyInputOf(undefined), { rotateAfter: '', expiresAfter: '', notifyBeforeExpiry: '' });
    assert.equal(describeRotationPolicy(policy), 'rotates 90 days after creation, expires after 1 year, notifies 30 days before expiry');
  });
});

describe('validateRotationPolicyInput: what each problem names', () => {
  const fields: [keyof RotationPolicyInput, string][] = [['rotateAfter', 'Rotate after'], ['expiresAfter', 'Expires after'], ['notifyBeforeExpiry', 'Notify before expiry']];
  for (const [field, label] of fields) {
    it(`a value that is not a duration in ${label} is that field's only problem, quoted with its label`, () => {
      const input: RotationPolicyInput = { rotateAfter: '90', expiresAfter: '365', [field]: 'soon' };
      const r = validateRotationPolicyInput(input);
      assert.ok(!r.ok);
      assert.deepEqual(r.problems.map(p => p.field), [field]);
      assert.match(r.problems[0].message, new RegExp(`^${label} "soon" is not a number of days`));
    });
  }
  it('a typo alone is not also reported as "nothing entered"', () => {
    for (const input of [{ rotateAfter: 'ninety' }, { expiresAfter: 'a year' }] as RotationPolicyInput[]) {
      const r = validateRotationPolicyInput(input);
      assert.ok(!r.ok);
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
      assert.match(r.problems[0].message, /is not a number of days/);
    }
  });
});

describe('Key Vault shapes: order, absent parts, unknown types', () => {
  it('reads the actions in whatever order Key Vault lists them (Notify first)', () => {
    const policy: RotationPolicy = { rotateAfterCreate: 'P90D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' };
    assert.deepEqual(fromSdkPolicy({ expiresIn: 'P1Y', lifetimeActions: [{ timeBeforeExpiry: 'P30D', action: 'Notify' }, { timeAfterCreate: 'P90D', action: 'Rotate' }] }), policy);
    assert.deepEqual(fromArmPolicy({ attributes: { expiryTime: 'P1Y' }, lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }, { trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } }] }), policy);
  });
  it('a policy without rotation sends no Rotate action (an expiry, a notification only)', () => {
    const policy: RotationPolicy = { expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' };
    assert.deepEqual(toSdkPolicy(policy), { expiresIn: 'P1Y', lifetimeActions: [{ timeBeforeExpiry: 'P30D', action: 'Notify' }] });
    assert.deepEqual(toArmPolicy(policy), { attributes: { expiryTime: 'P1Y' }, lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }] });
  });
  it('only the action types Rotate and Notify count, not words that contain them; an action without a type is skipped', () => {
    assert.deepEqual(fromArmPolicy({ lifetimeActions: [
      { trigger: { timeAfterCreate: 'P9D' }, action: { type: 'AutoRotate' } },
      { trigger: { timeAfterCreate: 'P9D' }, action: { type: 'RotateNow' } },
      { trigger: { timeBeforeExpiry: 'P9D' }, action: { type: 'PreNotify' } },
      { trigger: { timeBeforeExpiry: 'P9D' }, action: { type: 'NotifyAll' } },
      { trigger: { timeBeforeExpiry: 'P9D' } },
    ] }), {});
    assert.deepEqual(fromArmPolicy({ lifetimeActions: [{ action: { type: 'Rotate' } }, { action: { type: 'Notify' } }] }), {}, 'actions without a trigger say nothing');
  });
  it('a policy that rotates, or sets no expiry, carries no risk at all', () => {
    assert.deepEqual(rotationPolicyRisks({ rotateAfterCreate: 'P90D', expiresAfter: 'P1Y' }, 'kms-key'), []);
    assert.deepEqual(rotationPolicyRisks({ rotateAfterCreate: 'P90D' }, 'kms-key'), []);
  });
  it('samePolicy: no policy equals an empty one; a difference in any one field alone counts', () => {
    assert.ok(samePolicy(undefined, undefined));
    assert.ok(samePolicy(undefined, {}));
    assert.ok(samePolicy({}, undefined));
    assert.ok(!samePolicy(undefined, { rotateAfterCreate: 'P90D' }));
    const base: RotationPolicy = { rotateAfterCreate: 'P90D', rotateBeforeExpiry: 'P30D', expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' };
    for (const field of ['rotateAfterCreate', 'rotateBeforeExpiry', 'expiresAfter', 'notifyBeforeExpiry'] as const) {
      assert.ok(!samePolicy(base, { ...base, [field]: 'P60D' }), field);
      assert.ok(!samePolicy({ ...base, [field]: undefined }, base), `${field} unset on one side`);
    }
  });
  it('the words for a policy without an expiry, one that rotates before expiry, one that does not rotate, and none', () => {
    assert.equal(describeRotationPolicy({ rotateAfterCreate: 'P90D' }), 'rotates 90 days after creation');
    assert.equal(describeRotationPolicy({ rotateBeforeExpiry: 'P30D', expiresAfter: 'P6M' }), 'rotates 30 days before expiry, expires after 6 months');
    assert.equal(describeRotationPolicy({ expiresAfter: 'P1Y', notifyBeforeExpiry: 'P30D' }), 'no automatic rotation, expires after 1 year, notifies 30 days before expiry');
    assert.equal(describeRotationPolicy(undefined), 'no rotation policy');
  });
});
