// The CMK wizard as a user walks it: right-click a cluster → Enable KMS (CMK)… → configure → preflight and plan
// (with the az script) → confirm what cannot be undone → live progress → the verified security profile.
// Every page is screenshotted into test-results/screenshots/wizard-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCommand, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

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
  const lock = wizard.locator('[data-step="lockFirewall"]');
  assert.ok(await lock.count(), 'the firewall step is planned');
  // The firewall can be opened again: no "cannot be undone" badge, and the row says what the lock changes.
  assert.equal(await lock.locator('.badge.irreversible').count(), 0, 'lockFirewall has no irreversible badge');
  assert.match(await lock.locator('.description').innerText(), /Blocks public network access.*trusted Azure service/);
  assert.equal(await wizard.locator('[data-step="updateCluster"] .badge.irreversible').count(), 1, 'the cluster update keeps its badge');
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
  assert.equal(await wizard.locator('#followUp').count(), 0, 'no legacy follow-up for a cluster that was not on legacy KMS');
  // A finished step's note is its outcome (or empty), not the last progress line it printed while running.
  const updateRow = wizard.locator('[data-step="updateCluster"]');
  assert.equal(await updateRow.getAttribute('data-status'), 'done');
  assert.doesNotMatch(await updateRow.locator('.message').innerText(), /updating the cluster|takes several minutes/);
  for (const row of await wizard.locator('.step[data-status="done"], .step[data-status="skipped"]').all()) {
    assert.doesNotMatch(await row.locator('.message').innerText(), /^(updating|waiting)\b/, await row.getAttribute('data-step'));
  }
  await wizard.locator('#plan').scrollIntoViewIfNeeded();
  await wb.shot('wizard-06a-steps-done');
  await wizard.locator('#result').scrollIntoViewIfNeeded();
  await wb.shot('wizard-06-done');
  await wb.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: 'aks-prod-plain' }).locator('.label-description', { hasText: 'CMK · private' }).waitFor({ timeout: 30_000 });
  await wb.shot('wizard-07-tree-after');
});

test('Move to the New KMS Experience… on a legacy cluster: the done page shows the Secrets rewrite as a copyable command', async () => {
  const { page } = wb;
  // One wizard at a time, so the webview frame below is this one.
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 10_000 });
  await runContextMenu(page, treeRow(page, 'aks-stg-legacy'), 'Move to the New KMS Experience…');
  const legacy = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await legacy.locator('#configure').waitFor({ timeout: 30_000 });
  assert.match(await legacy.locator('.cluster').innerText(), /aks-stg-legacy/);
  await legacy.locator('#check').click();
  await legacy.locator('#plan').waitFor({ timeout: 30_000 });
  await legacy.locator('#understood').click();
  await legacy.locator('#run:not([disabled])').waitFor({ timeout: 5_000 });
  await legacy.locator('#run').click();
  await legacy.locator('#result').waitFor({ timeout: 90_000 });
  const followUp = legacy.locator('#followUp');
  await followUp.waitFor({ timeout: 5_000 });
  assert.match(await followUp.locator('p').innerText(), /stay encrypted with the legacy key version until they are rewritten/);
  assert.equal((await followUp.locator('pre code').innerText()).trim(), 'kubectl get secrets --all-namespaces -o json | kubectl replace -f -');
  await followUp.scrollIntoViewIfNeeded();
  await wb.shot('wizard-08-legacy-follow-up');
  await followUp.locator('#copyFollowUp').click();
  await page.locator('.statusbar', { hasText: 'Copied the command' }).waitFor({ timeout: 10_000 });
});
