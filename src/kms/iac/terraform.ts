/**
 * The plan as Terraform: the AzureRM provider for the vault, key, identity and role assignments, and AzAPI where
 * AzureRM has no field (`kubernetesResourceObjectEncryptionProfile`, the platform-managed keys switch) or cannot
 * change an existing resource in place (the vault firewall after the key, purge protection, the cluster update).
 * Hand-written printer: no maintained JavaScript library writes HCL (cdktf synthesises JSON, not .tf).
 *
 * Provider documentation: registry.terraform.io/providers/hashicorp/azurerm (azurerm_key_vault, azurerm_key_vault_key,
 * azurerm_user_assigned_identity, azurerm_role_assignment, azurerm_key_vault_access_policy,
 * azurerm_kubernetes_cluster `key_management_service`) and registry.terraform.io/providers/Azure/azapi
 * (azapi_update_resource, and azapi_resource for a key in a vault whose firewall is already closed: azurerm_key_vault_key
 * writes through the vault's data plane, which that firewall refuses).
 */
import { KEY_VAULT_ARM_API_VERSION, KMS_FEATURE, KMS_KEY, kmsKeyArmBody } from '../enable/config';
import { IacPlan, IacRoleAssignment, IacStep, iacHeader, knownKeyId, oneLine, STEP_REASONS } from './iacPlan';

/** A Terraform expression, printed as it is (a reference or a function call), not as a string. */
interface Expr {
  readonly expr: string;
}
type Value = string | number | boolean | Expr | readonly Value[] | { readonly [key: string]: Value | undefined };

const expr = (text: string): Expr => ({ expr: text });
const isExpr = (v: unknown): v is Expr => typeof v === 'object' && v !== null && 'expr' in v;

/** A string literal: quotes, backslashes and template sequences escaped (HCL native syntax, "Template Literals"). */
function str(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\$\{/g, '$${').replace(/%\{/g, '%%{')}"`;
}

/** An object key: an identifier as it is, `(expression)` for a computed key, anything else quoted. */
function key(name: string): string {
  if (name.startsWith(EXPRESSION_KEY)) {
    return `(${name.slice(EXPRESSION_KEY.length)})`;
  }
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : str(name);
}

/** Marks an object key that is a Terraform expression (e.g. a resource's ID), not a literal name. */
const EXPRESSION_KEY = '\u0000expr:';

function value(v: Value, indent: string): string {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isExpr(v)) return v.expr;
  if (Array.isArray(v)) return `[${v.map(x => value(x, indent)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, Value | undefined>).filter((e): e is [string, Value] => e[1] !== undefined);
  if (!entries.length) return '{}';
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)} = ${value(x, inner)}`).join('\n')}\n${indent}}`;
}

/** A block's body: attributes (`name = value`) and nested blocks (`name { … }`), in the order given. */
type Body = readonly (readonly [string, Value | undefined] | Block)[];
interface Block {
  readonly block: string;
  readonly labels?: readonly string[];
  readonly body: Body;
}

function block(b: Block, indent = ''): string[] {
  const head = `${indent}${b.block}${(b.labels ?? []).map(l => ` ${str(l)}`).join('')} {`;
  const inner = `${indent}  `;
  const items = b.body.filter(i => 'block' in i || i[1] !== undefined);
  const width = Math.max(0, ...items.filter((i): i is readonly [string, Value] => !('block' in i)).map(([k]) => k.length));
  const lines = items.flatMap(i => ('block' in i ? block(i, inner) : [`${inner}${i[0].padEnd(width)} = ${value(i[1] as Value, inner)}`]));
  // One string per line, so a step commented out comments out every line of a multi-line value too.
  return [head, ...lines, `${indent}}`].flatMap(l => l.split('\n'));
}

/** Resource labels: lower-case words joined by underscores. */
function label(text: string): string {
  const l = text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(l) ? l : `r_${l}`;
}

function comment(lines: readonly string[], indent = ''): string[] {
  return lines.map(l => `${indent}# ${oneLine(l)}`.trimEnd());
}

/** Comments every line out (a step the plan found already done). */
function commentedOut(lines: readonly string[]): string[] {
  return lines.flatMap(l => l.split('\n')).map(l => (l.startsWith('#') ? l : `# ${l}`));
}

const VAULT_API = 'Microsoft.KeyVault/vaults@2023-07-01';

/** The key is created through ARM when the existing vault's firewall already refuses the data plane. */
function keyThroughArm(plan: IacPlan): boolean {
  return !!plan.key?.create && !!plan.vault && !plan.vault.create && plan.vault.firewallClosed;
}

/** The resource that creates the key (what the firewall lock and the cluster update wait for). */
function keyAddress(plan: IacPlan): string {
  return keyThroughArm(plan) ? 'azapi_resource.kms_key' : 'azurerm_key_vault_key.kms';
}

export function renderTerraform(plan: IacPlan): string {
  const out: string[] = [...comment(iacHeader(plan, 'Steps the plan found already done are commented out, so the code stays complete without conflicting with what exists.')), ''];
  out.push(...block({
    block: 'terraform',
    body: [{
      block: 'required_providers',
      body: [
        ['azurerm', { source: 'hashicorp/azurerm', version: '~> 4.0' }],
        ['azapi', { source: 'Azure/azapi', version: '~> 2.0' }],
      ],
    }],
  }), '');

  const vault = plan.vault;
  const identity = plan.identity;
  const vaultId = vault ? (vault.create ? expr('azurerm_key_vault.kms.id') : vault.id) : undefined;
  const identityId = identity ? (identity.create ? expr('azurerm_user_assigned_identity.kms.id') : identity.id) : undefined;
  const identityPrincipal = identity ? (identity.create ? expr('azurerm_user_assigned_identity.kms.principal_id') : identity.principalId ?? expr('data.azurerm_user_assigned_identity.kms.principal_id')) : undefined;
  // A key created through ARM is in a vault that exists, so its versionless ID is known (the vault's URI + the name).
  const keyId: Value | undefined = plan.key
    ? plan.key.create && !keyThroughArm(plan) ? expr('azurerm_key_vault_key.kms.versionless_id') : knownKeyId(plan) ?? expr(`"\${azurerm_key_vault.kms.vault_uri}keys/${plan.key.name}"`)
    : undefined;
  /** What the cluster update waits for: the identity's access to the key (and the firewall, when it closes). */
  const clusterDependsOn: string[] = [];

  if (plan.flow === 'cmk' && identity && !identity.create && !identity.principalId) {
    out.push(...block({ block: 'data', labels: ['azurerm_user_assigned_identity', 'kms'], body: [['name', identity.name], ['resource_group_name', identity.resourceGroup]] }), '');
  }
  // The tenant ID of whoever applies this: for a new vault, and for access policies (the identity's; the deployer's to
  // create a key in an access-policy vault through its data plane).
  const deployerPolicy = !!plan.key?.create && !!plan.vault?.accessPolicies && !keyThroughArm(plan);
  const needsTenant = deployerPolicy || plan.steps.some(s => (s.id === 'createVault' && !s.alreadyDone) || s.id === 'grantAccessPolicyToIdentity');
  if (needsTenant) {
    out.push('data "azurerm_client_config" "current" {}', '');
  }

  for (const step of plan.steps) {
    out.push(...stepLines(step, plan, { vaultId, identityId, identityPrincipal, keyId, clusterDependsOn }), '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

interface Refs {
  readonly vaultId?: Value;
  readonly identityId?: Value;
  readonly identityPrincipal?: Value;
  readonly keyId?: Value;
  readonly clusterDependsOn: string[];
}

function stepLines(step: IacStep, plan: IacPlan, refs: Refs): string[] {
  if (step.id === 'roleAssignment') {
    return roleAssignment(step.assignment, plan, refs);
  }
  const why = comment([`${step.id}${'alreadyDone' in step && step.alreadyDone ? ' — already done' : ''}: ${STEP_REASONS[step.id]}`]);
  const done = 'alreadyDone' in step && step.alreadyDone;
  const lines = (b: string[]) => [...why, ...(done ? commentedOut(b) : b)];
  const vault = plan.vault;
  switch (step.id) {
    case 'registerFeature':
      // Registration belongs to the subscription, not to this configuration: run it once, before `terraform apply`.
      return [...why, ...comment([
        'Once per subscription, outside Terraform (a subscription-wide preview feature):',
        `  az feature register --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name}`,
        `  az feature show --namespace ${KMS_FEATURE.namespace} --name ${KMS_FEATURE.name} --query properties.state   # until Registered`,
      ])];
    case 'registerProvider':
      return [...why, ...comment([`  az provider register --namespace ${KMS_FEATURE.namespace} --wait`])];
    case 'createVault':
      if (!vault) return [];
      if (!vault.create) {
        return comment([`createVault — already done: the vault ${vault.name} exists and is referenced by its ID.`]);
      }
      return lines(block({
        block: 'resource',
        labels: ['azurerm_key_vault', 'kms'],
        body: [
          ['name', vault.name],
          ['location', vault.location],
          ['resource_group_name', vault.resourceGroup],
          ['tenant_id', expr('data.azurerm_client_config.current.tenant_id')],
          ['sku_name', 'standard'],
          ['rbac_authorization_enabled', true],
          ['purge_protection_enabled', true],
          ['soft_delete_retention_days', 90],
          ['public_network_access_enabled', true],
          ...(plan.networkAccess === 'Private'
            ? [{ block: 'lifecycle', body: [['ignore_changes', [expr('network_acls')]] as const] } as Block]
            : []),
        ],
      }));
    case 'enablePurgeProtection':
      return lines(block({
        block: 'resource',
        labels: ['azapi_update_resource', 'vault_purge_protection'],
        body: [['type', VAULT_API], ['resource_id', refs.vaultId], ['body', { properties: { enablePurgeProtection: true } }]],
      }));
    case 'createKey': {
      if (!plan.key) return [];
      if (!plan.key.create) {
        return comment([`createKey — already done: the key ${plan.key.name} exists; its versionless ID is used below.`]);
      }
      const officer = plan.steps.find((s): s is Extract<IacStep, { id: 'roleAssignment' }> => s.id === 'roleAssignment' && s.assignment.step === 'assignCryptoOfficerToUser' && !s.assignment.alreadyDone);
      const userPolicy = vault?.accessPolicies ? [...comment(['The vault uses access policies: whoever applies this needs key permissions to create the key.']), ...block({
        block: 'resource',
        labels: ['azurerm_key_vault_access_policy', 'deployer'],
        body: [['key_vault_id', refs.vaultId], ['tenant_id', expr('data.azurerm_client_config.current.tenant_id')], ['object_id', plan.user.objectId], ['key_permissions', ['Create', 'Get']]],
      }), ''] : [];
      const dependsOn = [...(officer ? [`azurerm_role_assignment.${roleLabel(officer.assignment)}`] : []), ...(vault?.accessPolicies ? ['azurerm_key_vault_access_policy.deployer'] : [])];
      if (keyThroughArm(plan)) {
        refs.clusterDependsOn.push(keyAddress(plan));
        return [...why, ...comment([
          `The vault's firewall already refuses public data-plane calls, so the key is created through Azure Resource Manager`,
          '(Microsoft.KeyVault/vaults/keys), which the firewall does not filter.',
        ]), ...block({
          block: 'resource',
          labels: ['azapi_resource', 'kms_key'],
          body: [
            ['type', `Microsoft.KeyVault/vaults/keys@${KEY_VAULT_ARM_API_VERSION}`],
            ['name', plan.key.name],
            ['parent_id', refs.vaultId],
            ['body', kmsKeyArmBody()],
            ['depends_on', dependsOn.length ? dependsOn.map(expr) : undefined],
          ],
        })];
      }
      return [...why, ...userPolicy, ...block({
        block: 'resource',
        labels: ['azurerm_key_vault_key', 'kms'],
        body: [
          ['name', plan.key.name],
          ['key_vault_id', refs.vaultId],
          ['key_type', KMS_KEY.kty],
          ['key_size', KMS_KEY.size],
          ['key_opts', [...KMS_KEY.ops]],
          ['depends_on', dependsOn.length ? dependsOn.map(expr) : undefined],
        ],
      })];
    }
    case 'lockFirewall':
      // A step already done stays commented out: nothing may depend on it (Terraform refuses undeclared references).
      if (!done) refs.clusterDependsOn.push('azapi_update_resource.vault_firewall');
      return lines([...comment([
        'azapi_update_resource merges this into the vault as it is: its own ipRules and virtualNetworkRules stay.',
      ]), ...block({
        block: 'resource',
        labels: ['azapi_update_resource', 'vault_firewall'],
        body: [
          ['type', VAULT_API],
          ['resource_id', refs.vaultId],
          ['body', { properties: { publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } } }],
          ['depends_on', plan.key?.create ? [expr(keyAddress(plan))] : undefined],
        ],
      })]);
    case 'createIdentity': {
      const identity = plan.identity;
      if (!identity) return [];
      if (!identity.create) {
        return comment([`createIdentity — already done: the identity ${identity.name} exists and is referenced by its ID.`]);
      }
      return lines(block({
        block: 'resource',
        labels: ['azurerm_user_assigned_identity', 'kms'],
        body: [['name', identity.name], ['location', identity.location], ['resource_group_name', identity.resourceGroup]],
      }));
    }
    case 'grantAccessPolicyToIdentity':
      if (!done) refs.clusterDependsOn.push('azurerm_key_vault_access_policy.identity');
      return lines([...comment([
        'An access policy holds all of one principal\'s permissions: if the identity has one already, import it and add these.',
      ]), ...block({
        block: 'resource',
        labels: ['azurerm_key_vault_access_policy', 'identity'],
        body: [['key_vault_id', refs.vaultId], ['tenant_id', expr('data.azurerm_client_config.current.tenant_id')], ['object_id', refs.identityPrincipal], ['key_permissions', ['Encrypt', 'Decrypt']]],
      })]);
    case 'updateCluster':
      return [...why, ...clusterUpdate(plan, refs, done)];
    case 'verify':
      return why;
  }
}

function roleLabel(a: IacRoleAssignment): string {
  const scope = a.role === 'networkContributor' ? `_${label(a.scope.split('/').pop() ?? '')}` : '';
  return label(`${a.role}_${a.principal}${scope}`);
}

function roleAssignment(a: IacRoleAssignment, plan: IacPlan, refs: Refs): string[] {
  const resourceLabel = roleLabel(a);
  const onVault = a.role !== 'networkContributor';
  if (a.principal === 'identity' && !a.alreadyDone) {
    refs.clusterDependsOn.push(`azurerm_role_assignment.${resourceLabel}`);
  }
  const why = comment([`${a.step}${a.alreadyDone ? ' — already done (the principal holds the role)' : ''}: ${STEP_REASONS[a.step]}`]);
  const named = a.name
    ? []
    : comment(['Named by Terraform: the new identity\'s principal ID exists only once it is created (the wizard names it then).']);
  const body = block({
    block: 'resource',
    labels: ['azurerm_role_assignment', resourceLabel],
    body: [
      ['name', a.name],
      ['scope', onVault ? refs.vaultId : a.scope],
      ['role_definition_name', a.roleDisplayName],
      ['principal_id', a.principal === 'user' ? plan.user.objectId : refs.identityPrincipal],
      ['principal_type', a.principalType],
    ],
  });
  return [...why, ...named, ...(a.alreadyDone ? commentedOut(body) : body)];
}

function clusterUpdate(plan: IacPlan, refs: Refs, done: boolean): string[] {
  const infrastructure = { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
  const securityProfile = plan.flow === 'pmk'
    ? infrastructure
    : plan.flow === 'migrateToPmk'
      ? { azureKeyVaultKms: { enabled: false }, ...infrastructure }
      : {
        azureKeyVaultKms: { enabled: true, keyId: refs.keyId, keyVaultNetworkAccess: plan.networkAccess, keyVaultResourceId: refs.vaultId },
        ...infrastructure,
      };
  const identityBlock = plan.flow === 'cmk' && refs.identityId !== undefined
    ? { identity: { type: 'UserAssigned', userAssignedIdentities: { [isExpr(refs.identityId) ? `${EXPRESSION_KEY}${refs.identityId.expr}` : refs.identityId as string]: {} } } }
    : {};
  const update = block({
    block: 'resource',
    labels: ['azapi_update_resource', 'cluster_kms'],
    body: [
      ['type', `Microsoft.ContainerService/managedClusters@${plan.apiVersion}`],
      ['resource_id', plan.cluster.id],
      ['body', { ...identityBlock, properties: { securityProfile } }],
      ['depends_on', refs.clusterDependsOn.length ? refs.clusterDependsOn.map(expr) : undefined],
    ],
  });
  const azurerm = azurermClusterSnippet(plan, refs);
  return [
    ...comment([
      'The new KMS experience cannot be turned off again: once applied, keep this in your code.',
      'AzureRM has no field for infrastructure encryption, so AzAPI sets it (and, here, the rest of the KMS settings).',
    ]),
    ...(done ? commentedOut(update) : update),
    '',
    ...azurerm,
  ];
}

/**
 * For a cluster that an `azurerm_kubernetes_cluster` already manages: the same settings in its own blocks, so the
 * next apply keeps them (commented out: this file does not own the cluster).
 */
function azurermClusterSnippet(plan: IacPlan, refs: Refs): string[] {
  const intro = comment([
    `If azurerm_kubernetes_cluster manages ${plan.cluster.name} in your code, put the same settings there, or its next apply`,
    'undoes them; keep only kubernetesResourceObjectEncryptionProfile in azapi_update_resource above.',
  ]);
  if (plan.flow !== 'cmk') {
    const lines = plan.flow === 'migrateToPmk'
      ? ['Remove the key_management_service block from azurerm_kubernetes_cluster (Key Vault KMS is off now).']
      : ['azurerm_kubernetes_cluster needs no change for platform-managed keys.'];
    return [...intro, ...comment(lines)];
  }
  const snippet = block({
    block: 'resource',
    labels: ['azurerm_kubernetes_cluster', label(plan.cluster.name)],
    body: [
      { block: 'identity', body: [['type', 'UserAssigned'], ['identity_ids', [refs.identityId as Value]]] },
      { block: 'key_management_service', body: [['key_vault_key_id', refs.keyId], ['key_vault_network_access', plan.networkAccess]] },
    ],
  });
  return [...intro, ...comment(['BEGIN azurerm_kubernetes_cluster settings']), ...commentedOut(snippet), ...comment(['END azurerm_kubernetes_cluster settings'])];
}
