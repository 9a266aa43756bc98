/**
 * The enable flows every rendering of the plan is tested on (the az script, the infrastructure-as-code exports):
 * config, facts and the plan's preview, one per situation the plan distinguishes.
 */
import type { CmkConfig, EnableConfig } from '../../src/kms/enable/config';
import type { EnableFacts, VaultFacts } from '../../src/kms/enable/facts';
import type { StepId, StepPreview } from '../../src/kms/enable/plan';
import { clusterFactsOf } from '../../src/kms/kmsState';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import { CLUSTER_ID, clusterJson, SUB, USER_OID } from './fakeAzure';

export const NEW_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01`;
export const PROD_VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod`;
export const IDENTITY_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1`;
export const SUBNET_A = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes`;
export const SUBNET_B = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods`;

// ---------------------------------------------------------------------------------------------------------------
// Facts, configurations and previews for each flow (built the way test/unit/enablePlan.test.ts reads them).

export function factsFor(overrides: Partial<EnableFacts> & { clusterJson?: ManagedClusterJson } = {}): EnableFacts {
  const cj = overrides.clusterJson ?? clusterJson();
  return {
    cluster: clusterFactsOf(cj),
    clusterJson: cj,
    featureState: 'Registered',
    vaultNameAvailable: true,
    user: { objectId: USER_OID, canAssignRoles: true, principalType: 'User' },
    roleAssignments: [],
    keyVaultDnsSuffix: 'vault.azure.net',
    now: new Date('2026-11-28T00:00:00Z'),
    ...overrides,
  };
}

export function prodVault(overrides: Partial<VaultFacts> = {}): VaultFacts {
  return {
    id: PROD_VAULT_ID, name: 'kvprod', location: 'eastus', vaultUri: 'https://kvprod.vault.azure.net/',
    enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Enabled',
    networkDefaultAction: 'Allow', networkBypass: 'AzureServices', provisioningState: 'Succeeded', ...overrides,
  };
}

/** The preview in the plan's order: [step, alreadyDone]. */
export function previewOf(steps: readonly (readonly [StepId, boolean])[]): StepPreview[] {
  return steps.map(([id, alreadyDone]) => ({ id, dependsOn: [], alreadyDone, irreversible: id === 'updateCluster' }));
}

export const featureDone = [['registerFeature', true], ['registerProvider', true]] as const;

export const cmkNewVault = (networkAccess: 'Public' | 'Private'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess,
  vault: { kind: 'new', name: 'kvnew01', resourceGroup: 'rg-kv', location: 'eastus' },
  key: { kind: 'new', name: 'aks-kms' },
  identity: { kind: 'new', name: 'id-aks1', resourceGroup: 'rg', location: 'eastus' },
});

export const cmkExisting = (networkAccess: 'Public' | 'Private'): CmkConfig => ({
  kind: 'cmk', clusterId: CLUSTER_ID, networkAccess,
  vault: { kind: 'existing', id: PROD_VAULT_ID },
  key: { kind: 'existing', name: 'aks-kms' },
  identity: { kind: 'existing', id: IDENTITY_ID },
});

export const newVaultSteps = (networkAccess: 'Public' | 'Private') => previewOf([
  ...featureDone,
  ['createVault', false], ['assignCryptoOfficerToUser', false], ['createKey', false],
  ...(networkAccess === 'Private' ? [['lockFirewall', false] as const] : []),
  ['createIdentity', false], ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false],
  ['updateCluster', false], ['verify', false],
]);

export interface Flow {
  readonly name: string;
  readonly config: EnableConfig;
  readonly facts: EnableFacts;
  readonly preview: StepPreview[];
}

export const QUOTED_RG = "rg o'brien";
export const quotedClusterJson = (): ManagedClusterJson => ({ ...clusterJson(), id: CLUSTER_ID.replace('/resourceGroups/rg/', `/resourceGroups/${QUOTED_RG}/`) });

export const FLOWS = {
  pmk: {
    name: 'platform-managed keys, feature not registered yet',
    config: { kind: 'pmk', clusterId: CLUSTER_ID },
    facts: factsFor({ featureState: 'NotRegistered' }),
    preview: previewOf([['registerFeature', false], ['registerProvider', false], ['updateCluster', false], ['verify', false]]),
  },
  migrateToPmk: {
    name: 'migrate a customer-managed key to platform-managed keys',
    config: { kind: 'migrateToPmk', clusterId: CLUSTER_ID },
    facts: factsFor(),
    preview: previewOf([...featureDone, ['updateCluster', false], ['verify', false]]),
  },
  cmkPublicNew: {
    name: 'customer-managed key, Public, new vault, key and identity',
    config: cmkNewVault('Public'),
    facts: factsFor(),
    preview: newVaultSteps('Public'),
  },
  cmkPrivateNew: {
    name: 'customer-managed key, Private, new vault, key and identity',
    config: cmkNewVault('Private'),
    facts: factsFor(),
    preview: newVaultSteps('Private'),
  },
  cmkPrivateExisting: {
    name: 'customer-managed key, Private, existing vault and key',
    config: cmkExisting('Private'),
    facts: factsFor({ vault: prodVault(), key: { name: 'aks-kms', kty: 'RSA', enabled: true }, identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['assignCryptoOfficerToUser', true], ['createKey', true], ['lockFirewall', false],
      ['createIdentity', true], ['assignCryptoUserToIdentity', true], ['assignContributorToIdentity', false], ['updateCluster', false], ['verify', false],
    ]),
  },
  cmkPrivateFirewalledNewKey: {
    name: 'customer-managed key, Private, existing firewalled vault (Deny), new key',
    config: { ...cmkExisting('Private'), key: { kind: 'new', name: 'aks-kms' } },
    facts: factsFor({
      vault: prodVault({ networkDefaultAction: 'Deny', networkBypass: 'AzureServices' }),
      identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' },
    }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['assignCryptoOfficerToUser', false], ['createKey', false], ['lockFirewall', true],
      ['createIdentity', true], ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false], ['updateCluster', false], ['verify', false],
    ]),
  },
  accessPolicyVault: {
    name: 'customer-managed key in a vault that uses access policies, new key',
    config: { ...cmkExisting('Public'), key: { kind: 'new', name: 'aks-kms' } },
    facts: factsFor({ vault: prodVault({ enableRbacAuthorization: false }), identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['createKey', false], ['createIdentity', true], ['grantAccessPolicyToIdentity', false],
      ['updateCluster', false], ['verify', false],
    ]),
  },
  systemAssignedWithSubnets: {
    name: 'system-assigned cluster on custom subnets, new identity',
    config: cmkNewVault('Public'),
    facts: factsFor({
      clusterJson: clusterJson({}, 'SystemAssigned'),
      subnets: [{ id: SUBNET_A, currentIdentityHasRole: true, newIdentityHasRole: false }, { id: SUBNET_B, currentIdentityHasRole: true, newIdentityHasRole: true }],
    }),
    preview: previewOf([
      ...featureDone, ['createVault', false], ['assignCryptoOfficerToUser', false], ['createKey', false], ['createIdentity', false],
      ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false], ['assignNetworkContributorToIdentity', false],
      ['updateCluster', false], ['verify', false],
    ]),
  },
  allDone: {
    name: 'every step already done',
    config: cmkExisting('Private'),
    facts: factsFor({
      vault: prodVault({ networkDefaultAction: 'Deny' }), key: { name: 'aks-kms', kty: 'RSA', enabled: true },
      identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' },
      subnets: [{ id: SUBNET_A, newIdentityHasRole: true }],
    }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['enablePurgeProtection', true], ['assignCryptoOfficerToUser', true], ['createKey', true],
      ['lockFirewall', true], ['createIdentity', true], ['assignCryptoUserToIdentity', true], ['assignContributorToIdentity', true],
      ['assignNetworkContributorToIdentity', true], ['updateCluster', true], ['verify', false],
    ]),
  },
  quotedResourceGroup: {
    name: 'resource groups whose names hold a space and a quote',
    config: { ...cmkNewVault('Public'), clusterId: quotedClusterJson().id, vault: { kind: 'new', name: 'kvnew01', resourceGroup: QUOTED_RG, location: 'east us' }, identity: { kind: 'new', name: 'id-aks1', resourceGroup: QUOTED_RG, location: 'east us' } },
    facts: factsFor({ clusterJson: quotedClusterJson() }),
    preview: newVaultSteps('Public'),
  },
  accessPolicyKeyOnly: {
    name: 'access-policy vault, a preview without the identity\'s access-policy step (only the key create uses the helper)',
    config: { ...cmkExisting('Public'), key: { kind: 'new', name: 'aks-kms' } },
    facts: factsFor({ vault: prodVault({ enableRbacAuthorization: false }), identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([...featureDone, ['createVault', true], ['createKey', false], ['createIdentity', true], ['updateCluster', false], ['verify', false]]),
  },
  accessPolicyStepWithoutVaultFacts: {
    name: 'a preview with the access-policy step, the vault not read yet (only the step uses the helper)',
    config: cmkNewVault('Public'),
    facts: factsFor(),
    preview: previewOf([
      ...featureDone, ['createVault', false], ['createKey', false], ['createIdentity', false], ['grantAccessPolicyToIdentity', false],
      ['updateCluster', false], ['verify', false],
    ]),
  },
  withoutFeatureSteps: {
    name: 'a preview without the feature registration steps',
    config: { kind: 'pmk', clusterId: CLUSTER_ID },
    facts: factsFor(),
    preview: previewOf([['updateCluster', false], ['verify', false]]),
  },
  purgeProtectionAdded: {
    name: 'customer-managed key, existing vault without purge protection',
    config: { ...cmkExisting('Public'), enablePurgeProtection: true },
    facts: factsFor({ vault: prodVault({ enablePurgeProtection: false }), key: { name: 'aks-kms', kty: 'RSA', enabled: true }, identity: { id: IDENTITY_ID, name: 'id-aks1', principalId: 'p-id-aks1' } }),
    preview: previewOf([
      ...featureDone, ['createVault', true], ['enablePurgeProtection', false], ['assignCryptoOfficerToUser', false], ['createKey', true],
      ['createIdentity', true], ['assignCryptoUserToIdentity', false], ['assignContributorToIdentity', false], ['updateCluster', false], ['verify', false],
    ]),
  },
} satisfies Record<string, Flow>;
