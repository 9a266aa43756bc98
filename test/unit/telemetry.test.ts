import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationBucket, looksIdentifying, TelemetryEvent, telemetryProperties } from '../../src/kms/telemetry';

describe('telemetry carries no resource names or IDs', () => {
  it('keeps allow-listed enumerated values', () => {
    assert.deepEqual(telemetryProperties({ name: 'flow', flow: 'enableCmk', outcome: 'failed', failedStep: 'updateCluster', networkAccess: 'Private', durationMs: 95_000, findingCodes: ['k8s-too-old', 'irreversible', 'k8s-too-old'] }), {
      flow: 'enableCmk', outcome: 'failed', failedStep: 'updateCluster', networkAccess: 'Private', duration: '1m-5m', findings: 'irreversible,k8s-too-old',
    });
    assert.deepEqual(telemetryProperties({ name: 'command', command: 'aksKms.rotateKey' }), { command: 'aksKms.rotateKey' });
  });
  const identifying = [
    '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1',
    '11111111-1111-4111-8111-111111111111',
    'https://kvprod.vault.azure.net/keys/aks-kms',
    'kvprod.vault.azure.cn',
    'eyJhbGciOiJub25lIn0.eyJvaWQiOiIxIn0.',
    'user@contoso.com',
    'aks prod cluster',
    '127.0.0.1',
  ];
  for (const value of identifying) {
    it(`drops ${value.slice(0, 40)}`, () => {
      assert.equal(looksIdentifying(value), true);
      const props = telemetryProperties({ name: 'flow', flow: 'enableCmk', outcome: 'failed', failedStep: value, findingCodes: [value] });
      assert.ok(!JSON.stringify(props).includes(value), JSON.stringify(props));
    });
  }
  it('buckets durations coarsely', () => {
    assert.deepEqual([5_000, 30_000, 120_000, 600_000, 3_600_000].map(durationBucket), ['<10s', '10s-1m', '1m-5m', '5m-15m', '>15m']);
  });
  // A GUID whose first digit is a letter passes as a token, so only the GUID check catches it.
  const tokenShaped = [
    'abcdef01-2345-4678-9abc-def012345678',
    'failed-on-abcdef01-2345-4678-9abc-def012345678',
    'ABCDEF01-2345-4678-9ABC-DEF012345678',
    'kv-prod.vault.azure.net',
    'contoso.azure.com',
    'kvprod.vault.azure.cn',
    'node10.20.30.40',
    'eyJhbGciOiJub25lIn0',
  ];
  for (const value of tokenShaped) {
    it(`drops ${value} although it is shaped like a token`, () => {
      assert.equal(looksIdentifying(value), true);
      const props = telemetryProperties({ name: 'flow', flow: 'rotateKey', outcome: 'failed', failedStep: value, findingCodes: [value] });
      assert.deepEqual(props, { flow: 'rotateKey', outcome: 'failed' });
    });
  }
});

describe('telemetry keeps what it may say', () => {
  const allowed = [
    'updateCluster',
    'aksKms.rotateKey',
    'k8s-too-old',
    'aksKms.copyKeyJson', // contains "eyJ" but is no token
    'cn-east-rule', // ".cn" only counts as a host suffix
    'k8s1.33.2', // a version, not an IP address
    'a'.repeat(64),
  ];
  for (const value of allowed) {
    it(`keeps ${value}`, () => {
      assert.equal(looksIdentifying(value), false);
      assert.deepEqual(telemetryProperties({ name: 'command', command: value }), { command: value });
    });
  }
  const notTokens = ['a'.repeat(65), '1password', 'step_one', 'step one', ''];
  for (const value of notTokens) {
    it(`drops ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)}: not a token`, () => {
      assert.equal(looksIdentifying(value), true);
      assert.deepEqual(telemetryProperties({ name: 'command', command: value }), {});
    });
  }

  it('sends only the allow-listed properties: anything else on the event never goes out', () => {
    const event = {
      name: 'flow', flow: 'enableCmk', outcome: 'succeeded', durationMs: 1_000,
      clusterName: 'aks1', keyId: 'kms-key', tenantId: 'contoso', message: 'Enabled', resourceGroup: 'rg',
    } as TelemetryEvent;
    assert.deepEqual(telemetryProperties(event), { flow: 'enableCmk', outcome: 'succeeded', duration: '<10s' });
    const command = { name: 'command', command: 'aksKms.refresh', clusterName: 'aks1', subscription: 'prod' } as TelemetryEvent;
    assert.deepEqual(telemetryProperties(command), { command: 'aksKms.refresh' });
  });

  it('a flow without the optional fields has just its flow and outcome (no empty properties)', () => {
    const props = telemetryProperties({ name: 'flow', flow: 'migrateToPmk', outcome: 'cancelled' });
    assert.deepEqual(props, { flow: 'migrateToPmk', outcome: 'cancelled' });
    assert.deepEqual(Object.keys(props), ['flow', 'outcome']);
  });

  it('no finding codes at all: no findings property', () => {
    assert.deepEqual(telemetryProperties({ name: 'flow', flow: 'enablePmk', outcome: 'blocked', findingCodes: [] }), { flow: 'enablePmk', outcome: 'blocked' });
  });

  it('one identifying finding code drops the findings property, and only that one', () => {
    assert.deepEqual(telemetryProperties({ name: 'flow', flow: 'enablePmk', outcome: 'blocked', failedStep: 'preflight', findingCodes: ['k8s-too-old', 'kv1.vault.azure.net'] }), {
      flow: 'enablePmk', outcome: 'blocked', failedStep: 'preflight',
    });
  });

  it('a duration is sent as its bucket only', () => {
    assert.deepEqual(telemetryProperties({ name: 'flow', flow: 'setRotationPolicy', outcome: 'succeeded', durationMs: 1_234_567 }), { flow: 'setRotationPolicy', outcome: 'succeeded', duration: '>15m' });
    assert.deepEqual(telemetryProperties({ name: 'flow', flow: 'setRotationPolicy', outcome: 'succeeded', durationMs: 0 }), { flow: 'setRotationPolicy', outcome: 'succeeded', duration: '<10s' });
  });

  it('duration buckets change exactly at 10 s, 1 min, 5 min and 15 min', () => {
    const edges: [number, string][] = [
      [9_999, '<10s'], [10_000, '10s-1m'],
      [59_999, '10s-1m'], [60_000, '1m-5m'],
      [299_999, '1m-5m'], [300_000, '5m-15m'],
      [899_999, '5m-15m'], [900_000, '>15m'],
    ];
    assert.deepEqual(edges.map(([ms]) => durationBucket(ms)), edges.map(([, bucket]) => bucket));
  });
});
