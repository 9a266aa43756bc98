/**
 * "Export as Infrastructure as Code…" in the real extension host against the seeded emulator fleet: the cluster's
 * setup as Terraform, Bicep or an ARM template, opened in an untitled editor named after the cluster; a plan that
 * preflight refuses opens nothing; and the export reads only (no write reaches the emulator).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { emulatorAdmin, readEmulatorInfo } from '../emulator/client';
import { clusterByName, signedInApi } from './helpers';

interface Result {
  readonly format: string;
  readonly languageId: string;
  readonly uri: string;
  readonly content: string;
}

const admin = () => emulatorAdmin(readEmulatorInfo());

async function writes(): Promise<string[]> {
  return (await admin().requests()).filter(r => r.write).map(r => `${r.method} ${r.path.split('?')[0]}`);
}

suite('Export as Infrastructure as Code', () => {
  suiteSetup(async () => {
    await admin().reset();
    const api = await signedInApi();
    await api.tree.refresh();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a private CMK cluster as Terraform: its vault, key and identity by ID, the firewall left as it is, in an editor named after it', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-cmk-private');
    await admin().clearRequests();
    const result = await vscode.commands.executeCommand<Result>('aksKms.exportIac', node, { format: 'terraform' });
    assert.deepStrictEqual(await writes(), [], 'exporting writes nothing');
    assert.ok(result, 'the export opened');
    assert.strictEqual(result.format, 'terraform');
    assert.match(result.uri, /^untitled:.*aks-prod-cmk-private-kms\.tf$/);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === result.uri);
    assert.ok(doc, 'the document is open');
    assert.strictEqual(doc.getText(), result.content);
    assert.strictEqual(doc.languageId, result.languageId);
    const kms = node.facts.kms;
    assert.ok(result.content.includes(`resource_id = "${node.facts.id}"`), 'the cluster update names the cluster');
    assert.ok(result.content.includes(`keyVaultResourceId = "${kms.keyVaultResourceId}"`), result.content);
    assert.ok(result.content.includes('keyVaultNetworkAccess = "Private"'));
    assert.ok(!/^resource "azurerm_key_vault" /m.test(result.content), 'the existing vault is not declared again');
    assert.ok(!/^resource "azapi_update_resource" "vault_firewall"/m.test(result.content), 'the vault is already closed: that step is done');
  });

  test('a public CMK cluster whose profile leaves the vault ID empty (as the spec asks for Public): its vault found by the key ID\'s host, exported as it is', async () => {
    const api = await signedInApi();
    const { id, kms: { keyVaultResourceId: vaultId } } = (await clusterByName(api, 'aks-prod-cmk-public')).facts;
    try {
      // Set up as other tools do it: the same key, Public access, no keyVaultResourceId.
      await admin().config({ clusterUpdateDurationMs: 0 });
      const clusters = new ManagedClustersAdapter(api.account.context!);
      const cluster = await clusters.get(id);
      delete cluster.properties!.securityProfile!.azureKeyVaultKms!.keyVaultResourceId;
      await clusters.put(id, cluster, () => undefined);
      await api.tree.refresh();
      const node = await clusterByName(api, 'aks-prod-cmk-public');
      assert.strictEqual(node.facts.kms.kind, 'cmk');
      assert.strictEqual(node.facts.kms.keyVaultResourceId, undefined, 'the profile names no vault');

      await admin().clearRequests();
      const result = await vscode.commands.executeCommand<Result | undefined>('aksKms.exportIac', node, { format: 'terraform' });
      assert.deepStrictEqual(await writes(), [], 'exporting writes nothing');
      assert.ok(result, 'the setup as it is was exported, with no question asked');
      assert.ok(vaultId && result.content.includes(`keyVaultResourceId = "${vaultId}"`), result.content);
      assert.ok(result.content.includes('keyVaultNetworkAccess = "Public"'), result.content);
      assert.ok(!/^resource "azurerm_key_vault" /m.test(result.content), 'the existing vault is not declared again');
    } finally {
      await admin().reset();
      await api.tree.refresh();
    }
  });

  test('a platform-keys cluster as an ARM template and as Bicep: infrastructure encryption on the cluster as it is', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-prod-pmk');
    const arm = await vscode.commands.executeCommand<Result>('aksKms.exportIac', node, { format: 'arm' });
    assert.ok(arm);
    assert.strictEqual(arm.languageId, 'json');
    const template = JSON.parse(arm.content) as { resources: { type: string; name: string; properties: { securityProfile: unknown; kubernetesVersion?: string } }[] };
    const cluster = template.resources.find(r => r.type === 'Microsoft.ContainerService/managedClusters');
    assert.ok(cluster, 'the cluster is declared (a deployment PUTs it whole)');
    assert.strictEqual(cluster.name, 'aks-prod-pmk');
    assert.deepStrictEqual((cluster.properties.securityProfile as { kubernetesResourceObjectEncryptionProfile: unknown }).kubernetesResourceObjectEncryptionProfile, { infrastructureEncryption: 'Enabled' });
    assert.strictEqual(cluster.properties.kubernetesVersion, node.facts.kubernetesVersion, 'the rest of the cluster as it is');

    const bicep = await vscode.commands.executeCommand<Result>('aksKms.exportIac', node, { format: 'bicep' });
    assert.ok(bicep);
    assert.match(bicep.uri, /aks-prod-pmk-kms\.bicep$/);
    assert.match(bicep.content, /^resource cluster 'Microsoft\.ContainerService\/managedClusters@2026-10-01' = \{$/m);
  });

  test('a cluster the preflight refuses (Kubernetes too old) opens nothing', async () => {
    const api = await signedInApi();
    const node = await clusterByName(api, 'aks-stg-old');
    const before = vscode.workspace.textDocuments.filter(d => d.isUntitled).length;
    const result = await vscode.commands.executeCommand<Result | undefined>('aksKms.exportIac', node, { format: 'terraform', flow: 'pmk' });
    assert.strictEqual(result, undefined);
    assert.strictEqual(vscode.workspace.textDocuments.filter(d => d.isUntitled).length, before);
  });
});
