/**
 * The Simplified Chinese translation is complete: every English string of l10n/bundle.l10n.json and package.nls.json
 * has a non-empty zh-cn translation, with the same {n} placeholders, no stale keys, and no prose left in English.
 * `node scripts/l10n-missing.mjs` lists what is missing, ready to paste and translate.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../..');
const read = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

const FILES = [
  { english: 'l10n/bundle.l10n.json', chinese: 'l10n/bundle.l10n.zh-cn.json' },
  { english: 'package.nls.json', chinese: 'package.nls.zh-cn.json' },
];

/** Strings that are legitimately the same in Chinese (commands, product names, short codes). */
const SAME_IN_CHINESE = new Set(['PMK', 'AKS KMS', 'Kubernetes', 'az aks show --query securityProfile']);

/** `{0}`, `{1}`… in order of number, with repeats, so a lost, added or renumbered placeholder shows. */
const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort();

/** Markdown code spans and `command:` link targets: literal text that must survive translation as is. */
const literals = (s: string) => [...(s.match(/`[^`]+`/g) ?? []), ...(s.match(/\]\([^)]*\)/g) ?? [])].sort();

/** English prose: some all-lower-case word of 4+ letters ("the", "PMK" and "securityProfile" are not). */
const hasEnglishProse = (s: string) => /\b[a-z]{4,}\b/.test(s);

for (const { english, chinese } of FILES) {
  describe(`${chinese} translates ${english}`, () => {
    const en = read(english);
    const zh = read(chinese);

    it('has a non-empty translation for every English key', () => {
      const missing = Object.keys(en).filter(k => typeof zh[k] !== 'string' || zh[k].trim() === '');
      assert.deepEqual(missing, [], `untranslated keys (run \`node scripts/l10n-missing.mjs\`)`);
    });

    it('has no stale keys that the English file no longer has', () => {
      assert.deepEqual(Object.keys(zh).filter(k => !(k in en)), []);
    });

    it('keeps the {n} placeholders of every string', () => {
      for (const k of Object.keys(en).filter(k => k in zh)) {
        assert.deepEqual(placeholders(zh[k]), placeholders(en[k]), `placeholders differ for ${JSON.stringify(k)}: ${JSON.stringify(zh[k])}`);
      }
    });

    it('keeps code spans and link targets verbatim', () => {
      for (const k of Object.keys(en).filter(k => k in zh)) {
        assert.deepEqual(literals(zh[k]), literals(en[k]), `code spans or links differ for ${JSON.stringify(k)}: ${JSON.stringify(zh[k])}`);
      }
    });

    it('leaves no English prose untranslated', () => {
      const untranslated = Object.keys(en).filter(k => zh[k] === en[k] && hasEnglishProse(en[k]) && !SAME_IN_CHINESE.has(en[k]));
      assert.deepEqual(untranslated, [], 'translations identical to the English prose');
    });
  });
}

describe('the zh-cn checks themselves', () => {
  it('catch lost placeholders and English left as is', () => {
    assert.notDeepEqual(placeholders('{0} 天'), placeholders('{0} of {1} days'));
    assert.deepEqual(placeholders('{1} 和 {0}'), placeholders('{0} and {1}'));
    assert.ok(hasEnglishProse('Copy script'));
    assert.ok(!hasEnglishProse('PMK'));
    assert.ok(!hasEnglishProse('CMK · private'.replace('private', '专用')));
    assert.deepEqual(literals('[设置](command:x.y) 与 `a`'), literals('`a` in [settings](command:x.y)'));
  });
});

/**
 * The terms the zh-cn files use, one for each idea: a fleet of clusters is 机群 (never 队列, a queue), and how old a key
 * version is — its age — is 存在时间. English link targets such as `command:aksKms.fleet.focus` are not prose.
 */
describe('zh-cn terms', () => {
  const prose = (s: string) => s.replace(/\]\([^)]*\)/g, ']');
  const pairs = FILES.flatMap(({ english, chinese }) => {
    const en = read(english);
    const zh = read(chinese);
    return Object.keys(en).map(key => ({ file: chinese, key, en: prose(en[key]), zh: zh[key] ?? '' }));
  });
  const about = (re: RegExp) => pairs.filter(p => re.test(p.en));

  it('no value says 队列 (a queue)', () => {
    assert.deepEqual(pairs.filter(p => p.zh.includes('队列')).map(p => `${p.file}: ${p.key}`), []);
  });

  it('every string about the fleet (the fleet report, the fleet view) says 机群', () => {
    const fleet = about(/\bfleet\b/i);
    assert.ok(fleet.length >= 5, `the fleet strings are found (${fleet.length})`);
    assert.ok(fleet.some(p => /fleet report/i.test(p.en)), 'the fleet-report strings are among them');
    assert.deepEqual(fleet.filter(p => !p.zh.includes('机群')).map(p => `${p.file}: ${p.key} → ${p.zh}`), []);
  });

  it('every string about a key version\'s age says 存在时间', () => {
    const age = about(/\bages?\b|\{\d+\} old\b|\bolder than\b/i);
    assert.ok(age.length >= 5, `the age strings are found (${age.length})`);
    assert.deepEqual(age.filter(p => !p.zh.includes('存在时间')).map(p => `${p.file}: ${p.key} → ${p.zh}`), []);
  });
});
