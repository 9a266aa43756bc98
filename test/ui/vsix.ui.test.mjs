// The packaged extension, not the development path: `npm run package` builds the VSIX, the workbench installs it
// with `--install-extension` into a fresh profile, and a user's first minutes work from it — sign in, the fleet tree
// with every state, a hover, and the CMK wizard. Screenshots: test-results/screenshots/vsix-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../harness/lib.mjs';
import { acceptSignInConsent, activityBarEntry, hoverUntilText, runContextMenu, startWorkbench, treeRow } from '../harness/ui.mjs';

const VSIX = path.join(ROOT, 'dist/aks-kms.vsix');
let wb;
before(async () => {
  const built = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  assert.ok(fs.existsSync(VSIX));
  wb = await startWorkbench({ vsix: VSIX, viewport: { width: 1500, height: 950 } });
});
after(async () => {
  await wb?.close();
});

test('installed from the VSIX (no development path), the extension signs in and lists the fleet', async () => {
  const { page } = wb;
  assert.doesNotMatch(wb.url, /extensionDevelopmentPath/);
  await activityBarEntry(page, 'AKS KMS').first().click();
  await page.locator('.part.sidebar .monaco-button', { hasText: 'Sign in to Azure' }).click();
  await acceptSignInConsent(page);
  await treeRow(page, 'aks-stg-legacy').waitFor({ timeout: 60_000 });
  assert.equal((await treeRow(page, 'aks-stg-legacy').locator('.label-description').textContent())?.trim(), 'legacy KMS');
  assert.equal((await treeRow(page, 'aks-prod-cmk-private').locator('.label-description').textContent())?.trim(), 'CMK · private');
  await wb.shot('vsix-01-tree');
});

test('from the VSIX: the hover and the wizard (webview bundle, codicons, CSS) load', async () => {
  const { page } = wb;
  // The rotation age comes with the key health, read in the background after listing: re-hover until it is there.
  await hoverUntilText(page, treeRow(page, 'aks-prod-cmk-private').locator('.label-name'), 'current version created 30 days ago');
  await page.mouse.move(900, 900);
  await runContextMenu(page, treeRow(page, 'aks-prod-plain'), 'Enable KMS (CMK)…');
  const wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#check').waitFor({ timeout: 30_000 });
  await wb.shot('vsix-02-wizard');
});
