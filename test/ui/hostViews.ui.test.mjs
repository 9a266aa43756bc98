// The KMS actions on AKS clusters in the Azure Resources view and the AKS (Kubernetes cloud explorer) view, right-clicked
// as a user does. The real hosts cannot be installed offline, so test/host-views stands in for them: the same view ids,
// the items' real context values and command arguments (sources cited there). What is proven here is that VS Code
// evaluates our `when` clauses as intended on those values, and that each entry runs our flow for that cluster.
// Screenshots: test-results/screenshots/host-views-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activityBarEntry, runCommand, signedInWorkbench, treeRow } from '../harness/ui.mjs';

const ACTIONS = ['Show KMS State', 'Enable KMS (CMK)…', 'Enable Platform Keys', 'Migrate to Platform Keys', 'Rotate Key Now', 'Export as Infrastructure as Code…'];

let wb;
before(async () => {
  wb = await signedInWorkbench({ viewport: { width: 1500, height: 950 }, waitForRow: 'aks-prod-plain', extensions: ['test/host-views'] });
});
after(async () => {
  await wb?.close();
});

/** Shows a view container (clicking the entry of the one already shown would hide the side bar). */
async function showContainer(page, title) {
  const entry = activityBarEntry(page, title);
  if ((await entry.getAttribute('aria-selected')) !== 'true') await entry.click();
}

/** A row of the view container shown now (a hidden container keeps its rows in the page). */
const row = (page, text) => treeRow(page, text).filter({ visible: true });
const menu = page => page.locator('.context-view .monaco-menu');

/** Right-clicks `target` and returns the entries of the context menu that opens (none: no menu within 2 s). */
async function openMenu(page, target) {
  await target.click({ button: 'right' });
  try {
    await menu(page).getByRole('menuitem').first().waitFor({ timeout: 2_000 });
  } catch {
    return [];
  }
  return (await menu(page).getByRole('menuitem').allInnerTexts()).map(t => t.split('\n')[0].trim()).filter(Boolean);
}

async function closeMenu(page) {
  await page.keyboard.press('Escape');
  await menu(page).waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
}

/** Clicks an entry of the open menu; the menu ignores mouse-ups in its first 100 ms (harness README). */
async function pick(page, item) {
  await page.waitForTimeout(250);
  await menu(page).getByRole('menuitem', { name: item }).click();
  await menu(page).waitFor({ state: 'detached', timeout: 10_000 });
}

test('Azure Resources: a cluster offers the KMS actions; Show KMS State previews it and selects it in AKS KMS', async () => {
  const { page } = wb;
  await showContainer(page, 'Azure');
  const cluster = row(page, 'aks-prod-plain');
  await cluster.waitFor({ timeout: 30_000 });
  const entries = await openMenu(page, cluster);
  assert.deepEqual(entries.slice(-ACTIONS.length), ACTIONS, `menu: ${JSON.stringify(entries)}`);
  await wb.shot('host-views-01-azure-context-menu');
  await pick(page, 'Show KMS State');

  // Our view is shown with the cluster selected, and the preview renders the hover's facts.
  const selected = row(page, 'aks-prod-plain').and(page.locator('[aria-selected="true"]'));
  await selected.waitFor({ timeout: 30_000 });
  assert.match(await selected.innerText(), /not encrypted/);
  await page.locator('.tabs-container .tab', { hasText: 'Preview aks-prod-plain.kms.md' }).waitFor({ timeout: 30_000 });
  const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('body');
  await preview.getByText('aks-prod-plain — not encrypted').waitFor({ timeout: 30_000 });
  assert.match(await preview.innerText(), /Kubernetes\s+1\.33\.2/);
  await wb.shot('host-views-02-kms-state');
});

test('Azure Resources: the clusters\' type group and a key vault get none of them; the focused view\'s cluster does', async () => {
  const { page } = wb;
  await showContainer(page, 'Azure');
  assert.deepEqual(await openMenu(page, row(page, 'ContainerServiceManagedClusters')), [], 'type group');
  await closeMenu(page);
  assert.deepEqual(await openMenu(page, row(page, 'kvprodpublic')), [], 'key vault');
  await closeMenu(page);
  const focused = await openMenu(page, row(page, 'aks-fab-pmk'));
  assert.deepEqual(focused.slice(-ACTIONS.length), ACTIONS, `azureFocusView menu: ${JSON.stringify(focused)}`);
  await closeMenu(page);
});

test('Azure Resources: a cluster AKS KMS cannot read is named, with why and the fix', async () => {
  const { page } = wb;
  await showContainer(page, 'Azure');
  await openMenu(page, row(page, 'aks-ghost'));
  await pick(page, 'Show KMS State');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Cannot act on cluster aks-ghost: AKS KMS could not read it.' });
  await toast.waitFor({ timeout: 30_000 });
  await toast.getByRole('button', { name: 'Refresh' }).waitFor({ timeout: 5_000 });
  await page.waitForTimeout(500); // the toast fades in
  await wb.shot('host-views-03-cannot-read');
  await runCommand(page, 'Notifications: Clear All Notifications');
});

test('AKS view: a cluster offers the KMS actions; Enable Platform Keys asks about that cluster', async () => {
  const { page } = wb;
  await showContainer(page, 'Kubernetes');
  const cluster = row(page, 'aks-fab-plain');
  await cluster.waitFor({ timeout: 30_000 });
  const entries = await openMenu(page, cluster);
  assert.deepEqual(entries.slice(-ACTIONS.length), ACTIONS, `menu: ${JSON.stringify(entries)}`);
  await wb.shot('host-views-04-aks-context-menu');
  await pick(page, 'Enable Platform Keys');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'Encrypt Kubernetes Secrets in aks-fab-plain with platform-managed keys?' });
  await dialog.waitFor({ timeout: 30_000 });
  await wb.shot('host-views-05-aks-enable-pmk-confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });

  assert.deepEqual(await openMenu(page, row(page, 'fleet-fab')), [], 'a fleet is not a cluster');
  await closeMenu(page);
});
