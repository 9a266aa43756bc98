#!/usr/bin/env node
// Installs code-server (a real VS Code 1.100.3 server) into .vscode-test/code-server from the npm registry, on Linux,
// macOS and Windows. Idempotent: returns at once when the right version is there. Offline-safe on Debian/Ubuntu
// (only the npm registry and apt are used there).
//
//   node scripts/setup-code-server.mjs                  # what `npm start` needs: code-server, nothing else
//   node scripts/setup-code-server.mjs --with-chromium  # + a Chromium for a headless check (`npm start -- --check`)
//   node scripts/setup-code-server.mjs --for-tests      # + what the tests need: chromium and CJK fonts
//   node scripts/setup-code-server.mjs --plan           # print what would be installed, change nothing
//   node scripts/setup-code-server.mjs --force          # install code-server again
//
// System packages: apt-get installs only on Debian/Ubuntu (ID / ID_LIKE in /etc/os-release), only what is missing,
// and only what the purpose needs: the build tools when code-server must be built, chromium and fonts-noto-cjk for
// the tests. Elsewhere nothing is installed; what looks missing is printed as a hint (planSystemPackages).
// `bash scripts/setup-code-server.sh` (npm test, npm run bench, .ci/run) is this with --for-tests.
//
// Env: CODE_SERVER_VERSION (default 4.100.3: the newest code-server whose engines.node is 20)
//      CODE_SERVER_DIR     (default <repo>/.vscode-test/code-server)
//      CHROMIUM            (the Chromium/Chrome the tests drive; default /usr/bin/chromium, as test/harness/lib.mjs)
//      AKS_KMS_OS_RELEASE  (an os-release file to read instead of /etc/os-release; to try the non-Debian path)
//      FORCE_NODE_VERSION  (code-server's own override of its Node 20 requirement; unsupported)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_VERSION = '4.100.3';
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const NODE_MAJOR = '20'; // code-server 4.100.x: engines.node "20"; its postinstall refuses any other major

const say = msg => console.log(`[setup-code-server] ${msg}`);

// ------------------------------------------------------------------------------------------------ pure decisions

/** `ID` and `ID_LIKE` of an os-release file's text (freedesktop os-release(5): KEY=value, optionally quoted). */
export function parseOsRelease(text) {
  const fields = {};
  for (const line of String(text).split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    fields[m[1]] = v;
  }
  return {
    id: (fields.ID ?? '').toLowerCase(),
    idLike: (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean),
  };
}

/** True on Linux whose os-release names Debian or Ubuntu as ID or in ID_LIKE (Ubuntu, Mint, Pop!_OS, Raspbian…). */
export function isDebianLike(platform, osRelease) {
  if (platform !== 'linux' || !osRelease) return false;
  return [osRelease.id, ...osRelease.idLike].some(x => x === 'debian' || x === 'ubuntu');
}

/**
 * What to apt-get install (Debian/Ubuntu only) and what to tell the user (elsewhere), for one run.
 *
 * @param {object} o
 * @param {NodeJS.Platform} o.platform                       process.platform
 * @param {{id: string, idLike: string[]} | undefined} o.osRelease parsed /etc/os-release (Linux), else undefined
 * @param {{build?: boolean, chromium?: boolean, cjkFonts?: boolean}} o.need
 *   build: code-server is about to be installed (its native modules are compiled: node-gyp, Kerberos headers…);
 *   chromium: a browser drives the workbench (tests, `npm start -- --check`); cjkFonts: zh-cn UI screenshots
 * @param {{rg?: boolean, cxx?: boolean, make?: boolean, python3?: boolean, pkgConfig?: boolean, krb5?: boolean,
 *   chromium?: boolean, cjkFonts?: boolean}} o.have what the machine has (probeSystem)
 * @returns {{apt: string[], hints: string[]}}
 */
export function planSystemPackages({ platform, osRelease, need, have }) {
  const linux = platform === 'linux';
  const missing = [];
  if (need.build) {
    // ripgrep: seeds @vscode/ripgrep's download cache (its postinstall would fetch rg from GitHub).
    if (linux && !have.rg) missing.push('ripgrep');
    if (linux && !have.krb5) missing.push('libkrb5-dev');
    if (platform !== 'win32' && (!have.cxx || !have.make)) missing.push('build-essential');
    if (!have.python3) missing.push('python3');
    if (linux && !have.pkgConfig) missing.push('pkg-config');
  }
  if (need.chromium && !have.chromium) missing.push('chromium');
  if (need.cjkFonts && linux && !have.cjkFonts) missing.push('fonts-noto-cjk');

  if (isDebianLike(platform, osRelease)) return { apt: missing, hints: [] };

  const hints = [];
  const build = missing.filter(p => p !== 'chromium' && p !== 'fonts-noto-cjk' && p !== 'ripgrep');
  if (platform === 'win32' && need.build) {
    hints.push('code-server\'s native modules are compiled on install: they need Visual Studio Build Tools with the '
      + '"Desktop development with C++" workload'
      + (build.includes('python3') ? ' and Python 3 (neither python3, python nor py is on PATH)' : ' and Python 3'));
  } else if (platform === 'darwin' && build.length) {
    hints.push(`code-server's native modules are compiled on install; missing ${build.join(', ')}: run xcode-select --install`);
  } else if (build.length) {
    hints.push(`code-server's native modules are compiled on install; missing ${build.join(', ')}: install a C/C++ `
      + 'compiler, make, Python 3, pkg-config and the Kerberos headers with your package manager (e.g. Fedora: '
      + 'dnf install gcc-c++ make python3 pkgconf-pkg-config krb5-devel)');
  }
  if (missing.includes('chromium')) {
    hints.push('no Chromium found: set CHROMIUM to a Chromium or Google Chrome executable (the UI tests and '
      + '`npm start -- --check` drive it headless)');
  }
  if (missing.includes('fonts-noto-cjk')) hints.push('no Noto CJK fonts: the zh-cn screenshots will show boxes (install Noto Sans CJK)');
  return { apt: [], hints };
}

/** The @vscode/ripgrep download-cache targets we can seed from a local `rg` (its postinstall's getTarget()). */
export function ripgrepTarget(platform, arch) {
  if (platform !== 'linux') return undefined; // macOS/Windows: @vscode/ripgrep downloads its own rg from GitHub
  return { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[arch];
}

/** Files that exist only when the install scripts of code-server's native modules ran (relative to the dir). */
export function installArtifacts(platform) {
  const vsn = 'node_modules/code-server/lib/vscode/node_modules';
  const win = platform === 'win32';
  return [
    'node_modules/argon2/lib/binding/napi-v3/argon2.node',
    `${vsn}/node-pty/build/Release/${win ? 'conpty.node' : 'pty.node'}`,
    `${vsn}/@vscode/ripgrep/bin/${win ? 'rg.exe' : 'rg'}`,
    `${vsn}/@vscode/spdlog/build/Release/spdlog.node`,
    `${vsn}/kerberos/build/Release/kerberos.node`,
    'node_modules/code-server/lib/vscode/node_modules.asar',
  ];
}

// ------------------------------------------------------------------------------------------------ the machine

/** The executable `name` on PATH (with PATHEXT on Windows), or undefined. */
export function which(name, env = process.env, platform = process.platform) {
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        if (!fs.statSync(file).isFile()) continue;
        if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

/** The parsed os-release of this machine (Linux), or undefined. */
export function readOsRelease(file = process.env.AKS_KMS_OS_RELEASE || '/etc/os-release') {
  for (const f of [file, '/usr/lib/os-release']) {
    try { return parseOsRelease(fs.readFileSync(f, 'utf8')); } catch { /* try the next */ }
    if (process.env.AKS_KMS_OS_RELEASE) break; // an explicit file that does not exist means "no os-release"
  }
  return undefined;
}

/** What planSystemPackages needs to know about this machine. */
export function probeSystem(env = process.env, platform = process.platform) {
  const has = name => Boolean(which(name, env, platform));
  const linux = platform === 'linux';
  return {
    rg: has('rg'),
    cxx: has('g++') || has('c++') || has('clang++'),
    make: has('make'),
    python3: has('python3') || (platform === 'win32' && (has('python') || has('py'))),
    pkgConfig: has('pkg-config') || has('pkgconf'),
    krb5: !linux || fs.existsSync('/usr/include/krb5.h') || fs.existsSync('/usr/include/krb5/krb5.h'),
    chromium: fs.existsSync(env.CHROMIUM || DEFAULT_CHROMIUM),
    cjkFonts: !linux || fs.existsSync('/usr/share/fonts/opentype/noto'),
  };
}

/** [command, args, spawn options] that run npm here: the npm running us, or npm(.cmd) from PATH. */
function npmCommand(args) {
  const cli = process.env.npm_execpath;
  if (cli && /^npm-cli\.c?js$/.test(path.basename(cli))) return [process.execPath, [cli, ...args], {}];
  // Windows: npm is npm.cmd, which Node spawns only through a shell (our arguments have no spaces or quotes).
  if (process.platform === 'win32') return ['npm', args, { shell: true }];
  return ['npm', args, {}];
}

// ------------------------------------------------------------------------------------------------ install

function aptInstall(packages) {
  say(`apt-get install ${packages.join(' ')}`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root && !which('sudo')) throw new Error(`not root and no sudo: install these Debian packages first: ${packages.join(' ')}`);
  const run = (args, quiet) => {
    const [cmd, argv] = root ? [args[0], args.slice(1)] : ['sudo', args];
    const r = spawnSync(cmd, argv, {
      stdio: ['inherit', quiet ? 'ignore' : 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`${[cmd, ...argv].join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message})`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', ...packages], true);
}

function installedVersion(dest) {
  try { return JSON.parse(fs.readFileSync(path.join(dest, 'node_modules/code-server/package.json'), 'utf8')).version; } catch { return undefined; }
}

/** A symlink (POSIX) or junction (Windows, no privilege needed) at `link` to the directory `target`. */
function linkDir(target, link) {
  fs.rmSync(link, { recursive: true, force: true });
  if (process.platform === 'win32') fs.symlinkSync(path.resolve(path.dirname(link), target), link, 'junction');
  else fs.symlinkSync(target, link);
}

/** @vscode/ripgrep first looks for $TMPDIR/vscode-ripgrep-cache-<pkg>/ripgrep-<rg>-<target>.tar.gz: seed it with ours. */
function seedRipgrepCache(tmp) {
  const target = ripgrepTarget(process.platform, process.arch);
  const rg = which('rg');
  if (!target || !rg) return;
  const real = fs.realpathSync(rg);
  for (const [pkg, release] of [['1.15.11', 'v13.0.0-10'], ['1.15.14', 'v13.0.0-13']]) { // 1.15.11: code-server 4.100.3
    const dir = path.join(tmp, `vscode-ripgrep-cache-${pkg}`);
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync('tar', ['czf', path.join(dir, `ripgrep-${release}-${target}.tar.gz`), '-C', path.dirname(real), path.basename(real)]);
    if (r.status !== 0) throw new Error(`tar of ${real} failed: ${r.stderr}`);
  }
  // The tarball must hold a file named rg; Debian's /usr/bin/rg is one.
  if (path.basename(real) !== 'rg') say(`note: ${rg} resolves to ${real}; @vscode/ripgrep may download rg instead`);
}

/**
 * code-server's own postinstall (postinstall.sh, run by `sh`: Windows has none) in Node: install VS Code's server
 * dependencies and its built-in extensions' dependencies, and the links it expects.
 */
function codeServerPostinstall(dest, npm) {
  const vscode = path.join(dest, 'node_modules/code-server/lib/vscode');
  npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--foreground-scripts'], vscode);
  // VS Code and extensions look for modules in node_modules.asar; code-server links it to node_modules.
  linkDir('node_modules', path.join(vscode, 'node_modules.asar'));
  // The `code-server` CLI of the integrated terminal and the $BROWSER helper, per platform.
  const bin = path.join(vscode, 'bin');
  if (process.platform === 'win32') {
    fs.copyFileSync(path.join(bin, 'remote-cli/code.cmd'), path.join(bin, 'remote-cli/code-server.cmd'));
  } else {
    const os = process.platform === 'darwin' ? 'darwin' : 'linux';
    for (const [dir, source, dest] of [['remote-cli', `code-${os}.sh`, 'code-server'], ['helpers', `browser-${os}.sh`, 'browser.sh']]) {
      const link = path.join(bin, dir, dest);
      fs.rmSync(link, { force: true });
      fs.symlinkSync(source, link);
    }
  }
  npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--foreground-scripts'], path.join(vscode, 'extensions'));
}

function installCodeServer({ version, dest }) {
  const t0 = Date.now();
  say(`installing code-server@${version} into ${dest}`);
  fs.mkdirSync(dest, { recursive: true });
  const ok = path.join(dest, '.install-ok');
  fs.rmSync(ok, { force: true });
  const tmp = path.join(dest, '.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  seedRipgrepCache(tmp);

  // A separate package.json keeps code-server (~300 MB) out of the extension's own node_modules.
  //
  // Install scripts: npm 11 lists dependency install scripts that no allowScripts entry covers (and a later npm
  // blocks them). We approve exactly the packages whose scripts a working server needs, and run with
  // strict-allow-scripts so that an uncovered one fails the install instead of leaving a half-built server:
  //  - top level (this package.json's allowScripts): argon2's native build. code-server's own postinstall is denied:
  //    it is a sh script (none on Windows); codeServerPostinstall does its work;
  //  - the `npm install`s in lib/vscode (and lib/vscode/extensions) never read this package.json. Their approvals go
  //    into a project .npmrc there, written after extracting. (An `allow-scripts` config set at the top would be
  //    exported to a nested npm as npm_config_allow_scripts, which npm refuses for project installs: EALLOWSCRIPTS.)
  fs.writeFileSync(path.join(dest, 'package.json'), `${JSON.stringify({
    name: 'aks-kms-code-server',
    private: true,
    description: 'code-server for AKS KMS (npm start, the test harness); installed by scripts/setup-code-server.mjs',
    dependencies: { 'code-server': version },
    allowScripts: { 'code-server': false, argon2: true },
  }, null, 2)}\n`);
  const vscodeAllow = ['node-pty', '@vscode/ripgrep', '@vscode/spdlog', '@vscode/deviceid', '@parcel/watcher', 'kerberos',
    'native-watchdog', '@vscode/windows-process-tree', '@vscode/windows-registry'];
  const extensionsAllow = ['esbuild', '@parcel/watcher']; // devDependencies, omitted by --omit=dev, but strict mode still asks

  // npm_config_yes: node-pty's postinstall runs `npx node-gyp ...`, and yes=false in ~/.npmrc makes npx refuse.
  // TMPDIR: the seeded ripgrep cache (os.tmpdir() on Linux and macOS).
  const env = { ...process.env, TMPDIR: tmp, npm_config_strict_allow_scripts: 'true', npm_config_yes: 'true' };
  const logFile = path.join(dest, 'install.log');
  fs.writeFileSync(logFile, '');
  const npm = (args, cwd) => {
    const [cmd, argv, opts] = npmCommand(args);
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n$ (cd ${cwd} && npm ${args.join(' ')})\n`);
    const r = spawnSync(cmd, argv, { cwd, env, stdio: ['ignore', fd, fd], windowsHide: true, ...opts });
    fs.closeSync(fd);
    if (r.status !== 0) {
      const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
      console.error(tail);
      throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal ?? r.error?.message}; full log: ${logFile})`);
    }
  };
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund'], dest);
  const vscode = path.join(dest, 'node_modules/code-server/lib/vscode');
  fs.writeFileSync(path.join(vscode, '.npmrc'), `allow-scripts=${vscodeAllow.join(',')}\n`);
  fs.writeFileSync(path.join(vscode, 'extensions/.npmrc'), `allow-scripts=${extensionsAllow.join(',')}\n`);
  npm(['rebuild', '--foreground-scripts'], dest); // argon2 (a prebuilt binary if reachable, else node-gyp)
  codeServerPostinstall(dest, npm);

  // Verify: the server starts and says its version; the native modules were built.
  const entry = path.join(dest, 'node_modules/code-server/out/node/entry.js');
  const problems = [];
  if (!fs.existsSync(entry)) problems.push(`missing ${entry}`);
  const r = spawnSync(process.execPath, [entry, '--version'], {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') },
    encoding: 'utf8', windowsHide: true, timeout: 120_000,
  });
  const printed = (r.stdout ?? '').split(/\r?\n/).find(l => /^\d+\.\d+\.\d+ /.test(l)) ?? '';
  if (!printed.startsWith(`${version} `)) problems.push(`code-server --version printed '${printed}'`);
  for (const f of installArtifacts(process.platform)) {
    if (!fs.existsSync(path.join(dest, f))) problems.push(`missing ${f} (an install script did not run)`);
  }
  if (problems.length) throw new Error(`code-server install is incomplete:\n  ${problems.join('\n  ')}\n  (log: ${logFile})`);
  fs.writeFileSync(ok, '');
  say(`code-server ${printed} ready in ${Math.round((Date.now() - t0) / 1000)} s`);
}

/**
 * Ensures code-server (and, per purpose, the system packages) are there. Throws with a message on failure.
 * @param {{forTests?: boolean, withChromium?: boolean, force?: boolean, plan?: boolean}} [opts]
 * @returns {{dest: string, entry: string, installed: boolean, apt: string[], hints: string[]}}
 */
export function setupCodeServer({ forTests = false, withChromium = false, force = false, plan = false } = {}) {
  const version = process.env.CODE_SERVER_VERSION || DEFAULT_VERSION;
  const dest = path.resolve(process.env.CODE_SERVER_DIR || path.join(ROOT, '.vscode-test/code-server'));
  const entry = path.join(dest, 'node_modules/code-server/out/node/entry.js');

  const major = process.versions.node.split('.')[0];
  const wantMajor = process.env.FORCE_NODE_VERSION || NODE_MAJOR;
  if (major !== wantMajor) {
    throw new Error(`code-server ${version} runs on Node ${NODE_MAJOR} (20.19 or later); this is Node ${process.versions.node}. `
      + 'Switch to Node 20 (e.g. `nvm install 20`, `fnm use 20`) and run again.');
  }

  const upToDate = !force && fs.existsSync(entry) && fs.existsSync(path.join(dest, '.install-ok')) && installedVersion(dest) === version;
  const need = { build: !upToDate, chromium: forTests || withChromium, cjkFonts: forTests };
  const platform = process.platform;
  const { apt, hints } = planSystemPackages({
    platform, osRelease: platform === 'linux' ? readOsRelease() : undefined, need, have: probeSystem(),
  });
  const result = { dest, entry, installed: !upToDate, apt, hints };
  if (plan) return result;

  if (apt.length) aptInstall(apt);
  for (const h of hints) say(`note: ${h}`);
  if (!upToDate) installCodeServer({ version, dest });
  return result;
}

// ------------------------------------------------------------------------------------------------ CLI

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values: o } = parseArgs({ options: {
    'for-tests': { type: 'boolean', default: false },
    'with-chromium': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    plan: { type: 'boolean', default: false },
  } });
  try {
    const r = setupCodeServer({ forTests: o['for-tests'], withChromium: o['with-chromium'], force: o.force, plan: o.plan });
    if (o.plan) {
      say(`platform ${process.platform}; code-server ${r.installed ? `to install into ${r.dest}` : `up to date in ${r.dest}`}`);
      say(`apt-get install: ${r.apt.length ? r.apt.join(' ') : '(nothing)'}`);
      for (const h of r.hints) say(`note: ${h}`);
    }
  } catch (e) {
    console.error(`[setup-code-server] ${e?.message ?? e}`);
    process.exit(1);
  }
}
