#!/usr/bin/env node
// `npm start`: try AKS KMS in a real VS Code (code-server, in your browser) against the local Azure emulator —
// no Azure account needed. Builds, installs code-server if missing, starts the emulator and code-server with a
// persistent profile (.vscode-test/start-profile) in which the extension and the emulator's sign-in are installed.
//
//   npm start                 # http://127.0.0.1:8080 (PORT=… to change; a free port if taken); Ctrl+C stops
//   npm start -- --open       # the same, and open the URL in your default browser
//   npm start -- --check      # start everything, open the page once in headless chromium, print OK, exit
//
// Runs on Linux, macOS and Windows with Node 20 and npm: code-server comes from npm (scripts/setup-code-server.mjs;
// apt-get only on Debian/Ubuntu, and only for what is missing). No browser is needed except for --check, which
// drives Chromium (CHROMIUM=<path> for another Chromium or Chrome).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CHROMIUM, ROOT, emulatorSettings, freePort, installCompanion, launchChromium, linkExtension, mkProfile, portIsFree,
  startCodeServer, startEmulator, writeSettings,
} from '../test/harness/lib.mjs';
import { setupCodeServer } from './setup-code-server.mjs';

const { values: o } = parseArgs({ options: {
  check: { type: 'boolean', default: false },
  open: { type: 'boolean', default: false },
  port: { type: 'string' },
  'no-build': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '120' },
} });
const T0 = Date.now();
const say = msg => console.log(`[start ${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const die = msg => { console.error(`[start] ${msg}`); process.exit(1); };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) die(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

if (!o['no-build']) {
  say('building (node esbuild.mjs)');
  run(process.execPath, ['esbuild.mjs']);
}
try {
  setupCodeServer({ withChromium: o.check });
} catch (e) {
  die(e?.message ?? String(e));
}
if (o.check && !fs.existsSync(CHROMIUM)) die(`--check drives Chromium headless, and there is none at ${CHROMIUM}: set CHROMIUM to a Chromium or Google Chrome executable`);

// The persistent profile keeps the user's settings, sign-in and window state between runs. `--check` uses a
// throw-away one so that it never disturbs a running `npm start`.
const profile = o.check
  ? mkProfile('start-check')
  : mkProfile('start', { dir: path.join(ROOT, '.vscode-test/start-profile') });

const children = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children.reverse()) await c().catch(() => {});
  if (o.check) profile.remove();
  process.exit(code);
}
process.on('SIGINT', () => { say('stopping'); void stopAll(0); });
process.on('SIGTERM', () => void stopAll(0));

try {
  const emulator = await startEmulator({
    infoFile: path.join(profile.dir, 'emulator-info.json'),
    tlsDir: path.join(ROOT, '.vscode-test/emulator-tls'),
  });
  children.push(() => emulator.stop());
  say(`emulator ready at ${emulator.info.armEndpoint}`);

  writeSettings(profile, emulatorSettings(emulator.info));
  installCompanion(profile);
  // The extension itself, linked into the profile like an installed extension: a plain URL that survives reloads,
  // and a rebuild (npm run watch) shows up on "Developer: Reload Window".
  linkExtension(profile, ROOT);

  const wanted = Number(o.port ?? process.env.PORT ?? (o.check ? 0 : 8080));
  let port = wanted;
  if (!port || !(await portIsFree(port))) {
    port = await freePort();
    if (wanted) say(`port ${wanted} is taken; using ${port}`);
  }
  const cs = await startCodeServer({ port, profile, env: emulator.env });
  children.push(() => stopCodeServer(cs));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folderParam(profile.workspace))}`;

  if (o.check) {
    const browser = await launchChromium(profile);
    children.push(() => browser.close());
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: Number(o.timeout) * 1000 });
    // The extension's activity-bar entry proves the extension was loaded from the profile, not just the workbench.
    const title = viewContainerTitle();
    if (title) await page.locator('.part.activitybar').getByRole('tab', { name: new RegExp(`^${title}`) }).waitFor({ timeout: Number(o.timeout) * 1000 });
    fs.mkdirSync(path.join(ROOT, 'test-results/screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results/screenshots/npm-start-check.png') });
    say(`workbench rendered${title ? ` with the "${title}" activity-bar entry` : ''} at ${url}`);
    console.log('OK');
    await stopAll(0);
  } else {
    console.log(`\nAKS KMS is running against the local Azure emulator: open ${url}`);
    console.log('Sign in from the AKS KMS view (VS Code asks once to allow "Azure (local emulator)"). Ctrl+C stops.\n');
    if (o.open) openInBrowser(url);
  }
} catch (e) {
  console.error(`[start] ${e?.stack ?? e}`);
  await stopAll(1);
}

/**
 * The workbench's `folder` query value: a path starting with '/' is a vscode-remote path on the server, so a
 * Windows path becomes /C:/Users/… (any other value would be parsed as a URI).
 */
function folderParam(p) {
  return process.platform === 'win32' ? `/${p.replace(/\\/g, '/')}` : p;
}

/**
 * Stops code-server. The harness signals its process group (POSIX); Windows has none, so there the process tree
 * is ended with taskkill.
 */
async function stopCodeServer(cs) {
  if (process.platform === 'win32' && cs.child.exitCode === null && cs.child.signalCode === null) {
    const exited = new Promise(resolve => cs.child.once('exit', resolve));
    spawnSync('taskkill', ['/pid', String(cs.child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))]);
  }
  await cs.stop();
}

/** Opens `url` in the user's default browser (best effort: the URL is printed anyway). */
function openInBrowser(url) {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
      : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true, windowsHide: true });
    child.on('error', e => say(`could not open a browser (${cmd}: ${e.message}); open the URL yourself`));
    child.unref();
  } catch (e) {
    say(`could not open a browser (${e.message}); open the URL yourself`);
  }
}

/** The title of the extension's first activity-bar view container (resolving %key% from package.nls.json). */
function viewContainerTitle() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  let title = pkg.contributes?.viewsContainers?.activitybar?.[0]?.title;
  const m = /^%(.+)%$/.exec(title ?? '');
  if (m) {
    try { title = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'))[m[1]]; } catch { title = undefined; }
  }
  return title?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
