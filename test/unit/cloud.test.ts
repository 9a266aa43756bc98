import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { armScope, BUILTIN_CLOUDS, environmentSettingOf, portalResourceUrl, resolveCloud } from '../../src/azure/cloud';

/** An Azure Stack Hub style `microsoft-sovereign-cloud.customEnvironment` (the fields VS Code's schema requires). */
function stackHub(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Contoso Stack Hub',
    portalUrl: 'https://portal.local.azurestack.external/',
    managementEndpointUrl: 'https://management.local.azurestack.external/',
    resourceManagerEndpointUrl: 'https://management.local.azurestack.external/',
    activeDirectoryEndpointUrl: 'https://login.microsoftonline.com/',
    activeDirectoryResourceId: 'https://management.contoso.onmicrosoft.com/',
    keyVaultDnsSuffix: '.vault.local.azurestack.external',
    ...overrides,
  };
}

describe('resolveCloud (the microsoft-sovereign-cloud settings)', () => {
  for (const unset of [undefined, null, '']) {
    it(`environment ${JSON.stringify(unset)}: public Azure`, () => {
      const r = resolveCloud(unset, undefined);
      assert.ok(r.ok);
      assert.equal(r.cloud.name, 'AzureCloud');
      assert.equal(r.cloud.resourceManagerEndpoint, 'https://management.azure.com');
      assert.equal(armScope(r.cloud), 'https://management.azure.com/.default');
    });
  }
  const builtins: [string | undefined, string, string, string, string][] = [
    [undefined, 'AzureCloud', 'vault.azure.net', 'microsoft', 'https://portal.azure.com'],
    ['ChinaCloud', 'AzureChinaCloud', 'vault.azure.cn', 'microsoft-sovereign-cloud', 'https://portal.azure.cn'],
    ['USGovernment', 'AzureUSGovernment', 'vault.usgovcloudapi.net', 'microsoft-sovereign-cloud', 'https://portal.azure.us'],
  ];
  for (const [setting, name, suffix, provider, portal] of builtins) {
    it(`${String(setting)} → ${name}: endpoints, the library's provider id, challenge verification on`, () => {
      const r = resolveCloud(setting, undefined);
      assert.ok(r.ok);
      assert.equal(r.cloud.name, name);
      assert.equal(r.cloud.keyVaultDnsSuffix, suffix);
      assert.equal(r.cloud.authProviderId, provider);
      assert.equal(r.cloud.portalUrl, portal);
      assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
      assert.equal(environmentSettingOf(name as 'AzureCloud'), setting);
    });
  }
  it('custom: Azure Stack Hub endpoints, the sovereign provider, the suffix without its leading dot', () => {
    const r = resolveCloud('custom', stackHub());
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.cloud.name, 'Custom');
    assert.equal(r.cloud.displayName, 'Contoso Stack Hub');
    assert.equal(r.cloud.resourceManagerEndpoint, 'https://management.local.azurestack.external');
    assert.equal(r.cloud.keyVaultDnsSuffix, 'vault.local.azurestack.external');
    assert.equal(r.cloud.keyVaultResource, 'https://vault.local.azurestack.external');
    assert.equal(r.cloud.portalUrl, 'https://portal.local.azurestack.external');
    assert.equal(r.cloud.authProviderId, 'microsoft-sovereign-cloud');
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, true);
  });
  it('custom on a loopback IP (the local emulator) turns challenge verification off', () => {
    const r = resolveCloud('custom', stackHub({ resourceManagerEndpointUrl: 'https://127.0.0.1:8443/', keyVaultDnsSuffix: '127.0.0.1' }));
    assert.ok(r.ok);
    assert.equal(r.cloud.resourceManagerEndpoint, 'https://127.0.0.1:8443');
    assert.equal(r.cloud.verifyKeyVaultChallengeResource, false);
  });
  const bad: [unknown, object | undefined, RegExp][] = [
    ['Mars', undefined, /not one of ChinaCloud, USGovernment, custom/],
    ['AzureChinaCloud', undefined, /not one of/],
    ['custom', undefined, /customEnvironment is not set/],
    ['custom', stackHub({ resourceManagerEndpointUrl: undefined }), /customEnvironment\.resourceManagerEndpointUrl is required/],
    ['custom', stackHub({ resourceManagerEndpointUrl: 'http://127.0.0.1' }), /must use https/],
    ['custom', stackHub({ resourceManagerEndpointUrl: 'not a url' }), /not a valid URL/],
    ['custom', stackHub({ keyVaultDnsSuffix: undefined }), /customEnvironment\.keyVaultDnsSuffix is required/],
    ['custom', stackHub({ name: '' }), /customEnvironment\.name is required/],
    ['custom', stackHub({ activeDirectoryResourceId: undefined }), /activeDirectoryResourceId is required/],
    ['custom', stackHub({ managementEndpointUrl: undefined }), /managementEndpointUrl is required/],
    ['custom', stackHub({ portalUrl: 'ftp://x' }), /portalUrl must use https/],
  ];
  for (const [name, custom, problem] of bad) {
    it(`rejects ${String(name)} ${JSON.stringify(custom)}`, () => {
      const r = resolveCloud(name, custom);
      assert.equal(r.ok, false);
      assert.match((r as { problems: string[] }).problems.join(' '), problem);
    });
  }
  it('portal links use the cloud\'s own portal, in the resource\'s directory when known', () => {
    assert.equal(portalResourceUrl(BUILTIN_CLOUDS.AzureChinaCloud, '/subscriptions/s/x', 't1'), 'https://portal.azure.cn/#@t1/resource/subscriptions/s/x');
    assert.equal(portalResourceUrl(BUILTIN_CLOUDS.AzureCloud, '/subscriptions/s/x'), 'https://portal.azure.com/#/resource/subscriptions/s/x');
  });
});
