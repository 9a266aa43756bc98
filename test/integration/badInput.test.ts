/**
 * Bad input gets a clear error and changes nothing: invalid input across the wizard's configuration, the commands'
 * arguments, the settings and the webview's messages. Each case must be refused with a sentence that says what is
 * wrong, and the emulator's write log must stay empty.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveCloud } from '../../src/azure/cloud';
import { prepareEnable } from '../../src/azure/enableFlow';
import { applyRotationPolicyInput } from '../../src/azure/keyRotation';
import { getVault } from '../../src/azure/keyVault';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import { parseKeyId } from '../../src/kms/keyId';
import { parseWebviewMessage } from '../../src/webview/protocol';
import { admin, azureContext, clusterId, SUB1, SUB2, writes } from './support/azure';

let cases = 0;
const rg = (sub: string, g: string) => `/subscriptions/${sub}/resourceGroups/${g}`;
const identity = (sub: string, g: string, n: string) => `${rg(sub, g)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;
const vault = (sub: string, g: string, n: string) => `${rg(sub, g)}/providers/Microsoft.KeyVault/vaults/${n}`;
const PLAIN = clusterId(SUB1, 'rg-prod', 'aks-prod-plain');
const base: CmkConfig = {
  kind: 'cmk', clusterId: PLAIN, networkAccess: 'Public',
  vault: { kind: 'new', name: 'kvbadinput01', resourceGroup: 'rg-prod', location: 'eastus' },
  key: { kind: 'new', name: 'aks-kms' },
  identity: { kind: 'existing', id: identity(SUB1, 'rg-prod', 'id-aks-prod-plain') },
};

/** [case, config, expected finding code, a word the message must contain] */
const CONFIG_CASES: [string, EnableConfig, string, RegExp][] = [
  ['vault name too short', { ...base, vault: { kind: 'new', name: 'kv', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /3–24/],
  ['vault name too long', { ...base, vault: { kind: 'new', name: 'kv'.repeat(13), resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /3–24/],
  ['vault name with underscore', { ...base, vault: { kind: 'new', name: 'kv_prod', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /letters, digits and hyphens/],
  ['vault name starting with a digit', { ...base, vault: { kind: 'new', name: '1kvprod', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /start with a letter/],
  ['vault name ending with a hyphen', { ...base, vault: { kind: 'new', name: 'kvprod-', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /end with a letter or digit/],
  ['vault name with --', { ...base, vault: { kind: 'new', name: 'kv--prod', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /two hyphens/],
  ['vault name with a space', { ...base, vault: { kind: 'new', name: 'kv prod', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name', /letters, digits and hyphens/],
  ['vault name already taken (elsewhere)', { ...base, vault: { kind: 'new', name: 'kvfabkeys', resourceGroup: 'rg-prod', location: 'eastus' } }, 'vault-name-taken', /already taken/],
  ['resource group that does not exist', { ...base, vault: { kind: 'new', name: 'kvbad04', resourceGroup: 'rg-nope', location: 'eastus' } }, 'vault-resource-group-missing', /does not exist/],
  ['resource group ending with a period', { ...base, vault: { kind: 'new', name: 'kvbad02', resourceGroup: 'rg.', location: 'eastus' } }, 'vault-name', /period/],
  ['no region for the new vault', { ...base, vault: { kind: 'new', name: 'kvbad03', resourceGroup: 'rg-prod', location: '' } }, 'vault-location', /region/],
  ['key name with underscore', { ...base, key: { kind: 'new', name: 'aks_kms' } }, 'key-name', /letters, digits and hyphens/],
  ['empty key name', { ...base, key: { kind: 'new', name: '' } }, 'key-name', /1–127/],
  ['key name too long', { ...base, key: { kind: 'new', name: 'k'.repeat(128) } }, 'key-name', /1–127/],
  ['identity name too short', { ...base, identity: { kind: 'new', name: 'id', resourceGroup: 'rg-prod', location: 'eastus' } }, 'identity-name', /3–128/],
  ['identity name starting with a hyphen', { ...base, identity: { kind: 'new', name: '-idx', resourceGroup: 'rg-prod', location: 'eastus' } }, 'identity-name', /start with a letter or digit/],
  ['vault ID of the wrong shape', { ...base, vault: { kind: 'existing', id: '/subscriptions/x/kvprodpublic' } }, 'vault-id', /not a Key Vault resource ID/],
  ['vault ID that is an identity', { ...base, vault: { kind: 'existing', id: identity(SUB1, 'rg-prod', 'id-aks-prod-plain') } }, 'vault-id', /not a Key Vault resource ID/],
  ['identity ID of the wrong shape', { ...base, identity: { kind: 'existing', id: 'id-aks-prod-plain' } }, 'identity-id', /not a user-assigned identity resource ID/],
  ['cluster ID of the wrong shape', { ...base, clusterId: 'aks-prod-plain' }, 'cluster-id', /not an AKS cluster resource ID/],
  ['network access neither Public nor Private', { ...base, networkAccess: 'Everywhere' as 'Public' }, 'network-access', /Public or Private/],
  ['vault in a foreign subscription (not readable)', { ...base, vault: { kind: 'existing', id: vault('99999999-9999-4999-8999-999999999999', 'rg', 'kvforeign') } }, 'vault-missing', /does not exist or you cannot read it/],
  ['identity that does not exist', { ...base, identity: { kind: 'existing', id: identity(SUB1, 'rg-prod', 'id-nope') } }, 'identity-missing', /does not exist/],
  ['existing key that does not exist', { ...base, vault: { kind: 'existing', id: vault(SUB1, 'rg-prod', 'kvprodpublic') }, key: { kind: 'existing', name: 'nope' } }, 'key-missing', /does not exist/],
  ['cluster too old (1.32)', { ...base, vault: { kind: 'new', name: 'kvbad05', resourceGroup: 'rg-stg', location: 'eastus' }, clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-old'), identity: { kind: 'existing', id: identity(SUB2, 'rg-stg', 'id-aks-stg-old') } }, 'k8s-too-old', /1\.33/],
  ['PMK on a cluster too old', { kind: 'pmk', clusterId: clusterId(SUB2, 'rg-stg', 'aks-stg-old') }, 'k8s-too-old', /1\.33/],
  ['PMK on a CMK cluster', { kind: 'pmk', clusterId: clusterId(SUB1, 'rg-prod', 'aks-prod-cmk-public') }, 'cmk-use-migration', /Migrate to Platform Keys/],
  ['migrate to PMK from an unencrypted cluster', { kind: 'migrateToPmk', clusterId: PLAIN }, 'migrate-needs-cmk', /customer-managed key/],
];

// An empty policy and a notification as early as the expiry are not bad input: no page or spec refuses them, so the
// form asks before it sets them (RULES.md policy-empty, policy-notify-before-expiry; test/integration/rotation.test.ts).
const POLICY_CASES: [string, Record<string, unknown>, RegExp][] = [
  ['rotate after 3 days', { rotateAfter: 3 }, /at least 7 days/],
  ['expiry of 10 days', { expiresAfter: 10 }, /at least 28 days/],
  ['rotation not before expiry', { rotateAfter: 60, expiresAfter: 62 }, /7 days shorter/],
  ['notify without expiry', { rotateAfter: 30, notifyBeforeExpiry: 10 }, /needs an expiry/],
  ['duration that is not a duration', { rotateAfter: 'ninety' }, /not a number of days or an ISO 8601 duration/],
];

/** A custom environment as a user writes it in `microsoft-sovereign-cloud.customEnvironment`, with one field changed. */
const customEnvironment = (overrides: Record<string, unknown>) => ({
  name: 'Local', portalUrl: 'https://127.0.0.1:8443/portal', managementEndpointUrl: 'https://127.0.0.1:8443/', resourceManagerEndpointUrl: 'https://127.0.0.1:8443/',
  activeDirectoryEndpointUrl: 'https://login.microsoftonline.com/', activeDirectoryResourceId: 'https://127.0.0.1:8443/', keyVaultDnsSuffix: '127.0.0.1', ...overrides,
});

const SETTINGS_CASES: [string, unknown, unknown, RegExp][] = [
  ['unknown environment', 'AzureMoon', undefined, /not one of/],
  ['custom without customEnvironment', 'custom', undefined, /not set/],
  ['customEnvironment over http', 'custom', customEnvironment({ resourceManagerEndpointUrl: 'http://127.0.0.1:8443' }), /https/],
  ['customEnvironment endpoint not a URL', 'custom', customEnvironment({ resourceManagerEndpointUrl: 'arm' }), /not a valid URL/],
  ['customEnvironment without Key Vault suffix', 'custom', customEnvironment({ keyVaultDnsSuffix: undefined }), /keyVaultDnsSuffix is required/],
  ['customEnvironment with a non-https portal', 'custom', customEnvironment({ portalUrl: 'ftp://portal' }), /https/],
];

const KEY_ID_CASES: [string, string, RegExp][] = [
  ['key ID over http', 'http://kv.vault.azure.net/keys/k', /https/],
  ['secret ID instead of a key ID', 'https://kv.vault.azure.net/secrets/k', /\/keys\/<name>/],
  ['key ID with a bad version', 'https://kv.vault.azure.net/keys/k/not_a_version', /letters and digits/],
  ['key ID that is not a URL', 'kv/keys/k', /not a URL/],
];

const MESSAGE_CASES: [string, unknown][] = [
  ['message that is not an object', 'run'],
  ['unknown message type', { type: 'deleteVault' }],
  ['run without confirmation', { type: 'run', form: {}, confirmedIrreversible: false }],
  ['check with extra fields', { type: 'check', form: {}, script: 'rm -rf /' }],
];

describe('bad input: a clear error before any write', () => {
  before(async () => {
    await admin.reset();
    await admin.clearRequests();
  });
  after(() => {
    console.log(`bad inputs: ${cases} cases refused with zero writes`);
  });

  for (const [name, config, code, words] of CONFIG_CASES) {
    it(`wizard/command configuration: ${name}`, async () => {
      const ctx = azureContext();
      const prepared = await prepareEnable(ctx, new ManagedClustersAdapter(ctx), config, { featurePollMs: 100 });
      const finding = prepared.findings.find(f => f.code === code && f.severity === 'error');
      assert.ok(prepared.blocked && finding, `${name}: ${JSON.stringify(prepared.findings)}`);
      assert.match(finding.message, words);
      assert.deepEqual(await writes(), []);
      cases++;
    });
  }
  for (const [name, input, words] of POLICY_CASES) {
    it(`Set Rotation Policy: ${name}`, async () => {
      const ctx = azureContext();
      const url = (await getVault(ctx, vault(SUB1, 'rg-prod', 'kvprodpublic'))).vaultUri;
      const result = await applyRotationPolicyInput(ctx, url, 'aks-kms', input);
      assert.equal(result.ok, false);
      assert.match((result as { problems: readonly { message: string }[] }).problems.map(p => p.message).join(' '), words);
      assert.deepEqual(await writes(), []);
      cases++;
    });
  }
  for (const [name, cloud, custom, words] of SETTINGS_CASES) {
    it(`settings: ${name}`, () => {
      const r = resolveCloud(cloud, custom as never);
      assert.equal(r.ok, false);
      assert.match((r as { problems: string[] }).problems.join(' '), words);
      cases++;
    });
  }
  for (const [name, raw, words] of KEY_ID_CASES) {
    it(`key ID: ${name}`, () => {
      const r = parseKeyId(raw);
      assert.equal(r.ok, false);
      assert.match((r as { reason: string }).reason, words);
      cases++;
    });
  }
  for (const [name, message] of MESSAGE_CASES) {
    it(`webview message: ${name}`, () => {
      const r = parseWebviewMessage(message);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, /\w{4,}/);
      cases++;
    });
  }
  it('at least 40 invalid inputs were refused, and the emulator saw no write at all', async () => {
    assert.ok(cases >= 40, `${cases} cases`);
    assert.deepEqual(await writes(), []);
  });
});
