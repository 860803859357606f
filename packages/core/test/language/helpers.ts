import { readFileSync } from 'node:fs';
import type { Position, TextEdit } from '../../src/language/index.js';

const corpus = new URL('../../../test/fixtures/manifests/', import.meta.url);

export const readFixture = (name: string): string => readFileSync(new URL(name, corpus), 'utf8');

function offsetOf(text: string, p: Position): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

/** The text after the edits, applied back to front as an editor does. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

/** The position of the first occurrence of `needle` (plus `shift` characters). */
export function positionOf(text: string, needle: string, shift = 0): Position {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`not in text: ${needle}`);
  const before = text.slice(0, at + shift).split('\n');
  return { line: before.length - 1, character: (before[before.length - 1] ?? '').length };
}
