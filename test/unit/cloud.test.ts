import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { armScope, BUILTIN_CLOUDS, portalResourceUrl, resolveCloud } from '../../src/azure/cloud';

describe('resolveCloud', () => {
  it('defaults to AzureCloud', () => {
    const r = resolveCloud(undefined, undefined);
    assert.ok(r.ok);
    assert.equal(r.cloud.resourceManagerEndpoint, 'https://management.azure.com');
    assert.equal(armScope(r.cloud), 'https://management.azure.com/.default');
  });
  const builtins: [string, string, string, string][] = [
    ['AzureCloud', 'vault.azure.net', 'microsoft', 'https://portal.azure.com'],
    ['AzureChinaCloud', 'vault.azure.cn', 'microsoft-sovereign-cloud', 'https://portal.azure.cn'],
    ['AzureUSGovernment', 'vault.usgovcloudapi.net', 'microsoft-sovereign-cloud', 'https://portal.azure.us'],
  ];
  for (const [name, suffix, provider, portal] of builtins) {
    it(`${name}: endpoints, provider, and challenge verification stays on`, () => {
      const r = resolveCloud(name, undefined);
      assert.ok(r.ok);
      assert.equal(r.cloud.keyVaultDnsSuffix, suffix);
      assert.equal(r.cloud.authProviderId, provider);
      assert.equal(r.cloud.portalUrl, portal);
      assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
    });
  }
  it('a custom cloud on a loopback IP turns challenge verification off', () => {
    const r = resolveCloud('Custom', { resourceManagerEndpointUrl: 'https://127.0.0.1:8443/', keyVaultDnsSuffix: '127.0.0.1', authenticationProviderId: 'aks-kms-emulator' });
    assert.ok(r.ok);
    assert.equal(r.cloud.resourceManagerEndpoint, 'https://127.0.0.1:8443');
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, false);
    assert.equal(r.cloud.authProviderId, 'aks-kms-emulator');
  });
  it('a custom cloud with a DNS suffix keeps verification on', () => {
    const r = resolveCloud('Custom', { resourceManagerEndpointUrl: 'https://arm.contoso.example', keyVaultDnsSuffix: 'vault.contoso.example' });
    assert.ok(r.ok);
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
    assert.equal(r.cloud.authProviderId, 'microsoft');
  });
  const bad: [unknown, object | undefined, RegExp][] = [
    ['Mars', undefined, /not one of/],
    ['Custom', undefined, /customCloud is not set/],
    ['Custom', { keyVaultDnsSuffix: 'x' }, /resourceManagerEndpointUrl is required/],
    ['Custom', { resourceManagerEndpointUrl: 'http://127.0.0.1', keyVaultDnsSuffix: 'x' }, /must use https/],
    ['Custom', { resourceManagerEndpointUrl: 'not a url', keyVaultDnsSuffix: 'x' }, /not a valid URL/],
    ['Custom', { resourceManagerEndpointUrl: 'https://a.example' }, /keyVaultDnsSuffix is required/],
  ];
  for (const [name, custom, problem] of bad) {
    it(`rejects ${String(name)} ${JSON.stringify(custom)}`, () => {
      const r = resolveCloud(name, custom);
      assert.equal(r.ok, false);
      assert.match((r as { problems: string[] }).problems.join(' '), problem);
    });
  }
  it('portal links use the cloud\'s own portal', () => {
    assert.equal(portalResourceUrl(BUILTIN_CLOUDS.AzureChinaCloud, '/subscriptions/s/x', 't1'), 'https://portal.azure.cn/#@t1/resource/subscriptions/s/x');
  });
});
