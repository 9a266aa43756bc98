/**
 * scripts/setup-code-server.mjs decides, per OS and purpose, what the machine must get: apt-get only on
 * Debian/Ubuntu, chromium and fonts only for the tests (and chromium for `npm start -- --check`), the build tools
 * only when code-server is about to be built; elsewhere hints instead of installs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  installArtifacts, isDebianLike, parseOsRelease, planSystemPackages, readOsRelease, ripgrepTarget, which,
} from '../../scripts/setup-code-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = path.join(ROOT, 'scripts/setup-code-server.mjs');

const OS_RELEASE = {
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  ubuntu: 'NAME="Ubuntu"\nVERSION="24.04 LTS (Noble Numbat)"\nID=ubuntu\nID_LIKE=debian\n',
  mint: 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n',
  fedora: 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n',
  rocky: 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n',
  arch: 'NAME="Arch Linux"\nID=arch\n',
};
const osr = name => parseOsRelease(OS_RELEASE[name]);

const NOTHING = { rg: false, cxx: false, make: false, python3: false, pkgConfig: false, krb5: false, chromium: false, cjkFonts: false };
const EVERYTHING = Object.fromEntries(Object.keys(NOTHING).map(k => [k, true]));
const BUILD_PACKAGES = ['ripgrep', 'libkrb5-dev', 'build-essential', 'python3', 'pkg-config'];
const START = { build: false, chromium: false, cjkFonts: false }; // npm start, code-server already installed
const START_FIRST = { build: true, chromium: false, cjkFonts: false }; // npm start, code-server to install
const CHECK = { build: false, chromium: true, cjkFonts: false }; // npm start -- --check
const TESTS = { build: false, chromium: true, cjkFonts: true }; // bash scripts/setup-code-server.sh

describe('os-release', () => {
  it('reads ID and ID_LIKE, quoted or not, lower-cased', () => {
    assert.deepEqual(osr('debian'), { id: 'debian', idLike: [] });
    assert.deepEqual(osr('mint'), { id: 'linuxmint', idLike: ['ubuntu', 'debian'] });
    assert.deepEqual(osr('rocky'), { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'] });
    assert.deepEqual(parseOsRelease('# comment\r\nID = "Debian"\r\n'), { id: 'debian', idLike: [] });
    assert.deepEqual(parseOsRelease(''), { id: '', idLike: [] });
  });

  it('Debian, Ubuntu and their derivatives are Debian-like; others and non-Linux platforms are not', () => {
    for (const name of ['debian', 'ubuntu', 'mint']) assert.equal(isDebianLike('linux', osr(name)), true, name);
    for (const name of ['fedora', 'rocky', 'arch']) assert.equal(isDebianLike('linux', osr(name)), false, name);
    assert.equal(isDebianLike('linux', undefined), false);
    assert.equal(isDebianLike('darwin', osr('debian')), false);
    assert.equal(isDebianLike('win32', osr('ubuntu')), false);
  });

  it('reads the file AKS_KMS_OS_RELEASE names; a missing one means none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osr-'));
    try {
      const file = path.join(dir, 'os-release');
      fs.writeFileSync(file, OS_RELEASE.fedora);
      assert.deepEqual(readOsRelease(file), { id: 'fedora', idLike: [] });
      const saved = process.env.AKS_KMS_OS_RELEASE;
      process.env.AKS_KMS_OS_RELEASE = path.join(dir, 'absent');
      try { assert.equal(readOsRelease(), undefined); } finally {
        if (saved === undefined) delete process.env.AKS_KMS_OS_RELEASE; else process.env.AKS_KMS_OS_RELEASE = saved;
      }
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('planSystemPackages on Debian/Ubuntu', () => {
  for (const name of ['debian', 'ubuntu']) {
    it(`${name}: npm start with code-server installed installs nothing, even on a bare machine`, () => {
      assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr(name), need: START, have: NOTHING }), { apt: [], hints: [] });
    });
  }

  it('npm start that must build code-server installs only the missing build packages, never chromium or fonts', () => {
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: START_FIRST, have: NOTHING }).apt, BUILD_PACKAGES);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: START_FIRST, have: { ...EVERYTHING, krb5: false, rg: false } }).apt,
      ['ripgrep', 'libkrb5-dev']);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: START_FIRST, have: { ...EVERYTHING, make: false } }).apt,
      ['build-essential']);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: START_FIRST, have: EVERYTHING }), { apt: [], hints: [] });
  });

  it('npm start -- --check adds chromium only; the tests add chromium and fonts-noto-cjk', () => {
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: CHECK, have: NOTHING }).apt, ['chromium']);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('ubuntu'), need: TESTS, have: NOTHING }).apt, ['chromium', 'fonts-noto-cjk']);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: { ...TESTS, build: true }, have: NOTHING }).apt,
      [...BUILD_PACKAGES, 'chromium', 'fonts-noto-cjk']);
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('debian'), need: TESTS, have: EVERYTHING }).apt, []);
  });
});

describe('planSystemPackages elsewhere: nothing is installed', () => {
  const cases = [
    ['Fedora', 'linux', osr('fedora')],
    ['Arch', 'linux', osr('arch')],
    ['Linux without os-release', 'linux', undefined],
    ['macOS', 'darwin', undefined],
    ['Windows', 'win32', undefined],
  ];
  for (const [label, platform, osRelease] of cases) {
    it(`${label}: no apt-get for any purpose`, () => {
      for (const need of [START, START_FIRST, CHECK, TESTS, { build: true, chromium: true, cjkFonts: true }]) {
        assert.deepEqual(planSystemPackages({ platform, osRelease, need, have: NOTHING }).apt, [], JSON.stringify(need));
      }
    });
    it(`${label}: npm start with code-server installed has nothing to say`, () => {
      assert.deepEqual(planSystemPackages({ platform, osRelease, need: START, have: NOTHING }).hints, []);
    });
  }

  it('Linux: a missing compiler or Kerberos headers is a hint naming them', () => {
    const { hints } = planSystemPackages({ platform: 'linux', osRelease: osr('fedora'), need: START_FIRST, have: { ...EVERYTHING, cxx: false, krb5: false } });
    assert.equal(hints.length, 1);
    assert.match(hints[0], /missing libkrb5-dev, build-essential/);
    assert.match(hints[0], /krb5-devel/);
  });

  it('Linux: ripgrep alone is no hint (@vscode/ripgrep downloads it)', () => {
    assert.deepEqual(planSystemPackages({ platform: 'linux', osRelease: osr('arch'), need: START_FIRST, have: { ...EVERYTHING, rg: false } }).hints, []);
  });

  it('macOS: a missing compiler points to the Xcode command line tools; fonts are never asked for', () => {
    const { hints } = planSystemPackages({ platform: 'darwin', osRelease: undefined, need: { ...TESTS, build: true }, have: { ...EVERYTHING, cxx: false, cjkFonts: false } });
    assert.equal(hints.length, 1);
    assert.match(hints[0], /xcode-select --install/);
  });

  it('Windows: building code-server always names the Visual Studio Build Tools', () => {
    const { hints } = planSystemPackages({ platform: 'win32', osRelease: undefined, need: START_FIRST, have: EVERYTHING });
    assert.equal(hints.length, 1);
    assert.match(hints[0], /Visual Studio Build Tools/);
  });

  it('a missing Chromium for a check or the tests says to set CHROMIUM', () => {
    for (const [platform, osRelease] of [['linux', osr('fedora')], ['darwin', undefined], ['win32', undefined]]) {
      const { hints } = planSystemPackages({ platform, osRelease, need: CHECK, have: { ...EVERYTHING, chromium: false } });
      assert.equal(hints.length, 1, platform);
      assert.match(hints[0], /set CHROMIUM/);
    }
  });
});

describe('platform details', () => {
  it('the ripgrep cache is seeded on Linux x64/arm64 only', () => {
    assert.equal(ripgrepTarget('linux', 'x64'), 'x86_64-unknown-linux-musl');
    assert.equal(ripgrepTarget('linux', 'arm64'), 'aarch64-unknown-linux-musl');
    assert.equal(ripgrepTarget('darwin', 'arm64'), undefined);
    assert.equal(ripgrepTarget('win32', 'x64'), undefined);
  });

  it('the install check looks for the Windows names of node-pty and rg on Windows', () => {
    assert.ok(installArtifacts('linux').some(f => f.endsWith('node-pty/build/Release/pty.node')));
    assert.ok(installArtifacts('linux').some(f => f.endsWith('@vscode/ripgrep/bin/rg')));
    assert.ok(installArtifacts('win32').some(f => f.endsWith('node-pty/build/Release/conpty.node')));
    assert.ok(installArtifacts('win32').some(f => f.endsWith('@vscode/ripgrep/bin/rg.exe')));
  });

  it('which() finds an executable on PATH, with PATHEXT on Windows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'which-'));
    try {
      fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'npm.CMD'), '');
      assert.equal(which('tool', { PATH: dir }, 'linux'), path.join(dir, 'tool'));
      assert.equal(which('absent', { PATH: dir }, 'linux'), undefined);
      assert.equal(which('npm', { PATH: dir, PATHEXT: '.EXE;.CMD' }, 'win32'), path.join(dir, 'npm.CMD'));
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('the CLI with --plan (changes nothing)', { skip: process.platform !== 'linux' && 'reads /etc/os-release: Linux only' }, () => {
  const plan = (osRelease, args) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    try {
      fs.writeFileSync(path.join(dir, 'os-release'), OS_RELEASE[osRelease]);
      const r = spawnSync(process.execPath, [SCRIPT, '--plan', ...args], {
        encoding: 'utf8',
        env: { ...process.env, AKS_KMS_OS_RELEASE: path.join(dir, 'os-release'), CODE_SERVER_DIR: path.join(dir, 'cs'), CHROMIUM: path.join(dir, 'no-chromium') },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(fs.existsSync(path.join(dir, 'cs')), false, '--plan created the code-server dir');
      return r.stdout;
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  };

  it('Debian, for the tests: chromium is planned', () => {
    assert.match(plan('debian', ['--for-tests']), /apt-get install: .*\bchromium\b/);
  });

  it('Debian, for npm start: no chromium and no fonts', () => {
    const out = plan('debian', []);
    assert.doesNotMatch(out, /chromium|fonts-noto-cjk/);
  });

  it('Fedora, for the tests: nothing is apt-installed; CHROMIUM is suggested', () => {
    const out = plan('fedora', ['--for-tests']);
    assert.match(out, /apt-get install: \(nothing\)/);
    assert.match(out, /set CHROMIUM/);
  });
});
