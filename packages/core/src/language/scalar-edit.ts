import type { Scalar } from 'yaml';
import type { SourceString, Span } from './document.js';

/**
 * Text to put inside a scalar of the given style so that it reads back as `value`: doubled
 * single quotes in '...', backslash escapes in "...", as is in plain and block scalars (the
 * edits here never add line breaks).
 */
export function encodeForScalar(value: string, style: Scalar.Type | undefined): string {
  if (style === 'QUOTE_SINGLE') return value.replace(/'/g, "''");
  if (style === 'QUOTE_DOUBLE') return value.replace(/[\\"]/g, (c) => `\\${c}`);
  return value;
}

/** A replacement of value characters [start, end) of a scalar, as a file edit. */
export interface SpanEdit {
  span: Span;
  newText: string;
}

/** Maps an edit of the scalar's value to an edit of the file; undefined when positions are not exact. */
export function scalarEdit(text: SourceString, start: number, end: number, newValue: string): SpanEdit | undefined {
  if (!text.map) return undefined;
  return { span: text.map.span(start, end), newText: encodeForScalar(newValue, text.style) };
}
