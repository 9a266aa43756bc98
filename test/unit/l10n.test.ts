/** Localisable from day one: every user-visible string goes through vscode.l10n or package.nls.json. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));

describe('localisation', () => {
  it('l10n/bundle.l10n.json holds every vscode.l10n.t string in src (run `npm run l10n` to update)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
    execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/l10n-dev/dist/cli.js'), 'export', '--outDir', out, path.join(root, 'src')], { stdio: 'pipe' });
    const extracted = Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8'))).sort();
    const committed = Object.keys(read('l10n/bundle.l10n.json')).sort();
    assert.deepEqual(committed, extracted);
    assert.ok(extracted.length > 40, `found ${extracted.length} strings`);
  });

  it('every %placeholder% in package.json has an English string in package.nls.json, and none is unused', () => {
    const pkgText = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const nls = read('package.nls.json');
    const used = new Set([...pkgText.matchAll(/"%([^%"]+)%"/g)].map(m => m[1]));
    for (const key of used) {
      assert.ok(typeof nls[key] === 'string' && nls[key].length > 0, `package.nls.json lacks "${key}"`);
    }
    const welcomeOnly = Object.keys(nls).filter(k => !used.has(k));
    assert.deepEqual(welcomeOnly, [], 'unused package.nls.json keys');
  });

  it('contributed titles, names and descriptions are all localisable', () => {
    const pkg = read('package.json');
    const texts: string[] = [
      pkg.displayName, pkg.description,
      ...pkg.contributes.commands.map((c: { title: string }) => c.title),
      ...pkg.contributes.viewsContainers.activitybar.map((v: { title: string }) => v.title),
      ...pkg.contributes.views.aksKms.map((v: { name: string }) => v.name),
      ...pkg.contributes.viewsWelcome.map((v: { contents: string }) => v.contents),
      ...(pkg.contributes.configuration as { title: string; properties: object }[]).flatMap(section => [
        section.title,
        ...Object.values(section.properties).map(p => (p as { markdownDescription: string }).markdownDescription),
      ]),
    ];
    for (const t of texts) {
      assert.match(t, /^%[^%]+%$/, `not localisable: ${t}`);
    }
  });
});
