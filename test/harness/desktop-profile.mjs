#!/usr/bin/env node
// User data for desktop VS Code runs (F5's Extension Development Host, test/harness/run-desktop-tests.mjs): the
// harness's base settings, including "http.systemCertificates": false (see BASE_SETTINGS in lib.mjs), merged into
// <dir>/User/settings.json. Usage: node test/harness/desktop-profile.mjs <user-data-dir> [emulator-info.json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_SETTINGS, emulatorSettings } from './lib.mjs';

/** Writes (merges) the settings; with an emulator info, also the settings that select it. */
export function prepareDesktopUserData(dir, info) {
  const file = path.join(dir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let current = {};
  try { current = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* new */ }
  const settings = { ...current, ...BASE_SETTINGS, ...(info ? emulatorSettings(info) : {}) };
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, infoFile] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: desktop-profile.mjs <user-data-dir> [emulator-info.json]');
    process.exit(2);
  }
  const info = infoFile ? JSON.parse(fs.readFileSync(infoFile, 'utf8')) : undefined;
  console.log(`settings written: ${prepareDesktopUserData(path.resolve(dir), info)}`);
}
