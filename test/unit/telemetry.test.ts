import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationBucket, looksIdentifying, telemetryProperties } from '../../src/kms/telemetry';

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
});
