// The extension in Simplified Chinese (workbench locale zh-cn): the tree, a cluster's hover and the CMK wizard use the
// zh-cn bundles (l10n/bundle.l10n.zh-cn.json, package.nls.zh-cn.json). Screenshots: test-results/screenshots/zh-cn-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hoverUntilText, runCommand, runContextMenu, signedInWorkbench, treeRow } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await signedInWorkbench({ locale: 'zh-cn', viewport: { width: 1500, height: 950 }, signInLabel: '登录到 Azure', waitForRow: 'aks-prod-cmk-public' });
});
after(async () => {
  await wb?.close();
});

test('zh-cn: the tree shows states and subscription summaries in Chinese', async () => {
  const { page } = wb;
  assert.equal((await treeRow(page, 'aks-prod-cmk-public').locator('.label-description').textContent())?.trim(), 'CMK · 公共');
  assert.equal((await treeRow(page, 'aks-prod-plain').locator('.label-description').textContent())?.trim(), '未加密');
  await treeRow(page, 'Contoso Production').locator('.label-description', { hasText: '已加密' }).waitFor();
  await wb.shot('zh-cn-01-tree');
});

test('zh-cn: the hover shows the rotation age in Chinese', async () => {
  const { page } = wb;
  // The rotation age comes with the key health, read in the background after listing: re-hover until it is there.
  const hover = await hoverUntilText(page, treeRow(page, 'aks-prod-cmk-public').locator('.label-name'), '当前版本创建于');
  assert.match(await hover.innerText(), /12 天前/);
  await wb.shot('zh-cn-02-hover');
  await page.mouse.move(5, 900);
});

test('zh-cn: the CMK wizard is in Chinese', async () => {
  const { page } = wb;
  await runContextMenu(page, treeRow(page, 'aks-prod-plain'), /启用 KMS/);
  const wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#configure h2', { hasText: '配置客户管理的密钥' }).waitFor({ timeout: 30_000 });
  await page.mouse.move(900, 900);
  await wb.shot('zh-cn-03-wizard');
});

// Preflight runs in the lazily loaded Azure bundle (dist/azure.js), which has its own copy of the l10n library: its
// findings must be Chinese too (src/azure/lazySdk.ts hands it the bundle).
test('zh-cn: preflight findings from the lazily loaded Azure bundle are in Chinese', async () => {
  const { page } = wb;
  const wizard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await wizard.locator('#vaultName input').fill('kvzhcnwizard01');
  await wizard.locator('#check').click();
  await wizard.locator('#plan').waitFor({ timeout: 30_000 });
  const irreversible = wizard.locator('li.finding[data-code="irreversible"] > span');
  await irreversible.waitFor({ timeout: 10_000 });
  assert.match((await irreversible.innerText()).trim(), /^新的 KMS 体验一旦启用便无法禁用/);
  await wb.shot('zh-cn-03b-preflight');
});

test('zh-cn: the walkthrough and its pages are in Chinese', async () => {
  const { page } = wb;
  await page.keyboard.press('Escape');
  await runCommand(page, 'AKS KMS: 入门');
  const container = page.locator('.gettingStartedContainer');
  await container.filter({ hasText: 'AKS KMS 入门' }).waitFor({ timeout: 30_000 });
  // The step's page is markdown rendered in a webview: the zh-cn copy is shown.
  const media = page.frameLocator('.gettingStartedContainer iframe.webview.ready').frameLocator('#active-frame');
  await media.locator('h1', { hasText: '登录到 Azure' }).waitFor({ timeout: 30_000 });
  await wb.shot('zh-cn-04-walkthrough');
});
