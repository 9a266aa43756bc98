// Smoke test of the UI harness: a real workbench (code-server + chromium) with the extension under development,
// the emulator's sign-in companion and the emulator settings. One workbench for the whole file.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { acceptSignInConsent, activityBarEntry, runCommand, startWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await startWorkbench();
});
after(async () => {
  await wb?.close();
});

test('the workbench renders, with its status bar', async () => {
  await wb.page.locator('.part.statusbar').waitFor({ timeout: 30_000 });
  assert.ok(await wb.page.locator('.part.activitybar').isVisible());
  const file = await wb.shot('harness-01-workbench');
  assert.ok(file.endsWith('.png'));
});

test('the AKS KMS activity-bar entry is there once and opens the signed-out welcome view', async () => {
  const entry = activityBarEntry(wb.page, 'AKS KMS');
  await entry.first().waitFor({ timeout: 30_000 });
  assert.equal(await entry.count(), 1);
  await entry.click();
  await wb.page.locator('.part.sidebar .monaco-button', { hasText: 'Sign in to Azure' }).waitFor({ timeout: 30_000 });
  await wb.shot('harness-02-welcome-view');
});

test('signing in asks for VS Code consent once; after "Allow" the emulator fleet is listed', async () => {
  await runCommand(wb.page, 'AKS KMS: Sign in to Azure');
  assert.equal(await acceptSignInConsent(wb.page), true, 'the consent dialog appeared');
  await treeRow(wb.page, 'Contoso Production').waitFor({ timeout: 30_000 });
  await wb.shot('harness-03-signed-in');
});
