/**
 * The plan as Bicep, printed from the ARM template's model (armTemplate.ts): the same resources, steps and order,
 * deployed to the cluster's resource group. A step in another resource group (a vault or identity there, a subnet's
 * role assignment) is a `Microsoft.Resources/deployments` resource with `resourceGroup` and an inline template — what
 * a module compiles to, kept in one file; its values are Bicep expressions, evaluated in this file's scope (the
 * default `outer`). Hand-written printer: no maintained JavaScript library writes Bicep.
 *
 * Documentation: learn.microsoft.com/azure/azure-resource-manager/bicep (file structure, "Resource declaration",
 * "existing", "Scope on extension resources", "String interpolation" and escapes in strings);
 * learn.microsoft.com/azure/templates/microsoft.resources/2024-03-01/deployments (the Bicep definition with
 * `resourceGroup`).
 */
import { oneLine, type IacPlan } from './iacPlan';
import { templateModel, type TemplateResource } from './armTemplate';

/** A Bicep string literal: backslash, quote and interpolation escaped. */
function str(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** An ARM expression (`[…]`, strings in '' with '' escapes) as Bicep (strings in '' with \' escapes). */
function expression(arm: string): string {
  return arm.slice(1, -1).replace(/'((?:[^']|'')*)'/g, (_m, inner: string) => str(inner.replace(/''/g, "'")));
}

const isExpression = (v: string) => v.startsWith('[') && !v.startsWith('[[') && v.endsWith(']');

function key(name: string): string {
  if (isExpression(name)) return `'\${${expression(name)}}'`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : str(name);
}

function value(v: unknown, indent: string): string {
  if (typeof v === 'string') return isExpression(v) ? expression(v) : str(v.startsWith('[[') ? v.slice(1) : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  const inner = `${indent}  `;
  if (Array.isArray(v)) return v.length ? `[\n${v.map(x => `${inner}${value(x, inner)}`).join('\n')}\n${indent}]` : '[]';
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return entries.length ? `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${value(x, inner)}`).join('\n')}\n${indent}}` : '{}';
}

const SYMBOLS: Record<string, string> = {
  'Microsoft.KeyVault/vaults': 'vault',
  'Microsoft.KeyVault/vaults/keys': 'kmsKey',
  'Microsoft.KeyVault/vaults/accessPolicies': 'identityAccessPolicy',
  'Microsoft.ManagedIdentity/userAssignedIdentities': 'identity',
  'Microsoft.ContainerService/managedClusters': 'cluster',
};

const API_OF: Record<string, string> = { 'Microsoft.Network/virtualNetworks/subnets': '2024-05-01' };

/** The deployments api-version whose Bicep definition has `resourceGroup` (the docs page above). */
const NESTED_DEPLOYMENT_API = '2024-03-01';

const DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

export function renderBicep(plan: IacPlan): string {
  const model = templateModel(plan);
  const here = plan.cluster.resourceGroup.toLowerCase();
  const out: string[] = [
    ...model.header.map(l => `// ${oneLine(l)}`),
    `// Deploy: az deployment group create --resource-group ${oneLine(plan.cluster.resourceGroup)} --template-file <this file>`,
    ...(model.runSeparately.length ? ['// Run separately (a template cannot express these without restating a resource it does not own):', ...model.runSeparately.map(l => `//   ${oneLine(l)}`)] : []),
    ...(model.alreadyDone.length ? ['// Already done (left out):', ...model.alreadyDone.map(l => `//   ${oneLine(l)}`)] : []),
    '',
  ];
  const declared = new Set<string>();
  /** Existing resources that extension resources (role assignments) are scoped to: declared once, with `existing`. */
  const existing = (type: string, name: string): string => {
    const symbol = type === 'Microsoft.KeyVault/vaults' ? 'vault' : `subnet${declared.size}`;
    if (!declared.has(symbol)) {
      declared.add(symbol);
      out.push(`resource ${symbol} '${type}@${API_OF[type] ?? '2025-05-01'}' existing = {`, `  name: ${str(name)}`, '}', '');
    }
    return symbol;
  };
  let previous: string[] = [];
  let roleCount = 0;
  for (const step of model.steps) {
    const symbols: string[] = [];
    out.push(`// ${step.id}: ${oneLine(step.comment)}`);
    if (step.redeclares || step.resourceGroup.toLowerCase() !== here) {
      const symbol = `${step.id}Deployment`;
      const deployment = {
        name: `aks-kms-${step.id}`,
        resourceGroup: step.resourceGroup,
        properties: { mode: 'Incremental', template: { $schema: DEPLOYMENT_SCHEMA, contentVersion: '1.0.0.0', resources: step.resources } },
      };
      out.push(`resource ${symbol} 'Microsoft.Resources/deployments@${NESTED_DEPLOYMENT_API}' = {`, ...value(deployment, '').split('\n').slice(1, -1));
      if (previous.length) out.push('  dependsOn: [', ...previous.map(p => `    ${p}`), '  ]');
      out.push('}', '');
      previous = [symbol];
      continue;
    }
    for (const r of step.resources) {
      const type = String(r.type);
      const symbol = type === 'Microsoft.Authorization/roleAssignments' ? `role${++roleCount}` : SYMBOLS[type] ?? `resource${symbols.length}`;
      declared.add(symbol);
      const body: TemplateResource = { ...r };
      delete body.type;
      delete body.apiVersion;
      let scopeLine: string[] = [];
      if (typeof body.scope === 'string') {
        // `scope` of an extension resource is a resource symbol in Bicep, not a type/name path.
        const parts = body.scope.split('/');
        const target = parts[1] === 'vaults' ? (declared.has('vault') ? 'vault' : existing('Microsoft.KeyVault/vaults', parts[2])) : existing('Microsoft.Network/virtualNetworks/subnets', `${parts[2]}/${parts[4]}`);
        scopeLine = [`  scope: ${target}`];
        delete body.scope;
      }
      const lines = value(body, '').split('\n');
      out.push(`resource ${symbol} '${type}@${r.apiVersion}' = {`, ...scopeLine, ...lines.slice(1, -1));
      if (previous.length) out.push('  dependsOn: [', ...previous.map(p => `    ${p}`), '  ]');
      out.push('}', '');
      symbols.push(symbol);
    }
    previous = symbols;
  }
  return `${out.join('\n').trimEnd()}\n`;
}
