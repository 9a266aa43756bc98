/**
 * The plan as Bicep. What is checked offline: the syntax, by the tree-sitter Bicep grammar (tree-sitter-bicep: no
 * ERROR or MISSING node); the resource bodies are the ARM template's model (iacArm.test.ts validates those against
 * the specs). Not checked: the Bicep compiler's own rules (type checks, BCP diagnostics) — the compiler is a .NET
 * binary that cannot be installed here. A snapshot pins the output of each flow it can express.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Parser from 'tree-sitter';
import Bicep from 'tree-sitter-bicep';
import type { EnableConfig } from '../../src/kms/enable/config';
import { renderBicep } from '../../src/kms/iac/bicep';
import { iacPlanOf } from '../../src/kms/iac/iacPlan';
import { FLOWS, type Flow } from './enableFlows';
import { assertSnapshot } from './iacSnapshots';

const parser = new Parser();
parser.setLanguage(Bicep as Parser.Language);

/** Syntax errors as `line:column kind`, from the parse tree's ERROR and MISSING nodes. */
function syntaxErrors(text: string): string[] {
  const errors: string[] = [];
  const visit = (node: Parser.SyntaxNode) => {
    if (node.type === 'ERROR' || node.isMissing) errors.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? `missing ${node.type}` : node.text.slice(0, 60)}`);
    node.children.forEach(visit);
  };
  visit(parser.parse(text).rootNode);
  return errors;
}

/** The flow with its new vault and identity in the cluster's resource group (the wizard's default). */
function inClusterGroup(flow: Flow): Flow {
  const config = flow.config as EnableConfig;
  if (config.kind !== 'cmk') return flow;
  const rg = flow.facts.cluster.resourceGroup;
  return {
    ...flow,
    config: {
      ...config,
      vault: config.vault.kind === 'new' ? { ...config.vault, resourceGroup: rg } : config.vault,
      identity: config.identity.kind === 'new' ? { ...config.identity, resourceGroup: rg } : config.identity,
    },
  };
}

const bicepOf = (flow: Flow) => renderBicep(iacPlanOf(flow.config, flow.facts, flow.preview, '2026-10-01'));

describe('Bicep export (syntax checked by the tree-sitter Bicep grammar)', () => {
  it('the grammar finds errors (the check can fail)', () => {
    assert.notDeepEqual(syntaxErrors("resource v 'Microsoft.KeyVault/vaults@2025-05-01' = {\n  name: 'x' 'y'\n}\n"), []);
  });

  for (const [key, flow] of Object.entries(FLOWS)) {
    it(`${flow.name}: parses, matches its snapshot`, () => {
      const text = bicepOf(flow);
      assert.deepEqual(syntaxErrors(text), []);
      assertSnapshot(`${key}.bicep`, text);
    });
  }

  it('everything in the cluster\'s group: role assignments scoped to the vault symbol, each step after the one before, the cluster last', () => {
    const text = bicepOf(inClusterGroup(FLOWS.cmkPrivateNew));
    assert.deepEqual(syntaxErrors(text), []);
    const declarations = [...text.matchAll(/^resource (\w+) '([^']+)'/gm)].map(m => `${m[1]} ${m[2]}`);
    assert.deepEqual(declarations, [
      'vault Microsoft.KeyVault/vaults@2025-05-01', 'role1 Microsoft.Authorization/roleAssignments@2022-04-01', 'kmsKey Microsoft.KeyVault/vaults/keys@2025-05-01',
      'lockFirewallDeployment Microsoft.Resources/deployments@2024-03-01',
      'identity Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30', 'role2 Microsoft.Authorization/roleAssignments@2022-04-01',
      'role3 Microsoft.Authorization/roleAssignments@2022-04-01', 'cluster Microsoft.ContainerService/managedClusters@2026-10-01',
    ]);
    assert.equal([...text.matchAll(/^ {2}scope: vault$/gm)].length, 3);
    assert.match(text, /'\$\{resourceId\('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft\.ManagedIdentity\/userAssignedIdentities', 'id-aks1'\)\}': \{\}/);
  });

  it('a step in another resource group is a nested deployment into that group, its values evaluated in this file', () => {
    const text = bicepOf(FLOWS.cmkPrivateNew);
    const declarations = [...text.matchAll(/^resource (\w+) '([^']+)'/gm)].map(m => `${m[1]} ${m[2]}`);
    assert.deepEqual(declarations, [
      'createVaultDeployment Microsoft.Resources/deployments@2024-03-01', 'assignCryptoOfficerToUserDeployment Microsoft.Resources/deployments@2024-03-01',
      'createKeyDeployment Microsoft.Resources/deployments@2024-03-01', 'lockFirewallDeployment Microsoft.Resources/deployments@2024-03-01',
      'identity Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30',
      'assignCryptoUserToIdentityDeployment Microsoft.Resources/deployments@2024-03-01', 'assignContributorToIdentityDeployment Microsoft.Resources/deployments@2024-03-01',
      'cluster Microsoft.ContainerService/managedClusters@2026-10-01',
    ]);
    assert.match(text, /^resource createKeyDeployment 'Microsoft\.Resources\/deployments@2024-03-01' = \{\n {2}name: 'aks-kms-createKey'\n {2}resourceGroup: 'rg-kv'\n/m);
    // The new identity's principal ID, read when the deployment runs (after the identity exists: dependsOn).
    assert.match(text, /principalId: reference\(resourceId\('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft\.ManagedIdentity\/userAssignedIdentities', 'id-aks1'\), '2024-11-30'\)\.principalId/);
    assert.match(text, /^ {2}dependsOn: \[\n {4}createKeyDeployment\n {2}\]/m, 'the firewall closes after the key, as in the plan');
    assert.match(text, /^resource lockFirewallDeployment [^\n]*\n {2}name: 'aks-kms-lockFirewall'\n {2}resourceGroup: 'rg-kv'\n[\s\S]*?defaultAction: 'Deny'/m);
    assert.doesNotMatch(text, /expressionEvaluationOptions/, 'the default (outer) scope: Bicep expressions are this file\'s');
  });

  it('an existing vault in the cluster\'s group is declared `existing` for the role assignment\'s scope', () => {
    const flow = FLOWS.cmkPrivateExisting;
    const sameGroup: Flow = {
      ...flow,
      config: { ...flow.config, vault: { kind: 'existing', id: flow.facts.vault!.id.replace('/rg-kv/', '/rg/') } } as EnableConfig,
      facts: { ...flow.facts, vault: { ...flow.facts.vault!, id: flow.facts.vault!.id.replace('/rg-kv/', '/rg/') } },
    };
    const text = bicepOf(sameGroup);
    assert.deepEqual(syntaxErrors(text), []);
    assert.match(text, /^resource vault 'Microsoft\.KeyVault\/vaults@2025-05-01' existing = \{\n {2}name: 'kvprod'\n\}/m);
    assert.match(text, /Run separately[^\n]*\n\/\/ {3}lockFirewall \(after the key exists\): az keyvault update --name kvprod/);
  });
});
