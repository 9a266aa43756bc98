// The subset of KQL (Kusto) that Resource Graph queries in this product use:
//   resources | where <cond> [and|or <cond>…] | project a, b, alias = properties.x.y | extend … | order by x asc | limit n
// Tolerant of whitespace and keyword case like Resource Graph; anything outside the subset is a clear
// ParserFailure / UnsupportedOperator so a test notices instead of getting silently wrong rows.

export type Row = Record<string, unknown>;

export class KqlError extends Error {
  constructor(
    message: string,
    readonly code: 'ParserFailure' | 'UnsupportedOperator' | 'UnsupportedTable',
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- tokens

type TokenKind = 'ident' | 'string' | 'number' | 'op' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly pos: number;
}

const OPS2 = ['==', '!=', '=~', '!~', '<=', '>='];
const OPS1 = ['|', ',', '.', '[', ']', '(', ')', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          s += text[j + 1];
          j += 2;
        } else s += text[j++];
      }
      if (j >= text.length) throw new KqlError(`Unterminated string literal at position ${i}.`, 'ParserFailure');
      out.push({ kind: 'string', value: s, pos: i });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[0-9.]/.test(text[j])) j++;
      out.push({ kind: 'number', value: text.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_\-$]/.test(text[j])) {
        // `project-away` style names keep their hyphen; `a-b` arithmetic is not in the subset.
        if (text[j] === '-' && !/[A-Za-z]/.test(text[j + 1] ?? '')) break;
        j++;
      }
      let word = text.slice(i, j);
      if (text[j] === '~' && /^(in|has|contains)$/i.test(word)) {
        word += '~';
        j++;
      }
      out.push({ kind: 'ident', value: word, pos: i });
      i = j;
      continue;
    }
    if (c === '!' && /[A-Za-z]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z_]/.test(text[j])) j++;
      let word = text.slice(i, j);
      if (text[j] === '~') {
        word += '~';
        j++;
      }
      out.push({ kind: 'op', value: word.toLowerCase(), pos: i });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPS2.includes(two)) {
      out.push({ kind: 'op', value: two, pos: i });
      i += 2;
      continue;
    }
    if (OPS1.includes(c)) {
      out.push({ kind: 'op', value: c, pos: i });
      i++;
      continue;
    }
    throw new KqlError(`Unexpected character '${c}' at position ${i}.`, 'ParserFailure');
  }
  out.push({ kind: 'eof', value: '', pos: text.length });
  return out;
}

// ---------------------------------------------------------------- syntax tree

type Expr =
  | { k: 'path'; root: string; steps: (string | number)[] }
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'cmp'; op: string; left: Expr; right: Expr | Expr[] }
  | { k: 'and' | 'or'; left: Expr; right: Expr }
  | { k: 'not'; e: Expr };

interface ProjectItem {
  readonly name: string;
  readonly expr: Expr;
}
interface SortItem {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

type Stage =
  | { op: 'where'; cond: Expr }
  | { op: 'project'; items: ProjectItem[] }
  | { op: 'extend'; items: ProjectItem[] }
  | { op: 'order'; items: SortItem[] }
  | { op: 'limit'; n: number };

const COMPARISON_WORDS = new Set(['in', 'in~', 'contains', 'contains~', 'has', 'has~', 'startswith', 'endswith']);
const FUNCTIONS = new Set(['tolower', 'toupper', 'tostring', 'isnull', 'isnotnull', 'isempty', 'isnotempty']);

class Parser {
  private i = 0;
  private columnCounter = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value.toLowerCase() === word;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === op;
  }
  private expectOp(op: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== op) throw this.fail(t, `'${op}'`);
  }
  private fail(t: Token, expected: string): KqlError {
    return new KqlError(`Expected ${expected} at position ${t.pos} but found '${t.value || 'end of query'}'.`, 'ParserFailure');
  }

  parse(): { table: string; stages: Stage[] } {
    const first = this.next();
    if (first.kind !== 'ident') throw this.fail(first, 'a table name');
    const stages: Stage[] = [];
    while (this.isOp('|')) {
      this.next();
      stages.push(this.stage());
    }
    if (this.peek().kind !== 'eof') throw this.fail(this.peek(), "'|' or end of query");
    return { table: first.value, stages };
  }

  private stage(): Stage {
    const t = this.next();
    const word = t.kind === 'ident' ? t.value.toLowerCase() : '';
    switch (word) {
      case 'where':
      case 'filter':
        return { op: 'where', cond: this.orExpr() };
      case 'project':
        return { op: 'project', items: this.projectList() };
      case 'extend':
        return { op: 'extend', items: this.projectList() };
      case 'order':
      case 'sort': {
        if (!this.isWord('by')) throw this.fail(this.peek(), "'by'");
        this.next();
        return { op: 'order', items: this.sortList() };
      }
      case 'limit':
      case 'take': {
        const n = this.next();
        if (n.kind !== 'number' || !/^\d+$/.test(n.value)) throw this.fail(n, 'a row count');
        return { op: 'limit', n: Number(n.value) };
      }
      default:
        throw new KqlError(`The operator '${t.value}' is not supported by the emulator's Resource Graph (supported: where, project, extend, order by, sort by, limit, take).`, 'UnsupportedOperator');
    }
  }

  private projectList(): ProjectItem[] {
    const items: ProjectItem[] = [];
    do {
      if (items.length > 0) this.next(); // the comma
      if (this.peek().kind === 'ident' && this.peek(1).kind === 'op' && this.peek(1).value === '=') {
        const name = this.next().value;
        this.next();
        items.push({ name, expr: this.value() });
      } else {
        const expr = this.value();
        items.push({ name: this.columnName(expr), expr });
      }
    } while (this.isOp(','));
    return items;
  }

  private columnName(expr: Expr): string {
    if (expr.k === 'path') return [expr.root, ...expr.steps.map(String)].join('_');
    return `Column${++this.columnCounter}`;
  }

  private sortList(): SortItem[] {
    const items: SortItem[] = [];
    do {
      if (items.length > 0) this.next();
      const expr = this.value();
      // Kusto sorts descending unless told otherwise.
      let desc = true;
      if (this.isWord('asc')) {
        this.next();
        desc = false;
      } else if (this.isWord('desc')) this.next();
      let nullsFirst = !desc;
      if (this.isWord('nulls')) {
        this.next();
        const which = this.next();
        if (which.kind !== 'ident' || !/^(first|last)$/i.test(which.value)) throw this.fail(which, "'first' or 'last'");
        nullsFirst = which.value.toLowerCase() === 'first';
      }
      items.push({ expr, desc, nullsFirst });
    } while (this.isOp(','));
    return items;
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isWord('or')) {
      this.next();
      left = { k: 'or', left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.next();
      left = { k: 'and', left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Expr {
    if (this.isWord('not') && this.peek(1).kind === 'op' && this.peek(1).value === '(') {
      this.next();
      this.next();
      const e = this.orExpr();
      this.expectOp(')');
      return { k: 'not', e };
    }
    if (this.isOp('(')) {
      this.next();
      const e = this.orExpr();
      this.expectOp(')');
      return e;
    }
    const left = this.value();
    const t = this.peek();
    let op: string | undefined;
    if (t.kind === 'op' && ['==', '!=', '=~', '!~', '<', '>', '<=', '>='].includes(t.value)) op = t.value;
    else if (t.kind === 'op' && t.value.startsWith('!')) op = t.value;
    else if (t.kind === 'ident' && COMPARISON_WORDS.has(t.value.toLowerCase())) op = t.value.toLowerCase();
    if (!op) return left;
    this.next();
    // `!in`, `!contains` … negate a word operator; `!=` and `!~` are operators of their own.
    const base = /^![a-z]/.test(op) ? op.slice(1) : op;
    if (base === 'in' || base === 'in~') {
      this.expectOp('(');
      const list: Expr[] = [];
      do {
        if (list.length > 0) this.next();
        list.push(this.value());
      } while (this.isOp(','));
      this.expectOp(')');
      return { k: 'cmp', op, left, right: list };
    }
    if (!['==', '!=', '=~', '!~', '<', '>', '<=', '>=', 'contains', 'contains~', 'has', 'has~', 'startswith', 'endswith'].includes(base)) {
      throw new KqlError(`The comparison '${op}' is not supported by the emulator's Resource Graph.`, 'UnsupportedOperator');
    }
    return { k: 'cmp', op, left, right: this.value() };
  }

  private value(): Expr {
    const t = this.next();
    if (t.kind === 'string') return { k: 'lit', v: t.value };
    if (t.kind === 'number') return { k: 'lit', v: Number(t.value) };
    if (t.kind !== 'ident') throw this.fail(t, 'a column, function or literal');
    const lower = t.value.toLowerCase();
    if (lower === 'true' || lower === 'false') return { k: 'lit', v: lower === 'true' };
    if (this.isOp('(')) {
      if (!FUNCTIONS.has(lower)) throw new KqlError(`The function '${t.value}' is not supported by the emulator's Resource Graph.`, 'UnsupportedOperator');
      this.next();
      const args: Expr[] = [];
      if (!this.isOp(')')) {
        do {
          if (args.length > 0) this.next();
          args.push(this.value());
        } while (this.isOp(','));
      }
      this.expectOp(')');
      return { k: 'call', fn: lower, args };
    }
    const steps: (string | number)[] = [];
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const p = this.next();
        if (p.kind !== 'ident') throw this.fail(p, 'a property name');
        steps.push(p.value);
      } else if (this.isOp('[')) {
        this.next();
        const p = this.next();
        if (p.kind === 'string') steps.push(p.value);
        else if (p.kind === 'number') steps.push(Number(p.value));
        else throw this.fail(p, 'a property name or index');
        this.expectOp(']');
      } else break;
    }
    return { k: 'path', root: t.value, steps };
  }
}

// ---------------------------------------------------------------- evaluation

function evaluate(e: Expr, row: Row): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'path': {
      let cur: unknown = row[e.root];
      for (const s of e.steps) {
        if (cur === null || cur === undefined || typeof cur !== 'object') return null;
        cur = (cur as Record<string | number, unknown>)[s];
      }
      return cur === undefined ? null : cur;
    }
    case 'call': {
      const a = e.args.map((x) => evaluate(x, row));
      switch (e.fn) {
        case 'tolower':
          return a[0] === null ? null : toText(a[0]).toLowerCase();
        case 'toupper':
          return a[0] === null ? null : toText(a[0]).toUpperCase();
        case 'tostring':
          return toText(a[0]);
        case 'isnull':
          return a[0] === null || a[0] === undefined;
        case 'isnotnull':
          return !(a[0] === null || a[0] === undefined);
        case 'isempty':
          return a[0] === null || a[0] === undefined || a[0] === '';
        case 'isnotempty':
          return !(a[0] === null || a[0] === undefined || a[0] === '');
      }
      return null;
    }
    case 'and':
      return truthy(evaluate(e.left, row)) && truthy(evaluate(e.right, row));
    case 'or':
      return truthy(evaluate(e.left, row)) || truthy(evaluate(e.right, row));
    case 'not':
      return !truthy(evaluate(e.e, row));
    case 'cmp':
      return compare(e.op, evaluate(e.left, row), Array.isArray(e.right) ? e.right.map((x) => evaluate(x, row)) : evaluate(e.right, row));
  }
}

function truthy(v: unknown): boolean {
  return v === true;
}

/** Kusto's tostring(): strings as-is, dynamic values as JSON, null as empty. */
function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function compare(op: string, left: unknown, right: unknown): boolean {
  const negate = op.startsWith('!') && op !== '!=' && op !== '!~';
  const base = negate ? op.slice(1) : op;
  const l = toText(left);
  let result: boolean;
  switch (base) {
    case '==':
      result = left !== null && (typeof left === 'number' && typeof right === 'number' ? left === right : l === toText(right));
      break;
    case '!=':
      return left !== null && (typeof left === 'number' && typeof right === 'number' ? left !== right : l !== toText(right));
    case '=~':
      result = left !== null && l.toLowerCase() === toText(right).toLowerCase();
      break;
    case '!~':
      return left !== null && l.toLowerCase() !== toText(right).toLowerCase();
    case '<':
    case '>':
    case '<=':
    case '>=': {
      if (left === null || right === null) return false;
      const c = order(left, right);
      result = base === '<' ? c < 0 : base === '>' ? c > 0 : base === '<=' ? c <= 0 : c >= 0;
      break;
    }
    case 'in':
      result = (right as unknown[]).some((r) => l === toText(r));
      break;
    case 'in~':
      result = (right as unknown[]).some((r) => l.toLowerCase() === toText(r).toLowerCase());
      break;
    case 'contains':
    case 'contains~':
      result = l.toLowerCase().includes(toText(right).toLowerCase());
      break;
    case 'has':
    case 'has~': {
      const term = toText(right).toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      result = new RegExp(`(^|[^a-z0-9])${term}($|[^a-z0-9])`).test(l.toLowerCase());
      break;
    }
    case 'startswith':
      result = l.toLowerCase().startsWith(toText(right).toLowerCase());
      break;
    case 'endswith':
      result = l.toLowerCase().endsWith(toText(right).toLowerCase());
      break;
    default:
      throw new KqlError(`The comparison '${op}' is not supported by the emulator's Resource Graph.`, 'UnsupportedOperator');
  }
  return negate ? !result : result;
}

function order(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = toText(a);
  const y = toText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortRows(rows: Row[], items: SortItem[]): Row[] {
  const keyed = rows.map((row, index) => ({ row, index, keys: items.map((it) => evaluate(it.expr, row)) }));
  keyed.sort((p, q) => {
    for (let i = 0; i < items.length; i++) {
      const a = p.keys[i];
      const b = q.keys[i];
      const an = a === null || a === undefined;
      const bn = b === null || b === undefined;
      if (an || bn) {
        if (an && bn) continue;
        return (an ? -1 : 1) * (items[i].nullsFirst ? 1 : -1);
      }
      const c = order(a, b);
      if (c !== 0) return items[i].desc ? -c : c;
    }
    return p.index - q.index;
  });
  return keyed.map((k) => k.row);
}

// ---------------------------------------------------------------- public API

/** An object with these keys, in this order, all null: spread it to make rows of one shape quickly. */
export function rowTemplate(columns: readonly string[]): Row {
  const template: Row = {};
  for (const c of columns) template[c] = null;
  return template;
}

export interface QueryResult {
  readonly rows: Row[];
  /** Column names in output order. */
  readonly columns: string[];
}

export interface CompiledQuery {
  /** Lower-case table name (`resources`). */
  readonly table: string;
  run(input: readonly Row[], inputColumns: readonly string[]): QueryResult;
}

export function compileQuery(text: string): CompiledQuery {
  if (text.trim() === '') throw new KqlError('The query is empty.', 'ParserFailure');
  const { table, stages } = new Parser(tokenize(text)).parse();
  return {
    table: table.toLowerCase(),
    run(input, inputColumns) {
      let rows: Row[] = [...input];
      let columns = [...inputColumns];
      for (const s of stages) {
        switch (s.op) {
          case 'where':
            rows = rows.filter((r) => truthy(evaluate(s.cond, r)));
            break;
          case 'project': {
            // Every output row starts as a copy of one template (one object shape), then its values are set: a
            // 10,000-row fleet query takes milliseconds, where adding the columns one by one to an empty object
            // (or Object.fromEntries) takes ~70 ms.
            const template = rowTemplate(s.items.map((it) => it.name));
            rows = rows.map((r) => {
              const out: Row = { ...template };
              for (const it of s.items) out[it.name] = evaluate(it.expr, r);
              return out;
            });
            columns = s.items.map((it) => it.name);
            break;
          }
          case 'extend':
            rows = rows.map((r) => {
              const out: Row = { ...r };
              for (const it of s.items) out[it.name] = evaluate(it.expr, r);
              return out;
            });
            columns = [...columns.filter((c) => !s.items.some((it) => it.name === c)), ...s.items.map((it) => it.name)];
            break;
          case 'order':
            rows = sortRows(rows, s.items);
            break;
          case 'limit':
            rows = rows.slice(0, s.n);
            break;
        }
      }
      return { rows, columns };
    },
  };
}
