// Every rule cites its source (DESIGN.md, "Rules have sources"): the ids in docs/RULES.md must be exactly the rule ids
// in the code, every row must name a source, and a blocking rule must not be unsourced.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const RULES_MD = join(ROOT, 'docs', 'RULES.md');

type Severity = 'block' | 'warn' | 'info';
const SEVERITY_OF_CODE: Record<string, Severity> = { error: 'block', warning: 'warn', info: 'info' };

/**
 * Blocking rows that cite no source, each waiting for a decision (make it a warning, or find a source). Empty: every
 * blocking rule has a source. An entry added here must be named one by one, and the test fails once its row is fixed.
 */
const PENDING_UNSOURCED_BLOCKS: readonly string[] = [];

/**
 * Emulator rules no integration test exercises yet (their "test" cell is `none`). Named one by one so the list cannot
 * grow unnoticed; once a test names a rule, the test fails until the entry is removed here.
 */
const EMULATOR_RULES_WITHOUT_TEST = [
  'emu-vault-required-properties', 'emu-vault-purge-protection-needs-soft-delete', 'emu-vault-access-policy-request', 'emu-key-name-invalid',
  'emu-key-request-invalid', 'emu-key-type-unsupported', 'emu-key-ops-invalid', 'emu-key-ec-curve', 'emu-rotation-policy-shape',
  'emu-rotation-policy-min-expiry', 'emu-rotation-policy-notify-before-expiry-only', 'emu-rotation-policy-rotate-before-expiry',
  'emu-rotation-policy-needs-expiry', 'emu-rotation-policy-one-per-type', 'emu-key-op-not-permitted', 'emu-key-op-disabled', 'emu-key-op-algorithm',
  'emu-role-assignment-principal-type-invalid', 'emu-authorization-filter-unsupported', 'emu-identity-location-conflict', 'emu-request-invalid-content',
  'emu-arm-location-required',
];

interface Row {
  readonly id: string;
  readonly severity: string;
  readonly source: string;
  /** The "test" cell: `` `path/to/file.test.ts` "test name" ``, or `none` (emulator rows only). */
  readonly test: string;
  readonly line: number;
}

/** Splits a Markdown table line into trimmed cells; `\|` inside a cell is not a separator. */
function cells(line: string): string[] {
  const parts = line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
  return parts.map((c) => c.trim());
}

/** Rows of every table whose first cell is a backticked id; columns found by the header names `severity` and `source`. */
function parseRules(text: string): Row[] {
  const rows: Row[] = [];
  let header: string[] | undefined;
  text.split('\n').forEach((line, i) => {
    if (!line.trim().startsWith('|')) {
      header = undefined;
      return;
    }
    const c = cells(line);
    if (!header) {
      header = c.map((h) => h.toLowerCase());
      return;
    }
    const id = /^`([a-z0-9][a-z0-9-]*)`$/.exec(c[0])?.[1];
    if (!id) return;
    const at = (name: string) => header!.indexOf(name);
    assert.ok(at('severity') > 0 && at('source') > 0, `docs/RULES.md:${i + 1}: the table of \`${id}\` needs "severity" and "source" columns`);
    rows.push({ id, severity: c[at('severity')] ?? '', source: c[at('source')] ?? '', test: at('test') > 0 ? c[at('test')] ?? '' : '', line: i + 1 });
  });
  return rows;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface CodeRule {
  readonly id: string;
  /** Undefined where the code states no severity (rule markers). */
  readonly severity?: Severity;
  readonly where: string;
}

/**
 * Product rule ids in src/kms:
 * - finding helpers `error('id', …)`, `warning('id', …)`, `info('id', …)` (enable/preflight.ts);
 * - key-health warnings `add('id', 'error' | 'warning' | 'info', …)` (keyHealth.ts);
 * - finding literals `code: 'id', severity: '…'` (keyActions.ts);
 * - `// rule: id` markers where a check has no code of its own (rotationPolicy.ts).
 */
function productRules(): CodeRule[] {
  const found: CodeRule[] = [];
  for (const file of tsFiles(join(ROOT, 'src', 'kms'))) {
    const text = readFileSync(file, 'utf8');
    const where = (index: number) => `${relative(ROOT, file)}:${text.slice(0, index).split('\n').length}`;
    for (const m of text.matchAll(/(?<![.\w])(error|warning|info)\(\s*'([a-z0-9][a-z0-9-]*)'/g)) {
      found.push({ id: m[2], severity: SEVERITY_OF_CODE[m[1]], where: where(m.index) });
    }
    for (const m of text.matchAll(/(?<![.\w])add\(\s*'([a-z0-9][a-z0-9-]*)',\s*'(error|warning|info)'/g)) {
      found.push({ id: m[1], severity: SEVERITY_OF_CODE[m[2]], where: where(m.index) });
    }
    for (const m of text.matchAll(/\bcode:\s*'([a-z0-9][a-z0-9-]*)',\s*severity:\s*'(error|warning|info)'/g)) {
      found.push({ id: m[1], severity: SEVERITY_OF_CODE[m[2]], where: where(m.index) });
    }
    for (const m of text.matchAll(/\/\/ rule: ([a-z0-9][a-z0-9-]*)/g)) {
      found.push({ id: m[1], where: where(m.index) });
    }
  }
  return found;
}

/** Emulator rule ids: the `// rule: emu-…` markers right above each check in test/emulator. */
function emulatorRules(): CodeRule[] {
  const found: CodeRule[] = [];
  for (const file of tsFiles(join(ROOT, 'test', 'emulator'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/rule: (emu-[a-z0-9-]+)/g)) {
      found.push({ id: m[1], where: `${relative(ROOT, file)}:${text.slice(0, m.index).split('\n').length}` });
    }
  }
  return found;
}

/** "missing from docs/RULES.md: …; in docs/RULES.md but not in the code: …" — what to add or remove. */
function diffMessage(kind: string, code: CodeRule[], rows: Row[]): string {
  const documented = new Set(rows.map((r) => r.id));
  const inCode = new Set(code.map((c) => c.id));
  const missing = [...inCode].filter((id) => !documented.has(id)).sort();
  const stale = rows.filter((r) => !inCode.has(r.id));
  const parts: string[] = [];
  if (missing.length) {
    parts.push(`${kind} rules missing from docs/RULES.md (add a row with its source):\n` + missing.map((id) => `  ${id}  (${code.filter((c) => c.id === id).map((c) => c.where).join(', ')})`).join('\n'));
  }
  if (stale.length) {
    parts.push(`${kind} rows in docs/RULES.md that the code no longer has (remove them):\n` + stale.map((r) => `  ${r.id}  (docs/RULES.md:${r.line})`).join('\n'));
  }
  return parts.join('\n');
}

const rows = parseRules(readFileSync(RULES_MD, 'utf8'));
const productRows = rows.filter((r) => !r.id.startsWith('emu-'));
const emulatorRows = rows.filter((r) => r.id.startsWith('emu-'));
const isUnsourced = (source: string) => /^\s*(none|unsourced)\b/i.test(source);

/** The test a row names, or a sentence saying what is wrong with its "test" cell. */
function namedTest(row: Row): { file: string; name: string } | string {
  const m = /^`([^`]+)`\s+"(.+)"$/.exec(row.test);
  if (!m) {
    return `${row.id} (docs/RULES.md:${row.line}): the "test" cell must be \`path/to/file.test.ts\` "test name", not ${JSON.stringify(row.test)}`;
  }
  return { file: m[1], name: m[2] };
}

/** Whether `file` declares a test called exactly `name` (as a quoted string literal, the way it(…) and test(…) take it). */
function declaresTest(file: string, name: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(ROOT, file), 'utf8');
  } catch {
    return false;
  }
  return ["'", '"', '`'].some(q => text.includes(`${q}${name}${q}`));
}

describe('docs/RULES.md', () => {
  it('lists each rule once', () => {
    const seen = new Map<string, number>();
    const duplicates = rows.filter((r) => {
      const first = seen.get(r.id);
      seen.set(r.id, first ?? r.line);
      return first !== undefined;
    });
    assert.deepEqual(duplicates.map((r) => `${r.id} (lines ${seen.get(r.id)} and ${r.line})`), []);
  });

  it('has a row for every product rule in src/kms, and none for rules the code lacks', () => {
    const code = productRules();
    assert.ok(code.length > 0, 'no product rules found in src/kms: has the finding pattern changed? Update productRules()');
    assert.ok(!code.some((c) => c.id.startsWith('emu-')), 'product rule ids must not start with "emu-"');
    const message = diffMessage('Product', code, productRows);
    assert.equal(message, '', message);
  });

  it('has a row for every emulator rule marker in test/emulator, and none for markers the code lacks', () => {
    const code = emulatorRules();
    assert.ok(code.length > 0, 'no "// rule: emu-…" markers found in test/emulator');
    const message = diffMessage('Emulator', code, emulatorRows);
    assert.equal(message, '', message);
  });

  it('gives every row a severity of block, warn or info, and product rows the severity the code gives them', () => {
    const bad = rows.filter((r) => !['block', 'warn', 'info'].includes(r.severity)).map((r) => `${r.id}: "${r.severity}"`);
    assert.deepEqual(bad, [], 'severity must be block, warn or info');
    const bySeverity = new Map(productRows.map((r) => [r.id, r.severity]));
    const mismatched = productRules()
      .filter((c) => c.severity !== undefined && bySeverity.has(c.id) && bySeverity.get(c.id) !== c.severity)
      .map((c) => `${c.id}: code says ${c.severity} (${c.where}), docs/RULES.md says ${bySeverity.get(c.id)}`);
    assert.deepEqual(mismatched, []);
  });

  it('names, for every product rule, a unit test that exists and is about that rule', () => {
    const problems = productRows.flatMap((r) => {
      const t = namedTest(r);
      if (typeof t === 'string') return [t];
      if (!t.file.startsWith('test/unit/')) return [`${r.id}: product rules are pinned by unit tests (test/unit/…), not ${t.file}`];
      if (!t.name.includes(r.id)) return [`${r.id}: the named test "${t.name}" should name the rule id`];
      return declaresTest(t.file, t.name) ? [] : [`${r.id}: no test "${t.name}" in ${t.file}`];
    });
    assert.deepEqual(problems, []);
  });

  it('names, for every emulator rule, a test that exists, or none (the listed rules only)', () => {
    const problems = emulatorRows.flatMap((r) => {
      if (r.test === 'none') return [];
      const t = namedTest(r);
      if (typeof t === 'string') return [t];
      if (!t.file.startsWith('test/')) return [`${r.id}: ${t.file} is not a test file`];
      return declaresTest(t.file, t.name) ? [] : [`${r.id}: no test "${t.name}" in ${t.file}`];
    });
    assert.deepEqual(problems, []);
    const untested = emulatorRows.filter((r) => r.test === 'none').map((r) => r.id).sort();
    assert.deepEqual(untested, [...EMULATOR_RULES_WITHOUT_TEST].sort(), 'update EMULATOR_RULES_WITHOUT_TEST: a rule gained a test, or lost one');
  });

  it('gives every row a source', () => {
    assert.deepEqual(rows.filter((r) => r.source === '').map((r) => `${r.id} (docs/RULES.md:${r.line})`), []);
  });

  it('cites a source for every blocking rule (a rule without one warns, never blocks)', () => {
    const unsourced = rows.filter((r) => r.severity === 'block' && isUnsourced(r.source)).map((r) => r.id);
    const unexpected = unsourced.filter((id) => !PENDING_UNSOURCED_BLOCKS.includes(id));
    assert.deepEqual(unexpected, [], 'blocking rules need a page, spec field or public issue; without one make them a warning');
    const resolved = PENDING_UNSOURCED_BLOCKS.filter((id) => !unsourced.includes(id));
    assert.deepEqual(resolved, [], 'these are no longer unsourced blocking rows: remove them from PENDING_UNSOURCED_BLOCKS');
  });
});
