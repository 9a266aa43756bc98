// "Migrate to Platform Keys" from the command palette, as a user runs it: pick the cluster, read the confirmation
// that names the consequence, confirm, and see the result in a notification and in the tree; from legacy KMS the
// notification adds the documented Secrets rewrite with a "Copy command" action.
// Screenshots: test-results/screenshots/migrate-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCommand, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 950 }, emulatorConfig: { clusterUpdateDurationMs: 1500 }, waitForRow: 'aks-fab-cmk-public' });
});
after(async () => {
  await wb?.close();
});

test('the palette command asks for the cluster, then shows a confirmation that names the consequence', async () => {
  const { page } = wb;
  await runCommand(page, 'AKS KMS: Migrate to Platform Keys');
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'aks-fab-cmk-public' });
  await pick.waitFor({ timeout: 20_000 });
  await wb.shot('migrate-01-pick-cluster');
  await pick.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Migrate aks-fab-cmk-public' });
  await dialog.waitFor({ timeout: 30_000 });
  const text = await dialog.innerText();
  assert.match(text, /cannot be disabled/);
  assert.match(text, /Keep the old key .*kms-key/s);
  assert.match(text, /do not delete/);
  await wb.shot('migrate-02-confirmation');
});

test('confirming migrates the cluster: notification, and the tree shows PMK', async () => {
  const { page } = wb;
  await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Migrate to platform keys' }).click();
  await page.locator('.notifications-toasts', { hasText: 'now encrypts Kubernetes Secrets with platform-managed keys' }).waitFor({ timeout: 60_000 });
  await treeRow(page, 'aks-fab-cmk-public').locator('.label-description', { hasText: /^PMK$/ }).waitFor({ timeout: 30_000 });
  await wb.shot('migrate-03-result');
});

test('migrating a legacy KMS cluster ends with the documented Secrets rewrite and a "Copy command" action', async () => {
  const { page } = wb;
  await runCommand(page, 'AKS KMS: Migrate to Platform Keys');
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'aks-stg-legacy' });
  await pick.waitFor({ timeout: 20_000 });
  await pick.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Migrate aks-stg-legacy' });
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Migrate to platform keys' }).click();
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'aks-stg-legacy now encrypts Kubernetes Secrets with platform-managed keys' });
  await toast.waitFor({ timeout: 90_000 });
  const text = await toast.innerText();
  assert.match(text, /stay encrypted with the legacy key until they are rewritten/);
  assert.match(text, /Turn off KMS/);
  assert.match(text, /kubectl get secrets --all-namespaces -o json \| kubectl replace -f -/);
  await wb.shot('migrate-04-legacy-follow-up');
  await toast.getByRole('button', { name: 'Copy command' }).click();
  await page.locator('.statusbar', { hasText: 'Copied the command' }).waitFor({ timeout: 10_000 });
  await treeRow(page, 'aks-stg-legacy').locator('.label-description', { hasText: /^PMK$/ }).waitFor({ timeout: 30_000 });
  await wb.shot('migrate-05-legacy-tree');
});
