// kubectl's JSONPath templates (`-o jsonpath=...`, custom-columns): text with `{...}` actions,
// `{"literal"}`, `{range PATH}...{end}`. This module only parses; each path is turned into a
// jsonpath-plus expression that evaluate.ts runs in its safe mode. The grammar is kubectl's
// (k8s.io/client-go/util/jsonpath), restricted to what can be translated faithfully: anything
// else is refused with the template and the position, never passed through to an evaluator.

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly position: number,
    reason: string,
  ) {
    super(`error parsing jsonpath template ${JSON.stringify(template)}: ${reason} at position ${position + 1}`);
    this.name = 'TemplateError';
  }
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'path'; path: string }
  | { kind: 'range'; path: string; body: TemplateNode[] };

/** A field name as jsonpath-plus reads it inside `['...']` (its path normalizer splits on these). */
const SAFE_NAME = /^[^'"\][;~^@#()]*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** kubectl's field terminators: a field name runs until one of these (a backslash escapes one). */
const TERMINATOR = /[\s.,[\]$@{}]/;

class Scanner {
  constructor(
    readonly template: string,
    public pos: number,
  ) {}
  fail(reason: string, at = this.pos): never {
    throw new TemplateError(this.template, at, reason);
  }
  peek(n = 0): string {
    return this.template[this.pos + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.template.startsWith(s, this.pos);
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
}

/** A quoted string as kubectl's UnquoteExtend reads it: Go escapes, in single or double quotes. */
function readQuoted(s: Scanner): string {
  const start = s.pos;
  const quote = s.peek();
  s.pos++;
  let out = '';
  for (;;) {
    const c = s.peek();
    if (c === '' || c === '\n') s.fail('unterminated quoted string', start);
    s.pos++;
    if (c === quote) return out;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s.peek();
    s.pos++;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      '"': '"',
      "'": "'",
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '0': '\0',
    };
    if (e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const digits = { x: 2, u: 4, U: 8 }[e];
      const hex = s.template.slice(s.pos, s.pos + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) s.fail(`invalid escape \\${e}${hex}`, s.pos - 2);
      out += String.fromCodePoint(parseInt(hex, 16));
      s.pos += digits;
    } else s.fail(`invalid escape \\${e}`, s.pos - 2);
  }
}

const bracketName = (s: Scanner, name: string, at: number): string => {
  if (!SAFE_NAME.test(name))
    s.fail(`field name ${JSON.stringify(name)} contains a character a template path cannot use`, at);
  return `['${name}']`;
};

/** One filter operand: `@.a.b` (a path below the element) or a literal. */
function filterOperand(s: Scanner, text: string, at: number): string {
  const t = text.trim();
  if (t === '@') return '@';
  if (t.startsWith('@')) {
    const inner = new Scanner(t, 1);
    const segments = parsePath(inner, () => inner.pos >= t.length, true);
    return `@${segments}`;
  }
  if (/^-?\d+(\.\d+)?$/.test(t) || t === 'true' || t === 'false') return t;
  if (/^(".*"|'.*')$/.test(t)) {
    const value = readQuoted(new Scanner(t, 0));
    // jsonpath-plus finds the end of a filter by its `)]`: a literal may not fake one.
    if (value.includes(')')) s.fail(`filter string ${t} may not contain )`, at);
    return JSON.stringify(value);
  }
  return s.fail(`filter operand ${JSON.stringify(t)} must be @.path, a number, true, false or a quoted string`, at);
}

/** `[?(@.a == "x")]`, `[?(@.a)]`: kubectl's one comparison, as a jsonpath-plus filter. */
function parseFilter(s: Scanner): string {
  const start = s.pos;
  s.pos += 3; // [?(
  const bodyStart = s.pos;
  let quote = '';
  for (;;) {
    const c = s.peek();
    if (c === '' || c === '\n') s.fail('unterminated filter', start);
    if (quote) {
      if (c === '\\') s.pos++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ')') break;
    s.pos++;
  }
  const body = s.template.slice(bodyStart, s.pos);
  s.pos++;
  if (s.peek() !== ']') s.fail('unclosed filter, expected ]');
  s.pos++;
  const comparison = /^([^!<>=]+)(==|!=|<=|>=|<|>)(.+)$/s.exec(body);
  if (!comparison) return `[?(${filterOperand(s, body, bodyStart)} !== undefined)]`;
  const [, left = '', op = '', right = ''] = comparison;
  const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
  return `[?(${filterOperand(s, left, bodyStart)} ${js} ${filterOperand(s, right, bodyStart + left.length + op.length)})]`;
}

/** `[...]` after a path: index, slice, `*`, quoted key, or a union of indices or keys. */
function parseBracket(s: Scanner): string {
  const start = s.pos;
  const close = s.template.indexOf(']', s.pos);
  const newline = s.template.indexOf('\n', s.pos);
  if (close < 0 || (newline >= 0 && newline < close)) s.fail('unterminated [', start);
  const text = s.template.slice(s.pos + 1, close).trim();
  s.pos = close + 1;
  if (text === '*') return '[*]';
  const one = (part: string): string => {
    const p = part.trim();
    const key = /^'([^']*)'$/.exec(p);
    if (key) return bracketName(s, key[1] ?? '', start);
    if (/^-?\d+$/.test(p)) {
      const n = Number(p);
      // jsonpath-plus reads `[-1]` as a property name; kubectl means the last element.
      return n >= 0 ? `${n}` : `${n}:${n + 1 === 0 ? '' : n + 1}`;
    }
    if (/^-?\d*:-?\d*(:\d*)?$/.test(p)) return p;
    return s.fail(`invalid array index ${JSON.stringify(p)}`, start);
  };
  const parts = text.split(',');
  if (parts.length === 1) {
    const single = one(text);
    return single.startsWith('[') ? single : `[${single}]`;
  }
  // jsonpath-plus splits a union on its commas and reads each member as a bare name or index.
  return `[${parts.map((p) => one(p).replace(/^\['(.*)'\]$/, '$1')).join(',')}]`;
}

/**
 * The path segments up to `done()`, as a jsonpath-plus expression without its root (`['a'][*]`).
 * In filters (`filter`), only plain fields and indices are allowed.
 */
function parsePath(s: Scanner, done: () => boolean, filter = false): string {
  let out = '';
  while (!done()) {
    const at = s.pos;
    if (s.startsWith('[?(')) {
      if (filter) s.fail('a filter cannot contain another filter');
      out += parseFilter(s);
    } else if (s.startsWith('..')) {
      if (filter) s.fail('recursive descent (..) cannot be used in a filter');
      if (out.endsWith('..')) s.fail('invalid multiple recursive descent');
      s.pos += 2;
      out += '..';
      if (s.peek() !== '[' && (s.peek() === '' || TERMINATOR.test(s.peek())))
        s.fail('expected a field name or [ after ..');
      if (s.peek() !== '[') out += fieldName(s, true);
    } else if (s.peek() === '.') {
      s.pos++;
      out += fieldName(s, false);
    } else if (s.peek() === '[') {
      out += parseBracket(s);
    } else s.fail(`unexpected ${JSON.stringify(s.peek())} in path`, at);
  }
  return out;
}

/** A field name after `.` (or `..`): `*`, or characters up to a terminator, `\` escaping one. */
function fieldName(s: Scanner, recursive: boolean): string {
  const start = s.pos;
  let name = '';
  while (s.peek() !== '' && !TERMINATOR.test(s.peek())) {
    if (s.peek() === '\\') s.pos++;
    name += s.peek();
    s.pos++;
  }
  if (name === '') return s.fail('expected a field name after .', start);
  if (name === '*') return recursive ? '*' : '.*';
  // `$..name` is how jsonpath-plus spells "every descendant's name"; a bracket there would not be.
  if (recursive) {
    if (!IDENTIFIER.test(name))
      s.fail(`recursive descent needs a plain field name, not ${JSON.stringify(name)}`, start);
    return name;
  }
  return bracketName(s, name, start);
}

/** The text inside one `{...}`: a path, a quoted literal, `range PATH` or `end`. */
type Action =
  | { kind: 'text'; text: string }
  | { kind: 'path'; path: string }
  | { kind: 'range'; path: string }
  | { kind: 'end' };

function parseAction(s: Scanner, close: number): Action {
  const done = () => {
    s.skipSpaces();
    return s.pos >= close;
  };
  s.skipSpaces();
  if (s.peek() === '"' || s.peek() === "'") {
    const text = readQuoted(s);
    if (!done()) s.fail('unexpected text after a quoted string');
    return { kind: 'text', text };
  }
  const word = /^(range|end)(?=[\s}]|$)/.exec(s.template.slice(s.pos, close));
  if (word?.[1] === 'end') {
    s.pos += 3;
    if (!done()) s.fail('unexpected text after end');
    return { kind: 'end' };
  }
  const isRange = word?.[1] === 'range';
  if (isRange) s.pos += 5;
  s.skipSpaces();
  // `@` and `$` both mean the object being printed (or the range element), as in kubectl.
  if (s.peek() === '@' || s.peek() === '$') s.pos++;
  if (s.pos < close && s.peek() !== '.' && s.peek() !== '[')
    s.fail(`unrecognized character ${JSON.stringify(s.peek())} in action`);
  const path = `$${parsePath(s, done)}`;
  return isRange ? { kind: 'range', path } : { kind: 'path', path };
}

/** Where the `}` closing the action that starts at `open` is, skipping quoted strings. */
function actionEnd(s: Scanner, open: number): number {
  let quote = '';
  for (let i = open + 1; i < s.template.length; i++) {
    const c = s.template[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c ?? '';
    else if (c === '}') return i;
  }
  return s.fail('unclosed action, expected }', open);
}

/** Parses a kubectl JSONPath template. */
export function parseTemplate(template: string): TemplateNode[] {
  const s = new Scanner(template, 0);
  const root: TemplateNode[] = [];
  const stack: { body: TemplateNode[]; at: number }[] = [{ body: root, at: 0 }];
  const current = () => stack[stack.length - 1]?.body ?? root;
  while (s.pos < template.length) {
    const open = template.indexOf('{', s.pos);
    const textEnd = open < 0 ? template.length : open;
    if (textEnd > s.pos) current().push({ kind: 'text', text: template.slice(s.pos, textEnd) });
    if (open < 0) break;
    const close = actionEnd(s, open);
    s.pos = open + 1;
    const action = parseAction(s, close);
    s.pos = close + 1;
    if (action.kind === 'end') {
      if (stack.length === 1) s.fail('{end} without {range}', open);
      stack.pop();
    } else if (action.kind === 'range') {
      const node = { kind: 'range' as const, path: action.path, body: [] };
      current().push(node);
      stack.push({ body: node.body, at: open });
    } else current().push(action);
  }
  if (stack.length > 1) s.fail('{range} without {end}', stack[stack.length - 1]?.at ?? 0);
  return root;
}

/**
 * A custom column's path in kubectl's relaxed form: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all mean
 * `{.a.b}`. Returns the jsonpath-plus expression.
 */
export function relaxedPath(expression: string): string {
  const match = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
  if (!match)
    throw new TemplateError(
      expression,
      0,
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  const template = `{.${match[1] ?? match[2] ?? ''}}`;
  const [node] = parseTemplate(template);
  // `{.` followed by no braces can only parse as one path; the check is for the type.
  if (node?.kind !== 'path') throw new TemplateError(template, 0, 'expected one path');
  return node.path;
}
