// "Enable Platform Keys" from a cluster's context menu and "Register KMS Preview Feature" from the palette, as a
// user runs them: each asks first (a modal naming the consequence), then shows progress and the result.
// Screenshots: test-results/screenshots/pmk-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCommand, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 950 }, emulatorConfig: { clusterUpdateDurationMs: 1500, featureRegistrationDelayMs: 1500 }, waitForRow: 'aks-fab-plain' });
});
after(async () => {
  await wb?.close();
});

test('Enable Platform Keys asks first, then the tree shows PMK', async () => {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, 'aks-fab-plain'), 'Enable Platform Keys');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'platform-managed keys' });
  await dialog.waitFor({ timeout: 30_000 });
  assert.match(await dialog.innerText(), /cannot be disabled/);
  await wb.shot('pmk-01-confirmation');
  await dialog.getByRole('button', { name: 'Enable platform keys' }).click();
  await page.locator('.notifications-toasts', { hasText: 'now encrypts Kubernetes Secrets with platform-managed keys' }).waitFor({ timeout: 60_000 });
  await treeRow(page, 'aks-fab-plain').locator('.label-description', { hasText: /^PMK$/ }).waitFor({ timeout: 30_000 });
  await wb.shot('pmk-02-result');
});

test('Register KMS Preview Feature registers it in the chosen subscription and waits for Registered', async () => {
  const { page } = wb;
  await runCommand(page, 'AKS KMS: Register KMS Preview Feature');
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Contoso Staging' });
  await pick.waitFor({ timeout: 20_000 });
  await pick.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'KMSPMKPreview' });
  await dialog.waitFor({ timeout: 20_000 });
  await wb.shot('pmk-03-register-feature-confirmation');
  await dialog.getByRole('button', { name: 'Register' }).click();
  await page.locator('.notifications-toasts', { hasText: 'KMSPMKPreview is Registered' }).waitFor({ timeout: 60_000 });
  await wb.shot('pmk-04-register-feature-done');
});
