// Smoke test of the UI harness in Simplified Chinese: startWorkbench({locale: 'zh-cn'}) registers the test
// language pack, so the workbench (and vscode.env.language in the extension host) is zh-cn.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWorkbench } from '../harness/ui.mjs';

let wb;
before(async () => {
  wb = await startWorkbench({ locale: 'zh-cn' });
});
after(async () => {
  await wb?.close();
});

test('zh-cn: core strings come from the test language pack and CJK text renders', async () => {
  await wb.page.keyboard.press('Control+Shift+E');
  const newFile = wb.page.locator('.part.sidebar .action-label[aria-label^="新建文件"]');
  await newFile.first().waitFor({ timeout: 30_000 });
  assert.ok(await newFile.count() >= 1);
  await newFile.first().hover();
  await wb.page.locator('.workbench-hover, .monaco-hover', { hasText: '新建文件' }).first().waitFor({ timeout: 10_000 });
  await wb.shot('harness-zh-cn-explorer');
});
