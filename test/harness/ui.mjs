// Shared Playwright setup for the UI tests (test/ui/*.ui.test.mjs, node:test, one workbench per file):
//
//   const wb = await startWorkbench({ settings, locale: 'zh-cn', vsix: 'dist/aks-kms.vsix', trustAuth: false });
//   await wb.page.…; await wb.shot('01-tree'); await wb.close();
//
// Starts the emulator, a code-server profile (companion sign-in installed, emulator settings written), headless
// chromium, and opens the workbench with the extension under development (or, with `vsix`, the VSIX installed by
// `code-server --install-extension` and no development path). Screenshots go to test-results/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import {
  NOISE, RESULTS_DIR, ROOT, codeServerInstalled, emulatorSettings, freePort, installCompanion, installVsix,
  launchChromium, linkExtension, mkProfile, requireTs, startCodeServer, startEmulator, trustAuthAccess, workbenchUrl, writeSettings,
} from './lib.mjs';

export const SCREENSHOTS_DIR = path.join(RESULTS_DIR, 'screenshots');
const LANGUAGE_PACK_DIR = path.join(ROOT, 'test/harness/language-pack-zh-hans');

/**
 * Registers the minimal zh-cn test language pack in the profile. `--locale zh-cn` alone is ignored by
 * code-server unless <user-data>/languagepacks.json names a pack for that locale (the CLI install does not
 * write that file), and without it `vscode.env.language` stays `en`.
 */
function installLanguagePack(profile, locale) {
  if (locale !== 'zh-cn') throw new Error(`startWorkbench: only the zh-cn test language pack exists (asked for ${locale})`);
  const { id, target } = linkExtension(profile, LANGUAGE_PACK_DIR, { copy: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(LANGUAGE_PACK_DIR, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(profile.userData, 'languagepacks.json'), JSON.stringify({
    [locale]: {
      hash: `aks-kms-test-pack-${pkg.version}`,
      label: '中文(简体)',
      extensions: [{ extensionIdentifier: { id }, version: pkg.version }],
      translations: { vscode: path.join(target, 'translations/main.i18n.json') },
    },
  }));
}

/**
 * @param {object} [opts]
 * @param {Record<string, unknown>} [opts.settings] extra user settings (merged over the emulator's)
 * @param {string} [opts.locale] e.g. 'zh-cn'
 * @param {string} [opts.vsix] install this VSIX instead of loading the extension as a development path
 * @param {boolean} [opts.trustAuth] skip VS Code's "wants to sign in" consent dialog (default: show it, as for a user)
 * @param {import('../emulator/client').StartEmulatorOptions} [opts.emulator] extra emulator options
 * @param {{width: number, height: number}} [opts.viewport]
 * @param {string[]} [opts.extensions] unpacked test extensions to install too (folders with a package.json, e.g. test/host-views)
 */
export async function startWorkbench({ settings = {}, locale, vsix, trustAuth = false, emulator: emulatorOptions = {}, viewport, extensions = [] } = {}) {
  if (!codeServerInstalled()) throw new Error('code-server is not installed: bash scripts/setup-code-server.sh');
  if (!vsix && !fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js missing: node esbuild.mjs');
  const T0 = Date.now();
  const profile = mkProfile('ui');
  const cleanup = [];
  const logLines = [];
  try {
    const emulator = await startEmulator({ infoFile: path.join(profile.dir, 'emulator', 'info.json'), ...emulatorOptions });
    cleanup.push(() => emulator.stop());
    writeSettings(profile, { ...emulatorSettings(emulator.info), ...settings });
    installCompanion(profile);
    for (const dir of extensions) linkExtension(profile, path.resolve(ROOT, dir), { copy: true });
    if (vsix) await installVsix(profile, vsix);
    const extraArgs = [];
    if (locale) {
      installLanguagePack(profile, locale);
      extraArgs.push('--locale', locale);
    }
    const port = await freePort();
    const codeServer = await startCodeServer({ port, profile, extraArgs, env: emulator.env });
    cleanup.push(() => codeServer.stop());
    const browser = await launchChromium(profile, { viewport, locale });
    cleanup.push(() => browser.close());
    const page = browser.pages()[0] ?? await browser.newPage();
    if (trustAuth) await trustAuthAccess(page);
    page.on('pageerror', e => logLines.push(`[pageerror] ${e.message}`));
    page.on('console', m => { if (m.type() === 'error' && !NOISE.test(m.text())) logLines.push(`[console.error] ${m.text()}`); });
    const url = workbenchUrl({ port, folder: profile.workspace, devPaths: vsix ? [] : [ROOT] });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const startMs = Date.now() - T0;

    fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    let closed = false;
    return {
      page, browser, profile, emulator, codeServer, url, startMs, logLines,
      /** Saves test-results/screenshots/<name>.png and returns its path. */
      async shot(name) {
        const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      /** Stops chromium, code-server and the emulator; removes the profile unless `keep`. */
      async close({ keep = !!process.env.UI_KEEP_PROFILE } = {}) {
        if (closed) return;
        closed = true;
        for (const f of cleanup.reverse()) await f().catch(() => {});
        if (!keep) profile.remove();
      },
    };
  } catch (e) {
    for (const f of cleanup.reverse()) await f().catch(() => {});
    throw new Error(`startWorkbench failed (profile kept: ${profile.dir}): ${e?.message ?? e}`, { cause: e });
  }
}

/** Runs a command through the command palette by its visible title (e.g. 'AKS KMS: Refresh'). */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * Accepts VS Code's consent dialog ("The extension … wants to sign in using Azure (local emulator).") if it
 * appears within `timeoutMs`; returns whether it did. This is the one prompt a user sees when signing in.
 */
export async function acceptSignInConsent(page, { timeoutMs = 10_000 } = {}) {
  const dialog = page.locator('.monaco-dialog-box', { hasText: /wants to sign in/ });
  try {
    await dialog.waitFor({ timeout: timeoutMs });
  } catch {
    return false;
  }
  await dialog.getByRole('button', { name: /Allow/ }).click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  return true;
}

/** The activity-bar entry of a view container by its title (e.g. 'AKS KMS'). */
export function activityBarEntry(page, title) {
  return page.locator('.part.activitybar').getByRole('tab', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
}

/** Tree rows of the side bar, matched by visible text (a row's accessible name is its tooltip). */
export function treeRow(page, text) {
  return page.locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: text });
}

/**
 * A cluster's own row, by its name: its accessible name is "<name>, <state>…" (fleetTree.ts clusterItem). treeRow()
 * matches by text, and an expanded cluster's detail rows can repeat the name (e.g. "id-<name>").
 */
export function clusterRow(page, name) {
  return page.locator(`.part.sidebar .monaco-list-row[role="treeitem"][aria-label^="${name}, "]`);
}

/**
 * Right-clicks `target` (a locator, e.g. treeRow(page, 'aks-prod-plain')) and runs the context-menu entry `item`.
 * VS Code's menu ignores mouse-ups during its first 100 ms (so the right-click that opened it cannot pick an
 * entry); a click right after the menu appears is silently lost, hence the pause before clicking.
 */
export async function runContextMenu(page, target, item) {
  await target.click({ button: 'right' });
  const entry = page.locator('.context-view .monaco-menu').getByRole('menuitem', { name: item });
  await entry.waitFor({ timeout: 10_000 });
  await page.waitForTimeout(250);
  await entry.click();
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * A workbench signed in the way a user does it: open the AKS KMS view, press the welcome view's sign-in button,
 * allow VS Code's consent dialog, and wait until `waitForRow` is listed. `emulatorConfig` (admin API switches such as
 * LRO durations) is applied before signing in.
 */
export async function signedInWorkbench({ waitForRow, signInLabel = 'Sign in to Azure', emulatorConfig, ...options } = {}) {
  const wb = await startWorkbench(options);
  try {
    if (emulatorConfig) {
      const { emulatorAdmin } = requireTs('test/emulator/client.ts');
      await emulatorAdmin(wb.emulator.info).config(emulatorConfig);
    }
    await activityBarEntry(wb.page, 'AKS KMS').first().click();
    await wb.page.locator('.part.sidebar .monaco-button', { hasText: signInLabel }).click();
    await acceptSignInConsent(wb.page);
    await treeRow(wb.page, waitForRow).waitFor({ timeout: 60_000 });
    return wb;
  } catch (e) {
    await wb.close({ keep: true });
    throw e;
  }
}

/**
 * Hovers `target` until a hover containing `text` (a string or RegExp) shows, and returns that hover's locator. A
 * shown hover does not refresh: a tree item's tooltip resolved before its data arrived (e.g. a cluster hovered while
 * its key health still loads in the background, and redrawn when it arrives) stays as it was until the next hover.
 * So each attempt waits `attemptMs`, then moves the mouse away, lets the hover close, and hovers again — until
 * `timeoutMs` is spent, when it fails naming the text it last saw.
 */
export async function hoverUntilText(page, target, text, { timeoutMs = 60_000, attemptMs = 5_000, away = { x: 900, y: 700 } } = {}) {
  const hovers = page.locator('.monaco-hover, .workbench-hover');
  const wanted = hovers.filter({ hasText: text });
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let lastSeen = '';
  while (Date.now() < deadline) {
    attempts++;
    await target.hover();
    try {
      await wanted.first().waitFor({ timeout: Math.max(1, Math.min(attemptMs, deadline - Date.now())) });
      return wanted.first();
    } catch {
      lastSeen = (await hovers.first().innerText({ timeout: 500 }).catch(() => '')) || lastSeen;
    }
    await page.mouse.move(away.x, away.y);
    await hovers.first().waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => {});
  }
  throw new Error(`no hover with ${text} after ${attempts} hovers in ${timeoutMs} ms; last hover seen: ${JSON.stringify(lastSeen)}`);
}
