/**
 * Every kind of response the emulator serves, validated against the official OpenAPI files
 * (AZURE_SPECS_DIR or ../shared/azure-specs), closed: a missing required property, a wrong type or a
 * property the spec does not define fails. Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emulatorRequest, readEmulatorInfo, REPO_ROOT, type EmulatorResponse } from '../emulator/client';
import type { EmulatorInfo } from '../emulator/info';
import { SPEC_FILES, SPECS_DIR_ENV, SpecValidator, specsDir, type SpecFile } from '../emulator/schemas';
import { SEED } from '../emulator/seed';
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
