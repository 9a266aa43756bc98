// Test harness helpers: run a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with a throw-away profile,
// drive it with Debian's chromium through playwright-core, and point it at the local Azure emulator.
// Used by test/harness/run-extension-tests.mjs, test/harness/ui.mjs, scripts/start.mjs and scripts/test.mjs.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const execFileP = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER = process.env.CODE_SERVER_ENTRY
  || path.join(ROOT, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const COMPANION_DIR = path.join(ROOT, 'test/emulator-auth');
export const COMPANION_ID = 'aks-kms.aks-kms-emulator-auth';
export const EXTENSION_ID = 'aks-kms.aks-kms';
export const RESULTS_DIR = path.join(ROOT, 'test-results');
/** The ids the Azure sign-in library asks for: `microsoft` (public Azure) and `microsoft-sovereign-cloud` (the rest). */
export const AUTH_PROVIDER_IDS = ['microsoft-sovereign-cloud', 'microsoft'];

/** Settings every harness profile starts with: no welcome page, tips, telemetry, update or gallery chatter. */
export const BASE_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The extension host's proxy support adds the system CA store to every TLS context (addCACert), and Node then
  // builds that context's store without NODE_EXTRA_CA_CERTS: the emulator's self-signed certificate would be
  // rejected. Off, Node's default store (with NODE_EXTRA_CA_CERTS) is used, as in any Node process.
  'http.systemCertificates': false,
});

export function codeServerInstalled() {
  return fs.existsSync(CODE_SERVER);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:port (and we may bind it). */
export function portIsFree(port) {
  return new Promise(resolve => {
    const s = net.createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------ profiles

/**
 * A profile: user data (settings), extensions dir, XDG/TMP dirs, chromium data, an empty workspace folder.
 * Throw-away under tmp/ by default; `dir` gives a persistent one (npm start).
 */
export function mkProfile(tag, { settings = {}, dir } = {}) {
  let root = dir;
  if (root) fs.mkdirSync(root, { recursive: true });
  else {
    fs.mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    root = fs.mkdtempSync(path.join(ROOT, 'tmp', `${tag}-`));
  }
  const profile = {
    dir: root,
    userData: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    remove() { fs.rmSync(root, { recursive: true, force: true }); },
  };
  for (const d of [path.join(profile.userData, 'User'), profile.extensionsDir, profile.workspace]) fs.mkdirSync(d, { recursive: true });
  writeSettings(profile, { ...BASE_SETTINGS, ...settings });
  return profile;
}

/** Merges `settings` into the profile's user settings.json (top-level keys replaced). */
export function writeSettings(profile, settings) {
  const file = path.join(profile.userData, 'User', 'settings.json');
  let current = {};
  try { current = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* new or unreadable: start over */ }
  fs.writeFileSync(file, `${JSON.stringify({ ...current, ...settings }, null, 2)}\n`);
}

/** Env that keeps code-server / chromium state (config.yaml, logs, ipc sockets, crash dumps) inside the profile. */
export function sandboxEnv(profile) {
  const env = {
    XDG_CONFIG_HOME: path.join(profile.dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(profile.dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(profile.dir, 'xdg-cache'),
    TMPDIR: path.join(profile.dir, 'tmp'),
  };
  for (const d of Object.values(env)) fs.mkdirSync(d, { recursive: true });
  return env;
}

// ------------------------------------------------------------------------------------------------ emulator

/**
 * The VS Code settings that select the emulator as a custom cloud, exactly as a user selects Azure Stack Hub
 * (docs/CONTRACTS.md): `microsoft-sovereign-cloud.environment` = `custom` and the cloud's endpoints in
 * `microsoft-sovereign-cloud.customEnvironment`. A posing emulator (`--cloud`) is selected like the cloud it poses as.
 */
export function emulatorSettings(info) {
  if (info.cloud === 'AzureChinaCloud') return { 'microsoft-sovereign-cloud.environment': 'ChinaCloud' };
  if (info.cloud === 'AzureUSGovernment') return { 'microsoft-sovereign-cloud.environment': 'USGovernment' };
  if (info.cloud === 'AzureCloud') return { 'microsoft-sovereign-cloud.environment': null };
  return {
    'microsoft-sovereign-cloud.environment': 'custom',
    'microsoft-sovereign-cloud.customEnvironment': {
      name: 'Local emulator',
      portalUrl: info.portalUrl,
      managementEndpointUrl: `${info.armEndpoint}/`,
      resourceManagerEndpointUrl: `${info.armEndpoint}/`,
      activeDirectoryEndpointUrl: 'https://login.microsoftonline.com/',
      activeDirectoryResourceId: `${info.armEndpoint}/`,
      keyVaultDnsSuffix: info.keyVaultDnsSuffix,
    },
  };
}

/**
 * Loads a TypeScript module of the repo (the emulator's client) through tsx's CommonJS loader, without
 * `--import tsx`. (CommonJS, because the repo's .ts files are CommonJS and use __dirname.)
 */
export function requireTs(rel) {
  return require('tsx/cjs/api').require(path.join(ROOT, rel), import.meta.url);
}

/**
 * Starts the emulator process (test/emulator/client.ts startEmulatorProcess) and writes its info file.
 * Returns {info, infoFile, env, stop()} where env = {NODE_EXTRA_CA_CERTS, AKS_KMS_EMULATOR_INFO}.
 */
export async function startEmulator({ infoFile, tlsDir, port, ...rest } = {}) {
  const { startEmulatorProcess } = requireTs('test/emulator/client.ts');
  let ownDir;
  if (!infoFile) {
    fs.mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    ownDir = fs.mkdtempSync(path.join(ROOT, 'tmp', 'emulator-'));
    infoFile = path.join(ownDir, 'emulator-info.json');
  }
  const removeOwnDir = () => { if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true }); };
  let emu;
  try {
    emu = await startEmulatorProcess({ infoFile, tlsDir: tlsDir ?? path.join(path.dirname(infoFile), 'tls'), port, ...rest });
  } catch (e) {
    removeOwnDir();
    throw e;
  }
  return {
    info: emu.info,
    infoFile,
    env: { NODE_EXTRA_CA_CERTS: emu.info.caCertPath, AKS_KMS_EMULATOR_INFO: infoFile },
    child: emu.child,
    stop: async () => { await emu.stop(); removeOwnDir(); },
  };
}

// ------------------------------------------------------------------------------------------------ code-server

function codeServerArgs(profile) {
  return ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensionsDir];
}

/** One-shot code-server CLI call against the profile (install / list extensions). */
export async function codeServerCli(profile, args, { timeoutMs = 120_000 } = {}) {
  const { stdout, stderr } = await execFileP(process.execPath, [CODE_SERVER, ...codeServerArgs(profile), ...args], {
    env: { ...process.env, ...sandboxEnv(profile) }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024,
  });
  return { stdout, stderr };
}

/** `code-server --install-extension <vsix>` into the profile's extensions dir (offline for a local file). */
export async function installVsix(profile, vsix) {
  return codeServerCli(profile, ['--install-extension', path.resolve(vsix), '--force']);
}

/** Ids (publisher.name) that `code-server --list-extensions` reports for the profile. */
export async function listExtensions(profile) {
  const { stdout } = await codeServerCli(profile, ['--list-extensions']);
  return stdout.split('\n').map(s => s.trim()).filter(s => /^[\w-]+\.[\w.-]+$/.test(s));
}

/**
 * Makes an unpacked extension folder available in the profile without packaging it: a symlink (or copy) named
 * `<publisher>.<name>-<version>` in the extensions dir plus its entry in the dir's extensions.json, as
 * `--install-extension` writes it. (code-server 4.100.3 scans the folders only while extensions.json does not
 * exist yet; once it does — e.g. after a VSIX install — a folder without an entry there is ignored.)
 */
export function linkExtension(profile, sourceDir, { copy = false } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(sourceDir, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`.toLowerCase();
  const folder = `${id}-${pkg.version}`;
  const target = path.join(profile.extensionsDir, folder);
  fs.rmSync(target, { recursive: true, force: true });
  if (copy) fs.cpSync(sourceDir, target, { recursive: true, dereference: true });
  else fs.symlinkSync(path.resolve(sourceDir), target, 'junction'); // 'junction': Windows needs no privilege for it; ignored elsewhere
  const manifest = path.join(profile.extensionsDir, 'extensions.json');
  let entries = [];
  try { entries = JSON.parse(fs.readFileSync(manifest, 'utf8')); } catch { /* none yet */ }
  entries = entries.filter(e => e?.identifier?.id?.toLowerCase() !== id);
  entries.push({
    identifier: { id },
    version: pkg.version,
    location: { $mid: 1, fsPath: target, external: `file://${target}`, path: target, scheme: 'file' },
    relativeLocation: folder,
    metadata: { installedTimestamp: Date.now(), pinned: true, source: 'vsix' },
  });
  fs.writeFileSync(manifest, JSON.stringify(entries));
  return { id, folder, target };
}

/** Installs the emulator sign-in companion (test/emulator-auth) into the profile. */
export function installCompanion(profile) {
  return linkExtension(profile, COMPANION_DIR, { copy: true });
}

/**
 * The built-in extensions of code-server minus VS Code's Microsoft authentication, as links in the profile: the
 * companion (test/emulator-auth) serves the provider ids that extension holds (`microsoft`,
 * `microsoft-sovereign-cloud`), and two providers of one id cannot coexist. code-server has no
 * `--disable-extension`; `--builtin-extensions-dir` (a hidden option of its CLI) pointed at this folder is the
 * profile's way to leave one built-in out.
 */
export function builtinExtensionsWithoutMicrosoftAuth(profile) {
  const source = path.join(path.dirname(CODE_SERVER), '..', '..', 'lib', 'vscode', 'extensions');
  const target = path.join(profile.dir, 'builtin-extensions');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source)) {
    if (entry === 'microsoft-authentication') continue;
    fs.symlinkSync(path.join(source, entry), path.join(target, entry), 'junction');
  }
  return target;
}

/**
 * Starts code-server; resolves once its HTTP server listens. Env reaches the extension host
 * (NODE_EXTRA_CA_CERTS, AKS_KMS_EMULATOR_INFO, EXT_TEST_RESULTS …).
 */
export async function startCodeServer({ port, profile, extraArgs = [], env = {}, log = () => {}, timeoutMs = 60_000 }) {
  const config = path.join(profile.dir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [CODE_SERVER,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--config', config,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--builtin-extensions-dir', builtinExtensionsWithoutMicrosoftAuth(profile),
    ...codeServerArgs(profile), ...extraArgs];
  const t0 = Date.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...sandboxEnv(profile), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const logFile = fs.createWriteStream(path.join(profile.dir, 'code-server.log'), { flags: 'a' });
  let onListening;
  const exited = new Promise(resolve => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    onListening = resolve;
    exited.then(({ code, signal }) => reject(new Error(`code-server exited early (code ${code}, signal ${signal}); see ${logFile.path}`)));
    setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms; see ${logFile.path}`)), timeoutMs).unref();
  });
  for (const s of [child.stdout, child.stderr]) {
    s.on('data', d => {
      logFile.write(d);
      const text = d.toString();
      log(text);
      if (/HTTP server listening/.test(text)) onListening();
    });
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
    await exited;
    clearTimeout(timer);
    logFile.end();
  };
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, port, startMs: Date.now() - t0, origin: `http://127.0.0.1:${port}`, stop };
}

/**
 * The workbench URL. Development extensions and tests go into the `payload` query parameter as
 * vscode-remote URIs with the page's own authority (code-server rejects --extensionDevelopmentPath).
 */
export function workbenchUrl({ port, folder, devPaths = [], testsPath }) {
  const authority = `127.0.0.1:${port}`;
  const remote = p => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = devPaths.map(p => ['extensionDevelopmentPath', remote(p)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${authority}/${q.length ? `?${q.join('&')}` : ''}`;
}

// ------------------------------------------------------------------------------------------------ chromium

/** Headless Debian chromium with its own user-data-dir in the profile. */
export async function launchChromium(profile, { viewport = { width: 1400, height: 900 }, locale } = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launchPersistentContext(path.join(profile.dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale,
    env: { ...process.env, ...sandboxEnv(profile) },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * Lets the given extensions use the emulator's sign-in without VS Code's consent dialog, by adding them to the
 * page's product configuration (`trustedExtensionAuthAccess`, as product.json does for built-in extensions).
 * Needed for extension-host tests: there the workbench refuses to show any dialog ("refused to show dialog in
 * tests"), so an untrusted extension could never read a session. Only the test browser's copy of the workbench
 * configuration changes: an init script wraps the one getAttribute call that reads it (rewriting the HTML with
 * page.route instead makes Chromium treat the page as non-local and block its loopback WebSocket).
 */
export async function trustAuthAccess(page, extensionIds = [EXTENSION_ID, COMPANION_ID], providerIds = AUTH_PROVIDER_IDS) {
  await page.addInitScript(({ providerIds, extensionIds }) => {
    const proto = globalThis.Element.prototype; // runs in the page
    const original = proto.getAttribute;
    proto.getAttribute = function getAttribute(name) {
      const value = original.call(this, name);
      if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value) return value;
      const config = JSON.parse(value);
      const trusted = { ...(config.productConfiguration?.trustedExtensionAuthAccess ?? {}) };
      for (const id of providerIds) trusted[id] = extensionIds;
      config.productConfiguration = { ...config.productConfiguration, trustedExtensionAuthAccess: trusted };
      return JSON.stringify(config);
    };
  }, { providerIds, extensionIds });
}

/** Extension-host log lines the harness does not need to show (offline gallery lookups and the like). */
export const NOISE = /ENOTFOUND open-vsx\.org|getaddrinfo .*open-vsx|marketplace|Failed to fetch|\[unexpected operator\]/i;
