/**
 * The plan as an ARM template, for every enable flow: valid JSON, each resource's body valid against its official
 * schema in ../shared/azure-specs (closed objects: a property the spec does not define fails) — the managed cluster
 * at the product's api-version, the vault, key, identity, access policy and role assignments at theirs — the plan's
 * steps, order and role assignment names, and a snapshot per flow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES } from '../../src/kms/enable/config';
import { roleAssignmentName } from '../../src/kms/enable/roleAssignmentName';
import { renderArmTemplate } from '../../src/kms/iac/armTemplate';
import { iacPlanOf } from '../../src/kms/iac/iacPlan';
import { SpecValidator, type SpecFile } from '../emulator/schemas';
import { FLOWS, type Flow, PROD_VAULT_ID, SUBNET_A } from './enableFlows';
import { assertSnapshot } from './iacSnapshots';

const API_VERSION = '2026-10-01';
const validator = new SpecValidator();

type Resource = Record<string, unknown> & { type: string; name: string; dependsOn?: string[]; properties?: Record<string, unknown> };
interface Template {
  $schema: string;
  metadata: { runSeparately?: string[]; alreadyDone?: string[] };
  resources: Resource[];
}

/**
 * The flows' cluster as a GET at the template's api-version returns it: the shared fixture carries a `futureField`
 * (for the product's own PUT, which must keep what it does not know), which no GET at 2026-10-01 would return.
 */
function atApiVersion(flow: Flow): Flow {
  const { futureField: _dropped, ...properties } = (flow.facts.clusterJson.properties ?? {}) as Record<string, unknown>;
  return { ...flow, facts: { ...flow.facts, clusterJson: { ...flow.facts.clusterJson, properties } } };
}

const render = (flow: Flow) => {
  const f = atApiVersion(flow);
  return renderArmTemplate(iacPlanOf(f.config, f.facts, f.preview, API_VERSION));
};
const templateOf = (flow: Flow): Template => JSON.parse(render(flow));

/** Every resource, nested deployments' included, with the resource group it is deployed to. */
function allResources(template: Template, resourceGroup = '(cluster)'): (Resource & { deployedTo: string })[] {
  return template.resources.flatMap(r => (r.type === 'Microsoft.Resources/deployments'
    ? allResources((r.properties as { template: Template }).template, String(r.resourceGroup))
    : [{ ...r, deployedTo: resourceGroup }]));
}

/** The definition each resource type's body must satisfy. */
const SCHEMAS: Record<string, [SpecFile, string]> = {
  'Microsoft.ContainerService/managedClusters': ['managedClustersStable', 'ManagedCluster'],
  'Microsoft.KeyVault/vaults': ['keyVault', 'VaultCreateOrUpdateParameters'],
  'Microsoft.KeyVault/vaults/keys': ['keyVaultKeys', 'KeyCreateParameters'],
  'Microsoft.KeyVault/vaults/accessPolicies': ['keyVault', 'VaultAccessPolicyParameters'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['managedIdentity', 'Identity'],
  'Microsoft.Authorization/roleAssignments': ['roleAssignments', 'RoleAssignmentCreateParameters'],
};

/** Template-only keys (ARM template syntax), not part of the resource's REST body. */
const TEMPLATE_KEYS = ['type', 'apiVersion', 'name', 'dependsOn', 'comments', 'scope', 'condition'];
const GUID = '00000000-0000-4000-8000-0000000000aa';

/** Replaces template expressions (`[…]`) by values of the shape they evaluate to, so formats can be checked. */
function sampled(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith('[') || value.startsWith('[[')) return value;
    if (/tenantId|principalId|objectId/i.test(key)) return GUID;
    if (key === 'roleDefinitionId') return `/subscriptions/${GUID}/providers/Microsoft.Authorization/roleDefinitions/${GUID}`;
    if (key === 'keyId') return 'https://kv.vault.azure.net/keys/k';
    return 'x';
  }
  if (Array.isArray(value)) return value.map(v => sampled(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('[') ? `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x` : k, sampled(v, k)]));
  }
  return value;
}

function schemaProblems(template: Template): string[] {
  return allResources(template).flatMap(r => {
    const schema = SCHEMAS[r.type];
    if (!schema) return [`${r.type}: no schema to check it against`];
    const body = Object.fromEntries(Object.entries(r).filter(([k]) => !TEMPLATE_KEYS.includes(k) && k !== 'deployedTo'));
    const result = validator.validate(schema[0], schema[1], sampled(body));
    return result.errors.map(e => `${r.type} ${r.name}: ${e}`);
  });
}

describe('ARM template export (resources checked against ../shared/azure-specs)', () => {
  for (const [key, flow] of Object.entries(FLOWS)) {
    it(`${flow.name}: every resource valid against its spec, matches its snapshot`, () => {
      const text = render(flow);
      const template = JSON.parse(text) as Template;
      assert.deepEqual(schemaProblems(template), []);
      assert.ok(allResources(template).some(r => r.type === 'Microsoft.ContainerService/managedClusters') || flow.preview.find(p => p.id === 'updateCluster')?.alreadyDone);
      assertSnapshot(`${key}.json`, text);
    });
  }

  it('a property the managed-cluster spec does not define fails the check (the check can fail)', () => {
    const template = templateOf(FLOWS.pmk);
    const cluster = template.resources.find(r => r.type === 'Microsoft.ContainerService/managedClusters')!;
    (cluster.properties!.securityProfile as Record<string, unknown>).kubernetesResourceObjectEncryption = { infrastructureEncryption: 'Enabled' };
    assert.match(schemaProblems(template).join('\n'), /kubernetesResourceObjectEncryption/);
  });

  it('the cluster is declared as it is, with the KMS settings, at the product\'s api-version, after every other step', () => {
    const template = templateOf(FLOWS.cmkPrivateNew);
    const resources = template.resources;
    const cluster = resources[resources.length - 1];
    assert.equal(cluster.type, 'Microsoft.ContainerService/managedClusters');
    assert.equal(cluster.apiVersion, API_VERSION);
    const expectedJson = FLOWS.cmkPrivateNew.facts.clusterJson;
    assert.equal(cluster.name, expectedJson.name);
    assert.deepEqual((cluster.properties as { securityProfile: unknown }).securityProfile, {
      azureKeyVaultKms: {
        enabled: true,
        keyId: "[reference(resourceId('00000000-0000-4000-8000-000000000001', 'rg-kv', 'Microsoft.KeyVault/vaults/keys', 'kvnew01', 'aks-kms'), '2025-05-01').keyUri]",
        keyVaultNetworkAccess: 'Private',
        keyVaultResourceId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01',
      },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
    assert.deepEqual(cluster.identity, { type: 'UserAssigned', userAssignedIdentities: { "[resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1')]": {} } });
    assert.equal((cluster.properties as { provisioningState?: string }).provisioningState, undefined, 'no server-set fields');
    // Each step waits for the one before it: the same order as the plan.
    for (let i = 1; i < resources.length; i++) {
      assert.equal(resources[i].dependsOn?.length, 1, `${resources[i].name} depends on the step before it`);
    }
    assert.deepEqual(resources.map(r => (r.type === 'Microsoft.Resources/deployments' ? r.name : r.type)), [
      'aks-kms-createVault', 'aks-kms-assignCryptoOfficerToUser', 'aks-kms-createKey', 'aks-kms-lockFirewall', 'Microsoft.ManagedIdentity/userAssignedIdentities',
      'aks-kms-assignCryptoUserToIdentity', 'aks-kms-assignContributorToIdentity', 'Microsoft.ContainerService/managedClusters',
    ]);
    // The new vault is created open, and closed (declared again with the firewall) only after the key exists.
    const vaults = allResources(template).filter(r => r.type === 'Microsoft.KeyVault/vaults');
    assert.deepEqual(vaults.map(v => [v.deployedTo, v.properties!.networkAcls]), [
      ['rg-kv', { defaultAction: 'Allow', bypass: 'AzureServices' }],
      ['rg-kv', { defaultAction: 'Deny', bypass: 'AzureServices' }],
    ]);
    const lock = resources.find(r => r.name === 'aks-kms-lockFirewall')!;
    assert.deepEqual(lock.dependsOn, ["[resourceId('rg-kv', 'Microsoft.Resources/deployments', 'aks-kms-createKey')]"]);
  });

  it('role assignments: the plan\'s names where the principal is known, a guid() of the scope, identity and role otherwise', () => {
    const existing = allResources(templateOf(FLOWS.cmkPrivateExisting)).filter(r => r.type === 'Microsoft.Authorization/roleAssignments');
    assert.deepEqual(existing.map(r => r.name), [roleAssignmentName(PROD_VAULT_ID, 'p-id-aks1', ROLES.keyVaultContributor)]);
    const subnets = allResources(templateOf(FLOWS.systemAssignedWithSubnets)).filter(r => String(r.properties?.roleDefinitionId ?? '').includes(ROLES.networkContributor));
    assert.equal(subnets.length, 1, 'the subnet where the identity holds the role is left out');
    assert.equal(subnets[0].scope, 'Microsoft.Network/virtualNetworks/vnet/subnets/nodes');
    assert.equal(subnets[0].deployedTo, SUBNET_A.split('/')[4]);
    assert.match(subnets[0].name, /^\[guid\('.*subnets\/nodes', resourceId\(.*userAssignedIdentities', 'id-aks1'\), '4d97b98b-1d4f-4787-a291-c67834d212e7'\)\]$/);
  });

  it('what a template cannot change without restating a vault it does not own is listed with the command to run', () => {
    const template = templateOf(FLOWS.cmkPrivateExisting);
    assert.deepEqual(template.metadata.runSeparately, [
      'lockFirewall (after the key exists): az keyvault update --name kvprod --resource-group rg-kv --default-action Deny --bypass AzureServices (a template would restate the whole vault)',
    ]);
    assert.match(templateOf(FLOWS.purgeProtectionAdded).metadata.runSeparately!.join('\n'), /--enable-purge-protection true/);
    assert.match(templateOf(FLOWS.pmk).metadata.runSeparately!.join('\n'), /az feature register --namespace Microsoft\.ContainerService --name KMSPMKPreview/);
    assert.deepEqual(templateOf(FLOWS.allDone).resources.map(r => r.type), ['Microsoft.ContainerService/managedClusters'], 'every step done: only the cluster, whose KMS settings the template must keep');
  });

  it('an access-policy vault gets an `add` of encrypt and decrypt for the identity (merged into its policies)', () => {
    const policy = allResources(templateOf(FLOWS.accessPolicyVault)).find(r => r.type === 'Microsoft.KeyVault/vaults/accessPolicies')!;
    assert.equal(policy.name, 'kvprod/add');
    assert.deepEqual((policy.properties!.accessPolicies as unknown[])[0], { tenantId: '[subscription().tenantId]', objectId: 'p-id-aks1', permissions: { keys: ['encrypt', 'decrypt'] } });
  });
});
