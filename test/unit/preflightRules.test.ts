/**
 * Every product rule pinned by a table row: setups that raise the rule's finding (code AND severity asserted) and
 * neighbouring setups that do not (Kubernetes 1.32.9 fails while 1.33.0 passes; expired yesterday vs tomorrow; soft
 * delete off vs on; …). Removing a rule fails its "raises" half, inverting it fails both halves, and a changed
 * severity fails the "raises" half. docs/RULES.md names each test in its "test" column (test/unit/rules.test.ts checks
 * that the named test exists), and the last test here checks that every finding code in src/kms has a row.
 *
 * Facts are plain objects built here, not read from a fake Azure: each row changes one fact of a clean setup.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CmkConfig, EnableConfig, IdentityChoice, NetworkAccess, VaultChoice } from '../../src/kms/enable/config';
import type { EnableFacts, IdentityFacts, KeyFacts, VaultFacts } from '../../src/kms/enable/facts';
import { Finding, preflight, Severity } from '../../src/kms/enable/preflight';
import { KeyAction, keyActionFindings } from '../../src/kms/keyActions';
import { assessKeyHealth, KeyHealthInput } from '../../src/kms/keyHealth';
import type { ClusterFacts, KmsState } from '../../src/kms/kmsState';
import type { KeyVersionInfo } from '../../src/kms/rotation';
import { at, DAY, HOUR, KMS, NOW, SUB, VAULT_ID, VAULT_URL } from './kmsFixtures';
import { RotationPolicy, RotationPolicyInput, rotationPolicyRisks, validateRotationPolicyInput } from '../../src/kms/rotationPolicy';

// ---- fixtures: a clean setup, and one fact changed per row ------------------------------------------------------

const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1`;
const OTHER_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvother`;
const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kms`;
const OTHER_IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-old`;
const SUBNET_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes`;

/** A CMK cluster on another key, or on the same key name in another vault. */
const cmkState = (keyName: string, vaultId: string): KmsState => ({ ...KMS.cmk, keyId: `${VAULT_URL}/keys/${keyName}`, keyVaultResourceId: vaultId, key: { ...KMS.cmk.key, name: keyName } });

const cluster = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  id: CLUSTER_ID, name: 'aks1', subscriptionId: SUB, resourceGroup: 'rg', location: 'eastus', kubernetesVersion: '1.33.2', provisioningState: 'Succeeded',
  identity: 'userAssigned', userAssignedIdentityIds: [IDENTITY_ID], apiServerVnetIntegration: false, kms: KMS.plain, ...over,
});

const vault = (over: Partial<VaultFacts> = {}): VaultFacts => ({
  id: VAULT_ID, name: 'kvexist', location: 'eastus', vaultUri: `${VAULT_URL}/`, enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true,
  publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded', ...over,
});

const key = (over: Partial<KeyFacts> = {}): KeyFacts => ({ name: 'kms-key', kty: 'RSA', enabled: true, keyIdWithVersion: `${VAULT_URL}/keys/kms-key/v1`, ...over });

const IDENTITY: IdentityFacts = { id: IDENTITY_ID, name: 'id-kms', principalId: 'p-id-kms' };
const NEW_VAULT: VaultChoice = { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' };
const newIdentity = (name: string, resourceGroup = 'rg'): IdentityChoice => ({ kind: 'new', name, resourceGroup, location: 'eastus' });

interface Setup {
  readonly config: EnableConfig;
  readonly facts: EnableFacts;
}

/** Facts to change: any EnableFacts field, the cluster's fields, and (for CMK) the user's configuration. */
type Over = Partial<Omit<EnableFacts, 'cluster'>> & { readonly cluster?: Partial<ClusterFacts>; readonly config?: Partial<CmkConfig> };

function factsWith(o: Over): EnableFacts {
  const { cluster: clusterOver, config: _config, ...rest } = o;
  return {
    cluster: cluster(clusterOver), clusterJson: { id: CLUSTER_ID, name: 'aks1' }, featureState: 'Registered', vault: vault(), key: key(), identity: IDENTITY,
    user: { objectId: 'aaaaaaaa-0000-4000-8000-000000000001', canAssignRoles: true, principalType: 'User' }, subnets: [], roleAssignments: [],
    keyVaultDnsSuffix: 'vault.azure.net', now: NOW, ...rest,
  };
}

/** CMK with an existing, healthy vault, key and identity the cluster already runs as: only `irreversible` is raised. */
const cmk = (o: Over = {}): Setup => ({
  config: {
    kind: 'cmk', clusterId: CLUSTER_ID, networkAccess: 'Public', vault: { kind: 'existing', id: VAULT_ID }, key: { kind: 'existing', name: 'kms-key' },
    identity: { kind: 'existing', id: IDENTITY_ID }, ...o.config,
  },
  facts: factsWith(o),
});
/** "Enable platform keys" on a cluster whose KMS state is `kms`. */
const pmk = (kms: KmsState, o: Over = {}): Setup => ({ config: { kind: 'pmk', clusterId: CLUSTER_ID }, facts: factsWith({ vault: undefined, key: undefined, identity: undefined, ...o, cluster: { kms, ...o.cluster } }) });
/** "Migrate to platform keys" from a cluster whose KMS state is `kms`. */
const migrate = (kms: KmsState, o: Over = {}): Setup => ({ config: { kind: 'migrateToPmk', clusterId: CLUSTER_ID }, facts: factsWith({ vault: undefined, key: undefined, identity: undefined, ...o, cluster: { kms, ...o.cluster } }) });

const show = (findings: readonly Pick<Finding, 'code' | 'severity'>[]) => findings.map(f => `${f.code}:${f.severity}`).join(', ') || '(none)';

interface RuleCase<S> {
  /** The test's name; docs/RULES.md quotes it, so it is a literal here. */
  readonly name: string;
  readonly code: string;
  readonly severity: Severity;
  readonly raises: readonly S[];
  readonly passes: readonly S[];
}

function pin<S>(cases: readonly RuleCase<S>[], findingsOf: (s: S) => readonly Pick<Finding, 'code' | 'severity'>[]) {
  for (const c of cases) {
    it(c.name, () => {
      assert.ok(c.raises.length > 0 && c.passes.length > 0, 'each rule needs a setup that raises it and one that does not');
      c.raises.forEach((s, i) => {
        const findings = findingsOf(s);
        assert.ok(findings.some(f => f.code === c.code && f.severity === c.severity), `raises[${i}]: expected ${c.code}:${c.severity}, got ${show(findings)}`);
      });
      c.passes.forEach((s, i) => {
        const findings = findingsOf(s);
        assert.ok(!findings.some(f => f.code === c.code), `passes[${i}]: expected no ${c.code}, got ${show(findings)}`);
      });
    });
  }
}

// ---- preflight (src/kms/enable/preflight.ts) --------------------------------------------------------------------

const PREFLIGHT: RuleCase<Setup>[] = [
  {
    name: 'cluster-id: a virtual machine ID blocks, a managed cluster ID passes', code: 'cluster-id', severity: 'error',
    raises: [
      cmk({ config: { clusterId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/aks1` } }),
      { ...pmk(KMS.plain), config: { kind: 'pmk', clusterId: 'aks1' } },
    ],
    passes: [cmk(), pmk(KMS.plain)],
  },
  {
    name: 'network-access: Internal blocks, Public and Private pass', code: 'network-access', severity: 'error',
    raises: [cmk({ config: { networkAccess: 'Internal' as NetworkAccess } })],
    passes: [cmk(), cmk({ config: { networkAccess: 'Private' } })],
  },
  {
    name: 'vault-name: kv--bad, 1kv, kv, kv- and resource group rg. block; kvnew01 and a 24-character name pass', code: 'vault-name', severity: 'error',
    raises: ['kv--bad', '1kv', 'kv', 'kv-', 'k'.repeat(25)].map(name => cmk({ config: { vault: { ...NEW_VAULT, name } }, vault: undefined, vaultNameAvailable: true }))
      .concat(cmk({ config: { vault: { ...NEW_VAULT, resourceGroup: 'rg.' } }, vault: undefined, vaultNameAvailable: true })),
    passes: ['kvnew01', 'k'.repeat(24), 'kv-1'].map(name => cmk({ config: { vault: { ...NEW_VAULT, name } }, vault: undefined, vaultNameAvailable: true })),
  },
  {
    name: 'vault-location: a new vault without a region blocks, with eastus passes', code: 'vault-location', severity: 'error',
    raises: [cmk({ config: { vault: { ...NEW_VAULT, location: '' } }, vault: undefined, vaultNameAvailable: true })],
    passes: [cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: true })],
  },
  {
    name: 'vault-id: a storage account ID blocks, a Key Vault ID passes', code: 'vault-id', severity: 'error',
    raises: [cmk({ config: { vault: { kind: 'existing', id: VAULT_ID.replace('Microsoft.KeyVault/vaults', 'Microsoft.Storage/storageAccounts') } } })],
    passes: [cmk(), cmk({ config: { vault: { kind: 'existing', id: VAULT_ID.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') } } })],
  },
  {
    name: 'key-name: bad_key, an empty name and 128 characters block; 127 characters and a leading digit pass', code: 'key-name', severity: 'error',
    raises: ['bad_key', '', 'k'.repeat(128)].map(name => cmk({ config: { key: { kind: 'new', name } }, key: undefined })),
    passes: ['kms-key', 'k'.repeat(127), '1key'].map(name => cmk({ config: { key: { kind: 'new', name } }, key: undefined })),
  },
  {
    name: 'identity-name: id, -id and resource group rg. block; id-kms and 0id pass', code: 'identity-name', severity: 'error',
    raises: [cmk({ config: { identity: newIdentity('id') } }), cmk({ config: { identity: newIdentity('-id') } }), cmk({ config: { identity: newIdentity('id-kms', 'rg.') } })],
    passes: [cmk({ config: { identity: newIdentity('id-kms') } }), cmk({ config: { identity: newIdentity('0id') } })],
  },
  {
    name: 'identity-id: a vault ID blocks, a user-assigned identity ID passes', code: 'identity-id', severity: 'error',
    raises: [cmk({ config: { identity: { kind: 'existing', id: VAULT_ID } } })],
    passes: [cmk()],
  },
  {
    name: 'k8s-too-old: Kubernetes 1.32.9 and an unknown version block, 1.33.0 passes', code: 'k8s-too-old', severity: 'error',
    raises: [cmk({ cluster: { kubernetesVersion: '1.32.9' } }), cmk({ cluster: { kubernetesVersion: undefined } }), pmk(KMS.plain, { cluster: { kubernetesVersion: '1.32.9' } }), migrate(KMS.cmk, { cluster: { kubernetesVersion: '1.32.9' } })],
    passes: [cmk({ cluster: { kubernetesVersion: '1.33.0' } }), cmk({ cluster: { kubernetesVersion: '1.34.1' } }), pmk(KMS.plain, { cluster: { kubernetesVersion: '1.33.0' } })],
  },
  {
    name: 'cluster-failed: provisioning state Failed warns, Succeeded does not', code: 'cluster-failed', severity: 'warning',
    raises: [cmk({ cluster: { provisioningState: 'Failed' } }), pmk(KMS.plain, { cluster: { provisioningState: 'failed' } })],
    passes: [cmk(), cmk({ cluster: { provisioningState: 'Updating' } })],
  },
  {
    name: 'cluster-busy: Updating blocks; Succeeded, Canceled and Failed do not', code: 'cluster-busy', severity: 'error',
    raises: [cmk({ cluster: { provisioningState: 'Updating' } }), pmk(KMS.plain, { cluster: { provisioningState: 'Upgrading' } })],
    passes: [cmk(), cmk({ cluster: { provisioningState: 'Canceled' } }), cmk({ cluster: { provisioningState: 'Failed' } })],
  },
  {
    name: 'feature-not-registered: NotRegistered and Registering inform, Registered does not', code: 'feature-not-registered', severity: 'info',
    raises: [cmk({ featureState: 'NotRegistered' }), pmk(KMS.plain, { featureState: 'Registering' })],
    passes: [cmk(), pmk(KMS.plain, { featureState: 'registered' })],
  },
  {
    name: 'already-pmk: platform keys on a PMK cluster inform, on a plain or CMK cluster do not', code: 'already-pmk', severity: 'info',
    raises: [pmk(KMS.pmk), migrate(KMS.pmk)],
    passes: [pmk(KMS.plain), migrate(KMS.cmk)],
  },
  {
    name: 'cmk-use-migration: platform keys on a CMK cluster block, on a plain or legacy cluster do not', code: 'cmk-use-migration', severity: 'error',
    raises: [pmk(KMS.cmk)],
    passes: [pmk(KMS.plain), pmk(KMS.legacy)],
  },
  {
    name: 'legacy-use-migration: platform keys on a legacy cluster block, on a plain or CMK cluster do not', code: 'legacy-use-migration', severity: 'error',
    raises: [pmk(KMS.legacy)],
    passes: [pmk(KMS.plain), pmk(KMS.cmk)],
  },
  {
    name: 'iac-managed: a managed-by or Terraform tag, or a template deployment of the cluster, warns; other tags do not', code: 'iac-managed', severity: 'warning',
    raises: [
      cmk({ clusterJson: { id: CLUSTER_ID, name: 'aks1', tags: { 'managed-by': 'platform-team' } } }),
      pmk(KMS.plain, { clusterJson: { id: CLUSTER_ID, name: 'aks1', tags: { owner: 'x', provisioner: 'Terraform' } } }),
      migrate(KMS.cmk, { clusterJson: { id: CLUSTER_ID, name: 'aks1', tags: { 'azd-env-name': 'prod' } } }),
      cmk({ deployedBy: { name: 'aks-platform-main', timestamp: new Date('2026-11-20T10:00:00Z') } }),
    ],
    passes: [cmk(), cmk({ clusterJson: { id: CLUSTER_ID, name: 'aks1', tags: { owner: 'platform-team', env: 'prod' } } })],
  },
  {
    name: 'irreversible: enabling or migrating warns, a finished or impossible migration does not', code: 'irreversible', severity: 'warning',
    raises: [cmk(), pmk(KMS.plain), migrate(KMS.cmk), migrate(KMS.legacy)],
    passes: [migrate(KMS.pmk), migrate(KMS.plain)],
  },
  {
    name: 'migrate-needs-cmk: migrating a plain cluster blocks, a CMK or legacy cluster does not', code: 'migrate-needs-cmk', severity: 'error',
    raises: [migrate(KMS.plain)],
    passes: [migrate(KMS.cmk), migrate(KMS.legacy), migrate(KMS.pmk)],
  },
  {
    name: 'keep-old-key: migrating a CMK or legacy cluster warns, a PMK cluster does not', code: 'keep-old-key', severity: 'warning',
    raises: [migrate(KMS.cmk), migrate(KMS.legacy)],
    passes: [migrate(KMS.pmk), migrate(KMS.plain)],
  },
  {
    name: 'already-cmk: the same key in the same vault (any case) informs, another key does not', code: 'already-cmk', severity: 'info',
    raises: [cmk({ cluster: { kms: KMS.cmk } }), cmk({ cluster: { kms: cmkState('kms-key', VAULT_ID.toLowerCase()) } })],
    passes: [cmk({ cluster: { kms: cmkState('old-key', VAULT_ID) } }), cmk({ cluster: { kms: cmkState('kms-key', OTHER_VAULT_ID) } }), cmk()],
  },
  {
    name: 'change-key: another key name or another vault warns, the same key does not', code: 'change-key', severity: 'warning',
    raises: [cmk({ cluster: { kms: cmkState('old-key', VAULT_ID) } }), cmk({ cluster: { kms: cmkState('kms-key', OTHER_VAULT_ID) } })],
    passes: [cmk({ cluster: { kms: KMS.cmk } }), cmk({ cluster: { kms: cmkState('kms-key', VAULT_ID.toUpperCase()) } }), cmk()],
  },
  {
    name: 'legacy-migration: CMK on a legacy cluster warns, on a CMK or plain cluster does not', code: 'legacy-migration', severity: 'warning',
    raises: [cmk({ cluster: { kms: KMS.legacy } })],
    passes: [cmk({ cluster: { kms: KMS.cmk } }), cmk()],
  },
  {
    name: 'vault-name-taken: a taken new vault name blocks, a free one (or an existing vault of that name) does not', code: 'vault-name-taken', severity: 'error',
    raises: [cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: false })],
    passes: [cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: true }), cmk({ config: { vault: NEW_VAULT }, vault: vault({ name: 'kvnew01' }), vaultNameAvailable: false })],
  },
  {
    name: 'vault-resource-group-missing: a missing resource group blocks, an existing one does not', code: 'vault-resource-group-missing', severity: 'error',
    raises: [cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: true, vaultResourceGroupMissing: true })],
    passes: [cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: true, vaultResourceGroupMissing: false })],
  },
  {
    name: 'vault-missing: an existing vault that cannot be read blocks, a readable one (or a new vault) does not', code: 'vault-missing', severity: 'error',
    raises: [cmk({ vault: undefined, key: undefined })],
    passes: [cmk(), cmk({ config: { vault: NEW_VAULT }, vault: undefined, key: undefined, vaultNameAvailable: true })],
  },
  {
    name: 'vault-provisioning: RegisteringDns informs, Succeeded does not', code: 'vault-provisioning', severity: 'info',
    raises: [cmk({ vault: vault({ provisioningState: 'RegisteringDns' }) })],
    passes: [cmk(), cmk({ vault: vault({ provisioningState: undefined }) })],
  },
  {
    name: 'vault-access-policies: an access-policy vault informs, an RBAC vault does not', code: 'vault-access-policies', severity: 'info',
    raises: [cmk({ vault: vault({ enableRbacAuthorization: false, accessPolicies: [] }) })],
    passes: [cmk()],
  },
  {
    name: 'vault-no-soft-delete: soft delete off warns, on does not', code: 'vault-no-soft-delete', severity: 'warning',
    raises: [cmk({ vault: vault({ enableSoftDelete: false }) })],
    passes: [cmk({ vault: vault({ enableSoftDelete: true }) })],
  },
  {
    name: 'vault-no-purge-protection: no purge protection warns; purge protection on, or turned on by the plan, does not', code: 'vault-no-purge-protection', severity: 'warning',
    raises: [cmk({ vault: vault({ enablePurgeProtection: false }) }), cmk({ vault: vault({ enablePurgeProtection: false }), config: { enablePurgeProtection: false } })],
    passes: [cmk({ vault: vault({ enablePurgeProtection: true }) }), cmk({ vault: vault({ enablePurgeProtection: false }), config: { enablePurgeProtection: true } })],
  },
  {
    name: 'vault-no-trusted-bypass: Public with a firewall and no bypass blocks; with the bypass, without a firewall, or Private does not', code: 'vault-no-trusted-bypass', severity: 'error',
    raises: [
      cmk({ vault: vault({ networkDefaultAction: 'Deny', networkBypass: 'None' }) }),
      cmk({ vault: vault({ publicNetworkAccess: 'Disabled', networkBypass: 'None' }) }),
      cmk({ vault: vault({ networkDefaultAction: 'deny', networkBypass: undefined }) }),
    ],
    passes: [
      cmk({ vault: vault({ networkDefaultAction: 'Deny', networkBypass: 'AzureServices' }) }),
      cmk({ vault: vault({ networkDefaultAction: 'Allow', publicNetworkAccess: 'Enabled', networkBypass: 'None' }) }),
      cmk({ vault: vault({ networkDefaultAction: 'Deny', networkBypass: 'None' }), config: { networkAccess: 'Private' } }),
    ],
  },
  {
    name: 'key-wrong-cloud: a vault.azure.cn vault in the public cloud blocks, a vault in the cloud passes', code: 'key-wrong-cloud', severity: 'error',
    raises: [cmk({ vault: vault({ vaultUri: 'https://kvexist.vault.azure.cn/' }) }), cmk({ keyVaultDnsSuffix: 'vault.azure.cn' })],
    passes: [cmk(), cmk({ vault: vault({ vaultUri: 'https://kvexist.vault.azure.cn/' }), keyVaultDnsSuffix: 'vault.azure.cn' })],
  },
  {
    name: 'key-missing: an existing key that is not there blocks, one that is (or a new key) does not', code: 'key-missing', severity: 'error',
    raises: [cmk({ key: undefined })],
    passes: [cmk(), cmk({ config: { key: { kind: 'new', name: 'kms-key' } }, key: undefined })],
  },
  {
    name: 'key-exists: a new key that already exists informs, an absent one does not', code: 'key-exists', severity: 'info',
    raises: [cmk({ config: { key: { kind: 'new', name: 'kms-key' } } })],
    passes: [cmk({ config: { key: { kind: 'new', name: 'kms-key' } }, key: undefined }), cmk()],
  },
  {
    name: 'key-not-rsa: an EC key blocks, RSA and RSA-HSM pass', code: 'key-not-rsa', severity: 'error',
    raises: [cmk({ key: key({ kty: 'EC' }) }), cmk({ key: key({ kty: 'EC-HSM' }) })],
    passes: [cmk({ key: key({ kty: 'RSA' }) }), cmk({ key: key({ kty: 'RSA-HSM' }) })],
  },
  {
    name: 'key-disabled: a disabled key blocks, an enabled one passes', code: 'key-disabled', severity: 'error',
    raises: [cmk({ key: key({ enabled: false }) })],
    passes: [cmk({ key: key({ enabled: true }) })],
  },
  {
    name: 'key-expired: expired yesterday or right now blocks, expiring tomorrow or never passes', code: 'key-expired', severity: 'error',
    raises: [cmk({ key: key({ expiresOn: at(-DAY) }) }), cmk({ key: key({ expiresOn: at(0) }) })],
    passes: [cmk({ key: key({ expiresOn: at(DAY) }) }), cmk({ key: key({ expiresOn: undefined }) })],
  },
  {
    name: 'key-ops-missing: key_ops without decrypt blocks; encrypt and decrypt, or no restriction, pass', code: 'key-ops-missing', severity: 'error',
    raises: [cmk({ key: key({ keyOps: ['encrypt', 'sign'] }) }), cmk({ key: key({ keyOps: ['wrapKey', 'unwrapKey'] }) })],
    passes: [cmk({ key: key({ keyOps: ['Encrypt', 'Decrypt'] }) }), cmk({ key: key({ keyOps: [] }) }), cmk({ key: key({ keyOps: undefined }) })],
  },
  {
    name: 'identity-missing: an existing identity that cannot be read blocks, a readable one (or a new identity) does not', code: 'identity-missing', severity: 'error',
    raises: [cmk({ identity: undefined })],
    passes: [cmk(), cmk({ config: { identity: newIdentity('id-kms') }, identity: undefined })],
  },
  {
    name: 'no-role-assignment-permission: without roleAssignments/write blocks, with it passes', code: 'no-role-assignment-permission', severity: 'error',
    raises: [cmk({ user: { objectId: 'u', canAssignRoles: false, principalType: 'User' } })],
    passes: [
      cmk({ user: { objectId: 'u', canAssignRoles: true, principalType: 'User' } }),
      // A missing resource group is its own finding (nothing to read the permission on).
      cmk({ config: { vault: NEW_VAULT }, vault: undefined, vaultNameAvailable: true, vaultResourceGroupMissing: true, user: { objectId: 'u', canAssignRoles: false, principalType: 'User' } }),
    ],
  },
  {
    name: 'firewall-lock: Private informs, Public does not', code: 'firewall-lock', severity: 'info',
    raises: [cmk({ config: { networkAccess: 'Private' } })],
    passes: [cmk({ config: { networkAccess: 'Public' } })],
  },
  {
    name: 'service-principal-cluster: a service-principal cluster blocks (customer-managed or platform keys), a managed-identity cluster passes', code: 'service-principal-cluster', severity: 'error',
    raises: [
      cmk({ cluster: { identity: 'none', userAssignedIdentityIds: [] } }),
      pmk(KMS.plain, { cluster: { identity: 'none', userAssignedIdentityIds: [] } }),
      migrate(KMS.legacy, { cluster: { identity: 'none', userAssignedIdentityIds: [] } }),
    ],
    passes: [cmk(), cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] } }), pmk(KMS.plain), pmk(KMS.plain, { cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] } })],
  },
  {
    name: 'control-plane-identity-change: a system-assigned cluster warns, one already on the chosen identity does not', code: 'control-plane-identity-change', severity: 'warning',
    raises: [cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] } })],
    passes: [cmk(), cmk({ cluster: { identity: 'userAssigned', userAssignedIdentityIds: [OTHER_IDENTITY_ID] } })],
  },
  {
    name: 'identity-change: another user-assigned identity warns, the chosen one (any case) does not', code: 'identity-change', severity: 'warning',
    raises: [cmk({ cluster: { userAssignedIdentityIds: [OTHER_IDENTITY_ID] } })],
    passes: [cmk(), cmk({ cluster: { userAssignedIdentityIds: [IDENTITY_ID.toUpperCase()] } })],
  },
  {
    name: 'subnet-role-for-new-identity: a custom subnet with a changing identity warns; the role held, or no change, does not', code: 'subnet-role-for-new-identity', severity: 'warning',
    raises: [
      cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] }, subnets: [{ id: SUBNET_ID, currentIdentityHasRole: true }] }),
      cmk({ cluster: { userAssignedIdentityIds: [OTHER_IDENTITY_ID] }, subnets: [{ id: SUBNET_ID, newIdentityHasRole: false }] }),
    ],
    passes: [
      cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] }, subnets: [{ id: SUBNET_ID, newIdentityHasRole: true }] }),
      cmk({ subnets: [{ id: SUBNET_ID, newIdentityHasRole: false }] }),
      cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] }, subnets: [] }),
    ],
  },
];

describe('preflight rules: each raises on its case and not on the neighbouring one', () => {
  it('the clean setups raise only what is always said', () => {
    const of = (s: Setup) => show(preflight(s.config, s.facts));
    assert.equal(of(cmk()), 'irreversible:warning');
    assert.equal(of(pmk(KMS.plain)), 'irreversible:warning');
    assert.equal(of(migrate(KMS.cmk)), 'keep-old-key:warning, irreversible:warning');
  });
  pin(PREFLIGHT, s => preflight(s.config, s.facts));
});

// ---- key actions (src/kms/keyActions.ts) ------------------------------------------------------------------------

interface KeyActionSetup {
  readonly action: KeyAction;
  readonly kms: KmsState;
  readonly vault?: VaultFacts;
  /** The key's versions as last read (Rotate Key Now's look at the version AKS would keep using for 6 hours). */
  readonly versions?: readonly KeyVersionInfo[];
}

const versionAt = (v: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version: v, createdOn: at(-ageMs), ...extra });

const KEY_ACTIONS: RuleCase<KeyActionSetup>[] = [
  {
    name: 'no-customer-key: rotating on a PMK or plain cluster blocks, on a CMK or legacy cluster does not', code: 'no-customer-key', severity: 'error',
    raises: [{ action: 'rotate', kms: KMS.pmk }, { action: 'setPolicy', kms: KMS.plain }],
    passes: [{ action: 'rotate', kms: KMS.cmk }, { action: 'setPolicy', kms: KMS.legacy }],
  },
  {
    name: 'legacy-pinned: a key action on a legacy cluster warns, on a CMK cluster does not', code: 'legacy-pinned', severity: 'warning',
    raises: [{ action: 'rotate', kms: KMS.legacy }, { action: 'setPolicy', kms: KMS.legacy }],
    passes: [{ action: 'rotate', kms: KMS.cmk }, { action: 'setPolicy', kms: KMS.cmk }],
  },
  {
    name: 'vault-firewall: a vault with defaultAction Deny or public access Disabled warns, an open or unknown vault does not', code: 'vault-firewall', severity: 'warning',
    raises: [{ action: 'rotate', kms: KMS.cmk, vault: vault({ networkDefaultAction: 'Deny' }) }, { action: 'setPolicy', kms: KMS.cmk, vault: vault({ publicNetworkAccess: 'Disabled' }) }],
    passes: [{ action: 'rotate', kms: KMS.cmk, vault: vault() }, { action: 'rotate', kms: KMS.cmk }],
  },
  {
    name: 'rotation-pickup: rotating a CMK key informs; setting a policy, or rotating a legacy key, does not', code: 'rotation-pickup', severity: 'info',
    raises: [{ action: 'rotate', kms: KMS.cmk }],
    passes: [{ action: 'setPolicy', kms: KMS.cmk }, { action: 'rotate', kms: KMS.legacy }],
  },
  {
    name: 'rotate-previous-expires: rotating while the version in use expires within 6 hours warns; 6 hours and more, or no expiry, does not', code: 'rotate-previous-expires', severity: 'warning',
    raises: [{ action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { expiresOn: at(2 * HOUR) })] }, { action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { expiresOn: at(6 * HOUR - 60_000) })] }],
    passes: [{ action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { expiresOn: at(6 * HOUR) })] }, { action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY)] }, { action: 'setPolicy', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { expiresOn: at(HOUR) })] }],
  },
  {
    name: 'rotate-from-unusable: rotating while the version in use is disabled or expired warns that the cluster stays broken until the pickup; an older disabled version does not', code: 'rotate-from-unusable', severity: 'warning',
    raises: [{ action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { enabled: false })] }, { action: 'rotate', kms: KMS.cmk, versions: [versionAt('a', 30 * DAY, { expiresOn: at(-HOUR) })] }],
    passes: [{ action: 'rotate', kms: KMS.cmk, versions: [versionAt('old', 60 * DAY, { enabled: false }), versionAt('a', 30 * DAY)] }, { action: 'rotate', kms: KMS.legacy, versions: [versionAt('a', 30 * DAY, { enabled: false })] }],
  },
];

describe('key action rules: each raises on its case and not on the neighbouring one', () => {
  pin(KEY_ACTIONS, s => keyActionFindings(s.action, cluster({ kms: s.kms }), s.vault, s.versions, NOW));
});

// ---- key health (src/kms/keyHealth.ts) --------------------------------------------------------------------------

const version = (v: string, ageMs: number, extra: Partial<KeyVersionInfo> = {}): KeyVersionInfo => ({ version: v, createdOn: at(-ageMs), ...extra });
const health = (versions: KeyVersionInfo[], extra: Partial<KeyHealthInput> = {}): KeyHealthInput => ({ keyName: 'kms-key', versions, vault: { name: 'kvexist', enablePurgeProtection: true }, now: NOW, ...extra });

const KEY_HEALTH: RuleCase<KeyHealthInput>[] = [
  {
    name: 'disabled: a disabled version in use is an error, an enabled one (or a disabled older one) is not', code: 'disabled', severity: 'error',
    raises: [health([version('a', 50 * DAY), version('b', 10 * DAY, { enabled: false })]), health([version('old', 20 * DAY, { enabled: false }), version('new', 10 * DAY)], { pinnedVersion: 'old' })],
    passes: [health([version('a', 50 * DAY), version('b', 10 * DAY, { enabled: true })]), health([version('a', 50 * DAY, { enabled: false }), version('b', 10 * DAY)])],
  },
  {
    name: 'expired: expired yesterday or right now is an error, expiring tomorrow is not', code: 'expired', severity: 'error',
    raises: [health([version('b', 10 * DAY, { expiresOn: at(-DAY) })]), health([version('b', 10 * DAY, { expiresOn: at(0) })])],
    passes: [health([version('b', 10 * DAY, { expiresOn: at(DAY) })]), health([version('a', 50 * DAY, { expiresOn: at(-DAY) }), version('b', 10 * DAY)])],
  },
  {
    name: 'expires-soon: expiring in 30 days warns, in 30 days and a minute (or already expired) does not', code: 'expires-soon', severity: 'warning',
    raises: [health([version('b', 10 * DAY, { expiresOn: at(30 * DAY) })]), health([version('b', 10 * DAY, { expiresOn: at(HOUR) })])],
    passes: [health([version('b', 10 * DAY, { expiresOn: at(30 * DAY + 60_000) })]), health([version('b', 10 * DAY, { expiresOn: at(-DAY) })])],
  },
  {
    name: 'too-old: 90 days and a minute warns, exactly 90 days does not', code: 'too-old', severity: 'warning',
    raises: [health([version('b', 90 * DAY + 60_000)]), health([version('b', 31 * DAY)], { maxAgeDays: 30 })],
    passes: [health([version('b', 90 * DAY)]), health([version('a', 400 * DAY), version('b', 30 * DAY)])],
  },
  {
    name: 'no-purge-protection: a vault without purge protection warns, with it (or unknown) does not', code: 'no-purge-protection', severity: 'warning',
    raises: [health([version('b', 10 * DAY)], { vault: { name: 'kvexist', enablePurgeProtection: false } })],
    passes: [health([version('b', 10 * DAY)], { vault: { name: 'kvexist', enablePurgeProtection: true } }), health([version('b', 10 * DAY)], { vault: undefined })],
  },
  {
    name: 'pending-pickup: a 2-hour-old newest version informs; 6 hours old, the only version, or pinned does not', code: 'pending-pickup', severity: 'info',
    raises: [health([version('a', 60 * DAY), version('b', 2 * HOUR)]), health([version('a', 60 * DAY), version('b', 6 * HOUR - 60_000)])],
    passes: [health([version('a', 60 * DAY), version('b', 6 * HOUR)]), health([version('b', 2 * HOUR)]), health([version('old', 20 * DAY), version('new', HOUR)], { pinnedVersion: 'old' })],
  },
  {
    name: 'previous-unusable: within 6 hours of a rotation a disabled or expired previous version is an error; after the window, or an older one, is not', code: 'previous-unusable', severity: 'error',
    raises: [health([version('a', 60 * DAY, { enabled: false }), version('b', 2 * HOUR)]), health([version('a', 60 * DAY, { expiresOn: at(-HOUR) }), version('b', 2 * HOUR)])],
    passes: [health([version('a', 60 * DAY, { enabled: false }), version('b', 6 * HOUR)]), health([version('x', 90 * DAY, { enabled: false }), version('a', 60 * DAY), version('b', 2 * HOUR)])],
  },
  {
    name: 'previous-expires-in-window: a previous version expiring before the pickup window ends warns; expiring at its end does not', code: 'previous-expires-in-window', severity: 'warning',
    raises: [health([version('a', 60 * DAY, { expiresOn: at(3 * HOUR) }), version('b', 2 * HOUR)])],
    passes: [health([version('a', 60 * DAY, { expiresOn: at(4 * HOUR) }), version('b', 2 * HOUR)]), health([version('a', 60 * DAY, { expiresOn: at(3 * HOUR) }), version('b', 6 * HOUR)])],
  },
  {
    name: 'key-deleted: a soft-deleted key (with or without its purge date) is an error; a key with versions is not', code: 'key-deleted', severity: 'error',
    raises: [
      health([], { deleted: { vaultName: 'kvexist', deletedOn: at(-DAY), scheduledPurgeDate: at(89 * DAY) } }),
      health([], { deleted: { vaultName: 'kvexist' } }),
    ],
    passes: [health([version('a', 10 * DAY)]), health([])],
  },
];

describe('key health rules: each raises on its case and not on the neighbouring one', () => {
  pin(KEY_HEALTH, s => assessKeyHealth(s).warnings);
});

// ---- rotation policy form (src/kms/rotationPolicy.ts, `// rule:` markers) ----------------------------------------

interface PolicyCase {
  readonly name: string;
  readonly rule: string;
  readonly field: keyof RotationPolicyInput;
  /** The rule's sentence (the form's problems have no code). */
  readonly problem: RegExp;
  readonly raises: readonly RotationPolicyInput[];
  /** Neighbouring inputs the form accepts as a whole. */
  readonly passes: readonly RotationPolicyInput[];
}

const POLICY: PolicyCase[] = [
  {
    name: 'policy-not-a-duration: three months and -5 block, 90 and P3M pass', rule: 'policy-not-a-duration', field: 'rotateAfter', problem: /is not a number of days or an ISO 8601 duration/,
    raises: [{ rotateAfter: 'three months' }, { rotateAfter: '-5' }],
    passes: [{ rotateAfter: '90' }, { rotateAfter: 'P3M' }],
  },
  {
    name: 'policy-min-rotate-after: rotate after 6 days blocks, 7 days passes', rule: 'policy-min-rotate-after', field: 'rotateAfter', problem: /Key Vault needs at least 7 days/,
    raises: [{ rotateAfter: '6' }, { rotateAfter: 'PT48H' }],
    passes: [{ rotateAfter: '7' }, { rotateAfter: 'P1W' }],
  },
  {
    name: 'policy-min-expiry: expiry after 27 days blocks, 28 days passes', rule: 'policy-min-expiry', field: 'expiresAfter', problem: /Key Vault needs at least 28 days \(P28D\)/,
    raises: [{ expiresAfter: '27' }],
    passes: [{ expiresAfter: '28' }, { expiresAfter: 'P4W' }],
  },
  {
    name: 'policy-rotate-before-expiry: rotating 6 days before expiry blocks, 7 days passes', rule: 'policy-rotate-before-expiry', field: 'rotateAfter', problem: /must be at least 7 days shorter than Expires after/,
    raises: [{ rotateAfter: '84', expiresAfter: '90' }, { rotateAfter: 'P1Y', expiresAfter: 'P90D' }],
    passes: [{ rotateAfter: '83', expiresAfter: '90' }],
  },
  {
    name: 'policy-notify-needs-expiry: a notification without an expiry blocks, with one passes', rule: 'policy-notify-needs-expiry', field: 'notifyBeforeExpiry', problem: /A notification before expiry needs an expiry/,
    raises: [{ rotateAfter: '90', notifyBeforeExpiry: '30' }],
    passes: [{ rotateAfter: '90', expiresAfter: '365', notifyBeforeExpiry: '30' }],
  },
];

describe('rotation policy rules: each refuses its case and accepts the neighbouring one', () => {
  for (const c of POLICY) {
    it(c.name, () => {
      for (const input of c.raises) {
        const r = validateRotationPolicyInput(input);
        assert.ok(!r.ok && r.problems.some(p => p.field === c.field && c.problem.test(p.message)), `${JSON.stringify(input)}: expected ${c.rule} on ${c.field}, got ${JSON.stringify(r)}`);
      }
      for (const input of c.passes) {
        const r = validateRotationPolicyInput(input);
        assert.ok(r.ok, `${JSON.stringify(input)}: expected it accepted, got ${JSON.stringify(r)}`);
      }
    });
  }
});

// ---- rotation policy risks (src/kms/rotationPolicy.ts rotationPolicyRisks: asked about, not refused) ------------

const POLICY_RISKS: RuleCase<RotationPolicy>[] = [
  {
    name: 'policy-expiry-without-rotation: an expiry with no automatic rotation warns; with rotation, or without an expiry, it does not', code: 'policy-expiry-without-rotation', severity: 'warning',
    raises: [{ expiresAfter: 'P1Y' }, { expiresAfter: 'P90D', notifyBeforeExpiry: 'P30D' }],
    passes: [{ expiresAfter: 'P1Y', rotateAfterCreate: 'P90D' }, { expiresAfter: 'P1Y', rotateBeforeExpiry: 'P30D' }, { rotateAfterCreate: 'P90D' }],
  },
  {
    name: 'policy-empty: an empty policy warns that nothing rotates the key; a rotation or an expiry does not', code: 'policy-empty', severity: 'warning',
    raises: [{}],
    passes: [{ rotateAfterCreate: 'P90D' }, { rotateBeforeExpiry: 'P30D', expiresAfter: 'P1Y' }, { expiresAfter: 'P1Y' }],
  },
  {
    name: 'policy-min-notify: notifying 6 days before expiry warns, 7 days does not', code: 'policy-min-notify', severity: 'warning',
    raises: [{ rotateAfterCreate: 'P30D', expiresAfter: 'P90D', notifyBeforeExpiry: 'P6D' }, { expiresAfter: 'P90D', notifyBeforeExpiry: 'PT48H' }],
    passes: [{ rotateAfterCreate: 'P30D', expiresAfter: 'P90D', notifyBeforeExpiry: 'P7D' }, { rotateAfterCreate: 'P30D', expiresAfter: 'P90D' }],
  },
  {
    name: 'policy-notify-before-expiry: notifying as early as the expiry period warns, a day less does not', code: 'policy-notify-before-expiry', severity: 'warning',
    raises: [{ rotateAfterCreate: 'P30D', expiresAfter: 'P90D', notifyBeforeExpiry: 'P90D' }, { rotateAfterCreate: 'P30D', expiresAfter: 'P90D', notifyBeforeExpiry: 'P120D' }],
    passes: [{ rotateAfterCreate: 'P30D', expiresAfter: 'P90D', notifyBeforeExpiry: 'P89D' }],
  },
];

describe('rotation policy rules no source supports are asked about, never refused by the form', () => {
  it('an empty form, a notification 6 days before expiry and one as early as the expiry are all accepted by the form (and then asked about)', () => {
    for (const [input, code] of [
      [{}, 'policy-empty'],
      [{ rotateAfter: '30', expiresAfter: '90', notifyBeforeExpiry: '6' }, 'policy-min-notify'],
      [{ rotateAfter: '30', expiresAfter: '90', notifyBeforeExpiry: '90' }, 'policy-notify-before-expiry'],
    ] as const) {
      const r = validateRotationPolicyInput(input);
      assert.ok(r.ok, `${JSON.stringify(input)}: ${JSON.stringify(r)}`);
      assert.deepEqual(rotationPolicyRisks(r.policy, 'kms-key').map(x => x.code), [code]);
    }
  });
});

describe('rotation policy risks: each raises on its case and not on the neighbouring one', () => {
  pin(POLICY_RISKS, s => rotationPolicyRisks(s, 'kms-key'));
});

// ---- every finding code in src/kms has a row here ---------------------------------------------------------------

describe('the tables above cover every finding producer', () => {
  const ROOT = join(__dirname, '..', '..');
  const source = (file: string) => readFileSync(join(ROOT, 'src', 'kms', file), 'utf8');
  const ids = (text: string, re: RegExp) => [...new Set([...text.matchAll(re)].map(m => m[1]))].sort();
  const covered = (cases: readonly { code?: string; rule?: string }[]) => [...new Set(cases.map(c => c.code ?? c.rule ?? ''))].sort();

  it('every finding code in enable/preflight.ts has a case', () => {
    assert.deepEqual(covered(PREFLIGHT), ids(source('enable/preflight.ts'), /(?<![.\w])(?:error|warning|info)\(\s*'([a-z0-9-]+)'/g));
  });
  it('every finding code in keyActions.ts has a case', () => {
    assert.deepEqual(covered(KEY_ACTIONS), ids(source('keyActions.ts'), /\bcode:\s*'([a-z0-9-]+)'/g));
  });
  it('every warning code in keyHealth.ts has a case', () => {
    assert.deepEqual(covered(KEY_HEALTH), ids(source('keyHealth.ts'), /(?<![.\w])add\(\s*'([a-z0-9-]+)'/g));
  });
  it('every rule marker in rotationPolicy.ts has a case', () => {
    assert.deepEqual(covered(POLICY), ids(source('rotationPolicy.ts'), /\/\/ rule: ([a-z0-9-]+)/g));
  });
  it('every risk code in rotationPolicy.ts has a case', () => {
    assert.deepEqual(covered(POLICY_RISKS), ids(source('rotationPolicy.ts'), /\bcode:\s*'([a-z0-9-]+)'/g));
  });
});

describe('preflight messages name what they are about; facts that could not be read do not break it', () => {
  const message = (s: Setup, code: string) => {
    const found = preflight(s.config, s.facts).filter(f => f.code === code);
    assert.equal(found.length, 1, `${code}: ${show(preflight(s.config, s.facts))}`);
    return found[0].message;
  };
  const SUBNET_B = SUBNET_ID.replace(/nodes$/, 'pods');

  it('k8s-too-old names the version the cluster runs', () => {
    assert.match(message(cmk({ cluster: { kubernetesVersion: '1.32.6' } }), 'k8s-too-old'), /^aks1 runs Kubernetes 1\.32\.6; /);
  });
  it('legacy-use-migration and legacy-migration name the versioned key ID; change-key names the key in use', () => {
    assert.match(message(pmk(KMS.legacy), 'legacy-use-migration'), new RegExp(`\\(key ${KMS.legacy.keyId}\\)`));
    assert.match(message(cmk({ cluster: { kms: KMS.legacy } }), 'legacy-migration'), new RegExp(`\\(versioned key ${KMS.legacy.keyId}\\)`));
    assert.match(message(cmk({ cluster: { kms: cmkState('old-key', VAULT_ID) } }), 'change-key'), new RegExp(`^aks1 already uses key ${VAULT_URL}/keys/old-key; `));
  });
  it('vault-provisioning names the state; key-expired the day; key-ops-missing every missing operation', () => {
    assert.match(message(cmk({ vault: vault({ provisioningState: 'RegisteringDns' }) }), 'vault-provisioning'), /still being created \(RegisteringDns\)/);
    assert.match(message(cmk({ key: key({ expiresOn: at(-DAY) }) }), 'key-expired'), /expired on 2026-11-30; /);
    assert.match(message(cmk({ key: key({ keyOps: ['sign', 'verify'] }) }), 'key-ops-missing'), /the operations encrypt, decrypt, which/);
  });
  it('the identity messages name identities by their names; subnet-role-for-new-identity names the subnets', () => {
    assert.match(message(cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] } }), 'control-plane-identity-change'), /to the user-assigned identity id-kms\. /);
    assert.match(message(cmk({ cluster: { userAssignedIdentityIds: [OTHER_IDENTITY_ID] } }), 'identity-change'), /^aks1 runs as id-old; choosing id-kms replaces/);
    assert.match(message(cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] }, subnets: [{ id: SUBNET_ID }, { id: SUBNET_B }] }), 'subnet-role-for-new-identity'), /custom subnet\(s\) nodes, pods; the plan gives id-kms /);
  });
  it('service-principal-cluster gives the fix: move to a managed identity with az aks update --enable-managed-identity', () => {
    for (const setup of [cmk({ cluster: { identity: 'none', userAssignedIdentityIds: [] } }), pmk(KMS.plain, { cluster: { identity: 'none', userAssignedIdentityIds: [] } })]) {
      const m = message(setup, 'service-principal-cluster');
      assert.match(m, /^aks1 runs with a service principal, not a managed identity, and KMS with platform or customer-managed keys needs a managed identity\. /);
      assert.match(m, /\(az aks update --enable-managed-identity\)/);
    }
  });
  it('subnet-role-for-new-identity says what the current identity holds on each subnet: held, not held, or not readable', () => {
    const sys = { identity: 'systemAssigned' as const, userAssignedIdentityIds: [] };
    const held = message(cmk({ cluster: sys, subnets: [{ id: SUBNET_ID, currentIdentityHasRole: true }] }), 'subnet-role-for-new-identity');
    assert.equal(held, 'The agent pools use the custom subnet(s) nodes; the plan gives id-kms Network Contributor on them, as the control-plane identity needs. '
      + 'The current control-plane identity holds Network Contributor (or Contributor or Owner) on nodes, and the new identity needs it there too.');
    const notHeld = message(cmk({ cluster: sys, subnets: [{ id: SUBNET_ID, currentIdentityHasRole: false }] }), 'subnet-role-for-new-identity');
    assert.match(notHeld, / The current control-plane identity holds no Network Contributor, Contributor or Owner assignment on nodes\.$/);
    assert.doesNotMatch(notHeld, /could not be read|new identity needs it there too/);
    const unknown = message(cmk({ cluster: sys, subnets: [{ id: SUBNET_ID, currentIdentityHasRole: undefined }] }), 'subnet-role-for-new-identity');
    assert.match(unknown, / The current control-plane identity's role assignments on nodes could not be read\.$/);
    assert.doesNotMatch(unknown, /holds/);
    const mixed = message(cmk({ cluster: sys, subnets: [{ id: SUBNET_ID, currentIdentityHasRole: true }, { id: SUBNET_B, currentIdentityHasRole: undefined }] }), 'subnet-role-for-new-identity');
    assert.match(mixed, /custom subnet\(s\) nodes, pods; .* holds Network Contributor \(or Contributor or Owner\) on nodes, .* role assignments on pods could not be read\.$/);
  });
  it('an identity ID that is not an ARM ID: the identity-id error, and the messages use the ID as given', () => {
    const s = cmk({ config: { identity: { kind: 'existing', id: 'not-an-id' } }, cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] } });
    assert.ok(preflight(s.config, s.facts).some(f => f.code === 'identity-id' && f.severity === 'error'));
    assert.match(message(s, 'control-plane-identity-change'), /to the user-assigned identity not-an-id\. /);
  });
  it('a vault ID that is not an ARM ID: the vault-id error', () => {
    const s = cmk({ config: { vault: { kind: 'existing', id: 'not-an-id' } } });
    assert.ok(preflight(s.config, s.facts).some(f => f.code === 'vault-id' && f.severity === 'error'));
  });
  it('keep-old-key names the key and vault: from the resource ID, else the key ID\'s host, else in words', () => {
    assert.match(message(migrate(KMS.cmk), 'keep-old-key'), /^Keep key kms-key and vault kvexist after/);
    assert.match(message(migrate(KMS.legacy), 'keep-old-key'), /^Keep key kms-key and vault kvexist\.vault\.azure\.net after/);
    assert.match(message(migrate({ kind: 'cmk', keyId: 'https://example.com/not-a-key' }), 'keep-old-key'), /^Keep key https:\/\/example\.com\/not-a-key and vault its key vault after/);
  });
  it('the migration\'s irreversible warning: a legacy cluster cannot return to legacy KMS; a CMK cluster can return to CMK', () => {
    assert.match(message(migrate(KMS.legacy), 'irreversible'), /cannot return to legacy KMS/);
    assert.match(message(migrate(KMS.cmk), 'irreversible'), /^Infrastructure encryption stays enabled and cannot be disabled\. You can later move aks1 back/);
  });
  it('a CMK cluster whose chosen vault cannot be read (or whose key ID does not parse): the key change is still said', () => {
    assert.ok(preflight(cmk().config, { ...cmk().facts, cluster: cluster({ kms: KMS.cmk }), vault: undefined }).some(f => f.code === 'change-key'));
    assert.ok(preflight(cmk().config, { ...cmk().facts, cluster: cluster({ kms: { kind: 'cmk', keyId: 'https://example.com/x' } }) }).some(f => f.code === 'change-key'));
  });
  it('a taken name or missing resource group is about a NEW vault only', () => {
    const codes = show(preflight(cmk().config, { ...cmk().facts, vault: undefined, vaultNameAvailable: false, vaultResourceGroupMissing: true }));
    assert.doesNotMatch(codes, /vault-name-taken|vault-resource-group-missing/);
    assert.match(codes, /vault-missing:error/);
  });
  it('subnets not read: no subnet finding, even when the identity changes', () => {
    const s = cmk({ cluster: { identity: 'systemAssigned', userAssignedIdentityIds: [] }, subnets: undefined });
    assert.ok(!preflight(s.config, s.facts).some(f => f.code === 'subnet-role-for-new-identity'));
  });
});
