// JSON as Go's encoding/json reads and writes it, because OpenShift's controller and `oc` are Go
// programs: the annotation must be accepted, rejected and written exactly as they do.
//
// Reading keeps every member in text order with its offsets (duplicates included), so callers can
// apply Go's "last matching key wins, keys match case-insensitively" rule and point at the text.

/** Offsets in UTF-16 code units into the parsed text, end exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

export type JsonNode =
  | ({ type: 'object'; members: JsonMember[] } & TextSpan)
  | ({ type: 'array'; items: JsonNode[] } & TextSpan)
  | ({ type: 'string'; value: string } & TextSpan)
  | ({ type: 'number'; value: number } & TextSpan)
  | ({ type: 'boolean'; value: boolean } & TextSpan)
  | ({ type: 'null' } & TextSpan);

export interface JsonMember {
  key: string;
  keySpan: TextSpan;
  value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

// encoding/json refuses documents nested deeper than this; the same limit keeps a hostile
// annotation (`[[[[...`) from exhausting the stack.
const MAX_DEPTH = 10000;

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

// Go strings are UTF-8, so an unpaired UTF-16 surrogate can only ever reach Go as U+FFFD.
function wellFormed(s: string): string {
  if (!/[\uD800-\uDFFF]/.test(s)) return s;
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Parses `text` as one JSON value with RFC 8259's grammar, as Go's decoder does. */
export function parseGoJson(text: string): JsonNode {
  let pos = 0;
  let depth = 0;

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(at >= text.length ? 'unexpected end of JSON input' : message, at);
  };
  const skipSpace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      pos++;
    }
  };
  const describe = (at: number): string => JSON.stringify(text.slice(at, at + 1));

  const parseString = (): { value: string; span: TextSpan } => {
    const start = pos;
    pos++; // opening quote
    let value = '';
    for (;;) {
      // Copy the run of plain characters up to the next quote or backslash in one slice.
      let run = pos;
      while (run < text.length) {
        const c = text.charCodeAt(run);
        if (c === 0x22 || c === 0x5c) break;
        if (c < 0x20) fail(`invalid character ${describe(run)} in string literal`, run);
        run++;
      }
      value += text.slice(pos, run);
      pos = run;
      if (pos >= text.length) fail('unexpected end of JSON input');
      if (text.charCodeAt(pos) === 0x22) {
        pos++;
        break;
      }
      const e = text[pos + 1];
      if (e !== undefined && e in SIMPLE_ESCAPES) {
        value += SIMPLE_ESCAPES[e];
        pos += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
        continue;
      }
      fail(`invalid character ${describe(pos + 1)} in string escape code`, pos + 1);
    }
    return { value: wellFormed(value), span: { start, end: pos } };
  };

  const parseValue = (): JsonNode => {
    skipSpace();
    const start = pos;
    const c = text[pos];
    if (c === undefined) return fail('unexpected end of JSON input');
    if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) fail('exceeded max depth');
      const node = c === '{' ? parseObject(start) : parseArray(start);
      depth--;
      return node;
    }
    if (c === '"') {
      const s = parseString();
      return { type: 'string', value: s.value, ...s.span };
    }
    for (const [word, node] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return node === null ? { type: 'null', start, end: pos } : { type: 'boolean', value: node, start, end: pos };
      }
    }
    const num = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (num && num[0] !== '-') {
      pos += num[0].length;
      return { type: 'number', value: Number(num[0]), start, end: pos };
    }
    return fail(`invalid character ${describe(pos)} looking for beginning of value`);
  };

  const parseObject = (start: number): JsonNode => {
    pos++;
    const members: JsonMember[] = [];
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      return { type: 'object', members, start, end: pos };
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail(`invalid character ${describe(pos)} looking for beginning of object key string`);
      const key = parseString();
      skipSpace();
      if (text[pos] !== ':') fail(`invalid character ${describe(pos)} after object key`);
      pos++;
      members.push({ key: key.value, keySpan: key.span, value: parseValue() });
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return { type: 'object', members, start, end: pos };
      }
      fail(`invalid character ${describe(pos)} after object key:value pair`);
    }
  };

  const parseArray = (start: number): JsonNode => {
    pos++;
    const items: JsonNode[] = [];
    skipSpace();
    if (text[pos] === ']') {
      pos++;
      return { type: 'array', items, start, end: pos };
    }
    for (;;) {
      items.push(parseValue());
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return { type: 'array', items, start, end: pos };
      }
      fail(`invalid character ${describe(pos)} after array element`);
    }
  };

  let root: JsonNode;
  try {
    root = parseValue();
  } catch (e) {
    // Recursion can run out of stack before Go's depth limit; either way the value is refused.
    if (e instanceof RangeError) throw new JsonSyntaxError('exceeded max depth', pos);
    throw e;
  }
  skipSpace();
  if (pos < text.length) fail(`invalid character ${describe(pos)} after top-level value`);
  return root;
}

/**
 * Go matches a JSON key to a struct field exactly first, else case-insensitively with Unicode
 * simple folding; for ASCII field names that adds only U+212A (Kelvin) ~ k and U+017F (long s) ~ s.
 */
export function goKeyMatches(key: string, field: string): boolean {
  const fold = (s: string): string =>
    s
      .replace(/\u212A/g, 'k')
      .replace(/\u017F/g, 's')
      .replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  return key === field || fold(key) === fold(field);
}

/** A string as Go's json.Marshal writes it: HTML-safe (<, >, & escaped) and U+2028/2029 escaped. */
export function goJsonString(value: string): string {
  return JSON.stringify(wellFormed(value)).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
