// "Enable Platform Keys on…" from a subscription's context menu, as a user runs it: one confirmation listing what
// changes and what does not (with why), progress on the clusters' own rows while the batch runs, then the summary.
// Screenshots: test-results/screenshots/bulk-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clusterRow, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  // Long enough cluster updates to see the batch in progress.
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 950 }, emulatorConfig: { clusterUpdateDurationMs: 8000, featureRegistrationDelayMs: 1000 }, waitForRow: 'aks-stg-novnet' });
});
after(async () => {
  await wb?.close();
});

test('Enable Platform Keys on… a subscription: the plan, progress on the rows, and the summary', async () => {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, 'Contoso Staging'), 'Enable Platform Keys on…');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Encrypt Kubernetes Secrets in 2 clusters' });
  await dialog.waitFor({ timeout: 60_000 });
  const text = await dialog.innerText();
  assert.match(text, /Will change \(2\):[\s\S]*aks-stg-novnet[\s\S]*aks-stg-sysid/);
  const [willChange, notIncluded = ''] = text.split('Not included (2):');
  assert.doesNotMatch(willChange, /aks-stg-sp/);
  assert.match(notIncluded, /aks-stg-old — .*1\.32\.6/);
  assert.match(notIncluded, /aks-stg-sp — .*service principal, not a managed identity/);
  await wb.shot('bulk-01-confirmation');
  await dialog.getByRole('button', { name: 'Enable platform keys' }).click();

  // While the batch runs each cluster's row says where it is (the running step, or queued).
  // After the subscription's feature registration (the rows say "queued" meanwhile), the update runs: the row names the step.
  await clusterRow(page, 'aks-stg-novnet').locator('.label-description', { hasText: /Update|updating/i }).waitFor({ timeout: 60_000 });
  await page.locator('.notifications-toasts', { hasText: 'Enabling platform keys on 2 clusters' }).waitFor({ timeout: 30_000 });
  await wb.shot('bulk-02-progress');

  // The end: the summary opens as Markdown, and the rows show PMK.
  const editor = page.locator('.editor-instance', { hasText: '2 done, 2 skipped, 0 failed' });
  await editor.waitFor({ timeout: 120_000 });
  await page.locator('.notifications-toasts', { hasText: 'Platform keys batch: 2 done, 2 skipped, 0 failed.' }).waitFor({ timeout: 30_000 });
  await clusterRow(page, 'aks-stg-novnet').locator('.label-description', { hasText: /^PMK$/ }).waitFor({ timeout: 30_000 });
  assert.match(await editor.innerText(), /aks-stg-old[\s\S]*skipped[\s\S]*1\.32\.6/);
  await wb.shot('bulk-03-summary');
});
