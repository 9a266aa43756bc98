// The wizard on the setups the documentation supports and the product used to refuse: a cluster with a
// system-assigned control-plane identity (converted by the update, after Network Contributor on its subnet), and
// Private key vault access on a cluster without API Server VNet Integration (reached as a trusted service).
// Screenshots: test-results/screenshots/accepted-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCommand, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 1100 }, emulatorConfig: { featureRegistrationDelayMs: 300, clusterUpdateDurationMs: 1000, vaultCreateDurationMs: 300 }, waitForRow: 'aks-prod-plain' });
  try {
    await treeRow(wb.page, 'aks-stg-sysid').waitFor({ timeout: 30_000 });
  } catch (e) {
    await wb.shot('accepted-00-tree-without-sysid');
    throw e;
  }
});
after(async () => {
  await wb?.close();
});

/** Opens the CMK wizard on `cluster`, fills a vault name and network access, and checks: the preflight + plan page. */
async function planFor(cluster, vaultName, networkAccess) {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, cluster), 'Enable KMS (CMK)…');
  const wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#vaultName').waitFor({ timeout: 30_000 });
  assert.match(await wizard.locator('.cluster').innerText(), new RegExp(cluster));
  await wizard.locator(`vscode-radio[value="${networkAccess}"]`).click();
  await wizard.locator('#vaultName input').fill(vaultName);
  await wizard.locator('#check').click();
  await wizard.locator('#plan').waitFor({ timeout: 30_000 });
  return wizard;
}

async function runToDone(wizard) {
  await wizard.locator('#understood').click();
  await wizard.locator('#run:not([disabled])').waitFor({ timeout: 5_000 });
  await wizard.locator('#run').click();
  await wizard.locator('#result').waitFor({ timeout: 90_000 });
  return wizard.locator('#result').innerText();
}

test('system-assigned cluster: a warning, the subnet role step, no blocking finding; the run converts the identity', async () => {
  const wizard = await planFor('aks-stg-sysid', 'kvuisysid01', 'Public');
  assert.equal(await wizard.locator('.finding.error').count(), 0, await wizard.locator('#preflight').innerText());
  assert.match(await wizard.locator('.finding.warning[data-code="control-plane-identity-change"]').innerText(), /system-assigned/);
  assert.equal(await wizard.locator('.finding[data-code="subnet-role-for-new-identity"]').count(), 1);
  assert.equal(await wizard.locator('[data-step="assignNetworkContributorToIdentity"]').count(), 1);
  await wb.shot('accepted-01-system-assigned-plan');
  const result = await runToDone(wizard);
  assert.match(result, /"enabled": true/);
  await wb.shot('accepted-02-system-assigned-done');
  await runCommand(wb.page, 'View: Close All Editors');
});

test('Private without API Server VNet Integration: no refusal; the firewall step is planned; the run ends Private', async () => {
  const wizard = await planFor('aks-stg-novnet', 'kvuinovnet01', 'Private');
  assert.equal(await wizard.locator('.finding.error').count(), 0, await wizard.locator('#preflight').innerText());
  // Nothing in the preflight asks for API Server VNet Integration (a legacy-KMS requirement), under any code.
  assert.doesNotMatch(await wizard.locator('#preflight').innerText(), /vnet integration/i);
  assert.equal(await wizard.locator('.finding.info[data-code="firewall-lock"]').count(), 1, 'Private: the plan says it locks the firewall');
  assert.equal(await wizard.locator('#run[disabled]').count(), 1, 'Run waits for the acknowledgement, not for a refusal');
  assert.equal(await wizard.locator('[data-step="lockFirewall"]').count(), 1);
  await wb.shot('accepted-03-private-no-vnet-plan');
  const result = await runToDone(wizard);
  assert.match(result, /"keyVaultNetworkAccess": "Private"/);
  await wb.shot('accepted-04-private-no-vnet-done');
});
