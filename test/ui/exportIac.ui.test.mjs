// "Export as Infrastructure as Code…" as a user meets it: from a cluster's context menu (platform keys, as Terraform)
// and from the wizard's plan page (the customer-managed key the user configured, as Bicep). The code opens in an
// untitled editor named after the cluster. Screenshots: test-results/screenshots/iac-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCommand, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 1000 }, waitForRow: 'aks-prod-plain' });
});
after(async () => {
  await wb?.close();
});

/** Picks an entry of the open quick pick. */
async function choose(page, label) {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().click();
}

/** The active editor's tab and its text as the editor shows it. */
async function activeEditor(page, title) {
  const tab = page.locator('.tabs-container .tab.active', { hasText: title });
  await tab.waitFor({ timeout: 30_000 });
  return page.locator('.editor-instance .monaco-editor .view-lines').first();
}

test('right-click a cluster → Export as Infrastructure as Code… → platform keys as Terraform, in an editor named after it', async () => {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, 'aks-prod-plain'), 'Export as Infrastructure as Code…');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Customer-managed key…' }).waitFor({ timeout: 30_000 });
  await wb.shot('iac-01-choose-setup');
  await choose(page, 'Platform-managed keys');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Bicep' }).waitFor({ timeout: 30_000 });
  await wb.shot('iac-02-choose-format');
  await choose(page, 'Terraform (AzureRM and AzAPI)');
  const lines = await activeEditor(page, 'aks-prod-plain-kms.tf');
  await lines.locator('text=azapi_update_resource').first().waitFor({ timeout: 30_000 });
  const text = (await lines.innerText()).replace(/\u00a0/g, ' '); // Monaco renders spaces as no-break spaces
  assert.match(text, /Platform-managed keys for AKS cluster aks-prod-plain/);
  assert.match(text, /infrastructureEncryption/);
  await wb.shot('iac-03-terraform-editor');
});

test('the wizard\'s plan page exports the configured customer-managed key as Bicep', async () => {
  const { page } = wb;
  await page.keyboard.press('Escape');
  await runContextMenu(page, treeRow(page, 'aks-prod-plain'), 'Enable KMS (CMK)…');
  const wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#vaultName').waitFor({ timeout: 30_000 });
  await wizard.locator('#vaultName input').fill('kvuiiac01');
  await wizard.locator('#check').click();
  await wizard.locator('#plan').waitFor({ timeout: 30_000 });
  await wizard.locator('#exportIac').scrollIntoViewIfNeeded();
  await wb.shot('iac-04-wizard-export-button');
  await wizard.locator('#exportIac').click();
  await choose(page, 'Bicep');
  const lines = await activeEditor(page, 'aks-prod-plain-kms.bicep');
  await lines.locator('text=kvuiiac01').first().waitFor({ timeout: 30_000 });
  const text = (await lines.innerText()).replace(/\u00a0/g, ' '); // Monaco renders spaces as no-break spaces
  assert.match(text, /resource vault 'Microsoft\.KeyVault\/vaults@2025-05-01' = \{/);
  await wb.shot('iac-05-bicep-editor');
});

test('from the palette: pick the cluster, then the format — a private CMK cluster as an ARM template', async () => {
  const { page } = wb;
  await page.keyboard.press('Escape');
  await runCommand(page, 'AKS KMS: Export as Infrastructure as Code…');
  await choose(page, 'aks-prod-cmk-private');
  // Started from the palette, the format picker says which cluster it exports.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export the KMS setup of aks-prod-cmk-private as' }).waitFor({ timeout: 30_000 });
  await choose(page, 'ARM template (JSON)');
  const lines = await activeEditor(page, 'aks-prod-cmk-private-kms.json');
  await lines.locator('text=deploymentTemplate.json').first().waitFor({ timeout: 30_000 });
  const text = (await lines.innerText()).replace(/\u00a0/g, ' ');
  // The editor renders only the lines in view: the top of the template (the extension-host test checks the rest).
  assert.match(text, /Customer-managed key for AKS cluster aks-prod-cmk-private/);
  assert.match(text, /az deployment group create --resource-group rg-prod-secure/);
  await wb.shot('iac-06-palette-arm');
});
