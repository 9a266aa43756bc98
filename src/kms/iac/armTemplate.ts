/**
 * The plan as an ARM template (and the object model the Bicep printer shares): deployed to the cluster's resource
 * group, one resource per step in the plan's order, each depending on the step before it; a step in another resource
 * group (the vault's, a subnet's) is a nested deployment into that group. A template deployment PUTs whole
 * resources, so the cluster is the cluster as it is now with the KMS settings added — what the product's own update
 * sends — and a change to an existing vault that would mean restating all of it (purge protection, the firewall) is
 * listed in the template's metadata as the command to run instead. A vault the template creates is closed after the
 * key exists, as in the plan: declared again, with the firewall, in a nested deployment.
 *
 * Documentation: learn.microsoft.com/azure/azure-resource-manager/templates (syntax, "Resource declaration",
 * "Deploy to resource groups": nested deployments; "Extension resource types": `scope`), the resource types in
 * ../shared/azure-specs (Microsoft.KeyVault 2025-05-01, Microsoft.Authorization 2022-04-01, Microsoft.ManagedIdentity
 * 2024-11-30, Microsoft.ContainerService managedClusters at the product's api-version).
 */
import { KEY_VAULT_ARM_API_VERSION, KMS_FEATURE, kmsKeyArmBody } from '../enable/config';
import type { ManagedClusterJson } from '../managedCluster';
import { IacPlan, IacRoleAssignment, iacHeader, knownKeyId, STEP_REASONS } from './iacPlan';

export const API_VERSIONS = {
  vaults: KEY_VAULT_ARM_API_VERSION,
  roleAssignments: '2022-04-01',
  identities: '2024-11-30',
  deployments: '2025-04-01',
} as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
export type TemplateResource = { [key: string]: Json | undefined };

/** A string for a template expression (`[…]`) with its literal parts quoted. */
const q = (value: string) => `'${value.replace(/'/g, "''")}'`;
/** A literal string that starts with `[` is escaped as `[[` (ARM template syntax, "Escape characters"). */
const lit = (value: string) => (value.startsWith('[') ? `[${value}` : value);

function resourceIdExpr(subscriptionId: string, resourceGroup: string, type: string, ...names: string[]): string {
  return `resourceId(${[subscriptionId, resourceGroup, type, ...names].map(q).join(', ')})`;
}

/** Where each step's resources go, and what a later step waits for. */
export interface StepOutput {
  readonly id: string;
  readonly resourceGroup: string;
  readonly resources: TemplateResource[];
  readonly comment: string;
  /** Deployed as a nested deployment even in the cluster's group: it declares a resource an earlier step declared. */
  readonly redeclares?: boolean;
}

/** Fields a GET returns that are the service's to set: left out of the template (a PUT ignores them anyway). */
const CLUSTER_READ_ONLY = ['provisioningState', 'powerState', 'maxAgentPools', 'currentKubernetesVersion', 'fqdn', 'azurePortalFQDN', 'privateFQDN', 'resourceUID'];
const POOL_READ_ONLY = ['provisioningState', 'currentOrchestratorVersion', 'nodeImageVersion', 'eTag'];

/** The cluster as a template declares it: the GET's body without server-set fields, with the plan's KMS settings. */
export function clusterResource(plan: IacPlan, cluster: ManagedClusterJson, keyId: string | undefined, identityIdExpr: string | undefined): TemplateResource {
  const props = { ...(cluster.properties ?? {}) } as Record<string, unknown>;
  for (const k of CLUSTER_READ_ONLY) delete props[k];
  if (Array.isArray(props.agentPoolProfiles)) {
    props.agentPoolProfiles = (props.agentPoolProfiles as Record<string, unknown>[]).map(p => Object.fromEntries(Object.entries(p).filter(([k]) => !POOL_READ_ONLY.includes(k))));
  }
  const network = props.networkProfile as { loadBalancerProfile?: Record<string, unknown> } | undefined;
  if (network?.loadBalancerProfile?.effectiveOutboundIPs) {
    const { effectiveOutboundIPs: _ignored, ...loadBalancerProfile } = network.loadBalancerProfile;
    props.networkProfile = { ...network, loadBalancerProfile };
  }
  const infrastructure = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
  const current = (props.securityProfile ?? {}) as Record<string, unknown>;
  props.securityProfile = plan.flow === 'cmk'
    ? { ...current, azureKeyVaultKms: { enabled: true, keyId, keyVaultNetworkAccess: plan.networkAccess, keyVaultResourceId: plan.vault?.id }, ...infrastructure }
    : plan.flow === 'migrateToPmk'
      ? { ...current, azureKeyVaultKms: { enabled: false }, ...infrastructure }
      : { ...current, ...infrastructure };
  const identity = plan.flow === 'cmk' && identityIdExpr
    ? { type: 'UserAssigned', userAssignedIdentities: { [identityIdExpr]: {} } }
    : cluster.identity && { type: cluster.identity.type, ...(cluster.identity.userAssignedIdentities ? { userAssignedIdentities: Object.fromEntries(Object.keys(cluster.identity.userAssignedIdentities).map(id => [id, {}])) } : {}) };
  return {
    type: 'Microsoft.ContainerService/managedClusters',
    apiVersion: plan.apiVersion,
    name: lit(cluster.name),
    location: cluster.location,
    ...(cluster.tags ? { tags: cluster.tags as Json } : {}),
    ...(cluster.sku ? { sku: cluster.sku as Json } : {}),
    ...(identity ? { identity: identity as Json } : {}),
    properties: props as Json,
  };
}

export interface TemplateModel {
  readonly header: string[];
  /** Steps the template cannot express without restating a resource it does not own: the commands to run instead. */
  readonly runSeparately: string[];
  readonly alreadyDone: string[];
  readonly steps: StepOutput[];
}

/** The template's steps and notes, independent of JSON or Bicep syntax. Expressions are ARM's (`[…]`). */
export function templateModel(plan: IacPlan): TemplateModel {
  const cluster = plan.clusterJson;
  const runSeparately: string[] = [];
  const alreadyDone: string[] = [];
  const steps: StepOutput[] = [];
  const vault = plan.vault;
  const identity = plan.identity;
  const identityIdExpr = identity ? resourceIdExpr(identity.subscriptionId, identity.resourceGroup, 'Microsoft.ManagedIdentity/userAssignedIdentities', identity.name) : '';
  const principalExpr = identity
    ? identity.principalId ?? `[reference(${identityIdExpr}, ${q(API_VERSIONS.identities)}).principalId]`
    : '';
  const keyId = plan.key
    ? knownKeyId(plan) ?? `[reference(${resourceIdExpr(vault!.subscriptionId, vault!.resourceGroup, 'Microsoft.KeyVault/vaults/keys', vault!.name, plan.key.name)}, ${q(API_VERSIONS.vaults)}).keyUri]`
    : undefined;

  for (const step of plan.steps) {
    const add = (id: string, resourceGroup: string, resources: TemplateResource[], reason: string) => steps.push({ id, resourceGroup, resources, comment: reason });
    if (step.id === 'roleAssignment') {
      const a = step.assignment;
      if (a.alreadyDone) {
        alreadyDone.push(`${a.step}: ${a.principal === 'user' ? 'you hold' : 'the identity holds'} ${a.roleDisplayName} on ${a.scope}`);
        continue;
      }
      add(a.step, scopeResourceGroup(a, plan), [roleAssignment(a, plan, principalExpr, identityIdExpr)], STEP_REASONS[a.step]);
      continue;
    }
    if ('alreadyDone' in step && step.alreadyDone) {
      alreadyDone.push(`${step.id}: ${STEP_REASONS[step.id]}`);
      continue;
    }
    switch (step.id) {
      case 'registerFeature':
        runSeparately.push(`registerFeature (once per subscription): az feature register --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name}, then az feature show … until Registered`);
        break;
      case 'registerProvider':
        runSeparately.push(`registerProvider: az provider register --namespace ${KMS_FEATURE.namespace} --wait`);
        break;
      case 'createVault':
        if (vault) add('createVault', vault.resourceGroup, [newVault(plan, 'Allow')], STEP_REASONS.createVault);
        break;
      case 'enablePurgeProtection':
        if (vault) runSeparately.push(`enablePurgeProtection: az keyvault update --name ${vault.name} --resource-group ${vault.resourceGroup} --enable-purge-protection true (a template would restate the whole vault)`);
        break;
      case 'createKey':
        if (vault && plan.key?.create) add('createKey', vault.resourceGroup, [{
          type: 'Microsoft.KeyVault/vaults/keys',
          apiVersion: API_VERSIONS.vaults,
          name: lit(`${vault.name}/${plan.key.name}`),
          properties: kmsKeyArmBody().properties,
        }], `${STEP_REASONS.createKey} Created through ARM: no data-plane role needed, and not filtered by the firewall.`);
        break;
      case 'lockFirewall':
        if (vault?.create) {
          // The vault this template creates, declared again with the firewall closed, after the key exists (the plan's
          // order). A nested deployment, as one template may declare a resource only once.
          steps.push({ id: 'lockFirewall', resourceGroup: vault.resourceGroup, resources: [newVault(plan, 'Deny')], comment: STEP_REASONS.lockFirewall, redeclares: true });
        } else if (vault) {
          runSeparately.push(`lockFirewall (after the key exists): az keyvault update --name ${vault.name} --resource-group ${vault.resourceGroup} --default-action Deny --bypass AzureServices (a template would restate the whole vault)`);
        }
        break;
      case 'createIdentity':
        if (identity) add('createIdentity', identity.resourceGroup, [{
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
          apiVersion: API_VERSIONS.identities,
          name: lit(identity.name),
          location: lit(identity.location ?? plan.cluster.location ?? ''),
        }], STEP_REASONS.createIdentity);
        break;
      case 'grantAccessPolicyToIdentity':
        if (vault) add('grantAccessPolicyToIdentity', vault.resourceGroup, [{
          type: 'Microsoft.KeyVault/vaults/accessPolicies',
          apiVersion: API_VERSIONS.vaults,
          // `add` merges into the vault's policies: the identity keeps what it holds (keyvault.json, AccessPolicyUpdateKind).
          name: lit(`${vault.name}/add`),
          properties: { accessPolicies: [{ tenantId: plan.tenantId ?? '[subscription().tenantId]', objectId: principalExpr, permissions: { keys: ['encrypt', 'decrypt'] } }] },
        }], STEP_REASONS.grantAccessPolicyToIdentity);
        break;
      case 'updateCluster':
        add('updateCluster', plan.cluster.resourceGroup, [clusterResource(plan, cluster, keyId, identity ? `[${identityIdExpr}]` : undefined)], `${STEP_REASONS.updateCluster} The cluster as it is now with the KMS settings: deploy it where your templates declare the cluster, or merge these settings there.`);
        break;
      case 'verify':
        break;
    }
  }
  return { header: iacHeader(plan, 'Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.'), runSeparately, alreadyDone, steps };
}

/** A vault this template creates: RBAC, soft delete and purge protection as the plan creates it, with the given firewall. */
function newVault(plan: IacPlan, defaultAction: 'Allow' | 'Deny'): TemplateResource {
  const vault = plan.vault!;
  return {
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: API_VERSIONS.vaults,
    name: lit(vault.name),
    location: lit(vault.location ?? plan.cluster.location ?? ''),
    properties: {
      tenantId: '[subscription().tenantId]',
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction, bypass: 'AzureServices' },
    },
  };
}

function scopeResourceGroup(a: IacRoleAssignment, plan: IacPlan): string {
  return a.role === 'networkContributor' ? a.scope.split('/')[4] ?? plan.cluster.resourceGroup : plan.vault?.resourceGroup ?? plan.cluster.resourceGroup;
}

/** The role assignment as an extension resource on the vault (or subnet), with the plan's name where it is known. */
function roleAssignment(a: IacRoleAssignment, plan: IacPlan, principalExpr: string, identityIdExpr: string): TemplateResource {
  const parts = a.scope.split('/');
  // `scope` of an extension resource in the same resource group: the resource's type and name path.
  const scope = a.role === 'networkContributor'
    ? `Microsoft.Network/virtualNetworks/${parts[8]}/subnets/${parts[10]}`
    : `Microsoft.KeyVault/vaults/${plan.vault?.name ?? ''}`;
  const principalId = a.principal === 'user' ? plan.user.objectId : principalExpr;
  // A new identity's principal ID is not known before deployment: the name is derived from what is (ARM's guid()).
  const name = a.name ?? `[guid(${q(a.scope)}, ${identityIdExpr}, ${q(a.roleGuid)})]`;
  return {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: API_VERSIONS.roleAssignments,
    scope: lit(scope),
    name,
    properties: {
      roleDefinitionId: `[subscriptionResourceId(${q('Microsoft.Authorization/roleDefinitions')}, ${q(a.roleGuid)})]`,
      principalId,
      principalType: a.principalType,
    },
  };
}

/** Whether a step's resources go straight into the template (the cluster's group) or into a nested deployment. */
const nested = (step: StepOutput, plan: IacPlan) => step.redeclares === true || step.resourceGroup.toLowerCase() !== plan.cluster.resourceGroup.toLowerCase();

const deploymentName = (step: StepOutput) => `aks-kms-${step.id}`;

export function renderArmTemplate(plan: IacPlan): string {
  const model = templateModel(plan);
  const resources: TemplateResource[] = [];
  let previous: string[] = [];
  for (const step of model.steps) {
    const dependsOn = previous.length ? previous : undefined;
    if (nested(step, plan)) {
      resources.push({
        type: 'Microsoft.Resources/deployments',
        apiVersion: API_VERSIONS.deployments,
        name: deploymentName(step),
        resourceGroup: lit(step.resourceGroup),
        comments: `${step.id}: ${step.comment}`,
        dependsOn,
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          template: { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', resources: step.resources as Json[] },
        },
      });
      previous = [`[resourceId(${q(step.resourceGroup)}, 'Microsoft.Resources/deployments', ${q(deploymentName(step))})]`];
    } else {
      resources.push(...step.resources.map((r, i) => ({ ...(i === 0 ? { comments: `${step.id}: ${step.comment}` } : {}), ...r, dependsOn })));
      previous = step.resources.map(r => `[${selfIdExpr(r)}]`);
    }
  }
  const template = {
    $schema: DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      description: model.header.join(' '),
      deploy: `az deployment group create --resource-group ${plan.cluster.resourceGroup} --template-file <this file>`,
      ...(model.runSeparately.length ? { runSeparately: model.runSeparately } : {}),
      ...(model.alreadyDone.length ? { alreadyDone: model.alreadyDone } : {}),
    },
    resources,
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** The resource's own ID as an expression, for `dependsOn` in the same template. */
function selfIdExpr(r: TemplateResource): string {
  const type = String(r.type);
  const names = String(r.name).split('/');
  if (r.scope) {
    return `extensionResourceId(resourceId(${scopeParts(String(r.scope)).map(q).join(', ')}), ${q(type)}, ${nameArgument(String(r.name))})`;
  }
  return `resourceId(${[q(type), ...names.map(nameArgument)].join(', ')})`;
}

/** A name inside an expression: an expression's own text, or the literal quoted (`[[` is an escaped `[`). */
function nameArgument(name: string): string {
  if (name.startsWith('[[')) return q(name.slice(1));
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : q(name);
}

function scopeParts(scope: string): string[] {
  // Microsoft.KeyVault/vaults/kv → ['Microsoft.KeyVault/vaults', 'kv']; …/virtualNetworks/v/subnets/s → [type, v, s]
  const segments = scope.split('/');
  const types = [`${segments[0]}/${segments[1]}`];
  const names: string[] = [];
  for (let i = 2; i < segments.length; i += 2) {
    names.push(segments[i]);
    if (segments[i + 1]) types.push(segments[i + 1]);
  }
  return [types.join('/'), ...names];
}

const DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
