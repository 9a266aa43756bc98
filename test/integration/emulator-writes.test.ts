/**
 * The emulator's write paths through the real SDK clients (arm-features, arm-resources, arm-msi,
 * arm-authorization, arm-keyvault, keyvault-keys): feature and provider registration, vault create/patch,
 * identities, role definitions and assignments, data-plane RBAC with propagation delay, the firewall,
 * keys (create, rotate, rotation policy, attributes), the clock and the admin API.
 * Run through test/emulator/with-emulator.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { FeatureClient } from '@azure/arm-features';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import { KeyClient } from '@azure/keyvault-keys';
import { emulatorAdmin, emulatorRequest } from '../emulator/client';
import { identityPrincipalId } from '../emulator/ids';
import { KEY_VAULT_CONTRIBUTOR, KEY_VAULT_CRYPTO_OFFICER, KEY_VAULT_CRYPTO_USER } from '../emulator/roles';
import { DAY_MS, SEED, seedCluster, seedVault } from '../emulator/seed';
import { mintTestToken, testCredential } from '../emulator/token';
import { armClientOptions, call, emulatorInfo, expectError, getJson, KV_DATA_API, rejection, type RestErrorLike, sleep, vaultBaseUrl, vaultId, vaultUrl } from './emulator-helpers';


const info = emulatorInfo();
const admin = emulatorAdmin(info);
const credential = testCredential(info);
const opts = armClientOptions(info);
const [SUB1, SUB2, SUB3, SUB4] = SEED.subscriptions.map((s) => s.subscriptionId);
const FEATURE_NS = 'Microsoft.ContainerService';
const FEATURE = 'KMSPMKPreview';
const roleDefinitionId = (sub: string, guid: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
/** A client that talks to a vault as `oid` (default: the signed-in user). */
const keyClient = (vaultUri: string, oid?: string) => new KeyClient(vaultUri, testCredential(info, oid ? { oid } : {}), { disableChallengeResourceVerification: true });

async function createVault(sub: string, rg: string, name: string, properties: Record<string, unknown> = {}): Promise<{ id: string; uri: string }> {
  const client = new KeyVaultManagementClient(credential, sub, opts);
  const v = await client.vaults.createOrUpdate(
    rg,
    name,
    { location: 'eastus', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, ...properties } },
    { updateIntervalInMs: 20 },
  );
  return { id: v.id!, uri: v.properties.vaultUri! };
}

describe('feature and provider registration (FeatureClient, ResourceManagementClient)', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ featureRegistrationDelayMs: 300 });
  });
  after(async () => {
    await admin.reset();
  });

  it('KMSPMKPreview is seeded Registered in subscriptions 1 and 3, NotRegistered in 2 and 4', async () => {
    const states = await Promise.all([SUB1, SUB2, SUB3, SUB4].map(async (s) => (await new FeatureClient(credential, s, opts).features.get(FEATURE_NS, FEATURE)).properties?.state));
    assert.deepEqual(states, ['Registered', 'NotRegistered', 'Registered', 'NotRegistered']);
  });

  it('register: NotRegistered → Registering → Registered after featureRegistrationDelayMs; unregister goes back through Unregistering', async () => {
    const client = new FeatureClient(credential, SUB2, opts);
    const registered = await client.features.register(FEATURE_NS, FEATURE);
    assert.equal(registered.name, `${FEATURE_NS}/${FEATURE}`);
    assert.equal(registered.properties?.state, 'Registering');
    assert.equal((await client.features.get(FEATURE_NS, FEATURE)).properties?.state, 'Registering');
    const listed = [];
    for await (const f of client.features.list(FEATURE_NS)) listed.push(f);
    assert.deepEqual(listed.map((f) => [f.name, f.properties?.state]), [[`${FEATURE_NS}/${FEATURE}`, 'Registering']]);
    await sleep(350);
    assert.equal((await client.features.get(FEATURE_NS, FEATURE)).properties?.state, 'Registered');
    assert.equal((await client.features.register(FEATURE_NS, FEATURE)).properties?.state, 'Registered', 'registering again is a no-op');

    assert.equal((await client.features.unregister(FEATURE_NS, FEATURE)).properties?.state, 'Unregistering');
    await sleep(350);
    assert.equal((await client.features.get(FEATURE_NS, FEATURE)).properties?.state, 'Unregistered');
  });

  it('an unknown feature is 404 FeatureNotFound', async () => {
    const err = await rejection(new FeatureClient(credential, SUB1, opts).features.get(FEATURE_NS, 'NoSuchPreview'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'FeatureNotFound');
    assert.equal(err.message, "The feature 'NoSuchPreview' could not be found.");
  });

  it('providers: Microsoft.ContainerService is Registered; register answers the Provider; an unknown namespace is 404', async () => {
    const client = new ResourceManagementClient(credential, SUB2, opts);
    const p = await client.providers.register(FEATURE_NS);
    assert.equal(p.namespace, FEATURE_NS);
    assert.equal(p.registrationState, 'Registered');
    const got = await client.providers.get(FEATURE_NS);
    assert.ok(got.resourceTypes?.some((t) => t.resourceType === 'managedClusters' && t.apiVersions?.includes('2026-10-02-preview')));
    const err = await rejection(client.providers.get('Microsoft.Nope'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'InvalidResourceNamespace');
  });
});

describe('Key Vault management plane (KeyVaultManagementClient and raw)', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ vaultCreateDurationMs: 300 });
  });
  after(async () => {
    await admin.reset();
  });

  it('create is a body-mode LRO: 201 RegisteringDns with its own vaultUri, GET until Succeeded; the new vault serves its own data plane', async () => {
    const url = `/subscriptions/${SUB2}/resourceGroups/rg-stg/providers/Microsoft.KeyVault/vaults/kvwrites01?api-version=2026-02-01`;
    const res = await call('PUT', url, { location: 'eastus', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, publicNetworkAccess: 'Enabled' } });
    assert.equal(res.status, 201, res.text);
    const first = res.body as { properties: { provisioningState: string; vaultUri: string; enableSoftDelete: boolean; enableRbacAuthorization: boolean } };
    assert.equal(first.properties.provisioningState, 'RegisteringDns');
    assert.match(first.properties.vaultUri, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(first.properties.enableSoftDelete, true, 'soft delete is on by default');
    const others = await Promise.all(SEED.vaults.map((v) => vaultBaseUrl(v.name)));
    assert.ok(!others.includes(first.properties.vaultUri.replace(/\/$/, '')), 'a port of its own');

    assert.equal((await getJson<typeof first>(url)).properties.provisioningState, 'RegisteringDns');
    await sleep(350);
    assert.equal((await getJson<typeof first>(url)).properties.provisioningState, 'Succeeded');

    const created = await keyClient(first.properties.vaultUri).getKey('nope').catch((e: RestErrorLike) => e);
    assert.equal((created as RestErrorLike).statusCode, 403, 'the creator holds no data-plane role on an RBAC vault');
  });

  it('the SDK poller waits for Succeeded', async () => {
    const client = new KeyVaultManagementClient(credential, SUB3, opts);
    const v = await client.vaults.createOrUpdate('rg-fab', 'kvwrites02', { location: 'westeurope', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'premium' } } }, { updateIntervalInMs: 50 });
    assert.equal(v.properties.provisioningState, 'Succeeded');
    assert.equal(v.properties.sku.name, 'premium');
    assert.equal(v.properties.enableRbacAuthorization, false, 'the spec default');
  });

  it('names are global: the same name in another resource group or subscription is 409 VaultAlreadyExists; checkNameAvailability agrees', async () => {
    const err = await rejection(createVault(SUB2, 'rg-stg', 'kvprodpublic'));
    assert.equal(err.statusCode, 409);
    assert.equal(err.code, 'VaultAlreadyExists');
    assert.match(err.message ?? '', /^The vault name 'kvprodpublic' is already in use\./);
    const client = new KeyVaultManagementClient(credential, SUB2, opts);
    assert.deepEqual(await client.vaults.checkNameAvailability({ name: 'kvprodpublic', type: 'Microsoft.KeyVault/vaults' }).then((r) => [r.nameAvailable, r.reason]), [false, 'AlreadyExists']);
    assert.deepEqual(await client.vaults.checkNameAvailability({ name: 'kv--bad', type: 'Microsoft.KeyVault/vaults' }).then((r) => [r.nameAvailable, r.reason]), [false, 'AccountNameInvalid']);
    assert.equal((await client.vaults.checkNameAvailability({ name: 'kvfreename', type: 'Microsoft.KeyVault/vaults' })).nameAvailable, true);
  });

  it('invalid vault names are 400 VaultNameNotValid and create nothing', async () => {
    for (const name of ['kv', '1kvstarts', 'kv--double', 'kvends-', 'kv_underscore', 'k'.repeat(25)]) {
      const res = await call('PUT', `/subscriptions/${SUB2}/resourceGroups/rg-stg/providers/Microsoft.KeyVault/vaults/${name}?api-version=2026-02-01`, {
        location: 'eastus',
        properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' } },
      });
      expectError(res, 400, 'VaultNameNotValid', new RegExp(`^The vault name '${name}' is invalid\\.`));
    }
    assert.equal((await getJson<{ value: unknown[] }>(`/subscriptions/${SUB2}/resourceGroups/rg-stg/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`)).value.length, 1);
  });

  it('PATCH: purge protection on (and never off), soft delete never off, retention range, tags', async () => {
    const client = new KeyVaultManagementClient(credential, SUB2, opts);
    const legacy = seedVault('kvstglegacy');
    const patched = await client.vaults.update(legacy.resourceGroup, legacy.name, { tags: { team: 'kms' }, properties: { enablePurgeProtection: true } });
    assert.equal(patched.properties.enablePurgeProtection, true);
    assert.deepEqual(patched.tags, { team: 'kms' });
    for (const [properties, pattern] of [
      [{ enablePurgeProtection: false }, /"enablePurgeProtection" cannot be set to false/],
      [{ enableSoftDelete: false }, /"enableSoftDelete" cannot be set to false/],
      [{ softDeleteRetentionInDays: 3 }, /accepts 7 to 90/],
      [{ networkAcls: { defaultAction: 'Block' } }, /networkAcls\.defaultAction/],
    ] as const) {
      expectError(await call('PATCH', vaultUrl('kvstglegacy'), { properties }), 400, 'BadRequest', pattern);
    }
    const after = await client.vaults.get(legacy.resourceGroup, legacy.name);
    assert.equal(after.properties.enableSoftDelete, true);
    assert.equal(after.properties.softDeleteRetentionInDays, 90);
  });

  it('the firewall: PATCH defaultAction Deny blocks the caller on the data plane (ForbiddenByFirewall); publicNetworkAccess Disabled is ForbiddenByConnection; ARM still reads keys', async () => {
    const client = new KeyVaultManagementClient(credential, SUB1, opts);
    const v = seedVault('kvprodpublic');
    const uri = `${await vaultBaseUrl('kvprodpublic')}/`;
    assert.equal((await keyClient(uri).getKey('aks-kms')).name, 'aks-kms');
    const locked = await client.vaults.update(v.resourceGroup, v.name, { properties: { networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } } });
    assert.equal(locked.properties.networkAcls?.defaultAction, 'Deny');
    const fw = await rejection(keyClient(uri).getKey('aks-kms'));
    assert.deepEqual([fw.statusCode, fw.code, fw.details?.error?.innerError?.code], [403, 'Forbidden', 'ForbiddenByFirewall']);
    assert.equal((await client.keys.get(v.resourceGroup, v.name, 'aks-kms')).name, 'aks-kms', 'ARM is not behind the firewall');

    await client.vaults.update(v.resourceGroup, v.name, { properties: { networkAcls: { defaultAction: 'Allow' }, publicNetworkAccess: 'Disabled' } });
    const conn = await rejection(keyClient(uri).getKey('aks-kms'));
    assert.deepEqual([conn.statusCode, conn.details?.error?.innerError?.code], [403, 'ForbiddenByConnection']);
  });

  it('keys.createIfNotExist through ARM (not blocked by the firewall): RSA with a rotation policy; a second call returns the key unchanged', async () => {
    const client = new KeyVaultManagementClient(credential, SUB1, opts);
    const v = seedVault('kvprodprivate');
    const params = {
      properties: {
        kty: 'RSA' as const,
        keySize: 3072,
        rotationPolicy: { lifetimeActions: [{ trigger: { timeAfterCreate: 'P30D' }, action: { type: 'rotate' as const } }], attributes: { expiryTime: 'P90D' } },
      },
    };
    const k = await client.keys.createIfNotExist(v.resourceGroup, v.name, 'arm-key', params);
    assert.equal(k.kty, 'RSA');
    assert.equal(k.keySize, 3072);
    assert.equal(k.rotationPolicy?.lifetimeActions?.[0]?.trigger?.timeAfterCreate, 'P30D');
    assert.equal(k.rotationPolicy?.attributes?.expiryTime, 'P90D');
    const expiresInDays = ((k.attributes?.expires ?? 0) - (k.attributes?.created ?? 0)) / 86400;
    assert.equal(expiresInDays, 90, 'the policy stamps the expiry');
    const again = await client.keys.createIfNotExist(v.resourceGroup, v.name, 'arm-key', { properties: { kty: 'EC' } });
    assert.equal(again.keyUriWithVersion, k.keyUriWithVersion);
    const versions = [];
    for await (const x of client.keys.listVersions(v.resourceGroup, v.name, 'arm-key')) versions.push(x);
    assert.equal(versions.length, 1);
    const bad = await call('PUT', `${vaultId('kvprodprivate')}/keys/bad-key?api-version=2026-02-01`, { properties: { kty: 'RSA', keySize: 1024 } });
    expectError(bad, 400, 'BadRequest', /key size '1024'/);
  });
});

describe('managed identities (ManagedServiceIdentityClient)', () => {
  before(async () => {
    await admin.reset();
  });
  after(async () => {
    await admin.reset();
  });

  it('create (201), get and list; principalId/clientId derive from the id; the seeded id-<cluster> identities exist', async () => {
    const client = new ManagedServiceIdentityClient(credential, SUB1, opts);
    const created = await client.userAssignedIdentities.createOrUpdate('rg-prod', 'id-writes', { location: 'eastus', tags: { purpose: 'kms' } });
    assert.equal(created.principalId, identityPrincipalId(SUB1, 'rg-prod', 'id-writes'));
    assert.match(created.clientId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(created.tenantId, info.tenantId);
    const got = await client.userAssignedIdentities.get('rg-prod', 'id-writes');
    assert.deepEqual([got.principalId, got.clientId, got.tags], [created.principalId, created.clientId, { purpose: 'kms' }]);
    const names = [];
    for await (const i of client.userAssignedIdentities.listByResourceGroup('rg-prod')) names.push(i.name);
    assert.deepEqual(names.sort(), ['id-aks-prod-cmk-public', 'id-aks-prod-plain', 'id-aks-prod-pmk', 'id-writes']);
    const seeded = await client.userAssignedIdentities.get('rg-prod', 'id-aks-prod-cmk-public');
    assert.equal(seeded.principalId, seedCluster('aks-prod-cmk-public').identity.principalId);
  });

  it('an invalid name is 400, a missing resource group 404, a missing identity 404', async () => {
    const client = new ManagedServiceIdentityClient(credential, SUB1, opts);
    const bad = await rejection(client.userAssignedIdentities.createOrUpdate('rg-prod', '-bad', { location: 'eastus' }));
    assert.deepEqual([bad.statusCode, bad.code], [400, 'InvalidResourceName']);
    const noGroup = await rejection(client.userAssignedIdentities.createOrUpdate('rg-nope', 'id-x', { location: 'eastus' }));
    assert.deepEqual([noGroup.statusCode, noGroup.code], [404, 'ResourceGroupNotFound']);
    const missing = await rejection(client.userAssignedIdentities.get('rg-prod', 'id-nope'));
    assert.deepEqual([missing.statusCode, missing.code], [404, 'ResourceNotFound']);
  });
});

describe('authorization (AuthorizationManagementClient)', () => {
  beforeEach(async () => {
    await admin.reset();
  });
  after(async () => {
    await admin.reset();
  });

  it('role definitions: the built-ins by name, the same GUID at every scope, realistic data actions; unknown is 404', async () => {
    const client = new AuthorizationManagementClient(credential, SUB1, opts);
    const byName = async (scope: string, name: string) => {
      const all = [];
      for await (const d of client.roleDefinitions.list(scope, { filter: `roleName eq '${name}'` })) all.push(d);
      assert.equal(all.length, 1, name);
      return all[0];
    };
    const officer = await byName(`/subscriptions/${SUB1}`, 'Key Vault Crypto Officer');
    assert.equal(officer.name, KEY_VAULT_CRYPTO_OFFICER);
    assert.equal(officer.id, roleDefinitionId(SUB1, KEY_VAULT_CRYPTO_OFFICER));
    assert.deepEqual(officer.permissions?.[0]?.dataActions, ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*']);
    assert.equal((await byName(vaultId('kvprodpublic'), 'Key Vault Crypto User')).name, KEY_VAULT_CRYPTO_USER);
    const contributor = await byName(`/subscriptions/${SUB3}/resourceGroups/rg-fab`, 'Key Vault Contributor');
    assert.equal(contributor.name, KEY_VAULT_CONTRIBUTOR);
    assert.deepEqual(contributor.permissions?.[0]?.dataActions, []);
    assert.equal(contributor.roleType, 'BuiltInRole');
    const got = await client.roleDefinitions.get(vaultId('kvprodpublic'), KEY_VAULT_CRYPTO_USER);
    assert.equal(got.roleName, 'Key Vault Crypto User');
    const missing = await rejection(client.roleDefinitions.get(`/subscriptions/${SUB1}`, randomUUID()));
    assert.deepEqual([missing.statusCode, missing.code], [404, 'RoleDefinitionDoesNotExist']);
  });

  it('role assignments: create 201, identical re-PUT and duplicate under another name 409 RoleAssignmentExists, changing one 409', async () => {
    const client = new AuthorizationManagementClient(credential, SUB1, opts);
    const scope = vaultId('kvfabkeys');
    const sub = SUB3;
    const name = randomUUID();
    const params = { roleDefinitionId: roleDefinitionId(sub, KEY_VAULT_CRYPTO_OFFICER), principalId: info.userObjectId, principalType: 'User' as const };
    const created = await client.roleAssignments.create(scope, name, params);
    assert.deepEqual([created.name, created.scope, created.principalType], [name, scope, 'User']);
    assert.equal(created.id, `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`);

    // The service answers a re-PUT of the same assignment under its own name as a duplicate too (Azure/azure-cli#8568).
    const again = await call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { properties: params });
    assert.equal(again.status, 409, again.text);
    assert.match(again.text, /RoleAssignmentExists/);
    const dup = await rejection(client.roleAssignments.create(scope, randomUUID(), params));
    assert.deepEqual([dup.statusCode, dup.code, dup.message], [409, 'RoleAssignmentExists', 'The role assignment already exists.']);
    const change = await rejection(client.roleAssignments.create(scope, name, { ...params, roleDefinitionId: roleDefinitionId(sub, KEY_VAULT_CRYPTO_USER) }));
    assert.deepEqual([change.statusCode, change.code], [409, 'RoleAssignmentUpdateNotPermitted']);

    // Scope-based calls arrive as `//subscriptions/…`: the same assignment.
    const viaDoubleSlash = await call('GET', `/${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`);
    assert.equal(viaDoubleSlash.status, 200);

    assert.equal((await client.roleAssignments.get(scope, name)).principalId, info.userObjectId);
    const deleted = await client.roleAssignments.delete(scope, name);
    assert.equal(deleted.name, name);
    const gone = await rejection(client.roleAssignments.get(scope, name));
    assert.deepEqual([gone.statusCode, gone.code], [404, 'RoleAssignmentNotFound']);
    assert.equal((await call('DELETE', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`)).status, 204);
  });

  it('validation: unknown principal, unknown role, mismatched principal type, non-GUID name, missing scope resource', async () => {
    const client = new AuthorizationManagementClient(credential, SUB1, opts);
    const scope = vaultId('kvprodpublic');
    const base = { roleDefinitionId: roleDefinitionId(SUB1, KEY_VAULT_CRYPTO_USER), principalId: seedCluster('aks-prod-pmk').identity.principalId };
    const unknown = await rejection(client.roleAssignments.create(scope, randomUUID(), { ...base, principalId: randomUUID() }));
    assert.deepEqual([unknown.statusCode, unknown.code], [400, 'PrincipalNotFound']);
    assert.match(unknown.message ?? '', /does not exist in the directory/);
    const role = await rejection(client.roleAssignments.create(scope, randomUUID(), { ...base, roleDefinitionId: roleDefinitionId(SUB1, randomUUID()) }));
    assert.deepEqual([role.statusCode, role.code], [400, 'RoleDefinitionDoesNotExist']);
    const type = await rejection(client.roleAssignments.create(scope, randomUUID(), { ...base, principalType: 'User' }));
    assert.deepEqual([type.statusCode, type.code], [400, 'UnmatchedPrincipalType']);
    const notGuid = await call('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?api-version=2022-04-01`, { properties: base });
    expectError(notGuid, 400, 'InvalidRoleAssignmentId');
    const noVault = await rejection(client.roleAssignments.create(scope.replace('kvprodpublic', 'kvnope'), randomUUID(), base));
    assert.deepEqual([noVault.statusCode, noVault.code], [404, 'ResourceNotFound']);
  });

  it('list for a scope: everything related by default, atScope() at or above, principalId eq …; permissions for the caller', async () => {
    const client = new AuthorizationManagementClient(credential, SUB1, opts);
    const list = async (scope: string, filter?: string) => {
      const all = [];
      for await (const a of client.roleAssignments.listForScope(scope, filter ? { filter } : {})) all.push(a);
      return all;
    };
    const vault = vaultId('kvprodpublic');
    const cmkIdentity = seedCluster('aks-prod-cmk-public').identity.principalId;
    const atVault = await list(vault, 'atScope()');
    assert.deepEqual(atVault.map((a) => [a.principalId, a.roleDefinitionId!.split('/').pop()]).sort(), [
      [info.userObjectId, KEY_VAULT_CRYPTO_OFFICER],
      [info.userObjectId, '8e3af657-a8ff-443f-a75c-2fe8c4bcb635'],
      [cmkIdentity, KEY_VAULT_CRYPTO_USER],
    ].sort());
    const mine = await list(`/subscriptions/${SUB1}`, `principalId eq '${cmkIdentity}'`);
    assert.deepEqual(mine.map((a) => a.scope), [vault], 'below the scope too, for one principal');
    const atSub = await list(`/subscriptions/${SUB1}`, 'atScope()');
    assert.equal(atSub.length, 1, 'only the Owner assignment sits at or above the subscription');
    const bad = await call('GET', `/subscriptions/${SUB1}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent('nonsense()')}`);
    expectError(bad, 400, 'BadRequest');

    const perms = [];
    for await (const p of client.permissions.listForResource('rg-prod', 'Microsoft.KeyVault', '', 'vaults', 'kvprodpublic')) perms.push(p);
    assert.ok(perms.some((p) => p.actions?.includes('*')), 'Owner on the subscription');
    assert.ok(perms.some((p) => p.dataActions?.includes('Microsoft.KeyVault/vaults/keys/*')), 'Crypto Officer on the vault');
  });
});

describe('Key Vault data plane: role-based access with propagation delay', () => {
  beforeEach(async () => {
    await admin.reset();
    await admin.config({ vaultCreateDurationMs: 0, rolePropagationDelayMs: 0 });
  });
  after(async () => {
    await admin.reset();
  });

  it('403 ForbiddenByRbac before the assignment, 403 within the propagation delay, success after it', async () => {
    const { id, uri } = await createVault(SUB2, 'rg-stg', 'kvrbac01');
    const before = await rejection(keyClient(uri).createKey('aks-kms', 'RSA'));
    assert.deepEqual([before.statusCode, before.code, before.details?.error?.innerError?.code], [403, 'Forbidden', 'ForbiddenByRbac']);
    assert.match(before.message ?? '', /Action: 'Microsoft\.KeyVault\/vaults\/keys\/create\/action'/);

    await admin.config({ rolePropagationDelayMs: 300 });
    const client = new AuthorizationManagementClient(credential, SUB2, opts);
    await client.roleAssignments.create(id, randomUUID(), { roleDefinitionId: roleDefinitionId(SUB2, KEY_VAULT_CRYPTO_OFFICER), principalId: info.userObjectId, principalType: 'User' });
    const within = await rejection(keyClient(uri).createKey('aks-kms', 'RSA'));
    assert.equal(within.details?.error?.innerError?.code, 'ForbiddenByRbac');
    await sleep(350);
    const key = await keyClient(uri).createKey('aks-kms', 'RSA', { keySize: 2048 });
    assert.equal(key.keyType, 'RSA');
  });

  it('Crypto User may read and encrypt/decrypt but not create or rotate; Key Vault Contributor gets nothing on the data plane', async () => {
    const { id, uri } = await createVault(SUB2, 'rg-stg', 'kvrbac02');
    const authz = new AuthorizationManagementClient(credential, SUB2, opts);
    await authz.roleAssignments.create(id, randomUUID(), { roleDefinitionId: roleDefinitionId(SUB2, KEY_VAULT_CRYPTO_OFFICER), principalId: info.userObjectId, principalType: 'User' });
    const key = await keyClient(uri).createKey('aks-kms', 'RSA');

    const user = seedCluster('aks-stg-novnet').identity.principalId;
    const contributor = seedCluster('aks-stg-old').identity.principalId;
    await authz.roleAssignments.create(id, randomUUID(), { roleDefinitionId: roleDefinitionId(SUB2, KEY_VAULT_CRYPTO_USER), principalId: user, principalType: 'ServicePrincipal' });
    await authz.roleAssignments.create(id, randomUUID(), { roleDefinitionId: roleDefinitionId(SUB2, KEY_VAULT_CONTRIBUTOR), principalId: contributor, principalType: 'ServicePrincipal' });

    assert.equal((await keyClient(uri, user).getKey('aks-kms')).id, key.id);
    const token = mintTestToken({ oid: user, aud: 'https://vault.azure.net' });
    const plain = Buffer.from('a data encryption key').toString('base64url');
    const enc = await emulatorRequest(info, { method: 'POST', url: `${key.id}/encrypt?api-version=${KV_DATA_API}`, token, body: { alg: 'RSA-OAEP-256', value: plain } });
    assert.equal(enc.status, 200, enc.text);
    const dec = await emulatorRequest(info, { method: 'POST', url: `${key.id}/decrypt?api-version=${KV_DATA_API}`, token, body: { alg: 'RSA-OAEP-256', value: (enc.body as { value: string }).value } });
    assert.equal((dec.body as { value: string }).value, plain);
    for (const p of [keyClient(uri, user).createKey('other', 'RSA'), keyClient(uri, user).rotateKey('aks-kms'), keyClient(uri, user).getKeyRotationPolicy('aks-kms')]) {
      assert.equal((await rejection(p)).details?.error?.innerError?.code, 'ForbiddenByRbac');
    }
    assert.equal((await rejection(keyClient(uri, contributor).getKey('aks-kms'))).details?.error?.innerError?.code, 'ForbiddenByRbac');
  });

  it('a vault with access policies (enableRbacAuthorization false): 403 AccessDenied without a policy, allowed with one', async () => {
    const { uri } = await createVault(SUB2, 'rg-stg', 'kvpolicy01', { enableRbacAuthorization: false });
    const denied = await rejection(keyClient(uri).createKey('k', 'RSA'));
    assert.deepEqual([denied.statusCode, denied.details?.error?.innerError?.code], [403, 'AccessDenied']);
    assert.match(denied.message ?? '', /does not have keys create permission/);
    const client = new KeyVaultManagementClient(credential, SUB2, opts);
    await client.vaults.update('rg-stg', 'kvpolicy01', { properties: { accessPolicies: [{ tenantId: info.tenantId, objectId: info.userObjectId, permissions: { keys: ['get', 'create'] } }] } });
    assert.equal((await keyClient(uri).createKey('k', 'RSA')).name, 'k');
  });
});

describe('Key Vault data plane: keys (KeyClient)', () => {
  let uri: string;
  beforeEach(async () => {
    await admin.reset();
    uri = `${await vaultBaseUrl('kvprodpublic')}/`;
  });
  after(async () => {
    await admin.reset();
  });

  it('create (RSA 3072, then again = a new version), rotate, EC; bad parameters are 400 BadParameter', async () => {
    const client = keyClient(uri);
    const first = await client.createKey('writes-key', 'RSA', { keySize: 3072, tags: { app: 'kms' } });
    assert.equal(first.keyType, 'RSA');
    assert.equal(Buffer.from(first.key!.n!).length, 384);
    assert.deepEqual(first.properties.tags, { app: 'kms' });
    const second = await client.createKey('writes-key', 'RSA');
    assert.notEqual(second.properties.version, first.properties.version);
    const rotated = await client.rotateKey('writes-key');
    assert.equal(Buffer.from(rotated.key!.n!).length, 256, 'rotate copies the current version (2048)');
    const versions = [];
    for await (const p of client.listPropertiesOfKeyVersions('writes-key')) versions.push(p.version);
    assert.deepEqual(versions, [first.properties.version, second.properties.version, rotated.properties.version]);

    const ec = await client.createEcKey('writes-ec', { curve: 'P-384' });
    assert.deepEqual([ec.keyType, ec.key?.crv], ['EC', 'P-384']);
    const hsm = await rejection(client.createKey('writes-hsm', 'RSA-HSM'));
    assert.deepEqual([hsm.statusCode, hsm.code], [400, 'BadParameter'], 'HSM keys need a Premium vault');
    const size = await rejection(client.createRsaKey('writes-bad', { keySize: 1024 }));
    assert.deepEqual([size.statusCode, size.code], [400, 'BadParameter']);
  });

  it('rotation policy: the default is Notify 30 days before expiry; PUT stores it, new versions expire by it; too short is 400', async () => {
    const client = keyClient(uri);
    await client.createKey('policy-key', 'RSA');
    const dflt = await client.getKeyRotationPolicy('policy-key');
    assert.deepEqual(dflt.lifetimeActions, [{ action: 'Notify', timeBeforeExpiry: 'P30D', timeAfterCreate: undefined }]);
    const set = await client.updateKeyRotationPolicy('policy-key', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }], expiresIn: 'P1Y' });
    assert.equal(set.expiresIn, 'P1Y');
    assert.deepEqual((await client.getKeyRotationPolicy('policy-key')).lifetimeActions, [{ action: 'Rotate', timeAfterCreate: 'P90D', timeBeforeExpiry: undefined }]);
    const rotated = await client.rotateKey('policy-key');
    const lifetimeDays = (rotated.properties.expiresOn!.getTime() - rotated.properties.createdOn!.getTime()) / DAY_MS;
    assert.equal(lifetimeDays, 365);
    const short = await rejection(client.updateKeyRotationPolicy('policy-key', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P1D' }], expiresIn: 'P1Y' }));
    assert.deepEqual([short.statusCode, short.code], [400, 'BadParameter']);
  });

  it('PATCH a version: enabled and expiry', async () => {
    const client = keyClient(uri);
    const k = await client.createKey('patch-key', 'RSA');
    const expiresOn = new Date(Date.now() + 30 * DAY_MS);
    const updated = await client.updateKeyProperties('patch-key', k.properties.version!, { enabled: false, expiresOn });
    assert.equal(updated.properties.enabled, false);
    assert.equal(Math.floor(updated.properties.expiresOn!.getTime() / 1000), Math.floor(expiresOn.getTime() / 1000));
    assert.equal((await client.getKey('patch-key')).properties.enabled, false);
  });

  it('the clock: key ages follow POST /_emulator/clock, and a Rotate policy rotates when its time has come', async () => {
    const client = keyClient(uri);
    const k = await client.createKey('clock-key', 'RSA');
    await client.updateKeyRotationPolicy('clock-key', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P30D' }], expiresIn: 'P90D' });
    await admin.advanceClock(31 * DAY_MS);
    const old = await client.getKey('clock-key', { version: k.properties.version });
    const ageDays = (Date.now() - old.properties.createdOn!.getTime()) / DAY_MS;
    assert.ok(Math.abs(ageDays - 31) < 0.01, `aged ${ageDays} d`);
    const versions = [];
    for await (const p of client.listPropertiesOfKeyVersions('clock-key')) versions.push(p);
    assert.equal(versions.length, 2, 'rotated once, 30 days after creation');
    const rotatedAgeDays = (Date.now() - versions[1].createdOn!.getTime()) / DAY_MS;
    assert.ok(Math.abs(rotatedAgeDays - 1) < 0.01, `the new version is ${rotatedAgeDays} d old`);
    const seeded = seedVault('kvprodpublic').keys[0];
    const seededAge = (Date.now() - (await client.getKey('aks-kms')).properties.createdOn!.getTime()) / DAY_MS;
    assert.ok(Math.abs(seededAge - (seeded.versions[2].ageMs / DAY_MS + 31)) < 0.01, 'seeded versions age with the clock');
    await admin.reset();
    const afterReset = (Date.now() - (await client.getKey('aks-kms')).properties.createdOn!.getTime()) / DAY_MS;
    assert.ok(Math.abs(afterReset - 12) < 0.01, 'reset puts the clock back');
  });
});

describe('admin API: switches, reset, write log', () => {
  after(async () => {
    await admin.reset();
  });

  it('config accepts the new switches, rejects bad ones, and reset restores the start-up values', async () => {
    await admin.reset();
    const defaults = await admin.getConfig();
    assert.deepEqual(
      [defaults.featureRegistrationDelayMs, defaults.clusterUpdateDurationMs, defaults.vaultCreateDurationMs, defaults.rolePropagationDelayMs, defaults.failNextClusterOperations.count],
      [3000, 2000, 1000, 0, 0],
    );
    const set = await admin.config({ featureRegistrationDelayMs: 1, clusterUpdateDurationMs: 2, vaultCreateDurationMs: 3, rolePropagationDelayMs: 4, failNextClusterOperations: { count: 2 } });
    assert.deepEqual([set.featureRegistrationDelayMs, set.clusterUpdateDurationMs, set.vaultCreateDurationMs, set.rolePropagationDelayMs, set.failNextClusterOperations.count], [1, 2, 3, 4, 2]);
    assert.equal(set.failNextClusterOperations.code, 'InternalOperationError');
    for (const bad of [{ clusterUpdateDurationMs: -1 }, { rolePropagationDelayMs: 'soon' }, { failNextClusterOperations: { code: 'X' } }, { nope: true }]) {
      await assert.rejects(admin.config(bad as never), /400/);
    }
    await admin.reset();
    assert.deepEqual(await admin.getConfig(), defaults);
  });

  it('the request log marks writes (and read-only POSTs such as Resource Graph queries as reads)', async () => {
    await admin.reset();
    await admin.clearRequests();
    await call('GET', `/subscriptions/${SUB1}?api-version=2022-12-01`);
    await call('POST', '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', { subscriptions: [SUB1], query: 'resources | project id' });
    await call('PATCH', vaultUrl('kvstglegacy'), { tags: { a: 'b' } });
    const log = await admin.requests();
    assert.deepEqual(log.map((e) => [e.method, e.write]), [['GET', false], ['POST', false], ['PATCH', true]]);
    assert.deepEqual((await admin.requests({ write: true })).map((e) => e.method), ['PATCH']);
  });
});
