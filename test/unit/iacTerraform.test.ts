/**
 * The plan as Terraform, for every enable flow: it parses (HashiCorp's HCL parser, @cdktf/hcl2json), every AzureRM
 * attribute and block it uses exists in the pinned provider's schema (azurermSchema.ts), the steps and role
 * assignment names are the plan's, and the output is pinned by a snapshot per flow.
 */
import { parse } from '@cdktf/hcl2json';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES } from '../../src/kms/enable/config';
import { roleAssignmentName } from '../../src/kms/enable/roleAssignmentName';
import { iacPlanOf } from '../../src/kms/iac/iacPlan';
import { renderTerraform } from '../../src/kms/iac/terraform';
import { AZURERM_PROVIDER, azurermSchema, schemaProblems } from './azurermSchema';
import { FLOWS, type Flow, IDENTITY_ID, PROD_VAULT_ID, SUBNET_A, SUBNET_B } from './enableFlows';
import { USER_OID } from './fakeAzure';
import { assertSnapshot } from './iacSnapshots';

const API_VERSION = '2026-10-01';
const terraformOf = (flow: Flow) => renderTerraform(iacPlanOf(flow.config, flow.facts, flow.preview, API_VERSION));

/** azapi_update_resource's arguments (registry.terraform.io/providers/Azure/azapi/latest/docs/resources/update_resource). */
const AZAPI_UPDATE_RESOURCE = new Set(['type', 'resource_id', 'body', 'depends_on', 'name', 'parent_id', 'lifecycle']);

/** azapi_resource's arguments (registry.terraform.io/providers/Azure/azapi/latest/docs/resources/resource). */
const AZAPI_RESOURCE = new Set(['type', 'name', 'parent_id', 'body', 'location', 'identity', 'tags', 'response_export_values', 'depends_on', 'lifecycle']);

type Hcl = Record<string, Record<string, Record<string, Record<string, unknown>[]>>>;

async function parsed(text: string): Promise<Hcl> {
  return (await parse('main.tf', text)) as Hcl;
}

/** The commented-out azurerm_kubernetes_cluster settings, uncommented. */
function clusterSnippet(text: string): string | undefined {
  const m = /# BEGIN azurerm_kubernetes_cluster settings\n([\s\S]*?)\n# END azurerm_kubernetes_cluster settings/.exec(text);
  return m?.[1].split('\n').map(l => l.replace(/^# /, '')).join('\n');
}

/** Every `${type.name}` reference in a value (hcl2json writes expressions as "${…}" strings). */
function referencesIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{[^}]*\}/g)].flatMap(m => [...m[0].matchAll(/\b((?:data\.)?(?:azurerm|azapi)_\w+\.\w+)/g)].map(r => r[1]));
  }
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [...referencesIn(k), ...referencesIn(v)]);
  return [];
}

/** `references`: check that every reference is declared (not for a snippet meant to be merged into other code). */
async function problemsOf(text: string, references = true): Promise<string[]> {
  const hcl = await parsed(text);
  const problems: string[] = [];
  // A reference to a resource that is not declared (e.g. a step left commented out) fails `terraform validate`.
  const declared = new Set((['resource', 'data'] as const).flatMap(kind => Object.entries(hcl[kind] ?? {}).flatMap(([type, byName]) => Object.keys(byName).map(n => `${kind === 'data' ? 'data.' : ''}${type}.${n}`))));
  for (const ref of references ? referencesIn({ resource: hcl.resource, data: hcl.data }) : []) {
    if (!declared.has(ref)) problems.push(`${ref} is referenced but not declared`);
  }
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries(hcl[kind] ?? {})) {
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) {
          if (type.startsWith('azurerm_')) {
            problems.push(...schemaProblems(`${kind}.${type}.${name}`, body, azurermSchema(type, kind)));
          } else if (type === 'azapi_update_resource' || type === 'azapi_resource') {
            const args = type === 'azapi_resource' ? AZAPI_RESOURCE : AZAPI_UPDATE_RESOURCE;
            problems.push(...Object.keys(body).filter(k => !args.has(k)).map(k => `${type}.${name}: "${k}" is not an argument of ${type}`));
          } else {
            problems.push(`${kind}.${type}.${name}: a type the checks do not know`);
          }
        }
      }
    }
  }
  return problems;
}

describe(`Terraform export (checked against AzureRM ${AZURERM_PROVIDER.version})`, () => {
  for (const [key, flow] of Object.entries(FLOWS)) {
    it(`${flow.name}: parses, uses only attributes of the provider schema, matches its snapshot`, async () => {
      const text = terraformOf(flow);
      assert.deepEqual(await problemsOf(text), []);
      const snippet = clusterSnippet(text);
      if (flow.config.kind === 'cmk') {
        assert.ok(snippet, 'the azurerm_kubernetes_cluster settings for a cluster the code already manages');
        assert.deepEqual(await problemsOf(snippet, false), []);
      }
      assertSnapshot(`${key}.tf`, text);
    });
  }

  it('the resources each flow declares, in the plan\'s order', async () => {
    const declared = async (flow: Flow) => {
      const text = terraformOf(flow);
      const hcl = await parsed(text);
      return Object.entries(hcl.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map(n => `${type}.${n}`)).sort((a, b) => text.indexOf(`"${a.split('.')[0]}" "${a.split('.')[1]}"`) - text.indexOf(`"${b.split('.')[0]}" "${b.split('.')[1]}"`));
    };
    assert.deepEqual(await declared(FLOWS.pmk), ['azapi_update_resource.cluster_kms']);
    assert.deepEqual(await declared(FLOWS.cmkPrivateNew), [
      'azurerm_key_vault.kms', 'azurerm_role_assignment.keyvaultcryptoofficer_user', 'azurerm_key_vault_key.kms', 'azapi_update_resource.vault_firewall',
      'azurerm_user_assigned_identity.kms', 'azurerm_role_assignment.keyvaultcryptouser_identity', 'azurerm_role_assignment.keyvaultcontributor_identity',
      'azapi_update_resource.cluster_kms',
    ]);
    // An existing vault, key and identity are referenced, never declared; steps already done stay commented out.
    assert.deepEqual(await declared(FLOWS.cmkPrivateExisting), ['azapi_update_resource.vault_firewall', 'azurerm_role_assignment.keyvaultcontributor_identity', 'azapi_update_resource.cluster_kms']);
    // The cluster's KMS settings stay declared even when they are in place: code without them would undo them.
    assert.deepEqual(await declared(FLOWS.allDone), ['azapi_update_resource.cluster_kms']);
  });

  it('a new key in an existing vault whose firewall is closed is created through ARM (azapi_resource), which the firewall does not filter', async () => {
    const text = terraformOf(FLOWS.cmkPrivateFirewalledNewKey);
    const hcl = await parsed(text);
    assert.equal(hcl.resource.azurerm_key_vault_key, undefined, 'no data-plane key resource');
    const key = hcl.resource.azapi_resource.kms_key[0];
    assert.equal(key.type, 'Microsoft.KeyVault/vaults/keys@2025-05-01');
    assert.equal(key.parent_id, PROD_VAULT_ID);
    assert.deepEqual(key.body, { properties: { kty: 'RSA', keySize: 2048, keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] } });
    const cluster = hcl.resource.azapi_update_resource.cluster_kms[0] as { body: { properties: { securityProfile: { azureKeyVaultKms: { keyId: string } } } }; depends_on: string[] };
    assert.equal(cluster.body.properties.securityProfile.azureKeyVaultKms.keyId, 'https://kvprod.vault.azure.net/keys/aks-kms', 'the versionless ID, from the vault\'s URI');
    assert.ok(cluster.depends_on.includes('${azapi_resource.kms_key}'), `the cluster update waits for the key: ${cluster.depends_on.join(', ')}`);
    // A vault the code creates is open while the key is written: the data-plane resource stays right there.
    assert.ok((await parsed(terraformOf(FLOWS.cmkPrivateNew))).resource.azurerm_key_vault_key);
  });

  it('role assignments carry the plan\'s names where the principal is known; a new identity\'s are left to Terraform', async () => {
    const hcl = await parsed(terraformOf(FLOWS.cmkPrivateExisting));
    const contributor = hcl.resource.azurerm_role_assignment.keyvaultcontributor_identity[0];
    assert.equal(contributor.name, roleAssignmentName(PROD_VAULT_ID, 'p-id-aks1', ROLES.keyVaultContributor));
    assert.equal(contributor.scope, PROD_VAULT_ID);
    assert.equal(contributor.principal_id, 'p-id-aks1');
    assert.equal(contributor.principal_type, 'ServicePrincipal');

    const fresh = await parsed(terraformOf(FLOWS.cmkPublicNew));
    const officer = fresh.resource.azurerm_role_assignment.keyvaultcryptoofficer_user[0];
    assert.equal(officer.name, roleAssignmentName(`/subscriptions/${PROD_VAULT_ID.split('/')[2]}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01`, USER_OID, ROLES.keyVaultCryptoOfficer));
    assert.equal(officer.scope, '${azurerm_key_vault.kms.id}');
    const user = fresh.resource.azurerm_role_assignment.keyvaultcryptouser_identity[0];
    assert.equal(user.name, undefined);
    assert.equal(user.principal_id, '${azurerm_user_assigned_identity.kms.principal_id}');
  });

  it('Private: the firewall closes after the key exists, keeps the vault\'s own rules, and the cluster update waits for it', async () => {
    const hcl = await parsed(terraformOf(FLOWS.cmkPrivateNew));
    const firewall = hcl.resource.azapi_update_resource.vault_firewall[0];
    assert.deepEqual(firewall.depends_on, ['${azurerm_key_vault_key.kms}']);
    assert.deepEqual((firewall.body as { properties: unknown }).properties, { publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } });
    const vault = hcl.resource.azurerm_key_vault.kms[0];
    assert.deepEqual(vault.lifecycle, [{ ignore_changes: ['${network_acls}'] }], 'the vault resource does not undo the lock');
    const cluster = hcl.resource.azapi_update_resource.cluster_kms[0];
    assert.ok((cluster.depends_on as string[]).includes('${azapi_update_resource.vault_firewall}'));
    assert.equal(cluster.type, `Microsoft.ContainerService/managedClusters@${API_VERSION}`);
    assert.deepEqual((cluster.body as { properties: { securityProfile: unknown } }).properties.securityProfile, {
      azureKeyVaultKms: { enabled: true, keyId: '${azurerm_key_vault_key.kms.versionless_id}', keyVaultNetworkAccess: 'Private', keyVaultResourceId: '${azurerm_key_vault.kms.id}' },
      kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' },
    });
  });

  it('platform keys set only infrastructure encryption; the move from a customer-managed key also turns Key Vault KMS off', async () => {
    const body = async (flow: Flow) => ((await parsed(terraformOf(flow))).resource.azapi_update_resource.cluster_kms[0].body as { properties: unknown }).properties;
    assert.deepEqual(await body(FLOWS.pmk), { securityProfile: { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } } });
    assert.deepEqual(await body(FLOWS.migrateToPmk), { securityProfile: { azureKeyVaultKms: { enabled: false }, kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } } });
  });

  it('custom subnets: Network Contributor for the new identity on each, the one it holds commented out', async () => {
    const text = terraformOf(FLOWS.systemAssignedWithSubnets);
    const hcl = await parsed(text);
    const scopes = Object.values(hcl.resource.azurerm_role_assignment).map(r => r[0]).filter(r => r.role_definition_name === 'Network Contributor').map(r => r.scope);
    assert.deepEqual(scopes, [SUBNET_A]);
    assert.match(text, new RegExp(`^# +scope += "${SUBNET_B.replace(/\//g, '\\/')}"$`, 'm'));
  });

  it('an existing identity is referenced by its ID in the cluster update', async () => {
    const hcl = await parsed(terraformOf(FLOWS.cmkPrivateExisting));
    const body = hcl.resource.azapi_update_resource.cluster_kms[0].body as { identity: unknown };
    assert.deepEqual(body.identity, { type: 'UserAssigned', userAssignedIdentities: { [IDENTITY_ID]: {} } });
  });

  it('names that are not identifiers are quoted, and a newline in a name cannot leave a comment', async () => {
    const text = terraformOf(FLOWS.quotedResourceGroup);
    assert.deepEqual(await problemsOf(text), []);
    const hcl = await parsed(text);
    assert.equal(hcl.resource.azurerm_key_vault.kms[0].resource_group_name, "rg o'brien");

    const injected = 'aks1\r\n\nresource "azurerm_resource_group" "gone" {}';
    const flow: Flow = { ...FLOWS.cmkPublicNew, facts: { ...FLOWS.cmkPublicNew.facts, cluster: { ...FLOWS.cmkPublicNew.facts.cluster, name: injected } } };
    const resources = (await parsed(terraformOf(flow))).resource;
    assert.equal(resources.azurerm_resource_group, undefined, 'the name stays inside its comment');
  });
});
