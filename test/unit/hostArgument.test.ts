/**
 * Command arguments from the Azure Resources and AKS views (shapes read from their sources — see src/kms/hostArgument.ts)
 * reduced to an ARM ID, and that ID checked to be an AKS cluster.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkClusterId, hostArmId } from '../../src/kms/hostArgument';
import { withoutThemeIcons } from '../../src/kms/themeIcons';

const CLUSTER = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-plain';
const VAULT = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kvprodpublic';

describe('hostArmId', () => {
  const aksNode = { nodeType: 'cluster', armId: CLUSTER, name: 'aks-prod-plain', subscriptionId: '11111111-1111-4111-8111-111111111111', resourceGroupName: 'rg-prod' };
  const cases: [string, unknown, string | undefined][] = [
    ['a plain string', CLUSTER, CLUSTER],
    ['a string with blanks around it', `  ${CLUSTER}\n`, CLUSTER],
    ['a blank string (no argument: the user picks)', '   ', undefined],
    ['an Azure Resources item: resource.id, not the item id with its account prefix', {
      id: `/accounts/acc/tenants/t1${CLUSTER}`,
      resource: { id: CLUSTER, name: 'aks-prod-plain', resourceType: 'ContainerServiceManagedClusters', azureResourceType: { type: 'microsoft.containerservice/managedclusters' } },
    }, CLUSTER],
    ['the Kubernetes cloud explorer wrapper around an AKS node', { nodeType: 'contributed', provider: { cloudName: 'Azure' }, value: aksNode }, CLUSTER],
    ['the same after CloudExplorerV1.resolveCommandTarget', { nodeType: 'resource', cloudName: 'Azure', cloudResource: aksNode }, CLUSTER],
    ['a bare AksClusterTreeNode', aksNode, CLUSTER],
    ['an Azure Resources item whose resource id is not a string', { resource: { id: 42 } }, undefined],
    ['a cloud explorer cloud node', { nodeType: 'cloud', provider: { cloudName: 'Azure' } }, undefined],
    ['undefined (palette)', undefined, undefined],
    ['null', null, undefined],
    ['a number', 7, undefined],
    ['a URI-like object (explorer context)', { scheme: 'file', path: '/x' }, undefined],
  ];
  for (const [what, arg, expected] of cases) {
    it(what, () => assert.equal(hostArmId(arg), expected));
  }
});

describe('checkClusterId', () => {
  it('accepts a managed cluster ID in any case', () => {
    for (const id of [CLUSTER, CLUSTER.toLowerCase(), CLUSTER.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')]) {
      const r = checkClusterId(id);
      assert.ok(r.ok, id);
      assert.equal(r.cluster.name.toLowerCase(), 'aks-prod-plain');
      assert.equal(r.cluster.subscriptionId, '11111111-1111-4111-8111-111111111111');
    }
  });
  const notCluster: [string, string, string][] = [
    ['a key vault', VAULT, 'kvprodpublic'],
    ['a node pool (nested under a cluster)', `${CLUSTER}/agentPools/nodepool1`, 'nodepool1'],
    ['a resource group', '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-prod', 'rg-prod'],
    ['a fleet manager', '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/fleets/f1', 'f1'],
    ['a Service Fabric managed cluster (another provider\'s managedClusters)', '/subscriptions/s/resourceGroups/g/providers/Microsoft.ServiceFabric/managedClusters/sf1', 'sf1'],
    ['a resource group with a trailing slash', '/subscriptions/s/resourceGroups/rg-prod/', 'rg-prod'],
  ];
  for (const [what, id, name] of notCluster) {
    it(`names ${what} as not a cluster`, () => {
      const r = checkClusterId(id);
      assert.equal(r.ok, false);
      assert.deepEqual(r, { ok: false, problem: 'notCluster', id, name });
    });
  }
  it('quotes a pasted value without the blanks around it', () => {
    assert.deepEqual(checkClusterId('  aks-prod-plain \n'), { ok: false, problem: 'notArmId', id: 'aks-prod-plain' });
    assert.deepEqual(checkClusterId(` ${VAULT} `), { ok: false, problem: 'notCluster', id: VAULT, name: 'kvprodpublic' });
  });
  for (const id of ['aks-prod-plain', '', 'https://portal.azure.com/#@/resource' + CLUSTER]) {
    it(`calls ${JSON.stringify(id)} not an ARM ID`, () => {
      assert.deepEqual(checkClusterId(id), { ok: false, problem: 'notArmId', id });
    });
  }
});

describe('withoutThemeIcons', () => {
  const cases: [string, string][] = [
    ['| $(lock) Encryption | $(warning) CMK |', '| Encryption | CMK |'],
    ['$(loading~spin) Loading', 'Loading'],
    ['\n$(info) AKS picks up a new version within 6 hours\n', '\nAKS picks up a new version within 6 hours\n'],
    // escapeMarkdown turns a literal "$(x)" in a value into "$\(x\)", which is text, not an icon.
    ['costs $\\(5\\)', 'costs $\\(5\\)'],
    ['no icons here', 'no icons here'],
    ['| Key $(lock)| at the end of a cell |', '| Key | at the end of a cell |'],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(withoutThemeIcons(input), expected));
  }
});
