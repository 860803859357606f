import type { CST } from 'yaml';

/**
 * Where each character of a YAML string scalar's value sits in the file. `at(i)` is the source
 * offset of value character `i`; `at(value.length)` is the end of the value. Characters the YAML
 * folding made up (a space for a folded line break, an escape's result) point at the source
 * characters they came from, so a range inside the value maps to the exact text the user wrote.
 */
export interface ScalarSourceMap {
  /** The source range [start, end) of value characters [start, end). */
  span(start: number, end: number): [number, number];
  /** The value index of the character at (or first after) a source offset: where a cursor sits. */
  indexAt(sourceOffset: number): number;
}

/**
 * Rebuilds the value of a plain, quoted or block scalar from its source token, keeping the offset
 * of every character. Returns null when the rebuilt value differs from `value` (what the YAML
 * parser resolved): callers then fall back to the scalar's whole range rather than risk a wrong one.
 */
export function scalarSourceMap(token: CST.FlowScalar | CST.BlockScalar, value: string): ScalarSourceMap | null {
  const out = new Builder(value.length);
  if (token.type === 'block-scalar') readBlock(token, out);
  else if (token.type === 'scalar') readFlow(token.source, token.offset, 0, token.source.length, 'plain', out);
  else if (token.type === 'single-quoted-scalar')
    readFlow(token.source, token.offset, 1, token.source.length - 1, 'single', out);
  else if (token.type === 'double-quoted-scalar')
    readFlow(token.source, token.offset, 1, token.source.length - 1, 'double', out);
  else return null;
  if (out.text() !== value) return null;
  const { starts, ends } = out;
  const tail = value.length > 0 ? (ends[value.length - 1] as number) : contentStart(token);
  return {
    span(start, end) {
      const from = start < value.length ? (starts[Math.max(0, start)] as number) : tail;
      if (end <= start) return [from, from];
      return [from, end - 1 < value.length ? (ends[end - 1] as number) : tail];
    },
    indexAt(sourceOffset) {
      let lo = 0;
      let hi = value.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((starts[mid] as number) < sourceOffset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
  };
}

function contentStart(token: CST.FlowScalar | CST.BlockScalar): number {
  if (token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar') return token.offset + 1;
  if (token.type === 'block-scalar') return blockBodyOffset(token);
  return token.offset;
}

/** Value characters with the source range each came from. */
class Builder {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  private readonly parts: string[] = [];
  private length = 0;

  constructor(capacity: number) {
    // One extra slot so a value longer than expected still builds; the comparison rejects it.
    this.starts = new Int32Array(capacity + 1);
    this.ends = new Int32Array(capacity + 1);
  }

  /** Characters copied from the source at `offset`, one for one. */
  copy(chars: string, offset: number): void {
    for (let k = 0; k < chars.length; k++) this.set(offset + k, offset + k + 1);
    this.parts.push(chars);
  }

  /** Characters that stand for the source range [from, to): an escape, a folded break. */
  stand(chars: string, from: number, to: number): void {
    for (let k = 0; k < chars.length; k++) this.set(from, to);
    this.parts.push(chars);
  }

  text(): string {
    return this.parts.join('');
  }

  private set(from: number, to: number): void {
    if (this.length < this.starts.length) {
      this.starts[this.length] = from;
      this.ends[this.length] = to;
    }
    this.length++;
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Length of the line break at `i` (1 or 2 for \r\n), or 0. */
function breakAt(s: string, i: number): number {
  if (s[i] === '\n') return 1;
  if (s[i] === '\r') return s[i + 1] === '\n' ? 2 : 1;
  return 0;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Flow scalars (YAML 1.2 §7.3): a line break between two non-empty lines folds to a space, each
 * empty line in between to a line feed; whitespace around breaks is dropped, except what a double
 * quoted escape protects.
 */
function readFlow(
  src: string,
  base: number,
  start: number,
  end: number,
  mode: 'plain' | 'single' | 'double',
  out: Builder,
): void {
  let i = start;
  while (i < end) {
    const c = src[i] as string;
    if (mode === 'single' && c === "'" && src[i + 1] === "'") {
      out.stand("'", base + i, base + i + 2);
      i += 2;
    } else if (mode === 'double' && c === '\\') {
      i = readEscape(src, base, i, end, out);
    } else if (isBlank(c)) {
      let j = i;
      while (j < end && isBlank(src[j])) j++;
      if (j >= end || breakAt(src, j) === 0) out.copy(src.slice(i, j), base + i);
      i = j;
    } else if (breakAt(src, i) > 0) {
      i = foldFlowBreak(src, base, i, end, out, true);
    } else {
      out.copy(c, base + i);
      i++;
    }
  }
}

/** Folds the line break at `i` and the empty lines after it; returns where the next content starts. */
function foldFlowBreak(
  src: string,
  base: number,
  i: number,
  end: number,
  out: Builder,
  spaceIfSingle: boolean,
): number {
  const first = i;
  const firstLength = breakAt(src, i);
  i += firstLength;
  let empties = 0;
  for (;;) {
    let j = i;
    while (j < end && isBlank(src[j])) j++;
    const br = j < end ? breakAt(src, j) : 0;
    if (br === 0) {
      i = j;
      break;
    }
    out.stand('\n', base + j, base + j + br);
    empties++;
    i = j + br;
  }
  if (empties === 0 && spaceIfSingle) out.stand(' ', base + first, base + first + firstLength);
  return i;
}

function readEscape(src: string, base: number, i: number, end: number, out: Builder): number {
  const e = src[i + 1];
  if (e === undefined || i + 1 >= end) {
    out.copy('\\', base + i);
    return i + 1;
  }
  if (breakAt(src, i + 1) > 0) return foldFlowBreak(src, base, i + 1, end, out, false);
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    out.stand(simple, base + i, base + i + 2);
    return i + 2;
  }
  const digits = HEX_ESCAPES[e];
  if (digits !== undefined) {
    const hex = src.slice(i + 2, i + 2 + digits);
    if (hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
      const code = parseInt(hex, 16);
      if (code <= 0x10ffff) {
        out.stand(String.fromCodePoint(code), base + i, base + i + 2 + digits);
        return i + 2 + digits;
      }
    }
  }
  out.copy(src.slice(i, i + 2), base + i);
  return i + 2;
}

/** Where a block scalar's body starts: after its header line (indicators, comment, line break). */
function blockBodyOffset(token: CST.BlockScalar): number {
  const last = token.props[token.props.length - 1];
  return last && 'source' in last ? last.offset + last.source.length : token.offset;
}

/**
 * Block scalars (YAML 1.2 §8.1): lines lose the content indentation; a literal (|) keeps every
 * line break, a folded one (>) joins adjacent text lines with a space except around more-indented
 * lines; chomping (-, +, clip) decides the final line breaks.
 */
function readBlock(token: CST.BlockScalar, out: Builder): void {
  const header = token.props.find((p) => p.type === 'block-scalar-header');
  const indicators = header && 'source' in header ? header.source : '|';
  const folded = indicators.startsWith('>');
  const chomp = indicators.includes('-') ? 'strip' : indicators.includes('+') ? 'keep' : 'clip';
  const explicit = /[1-9]/.exec(indicators);
  const base = blockBodyOffset(token);
  const src = token.source;

  const lines: Array<{ start: number; end: number; breakLength: number }> = [];
  for (let i = 0; i < src.length; ) {
    let j = i;
    while (j < src.length && breakAt(src, j) === 0) j++;
    const br = breakAt(src, j);
    lines.push({ start: i, end: j, breakLength: br });
    i = j + br;
  }
  let indent = explicit ? token.indent + Number(explicit[0]) : 0;
  if (!explicit) {
    for (const line of lines) {
      let k = line.start;
      while (k < line.end && src[k] === ' ') k++;
      if (k < line.end) {
        indent = k - line.start;
        break;
      }
    }
  }
  const isEmpty = (l: { start: number; end: number }): boolean =>
    l.end - l.start <= indent && /^ *$/.test(src.slice(l.start, l.end));
  let lastContent = lines.length - 1;
  while (lastContent >= 0 && isEmpty(lines[lastContent] as { start: number; end: number })) lastContent--;

  let previousText: boolean | null = null;
  let pendingBreak: { at: number; length: number } | null = null;
  let pendingEmpties: Array<{ at: number; length: number }> = [];
  for (let n = 0; n <= lastContent; n++) {
    const line = lines[n] as { start: number; end: number; breakLength: number };
    if (isEmpty(line)) {
      pendingEmpties.push({ at: base + line.end, length: line.breakLength });
      continue;
    }
    const contentAt = line.start + indent;
    const text = !isBlank(src[contentAt]);
    if (pendingBreak) {
      if (folded && previousText && text && pendingEmpties.length === 0)
        out.stand(' ', pendingBreak.at, pendingBreak.at + pendingBreak.length);
      else if (!folded || !previousText || !text)
        out.stand('\n', pendingBreak.at, pendingBreak.at + pendingBreak.length);
    }
    for (const e of pendingEmpties) out.stand('\n', e.at, e.at + e.length);
    pendingEmpties = [];
    out.copy(src.slice(contentAt, line.end), base + contentAt);
    previousText = text;
    pendingBreak = { at: base + line.end, length: line.breakLength };
  }
  if (!pendingBreak || chomp === 'strip' || pendingBreak.length === 0) return;
  out.stand('\n', pendingBreak.at, pendingBreak.at + pendingBreak.length);
  if (chomp === 'keep') {
    for (let n = lastContent + 1; n < lines.length; n++) {
      const line = lines[n] as { start: number; end: number; breakLength: number };
      if (line.breakLength > 0) out.stand('\n', base + line.end, base + line.end + line.breakLength);
    }
  }
}
