// The CMK wizard as a user walks it: right-click a cluster → Enable KMS (CMK)… → configure → preflight and plan
// (with the az script) → confirm what cannot be undone → live progress → the verified security profile.
// Every page is screenshotted into test-results/screenshots/wizard-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
let wizard;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 1000 }, emulatorConfig: { featureRegistrationDelayMs: 500, clusterUpdateDurationMs: 1500, vaultCreateDurationMs: 500 }, waitForRow: 'aks-prod-plain' });
});
after(async () => {
  await wb?.close();
});

test('right-click → Enable KMS (CMK)… opens the wizard on the configuration page', async () => {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, 'aks-prod-plain'), 'Enable KMS (CMK)…');
  wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#configure').waitFor({ timeout: 30_000 });
  await wizard.locator('#vaultName').waitFor();
  assert.match(await wizard.locator('.cluster').innerText(), /aks-prod-plain/);
  await wb.shot('wizard-01-configure');
});

test('choose Private and a vault name, then Check and plan shows preflight, the plan and the az script', async () => {
  await wizard.locator('vscode-radio[value="Private"]').click();
  const name = wizard.locator('#vaultName input');
  await name.fill('kvuiwizard01');
  await wizard.locator('#check').click();
  await wizard.locator('#plan').waitFor({ timeout: 30_000 });
  assert.ok(await wizard.locator('[data-step="lockFirewall"]').count(), 'the firewall step is planned');
  await wb.shot('wizard-02-preflight-and-plan');
  await wizard.locator('details summary').click();
  assert.match(await wizard.locator('pre.script').innerText(), /az keyvault create --name kvuiwizard01/);
  await wizard.locator('#confirm').scrollIntoViewIfNeeded();
  await wb.shot('wizard-03-az-script-and-confirm');
});

test('the run button stays disabled until the irreversible consequence is acknowledged', async () => {
  assert.equal(await wizard.locator('#run').getAttribute('disabled'), '');
  await wizard.locator('#understood').click();
  await wizard.locator('#run:not([disabled])').waitFor({ timeout: 5_000 });
  await wb.shot('wizard-04-confirmed');
});

test('running streams progress per step and ends with the verified security profile', async () => {
  await wizard.locator('#run').click();
  await wizard.locator('[data-step="createVault"][data-status="done"], [data-step="createVault"][data-status="running"]').first().waitFor({ timeout: 30_000 });
  assert.equal(await wizard.locator('#plan details').getAttribute('open'), null, 'the script folds away so the steps show');
  await wb.shot('wizard-05-progress');
  await wizard.locator('#result').waitFor({ timeout: 90_000 });
  const result = await wizard.locator('#result').innerText();
  assert.match(result, /Done/);
  assert.match(result, /"keyVaultNetworkAccess": "Private"/);
  await wb.shot('wizard-06-done');
  await wb.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: 'aks-prod-plain' }).locator('.label-description', { hasText: 'CMK · private' }).waitFor({ timeout: 30_000 });
  await wb.shot('wizard-07-tree-after');
});
