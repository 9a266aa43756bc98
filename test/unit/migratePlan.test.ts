import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import { applyMigrateToPmk, expectedKmsProfile, profileMismatches } from '../../src/kms/enable/clusterUpdate';
import { renderAzScript } from '../../src/kms/enable/azScript';
import { legacyMigrationDefaults, vaultForKeyOrigin } from '../../src/kms/enable/legacyMigration';
import { buildPlan } from '../../src/kms/enable/plan';
import { hasBlockingFindings, preflight, validateConfig } from '../../src/kms/enable/preflight';
import { clusterKeyRef, keyActionFindings } from '../../src/kms/keyActions';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { SecurityProfileJson } from '../../src/kms/managedCluster';
import { runPlan } from '../../src/kms/plan/runner';
import { CLUSTER_ID, clusterJson, fakePorts, FakeWorld, newWorld, SUB, USER_OID } from './fakeAzure';
import { recordingPorts } from './recordingPorts';

const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv1`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
const KEY = 'https://kv1.vault.azure.net/keys/aks-kms';
const LEGACY_VERSION = '0123456789abcdef0123456789abcdef';
const infra = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
const PROFILES: Record<'plain' | 'pmk' | 'cmk' | 'legacy' | 'migrated', SecurityProfileJson | undefined> = {
  plain: undefined,
  pmk: infra,
  cmk: { ...infra, azureKeyVaultKms: { enabled: true, keyId: KEY, keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID } },
  legacy: { azureKeyVaultKms: { enabled: true, keyId: `${KEY}/${LEGACY_VERSION}`, keyVaultNetworkAccess: 'Public' } },
  migrated: { ...infra, azureKeyVaultKms: { enabled: false } },
};
const migrate: EnableConfig = { kind: 'migrateToPmk', clusterId: CLUSTER_ID };

function worldWith(profile: keyof typeof PROFILES, props: Parameters<typeof clusterJson>[0] = {}): FakeWorld {
  return newWorld({ clusters: new Map([[CLUSTER_ID, clusterJson({ securityProfile: PROFILES[profile], ...props })]]) });
}

async function readFacts(world: FakeWorld): Promise<EnableFacts> {
  const cluster = await fakePorts(world).getCluster(CLUSTER_ID);
  return {
    cluster: clusterFactsOf(cluster), clusterJson: cluster, featureState: world.feature,
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' }, roleAssignments: [], keyVaultDnsSuffix: 'vault.azure.net', now: new Date('2026-11-28T00:00:00Z'),
  };
}

async function run(world: FakeWorld, config: EnableConfig = migrate) {
  const facts = await readFacts(world);
  const plan = buildPlan(config, facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
  const result = await runPlan(plan.steps, () => undefined);
  return { facts, plan, result };
}

describe('migrate to platform keys: preflight', () => {
  const table: [string, FakeWorld, { errors: string[]; warnings: string[]; infos?: string[] }][] = [
    ['CMK', worldWith('cmk'), { errors: [], warnings: ['irreversible', 'keep-old-key'] }],
    ['legacy KMS', worldWith('legacy'), { errors: [], warnings: ['irreversible', 'keep-old-key'] }],
    ['already migrated: only verifies', worldWith('migrated'), { errors: [], warnings: [], infos: ['already-pmk'] }],
    ['PMK without a CMK past: only verifies', worldWith('pmk'), { errors: [], warnings: [], infos: ['already-pmk'] }],
    ['not encrypted', worldWith('plain'), { errors: ['migrate-needs-cmk'], warnings: [] }],
    ['CMK on Kubernetes 1.32', worldWith('cmk', { kubernetesVersion: '1.32.6' }), { errors: ['k8s-too-old'], warnings: ['irreversible', 'keep-old-key'] }],
    ['cluster busy', worldWith('cmk', { provisioningState: 'Updating' }), { errors: ['cluster-busy'], warnings: ['irreversible', 'keep-old-key'] }],
    ['feature not registered: information only', Object.assign(worldWith('legacy'), { feature: 'NotRegistered' }), { errors: [], warnings: ['irreversible', 'keep-old-key'], infos: ['feature-not-registered'] }],
  ];
  for (const [name, world, expected] of table) {
    it(name, async () => {
      const findings = preflight(migrate, await readFacts(world));
      const of = (s: string) => findings.filter(f => f.severity === s).map(f => f.code).sort();
      assert.deepEqual(of('error'), expected.errors);
      assert.deepEqual(of('warning'), expected.warnings);
      assert.deepEqual(of('info'), expected.infos ?? []);
      assert.equal(hasBlockingFindings(findings), expected.errors.length > 0);
    });
  }
  it('the warning names the key and the vault to keep, and why', async () => {
    const findings = preflight(migrate, await readFacts(worldWith('cmk')));
    const keep = findings.find(f => f.code === 'keep-old-key')!;
    assert.match(keep.message, /Keep key aks-kms and vault kv1 after the migration: never delete, purge or disable them\. Secrets encrypted before the migration may still need that key/);
    const legacy = preflight(migrate, await readFacts(worldWith('legacy'))).find(f => f.code === 'irreversible')!;
    assert.match(legacy.message, /turns on infrastructure encryption, which cannot be disabled/);
  });
  it('input validation needs only a cluster ID', () => {
    assert.deepEqual(validateConfig(migrate), []);
    assert.equal(validateConfig({ kind: 'migrateToPmk', clusterId: '/subscriptions/x' })[0]?.code, 'cluster-id');
  });
  it('"Enable platform keys" on a legacy cluster points to the migration (it would leave legacy KMS on)', async () => {
    const findings = preflight({ kind: 'pmk', clusterId: CLUSTER_ID }, await readFacts(worldWith('legacy')));
    assert.ok(findings.some(f => f.code === 'legacy-use-migration' && f.severity === 'error'), JSON.stringify(findings));
  });
});

describe('migrate to platform keys: plan against a fake Azure', () => {
  it('CMK → PMK: one cluster update; KMS off, infrastructure encryption kept; identity and unknown fields survive', async () => {
    const world = worldWith('cmk');
    const { result, plan } = await run(world);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(plan.steps.map(s => s.id), ['registerFeature', 'registerProvider', 'updateCluster', 'verify']);
    assert.deepEqual(world.writes, ['putCluster']);
    const cluster = world.clusters.get(CLUSTER_ID)!;
    assert.deepEqual(cluster.properties?.securityProfile, PROFILES.migrated);
    assert.deepEqual(cluster.properties?.futureField, { keep: 'me' });
    assert.deepEqual(Object.keys(cluster.identity?.userAssignedIdentities ?? {}), [IDENTITY_ID]);
    assert.equal(clusterFactsOf(cluster).kms.kind, 'pmk');
  });
  it('legacy → PMK: registers the feature first, then turns KMS off and infrastructure encryption on', async () => {
    const world = Object.assign(worldWith('legacy'), { feature: 'NotRegistered' });
    const { result } = await run(world);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.deepEqual(world.writes, ['registerFeature', 'registerProvider', 'putCluster']);
    assert.deepEqual(world.clusters.get(CLUSTER_ID)!.properties?.securityProfile, PROFILES.migrated);
  });
  it('building the plan calls no port (not even a read); only running it does', async () => {
    const world = worldWith('legacy');
    const facts = await readFacts(world);
    const { ports, calls } = recordingPorts(fakePorts(world));
    const plan = buildPlan(migrate, facts, ports, { featurePollMs: 1, featureTimeoutMs: 60_000, tenantId: 't' });
    assert.equal(calls.length, 0, `building the plan called ${calls.join(', ')}`);
    const result = await runPlan(plan.steps, () => undefined);
    assert.equal(result.status, 'succeeded', JSON.stringify(result));
    assert.ok(calls.includes('getFeatureState') && calls.includes('putCluster'), `running called ${calls.join(', ')}`);
  });
  it('re-running a finished migration writes nothing and predicts only verification', async () => {
    const world = worldWith('cmk');
    await run(world);
    world.writes = [];
    const { result, plan } = await run(world);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(world.writes, []);
    assert.deepEqual(plan.preview.filter(p => !p.alreadyDone).map(p => p.id), ['verify']);
    assert.ok(plan.preview.find(p => p.id === 'updateCluster')?.irreversible);
  });
  it('the verify step fails when the cluster still reports KMS on', async () => {
    const world = worldWith('cmk');
    const ports = fakePorts(world);
    // A provider that ignores the change: the PUT "succeeds" but nothing changes.
    ports.putCluster = async (_id, _body, _p) => structuredClone(world.clusters.get(CLUSTER_ID)!);
    const facts = await readFacts(world);
    const plan = buildPlan(migrate, facts, ports, { featurePollMs: 1, featureTimeoutMs: 1, tenantId: 't' });
    const result = await runPlan(plan.steps, () => undefined);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedStep, 'verify');
    assert.match(String((result.error as Error).message), /azureKeyVaultKms\.enabled is true, expected false/);
  });
  it('the az script is the docs\' migration command', async () => {
    const world = worldWith('cmk');
    const facts = await readFacts(world);
    const plan = buildPlan(migrate, facts, fakePorts(world), { featurePollMs: 1, featureTimeoutMs: 1, tenantId: 't' });
    const script = renderAzScript(migrate, facts, plan.preview);
    assert.match(script, /^# Migrate from a customer-managed key to platform-managed keys for AKS cluster aks1$/m);
    assert.match(script, /^az aks update --resource-group rg --name aks1 --kms-infrastructure-encryption Enabled --disable-azure-keyvault-kms$/m);
    assert.match(script, /^az aks show --resource-group rg --name aks1 --query securityProfile$/m);
    assert.doesNotMatch(script, /delete|purge/);
  });
});

describe('expected profile after the migration', () => {
  const expected = expectedKmsProfile('migrateToPmk');
  const table: [string, SecurityProfileJson | undefined, number][] = [
    ['KMS off, infrastructure encryption on', PROFILES.migrated, 0],
    ['KMS off with the old key ID echoed', { ...infra, azureKeyVaultKms: { enabled: false, keyId: KEY } }, 0],
    ['no KMS block at all', infra, 0],
    ['KMS still on', PROFILES.cmk, 1],
    ['infrastructure encryption missing', { azureKeyVaultKms: { enabled: false } }, 1],
    ['legacy untouched', PROFILES.legacy, 2],
  ];
  for (const [name, profile, problems] of table) {
    it(name, () => assert.equal(profileMismatches(profile, expected).length, problems, JSON.stringify(profileMismatches(profile, expected))));
  }
  it('applyMigrateToPmk keeps every other field', () => {
    const body = applyMigrateToPmk(clusterJson({ securityProfile: { ...PROFILES.cmk, workloadIdentity: { enabled: true } } }));
    assert.deepEqual(body.properties?.securityProfile, { ...PROFILES.migrated, workloadIdentity: { enabled: true } });
  });
});

describe('legacyMigrationDefaults', () => {
  const vault = (over: Partial<VaultFacts> = {}): VaultFacts => ({
    id: VAULT_ID, name: 'kv1', location: 'eastus', vaultUri: 'https://kv1.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: false, ...over,
  });
  const other = vault({ id: VAULT_ID.replace('kv1', 'kv2'), name: 'kv2', vaultUri: 'https://kv2.vault.azure.net/' });
  const legacyFacts = (profile: SecurityProfileJson | undefined = PROFILES.legacy, identity = 'UserAssigned') => clusterFactsOf(clusterJson({ securityProfile: profile }, identity));

  it('same vault (found by its host) and key, versionless via the CMK plan, purge protection turned on', () => {
    const r = legacyMigrationDefaults(legacyFacts(), [other, vault()]);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.config, {
      kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public',
      vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'existing', name: 'aks-kms' },
      identity: { kind: 'existing', id: IDENTITY_ID }, enablePurgeProtection: true,
    });
  });
  it('a vault with purge protection is left alone; a resource ID in the profile wins over the host', () => {
    const profile = { azureKeyVaultKms: { ...PROFILES.legacy!.azureKeyVaultKms, keyVaultResourceId: VAULT_ID } };
    const r = legacyMigrationDefaults(legacyFacts(profile), [vault({ enablePurgeProtection: true, vaultUri: 'https://elsewhere.vault.azure.net/' })]);
    assert.ok(r.ok);
    assert.equal(r.config.enablePurgeProtection, undefined);
    assert.deepEqual(r.config.vault, { kind: 'existing', id: VAULT_ID });
  });
  it('the vault host and port both count (the emulator gives each vault its own port)', () => {
    const profile = { azureKeyVaultKms: { enabled: true, keyId: `https://127.0.0.1:4431/keys/k/${LEGACY_VERSION}` } };
    const vaults = [vault({ vaultUri: 'https://127.0.0.1:4430/' }), vault({ id: VAULT_ID.replace('kv1', 'kv9'), vaultUri: 'https://127.0.0.1:4431/' })];
    const r = legacyMigrationDefaults(legacyFacts(profile), vaults);
    assert.ok(r.ok);
    assert.match(r.config.vault.kind === 'existing' ? r.config.vault.id : '', /kv9$/);
  });
  it('a legacy cluster without a user-assigned identity gets a new one named after it', () => {
    const r = legacyMigrationDefaults(legacyFacts(PROFILES.legacy, 'SystemAssigned'), [vault()]);
    assert.ok(r.ok);
    assert.deepEqual(r.config.identity, { kind: 'new', name: 'id-aks1-kms', resourceGroup: 'rg', location: 'eastus' });
  });
  it('a private legacy key keeps Private network access', () => {
    const profile = { azureKeyVaultKms: { ...PROFILES.legacy!.azureKeyVaultKms, keyVaultNetworkAccess: 'Private' } };
    const r = legacyMigrationDefaults(legacyFacts(profile), [vault()]);
    assert.ok(r.ok);
    assert.equal(r.config.networkAccess, 'Private');
  });
  it('cluster facts that say nothing about network access: Public', () => {
    const facts = legacyFacts();
    const r = legacyMigrationDefaults({ ...facts, kms: { ...facts.kms, keyVaultNetworkAccess: undefined } }, [vault()]);
    assert.ok(r.ok);
    assert.equal(r.config.networkAccess, 'Public');
  });
  it('the new identity is created in the cluster\'s region, else the vault\'s, else none is prefilled', () => {
    const facts = legacyFacts(PROFILES.legacy, 'SystemAssigned');
    const location = (f: typeof facts, v: VaultFacts) => {
      const r = legacyMigrationDefaults(f, [v]);
      assert.ok(r.ok && r.config.identity.kind === 'new', JSON.stringify(r));
      return r.config.identity.location;
    };
    assert.equal(location({ ...facts, location: 'westeurope' }, vault({ location: 'eastus' })), 'westeurope');
    assert.equal(location({ ...facts, location: undefined }, vault({ location: 'eastus' })), 'eastus');
    assert.equal(location({ ...facts, location: undefined }, vault({ location: undefined })), '');
  });
  it('the new identity\'s name is cut to 128 characters (the managed identity limit)', () => {
    const facts = { ...legacyFacts(PROFILES.legacy, 'SystemAssigned'), name: 'c'.repeat(130) };
    const r = legacyMigrationDefaults(facts, [vault()]);
    assert.ok(r.ok && r.config.identity.kind === 'new', JSON.stringify(r));
    assert.equal(r.config.identity.name, `id-${'c'.repeat(125)}`);
  });
  it('refuses: legacy facts whose key ID is not a Key Vault key ID, naming it', () => {
    const facts = legacyFacts();
    for (const keyId of ['https://example.com/secrets/x', undefined]) {
      const r = legacyMigrationDefaults({ ...facts, kms: { kind: 'legacy', keyId } }, [vault()]);
      assert.ok(!r.ok, JSON.stringify(r));
      assert.equal(r.reason, `aks1 has the key ID "${keyId ?? ''}", which is not a Key Vault key ID; choose the vault and key in the wizard.`);
    }
  });
  it('vaultForKeyOrigin: a URL that does not parse matches no vault, and a vault whose URI does not parse is passed over', () => {
    const broken = vault({ id: VAULT_ID.replace('kv1', 'kvx'), vaultUri: 'not a url' });
    assert.equal(vaultForKeyOrigin([broken, vault()], 'not a url either'), undefined);
    assert.equal(vaultForKeyOrigin([broken, vault()], 'https://KV1.vault.azure.net')?.id, VAULT_ID);
  });
  const refusals: [string, SecurityProfileJson | undefined, VaultFacts[], RegExp][] = [
    ['not legacy', PROFILES.cmk, [vault()], /does not use legacy KMS/],
    ['vault not readable', PROFILES.legacy, [other], /key vault kv1\.vault\.azure\.net of aks1's key is not among the vaults you can read in subscription .*Choose it in the wizard/],
  ];
  for (const [name, profile, vaults, reason] of refusals) {
    it(`refuses: ${name}`, () => {
      const r = legacyMigrationDefaults(legacyFacts(profile), vaults);
      assert.ok(!r.ok && reason.test(r.reason), JSON.stringify(r));
    });
  }
});

describe('keyActionFindings', () => {
  const facts = (profile: keyof typeof PROFILES) => clusterFactsOf(clusterJson({ securityProfile: PROFILES[profile] }));
  const firewalled: VaultFacts = { id: VAULT_ID, name: 'kv1', vaultUri: 'https://kv1.vault.azure.net/', enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, networkDefaultAction: 'Deny', networkBypass: 'AzureServices' };
  const table: [string, 'rotate' | 'setPolicy', keyof typeof PROFILES, VaultFacts | undefined, string[]][] = [
    ['rotate a CMK key', 'rotate', 'cmk', undefined, ['rotation-pickup:info']],
    ['rotate in a firewalled vault', 'rotate', 'cmk', firewalled, ['vault-firewall:warning', 'rotation-pickup:info']],
    ['rotate a legacy key', 'rotate', 'legacy', undefined, ['legacy-pinned:warning']],
    ['policy on a legacy key', 'setPolicy', 'legacy', undefined, ['legacy-pinned:warning']],
    ['policy on a CMK key', 'setPolicy', 'cmk', undefined, []],
    ['rotate on PMK', 'rotate', 'pmk', undefined, ['no-customer-key:error']],
    ['policy on a plain cluster', 'setPolicy', 'plain', undefined, ['no-customer-key:error']],
  ];
  for (const [name, action, profile, vault, expected] of table) {
    it(name, () => assert.deepEqual(keyActionFindings(action, facts(profile), vault).map(f => `${f.code}:${f.severity}`), expected));
  }
  it('clusterKeyRef: what the rotation adapters take', () => {
    assert.deepEqual(clusterKeyRef(facts('cmk')), { vaultUrl: 'https://kv1.vault.azure.net', keyName: 'aks-kms', vaultId: VAULT_ID, pinnedVersion: undefined });
    assert.deepEqual(clusterKeyRef(facts('legacy')), { vaultUrl: 'https://kv1.vault.azure.net', keyName: 'aks-kms', vaultId: undefined, pinnedVersion: LEGACY_VERSION });
    assert.equal(clusterKeyRef(facts('pmk')), undefined);
  });
});
