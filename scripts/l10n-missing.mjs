#!/usr/bin/env node
// Lists what the Simplified Chinese files lack: keys of l10n/bundle.l10n.json and package.nls.json that have no
// (or an empty) translation in l10n/bundle.l10n.zh-cn.json / package.nls.zh-cn.json, printed as `"key": "English",`
// lines ready to paste and translate; then package.nls.json keys whose English text changed since the zh-cn file was
// last committed (their translation may be out of date), and stale zh-cn keys the English files no longer have.
//
//   node scripts/l10n-missing.mjs          compare with the committed l10n/bundle.l10n.json
//   node scripts/l10n-missing.mjs --src    re-extract the strings from src first (as `npm run l10n` would)
//   node scripts/l10n-missing.mjs --check  also exit 1 when anything is missing, changed or stale
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = file => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {});
const args = new Set(process.argv.slice(2));
const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** The English file as it was when the zh-cn file was last committed, or {} (not committed yet, no git). */
function englishWhenTranslated(english, chinese) {
  try {
    const commit = git('log', '-1', '--format=%H', '--', chinese).trim();
    return commit ? JSON.parse(git('show', `${commit}:${english}`)) : {};
  } catch {
    return {};
  }
}

let extracted;
if (args.has('--src')) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
  execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/l10n-dev/dist/cli.js'), 'export', '--outDir', out, path.join(root, 'src')], { stdio: 'pipe' });
  extracted = path.join(out, 'bundle.l10n.json');
}

const pairs = [
  { english: 'l10n/bundle.l10n.json', chinese: 'l10n/bundle.l10n.zh-cn.json', from: extracted },
  { english: 'package.nls.json', chinese: 'package.nls.zh-cn.json' },
];

let problems = 0;
for (const { english, chinese, from } of pairs) {
  const en = read(from ?? path.join(root, english));
  const zh = read(path.join(root, chinese));
  const before = englishWhenTranslated(english, chinese);
  const missing = Object.keys(en).filter(k => typeof zh[k] !== 'string' || zh[k].trim() === '');
  const changed = Object.keys(en).filter(k => !missing.includes(k) && k in before && before[k] !== en[k]);
  const stale = Object.keys(zh).filter(k => !(k in en));
  problems += missing.length + changed.length + stale.length;
  console.log(`${chinese}: ${missing.length} missing, ${changed.length} changed in English, ${stale.length} stale`);
  for (const k of missing) {
    console.log(`  ${JSON.stringify(k)}: ${JSON.stringify(en[k])},`);
  }
  for (const k of changed) {
    console.log(`  changed, retranslate: ${JSON.stringify(k)}: ${JSON.stringify(en[k])},`);
  }
  for (const k of stale) {
    console.log(`  stale, remove: ${JSON.stringify(k)}`);
  }
}
if (args.has('--check') && problems > 0) {
  process.exit(1);
}
