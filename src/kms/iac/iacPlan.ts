/**
 * The wizard's plan as infrastructure as code sees it: which resources are created, which exist and are only
 * referenced, which role assignments (with the plan's own names) and which changes to the vault and the cluster —
 * in the plan's step order. The Terraform, Bicep and ARM renderers (siblings) only print this; they decide nothing.
 */
import { parseArmId } from '../armId';
import { CmkConfig, EnableConfig, identityIdOf, NetworkAccess, RoleName, ROLES, vaultIdOf } from '../enable/config';
import { type EnableFacts, vaultDeniesPublicDataPlane } from '../enable/facts';
import type { StepId, StepPreview } from '../enable/plan';
import type { ManagedClusterJson } from '../managedCluster';
import { roleAssignmentName } from '../enable/roleAssignmentName';

/** What the export is for: the documented setup of each flow. */
export type IacFlow = EnableConfig['kind'];

export interface IacResourceRef {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly subscriptionId: string;
}

export interface IacVault extends IacResourceRef {
  /** Created by the code (a new vault), or referenced (it exists). */
  readonly create: boolean;
  readonly location?: string;
  /** `https://{name}.vault.azure.net/` where known (an existing vault). */
  readonly vaultUri?: string;
  /** The vault uses access policies (enableRbacAuthorization false): its permissions are policies, not roles. */
  readonly accessPolicies: boolean;
  /** An existing vault that already refuses public data-plane calls: a new key is created through ARM. */
  readonly firewallClosed: boolean;
}

export interface IacIdentity extends IacResourceRef {
  readonly create: boolean;
  readonly location?: string;
  /** Known for an existing identity; a new one's is known only once it exists. */
  readonly principalId?: string;
}

export interface IacRoleAssignment {
  readonly step: StepId;
  readonly role: RoleName;
  readonly roleGuid: string;
  readonly roleDisplayName: string;
  /** The vault's ID, or a subnet's (Network Contributor). */
  readonly scope: string;
  readonly principal: 'user' | 'identity';
  readonly principalType: 'User' | 'ServicePrincipal';
  /**
   * The plan's deterministic name (src/kms/enable/roleAssignmentName.ts) where the principal's ID is known now;
   * undefined for a new identity, whose principal ID exists only after it is created.
   */
  readonly name?: string;
  /** The plan found the principal already holding the role: the code keeps it commented out (it would conflict). */
  readonly alreadyDone: boolean;
}

/** One step of the plan, as the code expresses it. */
export type IacStep =
  | { readonly id: 'registerFeature' | 'registerProvider'; readonly alreadyDone: boolean }
  | { readonly id: 'createVault'; readonly alreadyDone: boolean }
  | { readonly id: 'enablePurgeProtection'; readonly alreadyDone: boolean }
  | { readonly id: 'createKey'; readonly alreadyDone: boolean }
  | { readonly id: 'lockFirewall'; readonly alreadyDone: boolean }
  | { readonly id: 'createIdentity'; readonly alreadyDone: boolean }
  | { readonly id: 'grantAccessPolicyToIdentity'; readonly alreadyDone: boolean }
  | { readonly id: 'roleAssignment'; readonly assignment: IacRoleAssignment }
  | { readonly id: 'updateCluster'; readonly alreadyDone: boolean }
  | { readonly id: 'verify' };

export interface IacPlan {
  readonly flow: IacFlow;
  readonly cluster: IacResourceRef & { readonly location?: string };
  /** The cluster as read (at the product's api-version): templates, which PUT whole resources, start from it. */
  readonly clusterJson: ManagedClusterJson;
  /** The managed-clusters api-version of the cluster update (a setting; the same as the product's). */
  readonly apiVersion: string;
  readonly tenantId?: string;
  readonly user: { readonly objectId: string; readonly principalType: 'User' | 'ServicePrincipal' };
  readonly networkAccess?: NetworkAccess;
  readonly vault?: IacVault;
  readonly key?: { readonly name: string; readonly create: boolean };
  readonly identity?: IacIdentity;
  /** The plan's steps in its order (one role assignment step per subnet for Network Contributor). */
  readonly steps: readonly IacStep[];
}

/** Built-in role names, as the portal and the CLI show them (the GUIDs are in ROLES). */
export const ROLE_DISPLAY_NAMES: Record<RoleName, string> = {
  keyVaultCryptoOfficer: 'Key Vault Crypto Officer',
  keyVaultCryptoUser: 'Key Vault Crypto User',
  keyVaultContributor: 'Key Vault Contributor',
  networkContributor: 'Network Contributor',
};

const ROLE_STEPS: Partial<Record<StepId, { role: RoleName; principal: 'user' | 'identity' }>> = {
  assignCryptoOfficerToUser: { role: 'keyVaultCryptoOfficer', principal: 'user' },
  assignCryptoUserToIdentity: { role: 'keyVaultCryptoUser', principal: 'identity' },
  assignContributorToIdentity: { role: 'keyVaultContributor', principal: 'identity' },
};

function refOf(id: string): IacResourceRef {
  const parsed = parseArmId(id);
  return { id, name: parsed?.name ?? '', resourceGroup: parsed?.resourceGroup ?? '', subscriptionId: parsed?.subscriptionId ?? '' };
}

/** The plan (as the wizard previews it) as infrastructure as code: same steps, same order, same role assignment names. */
export function iacPlanOf(config: EnableConfig, facts: EnableFacts, preview: readonly StepPreview[], apiVersion: string): IacPlan {
  const c = facts.cluster;
  const base = {
    flow: config.kind,
    cluster: { id: c.id, name: c.name, resourceGroup: c.resourceGroup, subscriptionId: c.subscriptionId, location: c.location },
    clusterJson: facts.clusterJson,
    apiVersion,
    tenantId: facts.vault?.tenantId,
    user: { objectId: facts.user.objectId, principalType: facts.user.principalType },
  };
  if (config.kind !== 'cmk') {
    return { ...base, steps: preview.flatMap(plainStep) };
  }
  return cmkPlan(config, facts, preview, base);
}

/**
 * The cluster's KMS settings are always declared, even when the cluster already has them: code that leaves them out
 * undoes them on its next apply, which is what the export is for.
 */
const CLUSTER_UPDATE: IacStep = { id: 'updateCluster', alreadyDone: false };

/** A step that is the same in every flow: the feature, the vault, key and identity, the cluster update. */
function plainStep(p: StepPreview): IacStep[] {
  switch (p.id) {
    case 'createVault':
    case 'enablePurgeProtection':
    case 'createKey':
    case 'lockFirewall':
    case 'createIdentity':
    case 'grantAccessPolicyToIdentity':
    case 'registerFeature':
    case 'registerProvider':
      return [{ id: p.id, alreadyDone: p.alreadyDone }];
    case 'updateCluster':
      return [CLUSTER_UPDATE];
    case 'verify':
      return [{ id: 'verify' }];
    default:
      return [];
  }
}

function cmkPlan(config: CmkConfig, facts: EnableFacts, preview: readonly StepPreview[], base: Omit<IacPlan, 'steps'>): IacPlan {
  const sub = facts.cluster.subscriptionId;
  const vaultId = vaultIdOf(sub, config.vault);
  const identityId = identityIdOf(sub, config.identity);
  const vault: IacVault = {
    ...refOf(vaultId),
    create: config.vault.kind === 'new' && !facts.vault,
    location: config.vault.kind === 'new' ? config.vault.location : facts.vault?.location,
    vaultUri: facts.vault?.vaultUri,
    accessPolicies: facts.vault?.enableRbacAuthorization === false,
    firewallClosed: facts.vault ? vaultDeniesPublicDataPlane(facts.vault) : false,
  };
  const identity: IacIdentity = {
    ...refOf(identityId),
    create: config.identity.kind === 'new' && !facts.identity,
    location: config.identity.kind === 'new' ? config.identity.location : undefined,
    principalId: facts.identity?.principalId,
  };
  const assignment = (step: StepId, role: RoleName, principal: 'user' | 'identity', scope: string, alreadyDone: boolean): IacRoleAssignment => {
    const principalId = principal === 'user' ? facts.user.objectId : identity.principalId;
    return {
      step,
      role,
      roleGuid: ROLES[role],
      roleDisplayName: ROLE_DISPLAY_NAMES[role],
      scope,
      principal,
      principalType: principal === 'user' ? facts.user.principalType : 'ServicePrincipal',
      name: principalId ? roleAssignmentName(scope, principalId, ROLES[role]) : undefined,
      alreadyDone,
    };
  };
  const steps = preview.flatMap((p): IacStep[] => {
    const roleStep = ROLE_STEPS[p.id];
    if (roleStep) {
      return [{ id: 'roleAssignment', assignment: assignment(p.id, roleStep.role, roleStep.principal, vaultId, p.alreadyDone) }];
    }
    if (p.id === 'assignNetworkContributorToIdentity') {
      // One per custom subnet; those where the identity already holds the role stay commented out.
      return (facts.subnets ?? []).map(s => ({ id: 'roleAssignment', assignment: assignment(p.id, 'networkContributor', 'identity', s.id, s.newIdentityHasRole === true) }));
    }
    return plainStep(p);
  });
  return {
    ...base,
    tenantId: facts.vault?.tenantId ?? base.tenantId,
    networkAccess: config.networkAccess,
    vault,
    key: { name: config.key.name, create: config.key.kind === 'new' && !facts.key },
    identity,
    steps,
  };
}

/** The versionless key ID, where the vault's URI is known now (an existing vault). */
export function knownKeyId(plan: IacPlan): string | undefined {
  return plan.vault?.vaultUri && plan.key ? `${plan.vault.vaultUri.replace(/\/+$/, '')}/keys/${plan.key.name}` : undefined;
}

/** Comment lines shared by every format: what the code is, where it came from, how it differs from running the wizard. */
export function iacHeader(plan: IacPlan, alreadyDone: string): string[] {
  const title = { pmk: 'Platform-managed keys', cmk: 'Customer-managed key', migrateToPmk: 'Move from a customer-managed key to platform-managed keys' }[plan.flow];
  return [
    `${title} for AKS cluster ${oneLine(plan.cluster.name)} (resource group ${oneLine(plan.cluster.resourceGroup)}, subscription ${plan.cluster.subscriptionId}).`,
    'Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.',
    alreadyDone,
    'Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").',
  ];
}

/** A name or value inside a one-line comment: a newline must not end the comment. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** Why each step is there, as the az script says it (one line each). */
export const STEP_REASONS: Record<StepId, string> = {
  registerFeature: 'Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.',
  registerProvider: 'Then refresh the Microsoft.ContainerService provider registration.',
  createVault: 'A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).',
  enablePurgeProtection: 'Purge protection on the existing vault (it cannot be turned off again).',
  assignCryptoOfficerToUser: 'Key Vault Crypto Officer for whoever applies this, to create the key.',
  createKey: 'The key: RSA 2048. AKS follows its versionless ID, so rotation needs no change here.',
  lockFirewall: 'Private access: after the key exists, deny public networks; AKS reaches the vault as a trusted Azure service.',
  createIdentity: 'The user-assigned identity the cluster uses to reach the key.',
  assignCryptoUserToIdentity: 'Key Vault Crypto User for the identity: encrypt and decrypt.',
  assignContributorToIdentity: 'Key Vault Contributor for the identity: key management.',
  grantAccessPolicyToIdentity: 'The vault uses access policies: encrypt and decrypt for the identity through one.',
  assignNetworkContributorToIdentity: 'The control-plane identity manages the agent pools\' custom subnets: Network Contributor there.',
  updateCluster: 'The cluster update: KMS settings in securityProfile (and the identity for a customer-managed key).',
  verify: 'Verify: az aks show --query securityProfile',
};
