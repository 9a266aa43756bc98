/**
 * Every kind of response the emulator serves, validated against the official OpenAPI files
 * (AZURE_SPECS_DIR or ../shared/azure-specs), closed: a missing required property, a wrong type or a
 * property the spec does not define fails. Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { emulatorAdmin, emulatorRequest, readEmulatorInfo, REPO_ROOT, type EmulatorResponse } from '../emulator/client';
import type { EmulatorInfo } from '../emulator/info';
import { SPEC_FILES, SPECS_DIR_ENV, SpecValidator, specsDir, type SpecFile } from '../emulator/schemas';
import { KEY_VAULT_CRYPTO_OFFICER, KEY_VAULT_CRYPTO_USER } from '../emulator/roles';
import { SEED, seedCluster } from '../emulator/seed';
import { mintTestToken } from '../emulator/token';

const SPECS = specsDir();
const validator = new SpecValidator(SPECS);
const specsPresent = validator.has('managedClusters') && validator.has('armCommonV6');
const STATUS_FILE = resolve(REPO_ROOT, 'test-results', 'specs-status.json');

function writeStatus(status: Record<string, unknown>): void {
  mkdirSync(resolve(REPO_ROOT, 'test-results'), { recursive: true });
  writeFileSync(STATUS_FILE, `${JSON.stringify(status)}\n`);
}

const missingFiles = (Object.keys(SPEC_FILES) as SpecFile[]).filter((f) => !validator.has(f)).map((f) => SPEC_FILES[f]);
if (!specsPresent) {
  console.log(`SPECS: not run (${SPECS_DIR_ENV} ${process.env[SPECS_DIR_ENV] ?? '(unset)'}; ${SPECS} not found)`);
  writeStatus({ specs: 'not-run', dir: SPECS });
}

const MC_PREVIEW = '2026-10-02-preview';
const MC_OLD = '2025-05-02-preview';
const SUBS_API = '2022-12-01';
const KV_MGMT_API = '2026-02-01';
const KV_DATA_API = '2025-07-01';
const ARG_API = '2024-04-01';

let validated = 0;

/** Asserts `body` is a valid `definition` of `file`; counts it. */
function check(file: SpecFile, definition: string, body: unknown, what: string): void {
  const r = validator.validate(file, definition, body);
  assert.ok(r.ok, `${what}: not a valid ${definition} (${SPEC_FILES[file]}):\n  ${r.errors.join('\n  ')}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  validated++;
}

function expectStatus(res: EmulatorResponse, status: number, what: string): void {
  assert.equal(res.status, status, `${what}: expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
}

// Without the spec files these suites are not registered at all (reported as "not run" in specs-status.json and in
// the test summary), rather than skipped: a skipped test would hide that nothing was checked.
const describeWithSpecs: (name: string, fn: () => void) => void = specsPresent ? describe : () => undefined;
// The management-plane keys.json may be missing from the specs dir; then its responses are listed as not validated.
const itWithKeysSpec: (name: string, fn: () => Promise<void>) => void = validator.has('keyVaultKeys') ? it : () => undefined;
/** A test registered only when every spec file it validates against is present (else listed as missing). */
const itWithSpecFiles = (files: readonly SpecFile[]): ((name: string, fn: () => Promise<void>) => void) => (files.every((f) => validator.has(f)) ? it : () => undefined);

describeWithSpecs('emulator responses match the official OpenAPI schemas', () => {
  let info: EmulatorInfo;
  let token: string;
  const get = (url: string, t: string = token) => emulatorRequest(info, { url, token: t });
  const getWithoutToken = (url: string) => emulatorRequest(info, { url });

  /** GETs a list and every page behind nextLink, validating each page. */
  async function checkPages(url: string, file: SpecFile, definition: string, what: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let next: string | undefined = url;
    let pages = 0;
    while (next) {
      const res = await get(next);
      expectStatus(res, 200, what);
      check(file, definition, res.body, `${what} page ${++pages}`);
      const page = res.body as { value: unknown[]; nextLink?: string };
      items.push(...page.value);
      next = page.nextLink;
      assert.ok(pages < 50, `${what}: too many pages`);
    }
    return items;
  }

  before(() => {
    info = readEmulatorInfo();
    token = mintTestToken({ tid: info.tenantId, oid: info.userObjectId });
  });

  after(() => {
    writeStatus({ specs: 'ran', validated, ...(missingFiles.length ? { missing: missingFiles } : {}) });
    console.log(`SPECS: ran, ${validated} responses validated${missingFiles.length ? `; missing spec files: ${missingFiles.join(', ')}` : ''}`);
  });

  describe('Microsoft.Resources subscriptions', () => {
    it('list (every page) is a SubscriptionListResult', async () => {
      const subs = await checkPages(`/subscriptions?api-version=${SUBS_API}`, 'subscriptions', 'SubscriptionListResult', 'subscriptions list');
      assert.equal(subs.length, SEED.subscriptions.length);
    });
    it('get is a Subscription', async () => {
      const res = await get(`/subscriptions/${SEED.subscriptions[0].subscriptionId}?api-version=${SUBS_API}`);
      expectStatus(res, 200, 'subscription get');
      check('subscriptions', 'Subscription', res.body, 'subscription get');
    });
    it('an unknown subscription is a CloudError', async () => {
      const res = await get(`/subscriptions/99999999-9999-4999-8999-999999999999?api-version=${SUBS_API}`);
      expectStatus(res, 404, 'unknown subscription');
      check('subscriptions', 'CloudError', res.body, 'unknown subscription');
    });
  });

  describe('Microsoft.ContainerService managedClusters', () => {
    it('every seeded cluster GET at 2026-10-02-preview is a ManagedCluster', async () => {
      for (const c of SEED.clusters) {
        const res = await get(`/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}?api-version=${MC_PREVIEW}`);
        expectStatus(res, 200, c.name);
        check('managedClusters', 'ManagedCluster', res.body, `GET ${c.name}`);
      }
    });
    it(`a GET at the older ${MC_OLD} is a ManagedCluster too`, async () => {
      const c = SEED.clusters.find((x) => x.kms === 'cmk-private')!;
      const res = await get(`/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}?api-version=${MC_OLD}`);
      expectStatus(res, 200, c.name);
      check('managedClusters', 'ManagedCluster', res.body, `GET ${c.name} at ${MC_OLD}`);
    });
    it('lists by subscription and by resource group (every page) are ManagedClusterListResults', async () => {
      for (const s of SEED.subscriptions) {
        await checkPages(`/subscriptions/${s.subscriptionId}/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_PREVIEW}`, 'managedClusters', 'ManagedClusterListResult', `clusters of ${s.displayName}`);
      }
      const items = await checkPages(`/subscriptions/${SEED.subscriptions[1].subscriptionId}/resourceGroups/rg-stg/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_PREVIEW}`, 'managedClusters', 'ManagedClusterListResult', 'clusters of rg-stg');
      assert.equal(items.length, SEED.clusters.filter((c) => c.resourceGroup === 'rg-stg').length);
    });
    it('a missing cluster and a missing resource group are ErrorResponses (v6, as managedClusters.json refs)', async () => {
      const sub = SEED.subscriptions[0].subscriptionId;
      const missing = await get(`/subscriptions/${sub}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/nope?api-version=${MC_PREVIEW}`);
      expectStatus(missing, 404, 'missing cluster');
      check('armCommonV6', 'ErrorResponse', missing.body, 'missing cluster');
      const noGroup = await get(`/subscriptions/${sub}/resourceGroups/rg-nope/providers/Microsoft.ContainerService/managedClusters?api-version=${MC_PREVIEW}`);
      expectStatus(noGroup, 404, 'missing resource group');
      check('armCommonV6', 'ErrorResponse', noGroup.body, 'missing resource group');
    });
  });

  describe('Microsoft.ResourceGraph resources', () => {
    const post = (body: unknown) => emulatorRequest(info, { method: 'POST', url: `/providers/Microsoft.ResourceGraph/resources?api-version=${ARG_API}`, token, body });
    const subscriptions = SEED.subscriptions.map((s) => s.subscriptionId);

    it('paged objectArray results are QueryResponses', async () => {
      const query = "resources | where type =~ 'microsoft.containerservice/managedclusters' | order by name asc";
      let skipToken: string | undefined;
      let rows = 0;
      do {
        const res = await post({ subscriptions, query, options: { $top: 5, ...(skipToken ? { $skipToken: skipToken } : {}) } });
        expectStatus(res, 200, 'resource graph page');
        check('resourceGraph', 'QueryResponse', res.body, 'resource graph page');
        const body = res.body as { data: unknown[]; $skipToken?: string };
        rows += body.data.length;
        skipToken = body.$skipToken;
      } while (skipToken);
      assert.equal(rows, SEED.clusters.length);
    });
    it('projected, table-format and truncated results are QueryResponses', async () => {
      for (const body of [
        { subscriptions, query: "resources | where type =~ 'microsoft.keyvault/vaults' | project id, name, vaultUri = properties.vaultUri" },
        { subscriptions, query: "resources | where type =~ 'microsoft.containerservice/managedclusters' | project name, location", options: { $top: 2 } },
        { subscriptions, query: 'resources | project id, name, type', options: { resultFormat: 'table' } },
      ]) {
        const res = await post(body);
        expectStatus(res, 200, body.query);
        check('resourceGraph', 'QueryResponse', res.body, body.query);
      }
    });
    it('a bad query and a bad $top are Resource Graph ErrorResponses', async () => {
      for (const body of [
        { subscriptions, query: 'resources | summarize count() by type' },
        { subscriptions, query: 'resources | where' },
        { subscriptions, query: 'resources', options: { $top: 5000 } },
        { subscriptions, query: 'resources', options: { $skipToken: 'not-a-token' } },
      ]) {
        const res = await post(body);
        expectStatus(res, 400, body.query);
        check('resourceGraph', 'ErrorResponse', res.body, body.query);
      }
    });
  });

  describe('Microsoft.KeyVault vaults and keys (management plane)', () => {
    it('every seeded vault GET is a Vault', async () => {
      for (const v of SEED.vaults) {
        const res = await get(`/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}?api-version=${KV_MGMT_API}`);
        expectStatus(res, 200, v.name);
        check('keyVault', 'Vault', res.body, `GET ${v.name}`);
      }
    });
    it('vault lists by subscription and resource group (every page) are VaultListResults', async () => {
      for (const s of SEED.subscriptions) {
        await checkPages(`/subscriptions/${s.subscriptionId}/providers/Microsoft.KeyVault/vaults?api-version=${KV_MGMT_API}`, 'keyVault', 'VaultListResult', `vaults of ${s.displayName}`);
      }
      await checkPages(`/subscriptions/${SEED.subscriptions[2].subscriptionId}/resourceGroups/rg-fab/providers/Microsoft.KeyVault/vaults?api-version=${KV_MGMT_API}&$top=1`, 'keyVault', 'VaultListResult', 'vaults of rg-fab, $top=1');
    });
    it('a missing vault and a missing key are CloudErrors', async () => {
      const v = SEED.vaults[0];
      const base = `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults`;
      for (const url of [`${base}/nope?api-version=${KV_MGMT_API}`, `${base}/${v.name}/keys/nope?api-version=${KV_MGMT_API}`]) {
        const res = await get(url);
        expectStatus(res, 404, url);
        check('keyVaultCommon', 'CloudError', res.body, url);
      }
    });
    itWithKeysSpec('keys: get, list, versions (every page), get version are Key / KeyListResult', async () => {
      for (const v of SEED.vaults) {
        const base = `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}/keys`;
        await checkPages(`${base}?api-version=${KV_MGMT_API}`, 'keyVaultKeys', 'KeyListResult', `keys of ${v.name}`);
        for (const k of v.keys) {
          const res = await get(`${base}/${k.name}?api-version=${KV_MGMT_API}`);
          expectStatus(res, 200, `${v.name}/${k.name}`);
          check('keyVaultKeys', 'Key', res.body, `key ${v.name}/${k.name}`);
          await checkPages(`${base}/${k.name}/versions?api-version=${KV_MGMT_API}`, 'keyVaultKeys', 'KeyListResult', `versions of ${v.name}/${k.name}`);
          const one = await get(`${base}/${k.name}/versions/${k.versions[0].version}?api-version=${KV_MGMT_API}`);
          expectStatus(one, 200, 'key version');
          check('keyVaultKeys', 'Key', one.body, `key version ${v.name}/${k.name}`);
        }
      }
    });
  });

  describe('Key Vault data plane', () => {
    const publicVault = SEED.vaults.find((v) => !v.firewall)!;
    const privateVault = SEED.vaults.find((v) => v.firewall)!;
    let publicUri: string;
    let privateUri: string;

    before(async () => {
      const uri = async (v: typeof publicVault) =>
        ((await get(`/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}?api-version=${KV_MGMT_API}`)).body as { properties: { vaultUri: string } }).properties.vaultUri;
      publicUri = await uri(publicVault);
      privateUri = await uri(privateVault);
    });

    it('latest (trailing slash), versioned and by-name key GETs are KeyBundles', async () => {
      const k = publicVault.keys[0];
      for (const path of [`keys/${k.name}/`, `keys/${k.name}`, `keys/${k.name}/${k.versions[0].version}`]) {
        const res = await get(`${publicUri}${path}?api-version=${KV_DATA_API}`);
        expectStatus(res, 200, path);
        check('keyVaultData', 'KeyBundle', res.body, path);
      }
    });
    it('key versions (every page) and keys lists are KeyListResults', async () => {
      const k = publicVault.keys[0];
      const versions = await checkPages(`${publicUri}keys/${k.name}/versions?api-version=${KV_DATA_API}`, 'keyVaultData', 'KeyListResult', 'key versions');
      assert.equal(versions.length, k.versions.length);
      await checkPages(`${publicUri}keys?api-version=${KV_DATA_API}&maxresults=1`, 'keyVaultData', 'KeyListResult', 'keys');
    });
    it('the challenge, firewall, not-found and api-version errors are KeyVaultErrors', async () => {
      const k = publicVault.keys[0];
      const challenge = await getWithoutToken(`${publicUri}keys/${k.name}/?api-version=${KV_DATA_API}`);
      expectStatus(challenge, 401, 'challenge');
      assert.match(String(challenge.headers['www-authenticate']), /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/[0-9a-f-]+", resource="https:\/\/vault\.azure\.net"$/);
      check('keyVaultData', 'KeyVaultError', challenge.body, 'challenge');

      const cases: [string, number, string | undefined][] = [
        [`${privateUri}keys/${privateVault.keys[0].name}/?api-version=${KV_DATA_API}`, 403, 'firewall'],
        [`${publicUri}keys/nope/?api-version=${KV_DATA_API}`, 404, 'missing key'],
        [`${publicUri}keys/${k.name}/ffffffffffffffffffffffffffffffff?api-version=${KV_DATA_API}`, 404, 'missing version'],
        [`${publicUri}keys/${k.name}/?api-version=1999-01-01`, 400, 'bad api-version'],
        [`${publicUri}keys/${k.name}/`, 400, 'missing api-version'],
        [`${publicUri}secrets/x?api-version=${KV_DATA_API}`, 404, 'unserved path'],
      ];
      for (const [url, status, what] of cases) {
        const res = await get(url);
        expectStatus(res, status, what!);
        check('keyVaultData', 'KeyVaultError', res.body, what!);
      }
      const expired = await get(`${publicUri}keys/${k.name}/?api-version=${KV_DATA_API}`, mintTestToken({ expiresInSeconds: -60 }));
      expectStatus(expired, 401, 'expired token');
      check('keyVaultData', 'KeyVaultError', expired.body, 'expired token');
    });
  });

  describe('write paths (features, providers, vaults, identities, authorization, keys, cluster LROs)', () => {
    const admin = () => emulatorAdmin(info);
    const send = (method: string, url: string, body?: unknown, oid?: string) =>
      emulatorRequest(info, { method, url, body, token: oid ? mintTestToken({ tid: info.tenantId, oid }) : token });
    const [SUB1, SUB2] = SEED.subscriptions.map((x) => x.subscriptionId);
    const FEATURE = `/subscriptions/${SUB2}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features`;
    const vaultArmId = (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
    const roleDefId = (sub: string, guid: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

    before(async () => {
      await admin().reset();
      await admin().config({ featureRegistrationDelayMs: 0, vaultCreateDurationMs: 0, clusterUpdateDurationMs: 100 });
    });
    after(async () => {
      await admin().reset();
    });

    itWithSpecFiles(['features'])('features: get, list, register, unregister are FeatureResult(s); an unknown feature is an ErrorResponse', async () => {
      const got = await get(`${FEATURE}/KMSPMKPreview?api-version=2021-07-01`);
      expectStatus(got, 200, 'feature get');
      check('features', 'FeatureResult', got.body, 'feature get');
      await checkPages(`${FEATURE}?api-version=2021-07-01`, 'features', 'FeatureOperationsListResult', 'provider features');
      await checkPages(`/subscriptions/${SUB2}/providers/Microsoft.Features/features?api-version=2021-07-01`, 'features', 'FeatureOperationsListResult', 'all features');
      for (const verb of ['register', 'unregister']) {
        const res = await send('POST', `${FEATURE}/KMSPMKPreview/${verb}?api-version=2021-07-01`);
        expectStatus(res, 200, verb);
        check('features', 'FeatureResult', res.body, verb);
      }
      const missing = await get(`${FEATURE}/Nope?api-version=2021-07-01`);
      expectStatus(missing, 404, 'unknown feature');
      check('features', 'ErrorResponse', missing.body, 'unknown feature');
    });

    itWithSpecFiles(['resources'])('providers: get and register are Providers; an unknown namespace is a CloudError', async () => {
      for (const [method, url] of [['GET', `/subscriptions/${SUB2}/providers/Microsoft.ContainerService`], ['POST', `/subscriptions/${SUB2}/providers/Microsoft.ContainerService/register`]]) {
        const res = await send(method, `${url}?api-version=2025-04-01`);
        expectStatus(res, 200, `${method} provider`);
        check('resources', 'Provider', res.body, `${method} provider`);
      }
      const missing = await get(`/subscriptions/${SUB2}/providers/Microsoft.Nope?api-version=2025-04-01`);
      expectStatus(missing, 404, 'unknown namespace');
      check('resources', 'CloudError', missing.body, 'unknown namespace');
    });

    itWithSpecFiles(['resources'])('deployments: a resource group\'s history is a DeploymentListResult; an unknown group is a CloudError', async () => {
      // Its output names no cluster, so the tests after this one see no drift warning.
      await admin().addDeployment({ subscriptionId: SUB2, resourceGroup: 'rg-stg', name: 'stg-main', outputResources: [vaultArmId(SUB2, 'rg-stg', 'kvdeployed')] });
      const res = await get(`/subscriptions/${SUB2}/resourcegroups/rg-stg/providers/Microsoft.Resources/deployments/?api-version=2025-04-01&$top=100`);
      expectStatus(res, 200, 'deployments list');
      check('resources', 'DeploymentListResult', res.body, 'deployments list');
      const missing = await get(`/subscriptions/${SUB2}/resourcegroups/rg-nope/providers/Microsoft.Resources/deployments/?api-version=2025-04-01`);
      expectStatus(missing, 404, 'unknown group');
      check('resources', 'CloudError', missing.body, 'unknown group');
    });

    it('vaults: create (RegisteringDns), update and patch are Vaults; checkNameAvailability; name, uniqueness and patch errors are CloudErrors', async () => {
      const url = `${vaultArmId(SUB2, 'rg-stg', 'kvschema01')}?api-version=${KV_MGMT_API}`;
      const body = { location: 'eastus', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true } };
      await admin().config({ vaultCreateDurationMs: 60_000 });
      const created = await send('PUT', url, body);
      expectStatus(created, 201, 'vault create');
      assert.equal((created.body as { properties: { provisioningState: string } }).properties.provisioningState, 'RegisteringDns');
      check('keyVault', 'Vault', created.body, 'vault create (RegisteringDns)');
      await admin().config({ vaultCreateDurationMs: 0 });
      const updated = await send('PUT', url, body);
      expectStatus(updated, 200, 'vault update');
      check('keyVault', 'Vault', updated.body, 'vault update');
      const patched = await send('PATCH', url, { tags: { a: 'b' }, properties: { enablePurgeProtection: true, networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [{ value: '10.0.0.0/24' }] }, publicNetworkAccess: 'Enabled' } });
      expectStatus(patched, 200, 'vault patch');
      check('keyVault', 'Vault', patched.body, 'vault patch');
      for (const name of ['kvprodpublic', 'kv--bad']) {
        const res = await send('POST', `/subscriptions/${SUB2}/providers/Microsoft.KeyVault/checkNameAvailability?api-version=${KV_MGMT_API}`, { name, type: 'Microsoft.KeyVault/vaults' });
        expectStatus(res, 200, `checkNameAvailability ${name}`);
        check('keyVault', 'CheckNameAvailabilityResult', res.body, `checkNameAvailability ${name}`);
      }
      const cases: [string, string, unknown, number][] = [
        ['PUT', `${vaultArmId(SUB2, 'rg-stg', 'kvprodpublic')}?api-version=${KV_MGMT_API}`, body, 409],
        ['PUT', `${vaultArmId(SUB2, 'rg-stg', 'kv--bad')}?api-version=${KV_MGMT_API}`, body, 400],
        ['PATCH', url, { properties: { enablePurgeProtection: false } }, 400],
      ];
      for (const [method, u, b, status] of cases) {
        const res = await send(method, u, b);
        expectStatus(res, status, `${method} ${u}`);
        check('keyVaultCommon', 'CloudError', res.body, `${method} vault error ${status}`);
      }
    });

    itWithSpecFiles(['managedIdentity', 'armCommonV4'])('identities: create, get are Identities, lists IdentityListResults; errors are v4 ErrorResponses', async () => {
      const base = `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
      const created = await send('PUT', `${base}/id-schema?api-version=2024-11-30`, { location: 'eastus', tags: { a: 'b' } });
      expectStatus(created, 201, 'identity create');
      check('managedIdentity', 'Identity', created.body, 'identity create');
      const one = await get(`${base}/id-schema?api-version=2024-11-30`);
      check('managedIdentity', 'Identity', one.body, 'identity get');
      await checkPages(`${base}?api-version=2024-11-30`, 'managedIdentity', 'IdentityListResult', 'identities of rg-prod');
      await checkPages(`/subscriptions/${SUB1}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`, 'managedIdentity', 'IdentityListResult', 'identities of sub 1');
      for (const [method, url, status] of [['PUT', `${base}/-bad?api-version=2024-11-30`, 400], ['GET', `${base}/id-nope?api-version=2024-11-30`, 404]] as const) {
        const res = await send(method, url, method === 'PUT' ? { location: 'eastus' } : undefined);
        expectStatus(res, status, `${method} identity error`);
        check('armCommonV4', 'ErrorResponse', res.body, `identity error ${status}`);
      }
    });

    itWithSpecFiles(['roleDefinitions', 'roleAssignments', 'armCommonV2'])('authorization: RoleDefinition(ListResult), RoleAssignment(ListResult), PermissionGetResult; errors are v2 ErrorResponses', async () => {
      const vault = vaultArmId(SUB1, 'rg-prod', 'kvprodpublic');
      await checkPages(`${vault}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("roleName eq 'Key Vault Crypto User'")}`, 'roleDefinitions', 'RoleDefinitionListResult', 'role definitions by name');
      await checkPages(`/subscriptions/${SUB1}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`, 'roleDefinitions', 'RoleDefinitionListResult', 'all role definitions');
      const def = await get(`/${vault}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_CRYPTO_OFFICER}?api-version=2022-04-01`);
      expectStatus(def, 200, 'role definition by id (//subscriptions)');
      check('roleDefinitions', 'RoleDefinition', def.body, 'role definition get');

      const name = randomUUID();
      const assignmentUrl = `${vault}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;
      const props = { roleDefinitionId: roleDefId(SUB1, KEY_VAULT_CRYPTO_USER), principalId: seedCluster('aks-prod-pmk').identity.principalId, principalType: 'ServicePrincipal' };
      const created = await send('PUT', assignmentUrl, { properties: props });
      expectStatus(created, 201, 'role assignment create');
      check('roleAssignments', 'RoleAssignment', created.body, 'role assignment create');
      const again = await send('PUT', assignmentUrl, { properties: props });
      expectStatus(again, 409, 'role assignment re-PUT (RoleAssignmentExists)');
      check('armCommonV2', 'ErrorResponse', again.body, 'role assignment re-PUT');
      check('roleAssignments', 'RoleAssignment', (await get(assignmentUrl)).body, 'role assignment get');
      await checkPages(`${vault}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`, 'roleAssignments', 'RoleAssignmentListResult', 'assignments atScope()');
      await checkPages(`/subscriptions/${SUB1}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, 'roleAssignments', 'RoleAssignmentListResult', 'assignments of sub 1');
      await checkPages(`/subscriptions/${SUB1}/resourcegroups/rg-prod/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`, 'roleDefinitions', 'PermissionGetResult', 'permissions of rg-prod');
      await checkPages(`/subscriptions/${SUB1}/resourcegroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`, 'roleDefinitions', 'PermissionGetResult', 'permissions of a vault');

      const errors: [string, string, unknown, number][] = [
        ['PUT', `${vault}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, { properties: props }, 409],
        ['PUT', `${vault}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, { properties: { ...props, principalId: randomUUID() } }, 400],
        ['PUT', `${vault}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, { properties: { ...props, roleDefinitionId: roleDefId(SUB1, randomUUID()) } }, 400],
        ['PUT', `${vault}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?api-version=2022-04-01`, { properties: props }, 400],
        ['GET', `${vault}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, undefined, 404],
        ['GET', `${vault}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}?api-version=2022-04-01`, undefined, 404],
      ];
      for (const [method, url, body, status] of errors) {
        const res = await send(method, url, body);
        expectStatus(res, status, `${method} ${url}`);
        check('armCommonV2', 'ErrorResponse', res.body, `authorization error ${status}`);
      }
      const deleted = await send('DELETE', assignmentUrl);
      expectStatus(deleted, 200, 'role assignment delete');
      check('roleAssignments', 'RoleAssignment', deleted.body, 'role assignment delete');
    });

    it('keys on the data plane: create, rotate, update are KeyBundles; rotation policies; crypto results; delete, read deleted, recover; RBAC, access, conflict and parameter errors are KeyVaultErrors', async () => {
      const vaultUri = ((await get(`${vaultArmId(SUB1, 'rg-prod', 'kvprodpublic')}?api-version=${KV_MGMT_API}`)).body as { properties: { vaultUri: string } }).properties.vaultUri;
      const kv = (p: string) => `${vaultUri}${p}${p.includes('?') ? '&' : '?'}api-version=${KV_DATA_API}`;
      const created = await send('POST', kv('keys/schema-key/create'), { kty: 'RSA', key_size: 2048, attributes: { enabled: true }, tags: { a: 'b' } });
      expectStatus(created, 200, 'key create');
      check('keyVaultData', 'KeyBundle', created.body, 'key create');
      const ec = await send('POST', kv('keys/schema-ec/create'), { kty: 'EC', crv: 'P-256' });
      check('keyVaultData', 'KeyBundle', ec.body, 'EC key create');
      const rotated = await send('POST', kv('keys/schema-key/rotate'));
      expectStatus(rotated, 200, 'key rotate');
      check('keyVaultData', 'KeyBundle', rotated.body, 'key rotate');
      const kid = (rotated.body as { key: { kid: string } }).key.kid;
      const updated = await send('PATCH', `${kid}?api-version=${KV_DATA_API}`, { attributes: { enabled: true, exp: Math.floor(Date.now() / 1000) + 86400 * 400 } });
      expectStatus(updated, 200, 'key update');
      check('keyVaultData', 'KeyBundle', updated.body, 'key update');
      const dflt = await get(kv('keys/schema-key/rotationpolicy'));
      expectStatus(dflt, 200, 'default rotation policy');
      check('keyVaultData', 'KeyRotationPolicy', dflt.body, 'default rotation policy');
      const set = await send('PUT', kv('keys/schema-key/rotationpolicy'), { lifetimeActions: [{ trigger: { timeAfterCreate: 'P90D' }, action: { type: 'Rotate' } }, { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }], attributes: { expiryTime: 'P1Y' } });
      expectStatus(set, 200, 'set rotation policy');
      check('keyVaultData', 'KeyRotationPolicy', set.body, 'set rotation policy');
      const encrypted = await send('POST', `${kid}/encrypt?api-version=${KV_DATA_API}`, { alg: 'RSA-OAEP', value: Buffer.from('dek').toString('base64url') });
      expectStatus(encrypted, 200, 'encrypt');
      check('keyVaultData', 'KeyOperationResult', encrypted.body, 'encrypt');

      // Soft delete: a DeletedKeyBundle with its purge date; the name stays taken (409) until the key is recovered.
      const deletedKey = await send('DELETE', kv('keys/schema-ec'));
      expectStatus(deletedKey, 200, 'key delete');
      check('keyVaultData', 'DeletedKeyBundle', deletedKey.body, 'key delete');
      const { deletedDate, scheduledPurgeDate, recoveryId } = deletedKey.body as { deletedDate: number; scheduledPurgeDate: number; recoveryId: string };
      assert.equal(scheduledPurgeDate - deletedDate, 90 * 86_400, 'purged after the vault retention (90 days)');
      assert.equal(recoveryId, `${vaultUri}deletedkeys/schema-ec`);
      expectStatus(await get(kv('keys/schema-ec')), 404, 'a deleted key is not found');
      const readDeleted = await get(kv('deletedkeys/schema-ec'));
      expectStatus(readDeleted, 200, 'get deleted key');
      check('keyVaultData', 'DeletedKeyBundle', readDeleted.body, 'get deleted key');
      const reuse = await send('POST', kv('keys/schema-ec/create'), { kty: 'EC', crv: 'P-256' });
      expectStatus(reuse, 409, 'a deleted key name is not reused');
      check('keyVaultData', 'KeyVaultError', reuse.body, 'deleted key conflict');
      const recovered = await send('POST', kv('deletedkeys/schema-ec/recover'));
      expectStatus(recovered, 200, 'recover');
      check('keyVaultData', 'KeyBundle', recovered.body, 'recover');
      expectStatus(await get(kv('keys/schema-ec')), 200, 'a recovered key is back');
      expectStatus(await get(kv('deletedkeys/schema-ec')), 404, 'and no longer deleted');

      const fabVault = ((await get(`${vaultArmId(SEED.subscriptions[2].subscriptionId, 'rg-fab', 'kvfabkeys')}?api-version=${KV_MGMT_API}`)).body as { properties: { vaultUri: string } }).properties.vaultUri;
      const errors: [string, string, unknown, number][] = [
        ['GET', `${fabVault}keys/kms-key?api-version=${KV_DATA_API}`, undefined, 403],
        ['POST', kv('keys/schema-bad/create'), { kty: 'RSA', key_size: 1000 }, 400],
        ['PUT', kv('keys/schema-key/rotationpolicy'), { lifetimeActions: [{ trigger: { timeAfterCreate: 'P1D' }, action: { type: 'Rotate' } }] }, 400],
        ['POST', kv('keys/nope/rotate'), undefined, 404],
      ];
      for (const [method, url, body, status] of errors) {
        const res = await send(method, url, body);
        expectStatus(res, status, `${method} ${url}`);
        check('keyVaultData', 'KeyVaultError', res.body, `data-plane error ${status}`);
      }
    });

    it('cluster PUT: the Updating body is a ManagedCluster, the status monitor an OperationStatusResult (InProgress, Succeeded, Failed); rule errors are v6 ErrorResponses', async () => {
      const c = seedCluster('aks-prod-plain');
      const url = `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}?api-version=${MC_PREVIEW}`;
      const cluster = (await get(url)).body as { properties: Record<string, unknown> };
      cluster.properties.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
      await admin().config({ clusterUpdateDurationMs: 100, failNextClusterOperations: { count: 1, code: 'QuotaExceeded', message: 'Injected.' } });
      const waitFor = async (statusUrl: string): Promise<void> => {
        for (;;) {
          const res = await get(statusUrl);
          expectStatus(res, 200, 'operation status');
          check('managedClusters', 'OperationStatusResult', res.body, `operation status ${(res.body as { status: string }).status}`);
          if ((res.body as { status: string }).status !== 'InProgress') return;
          await new Promise((r) => setTimeout(r, 40));
        }
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await send('PUT', url, cluster);
        expectStatus(res, 200, 'cluster PUT');
        check('managedClusters', 'ManagedCluster', res.body, `cluster PUT (attempt ${attempt + 1})`);
        await waitFor(String(res.headers['azure-asyncoperation']));
      }
      const old = seedCluster('aks-stg-old');
      const oldUrl = `/subscriptions/${old.subscriptionId}/resourceGroups/${old.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${old.name}?api-version=${MC_PREVIEW}`;
      const oldBody = (await get(oldUrl)).body as { properties: Record<string, unknown> };
      oldBody.properties.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
      const rejected = await send('PUT', oldUrl, oldBody);
      expectStatus(rejected, 400, 'rule rejection');
      check('armCommonV6', 'ErrorResponse', rejected.body, 'cluster rule rejection');
      const pmkBody = (await get(url)).body as { properties: { securityProfile: Record<string, unknown> } };
      pmkBody.properties.securityProfile = {};
      const downgrade = await send('PUT', url, pmkBody);
      expectStatus(downgrade, 400, 'downgrade');
      check('armCommonV6', 'ErrorResponse', downgrade.body, 'downgrade rejection');
      const cmk = structuredClone(pmkBody);
      cmk.properties.securityProfile = { azureKeyVaultKms: { enabled: true, keyId: 'https://127.0.0.1:1/keys/x', keyVaultNetworkAccess: 'Public' }, kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
      const denied = await send('PUT', url, cmk);
      expectStatus(denied, 400, 'identity permission');
      check('armCommonV6', 'ErrorResponse', denied.body, 'identity permission rejection');

      // Subscription 2 has KMSPMKPreview unregistered (the features test above unregistered it).
      const novnet = seedCluster('aks-stg-novnet');
      const novnetUrl = `/subscriptions/${novnet.subscriptionId}/resourceGroups/${novnet.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${novnet.name}?api-version=${MC_PREVIEW}`;
      const gated = (await get(novnetUrl)).body as { properties: Record<string, unknown> };
      gated.properties.securityProfile = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
      const featureGate = await send('PUT', novnetUrl, gated);
      expectStatus(featureGate, 400, 'feature gate');
      check('armCommonV6', 'ErrorResponse', featureGate.body, 'feature gate rejection');

      await admin().config({ clusterUpdateDurationMs: 60_000 });
      const running = (await get(url)).body as { properties: Record<string, unknown> };
      expectStatus(await send('PUT', url, running), 200, 'long update');
      const busy = await send('PUT', url, running);
      expectStatus(busy, 409, 'operation in progress');
      check('armCommonV6', 'ErrorResponse', busy.body, 'OperationNotAllowed');
      const noOp = await get(`/subscriptions/${c.subscriptionId}/providers/Microsoft.ContainerService/locations/eastus/operations/${randomUUID()}?api-version=2016-03-30`);
      expectStatus(noOp, 404, 'unknown operation');
      check('armCommonV6', 'ErrorResponse', noOp.body, 'unknown operation');
    });
  });

  describe('ARM front-door errors', () => {
    it('auth, api-version and routing errors are ErrorResponses (common types v6 and v1)', async () => {
      const cluster = SEED.clusters[0];
      const clusterUrl = `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.name}`;
      const cases: { url: string; token?: string; method?: string; status: number; what: string }[] = [
        { url: `/subscriptions?api-version=${SUBS_API}`, token: undefined, status: 401, what: 'missing token' },
        { url: `/subscriptions?api-version=${SUBS_API}`, token: 'not-a-jwt', status: 401, what: 'malformed token' },
        { url: `/subscriptions?api-version=${SUBS_API}`, token: mintTestToken({ expiresInSeconds: -60 }), status: 401, what: 'expired token' },
        { url: clusterUrl, token, status: 400, what: 'missing api-version' },
        { url: `${clusterUrl}?api-version=2019-01-01`, token, status: 400, what: 'invalid api-version' },
        { url: `/subscriptions/${cluster.subscriptionId}/providers/Microsoft.Nope/things?api-version=2020-01-01`, token, status: 404, what: 'unserved path' },
        { url: `${clusterUrl}?api-version=${MC_PREVIEW}`, token, method: 'PATCH', status: 405, what: 'unsupported method' },
      ];
      for (const c of cases) {
        const res = await emulatorRequest(info, { url: c.url, token: c.token, method: c.method });
        expectStatus(res, c.status, c.what);
        check('armCommonV6', 'ErrorResponse', res.body, c.what);
        check('armCommonV1', 'ErrorResponse', (res.body as { error: unknown }).error, `${c.what} (v1 error body)`);
      }
    });
  });
});

describeWithSpecs('the schema validator itself', () => {
  it('rejects broken bodies: missing required, wrong type, undefined property, bad enum', async () => {
    const info = readEmulatorInfo();
    const c = SEED.clusters[0];
    const res = await emulatorRequest(info, {
      url: `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}?api-version=${MC_PREVIEW}`,
      token: mintTestToken(),
    });
    assert.ok(validator.validate('managedClusters', 'ManagedCluster', res.body).ok, 'the unbroken body is valid');

    type ClusterBody = { location?: string; properties: { kubernetesVersion: unknown; securityProfile: Record<string, unknown> }; identity: { type: string } };
    const broken = (mutate: (b: ClusterBody) => void) => {
      const b = structuredClone(res.body) as ClusterBody;
      mutate(b);
      return validator.validate('managedClusters', 'ManagedCluster', b);
    };
    const noLocation = broken((b) => delete b.location);
    assert.ok(!noLocation.ok && noLocation.errors.some((e) => /required property 'location'/.test(e)), noLocation.errors.join('; '));
    const wrongType = broken((b) => (b.properties.kubernetesVersion = 133));
    assert.ok(!wrongType.ok && wrongType.errors.some((e) => /kubernetesVersion must be string/.test(e)), wrongType.errors.join('; '));
    const typo = broken((b) => (b.properties.securityProfile.kubernetesResourceObjectEncryptionProfil = { infrastructureEncryption: 'Enabled' }));
    assert.ok(!typo.ok && typo.errors.some((e) => /kubernetesResourceObjectEncryptionProfil'/.test(e)), typo.errors.join('; '));
    const badEnum = broken((b) => (b.identity.type = 'Magic'));
    assert.ok(!badEnum.ok, 'an identity type outside the enum fails');

    assert.ok(!validator.validate('resourceGraph', 'QueryResponse', { count: 0, resultTruncated: 'false', data: [] }).ok, 'QueryResponse without totalRecords fails');
    assert.ok(!validator.validate('keyVaultData', 'KeyBundle', { key: { kid: 'x' }, attributes: { created: '2026-01-01' } }).ok, 'KeyBundle with a string timestamp fails');
    assert.ok(!validator.validate('subscriptions', 'Subscription', { subscriptionId: 'x', state: 'Active' }).ok, 'Subscription state outside the enum fails');
    if (validator.has('features')) assert.ok(!validator.validate('features', 'FeatureResult', { name: 'x', properties: { state: 'Registered', extra: 1 } }).ok, 'FeatureResult with an invented property fails');
    if (validator.has('roleAssignments')) assert.ok(!validator.validate('roleAssignments', 'RoleAssignment', { properties: { principalId: 'x' } }).ok, 'RoleAssignment without roleDefinitionId fails');
    if (validator.has('managedIdentity')) {
      assert.ok(!validator.validate('managedIdentity', 'Identity', { location: 'eastus', properties: { principalId: 'not-a-guid' } }).ok, 'Identity with a non-GUID principalId fails');
      assert.ok(validator.validate('managedIdentity', 'IdentityUpdate', { location: 'eastus', systemData: { createdBy: 'me' } }).ok, 'the systemData override lets ManagedIdentity.json load');
    }
    assert.ok(!validator.validate('managedClusters', 'OperationStatusResult', { name: 'x' }).ok, 'an operation status without status fails');
  });
});

describe('spec files are present', () => {
  // Outside CI a missing specs dir is recorded as "not run" (test-results/specs-status.json), not failed; in CI it fails.
  if (!specsPresent && process.env.CI !== 'true') {
    return;
  }
  it('the specs dir is present (required in CI)', () => {
    assert.ok(specsPresent, `the OpenAPI files are required in CI: ${SPECS} not found (set ${SPECS_DIR_ENV})`);
  });
});
