import { isAlias, visit, type Document } from 'yaml';
import { readTriggers, TRIGGER_ANNOTATION } from '../triggers/index.js';
import {
  parseChunk,
  plainObject,
  type Chunk,
  type ParsedFile,
  type Resource,
  type Span,
  type TriggerAnnotation,
} from './document.js';
import { ruleHelpUri, ruleSeverity } from './rules.js';
import type { Diagnostic, Severity } from './types.js';

/** A problem before it has a line and column: a source span and a rule code. */
export interface Finding {
  span: Span;
  code: string;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
}

export interface ValidationLimits {
  /** Alias expansions per document before it counts as an alias bomb. */
  maxAliasCount: number;
  /** Characters of documents with triggers checked per file; the rest gets one diagnostic. */
  maxCheckedSize: number;
}

/**
 * Findings per document text, with offsets relative to the document: while typing, every document
 * but the one being edited is unchanged, so only that one is parsed again.
 */
export class FindingsCache {
  private readonly entries = new Map<string, { key: string; findings: Finding[] }>();

  constructor(private readonly maxEntries = 2000) {}

  get(text: string, compute: () => Finding[]): Finding[] {
    let entry = this.entries.get(text);
    if (entry) {
      // Refresh its place: the oldest entry goes first.
      this.entries.delete(entry.key);
    } else {
      // A slice keeps its whole file alive in V8; the key is a copy so old versions can go.
      entry = { key: Buffer.from(text, 'utf16le').toString('utf16le'), findings: compute() };
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(entry.key, entry);
    return entry.findings;
  }
}

/**
 * Everything wrong with the file's triggers, in source order. Only documents that contain the
 * annotation are parsed: the others cannot hold a trigger mistake.
 */
export function validateParsed(file: ParsedFile, limits: ValidationLimits, cache: FindingsCache): Diagnostic[] {
  const findings: Finding[] = [];
  let checked = 0;
  for (const i of file.chunksContaining(TRIGGER_ANNOTATION)) {
    const chunk = file.chunks[i] as Chunk;
    checked += chunk.end - chunk.start;
    if (checked > limits.maxCheckedSize) {
      const mib = (limits.maxCheckedSize / 1024 / 1024).toFixed(1);
      findings.push({
        span: [chunk.start, chunk.start],
        code: 'file-too-large',
        message: `not checked from here on: the linter reads ${mib} MiB of documents with triggers per file; split the file to check the rest`,
      });
      break;
    }
    const text = file.text.slice(chunk.start, chunk.end);
    for (const f of cache.get(text, () => documentFindings(text, limits))) {
      findings.push({ ...f, span: [f.span[0] + chunk.start, f.span[1] + chunk.start] });
    }
  }
  return findings.sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]).map((f) => toDiagnostic(file, f));
}

/** The findings of one document's text, offsets relative to it. */
function documentFindings(text: string, limits: ValidationLimits): Finding[] {
  const parse = parseChunk(text, { start: 0, end: text.length });
  const findings: Finding[] = parse.syntax.map((s) => ({
    span: s.span,
    code: 'yaml-syntax',
    message: `${s.message}: fix the YAML so kubectl can read it`,
  }));
  // No '*' in the text, no alias: most documents skip the walk.
  if (text.includes('*')) {
    for (const doc of parse.documents) findings.push(...aliasBomb(doc, limits.maxAliasCount));
  }
  for (const resource of parse.resources) findings.push(...resourceFindings(resource, limits.maxAliasCount));
  return findings;
}

export function toDiagnostic(file: ParsedFile, f: Finding): Diagnostic {
  return {
    range: file.lines.range(f.span[0], f.span[1]),
    severity: f.severity ?? ruleSeverity(f.code),
    code: f.code,
    message: f.message,
    codeDescription: { href: ruleHelpUri(f.code) },
  };
}

/**
 * A document whose aliases expand past the limit: kubectl's YAML reader refuses those too. Only
 * documents that contain an alias pay for the check.
 */
function aliasBomb(doc: Document.Parsed, maxAliasCount: number): Finding[] {
  let hasAlias = false;
  visit(doc, {
    Alias: () => {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (!hasAlias) return [];
  try {
    doc.toJS({ maxAliasCount });
    return [];
  } catch {
    let first: Span = [doc.range[0], doc.range[0]];
    visit(doc, {
      Alias: (_k, node) => {
        if (isAlias(node) && node.range) first = [node.range[0], node.range[1]];
        return visit.BREAK;
      },
    });
    return [
      {
        span: first,
        code: 'yaml-alias-limit',
        message: `this document expands more than ${maxAliasCount} aliases (an alias bomb): replace the aliases with plain values`,
      },
    ];
  }
}

/**
 * The annotation's problems as core/triggers reads it against this object (OpenShift's exact
 * rules), mapped from offsets in the annotation value to the file.
 */
export function resourceFindings(resource: Resource, maxAliasCount: number): Finding[] {
  const annotation = resource.annotation;
  if (!annotation) return [];
  const text = annotation.text;
  if (!text) {
    return [
      {
        span: annotation.valueSpan,
        code: 'triggers-not-string',
        message: 'annotation values are strings: write the triggers as a quoted JSON string or a block scalar (|)',
      },
    ];
  }
  const reading = readTriggers(text.value, plainObject(resource, maxAliasCount));
  return reading.problems.map((p) => ({
    // A problem about the whole object (its kind) reads best on the annotation's key.
    span: p.code === 'unsupported-kind' ? annotation.keySpan : jsonSpan(annotation, [p.span.start, p.span.end]),
    code: p.code,
    message: p.message,
    severity: p.severity,
  }));
}

/** Maps a JSON range inside the annotation to the file; the whole value when it cannot be exact. */
export function jsonSpan(annotation: TriggerAnnotation, range: [number, number] | undefined): Span {
  const text = annotation.text;
  if (!text || !range || !text.map) return text?.span ?? annotation.valueSpan;
  return text.map.span(range[0], range[1]);
}
