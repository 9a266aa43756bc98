// Several directories (tenants) in the AKS KMS view, as a user meets them: the emulator makes the user a guest of two
// more directories, one of which (Woodgrove Bank) wants its own sign-in; the user signs in to it from its row, then
// narrows the view with "Select Subscriptions…", whose choice lands in the filter the Azure extensions share.
// Screenshots: test-results/screenshots/directories-*.png.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { acceptSignInConsent, runCommand, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1400, height: 900 }, emulatorConfig: { guestDirectories: true }, waitForRow: 'aks-partner-api' });
});
after(async () => {
  await wb?.close();
});

const tenantOf = name => wb.emulator.info.tenants.find(t => t.displayName === name).tenantId;

test('the tree groups subscriptions under their directories; the one that wants its own sign-in says so', async () => {
  const { page } = wb;
  for (const row of ['Contoso', 'Fabrikam Partners', 'Woodgrove Bank', 'Partner Workloads', 'Contoso Production']) {
    await treeRow(page, row).first().waitFor({ timeout: 30_000 });
  }
  await treeRow(page, 'Woodgrove Bank').locator('.label-description', { hasText: 'sign-in required' }).waitFor({ timeout: 10_000 });
  await treeRow(page, 'Sign in to Woodgrove Bank').waitFor({ timeout: 10_000 });
  await wb.shot('directories-01-tree');
});

test('signing in to that directory from its row (VS Code asks first) lists its subscriptions and clusters', async () => {
  const { page } = wb;
  await treeRow(page, 'Sign in to Woodgrove Bank').click();
  assert.equal(await acceptSignInConsent(page, { timeoutMs: 20_000 }), true, 'VS Code asked for consent to sign in');
  await treeRow(page, 'aks-payments').waitFor({ timeout: 60_000 });
  await treeRow(page, 'Woodgrove Payments').waitFor({ timeout: 10_000 });
  assert.equal(await treeRow(page, 'Sign in to Woodgrove Bank').count(), 0);
  await wb.shot('directories-02-signed-in');
});

test('"Select Subscriptions…" writes the choice to azureResourceGroups.selectedSubscriptions, and the tree follows', async () => {
  const { page } = wb;
  await runCommand(page, 'AKS KMS: Select Subscriptions…');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.monaco-list-row', { hasText: 'Partner Workloads' }).waitFor({ timeout: 20_000 });
  await wb.shot('directories-03-select-subscriptions');
  // Everything starts picked (no filter): clear all, then pick one subscription of the partner directory.
  await widget.getByRole('checkbox', { name: /Toggle all/i }).first().click();
  await widget.locator('.monaco-list-row', { hasText: 'Partner Workloads' }).click();
  await widget.locator('.quick-input-count', { hasText: '1 Selected' }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await treeRow(page, 'Contoso Production').waitFor({ state: 'detached', timeout: 30_000 });
  await treeRow(page, 'aks-partner-api').waitFor({ timeout: 30_000 });
  const settings = JSON.parse(fs.readFileSync(path.join(wb.profile.userData, 'User', 'settings.json'), 'utf8'));
  assert.deepEqual(settings['azureResourceGroups.selectedSubscriptions'], [`${tenantOf('Fabrikam Partners')}/55555555-5555-4555-8555-555555555555`]);
  await wb.shot('directories-04-filtered');
});
