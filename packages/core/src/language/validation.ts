import { isAlias, visit, type Document } from 'yaml';
import { readTriggers, type WorkloadObject } from '../triggers/index.js';
import type { ParsedFile, Resource, Span, TriggerAnnotation } from './document.js';
import { ruleSeverity } from './rules.js';
import type { Diagnostic, Severity } from './types.js';

/** A problem before it has a line and column: a source span and a rule code. */
export interface Finding {
  span: Span;
  code: string;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
}

/** Everything wrong with one file, in source order. */
export function validateParsed(file: ParsedFile, maxAliasCount: number): Diagnostic[] {
  const findings: Finding[] = file.syntax.map((s) => ({ span: s.span, code: 'yaml-syntax', message: `${s.message}: fix the YAML so kubectl can read it` }));
  for (const doc of file.documents) findings.push(...aliasBomb(doc, maxAliasCount));
  for (const resource of file.resources) findings.push(...resourceFindings(resource, maxAliasCount));
  return findings
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1])
    .map((f) => toDiagnostic(file, f));
}

export function toDiagnostic(file: ParsedFile, f: Finding): Diagnostic {
  return { range: file.lines.range(f.span[0], f.span[1]), severity: f.severity ?? ruleSeverity(f.code), code: f.code, message: f.message };
}

/**
 * A document whose aliases expand past the limit: kubectl's YAML reader refuses those too. Only
 * documents that contain an alias pay for the check.
 */
function aliasBomb(doc: Document.Parsed, maxAliasCount: number): Finding[] {
  let hasAlias = false;
  visit(doc, { Alias: () => { hasAlias = true; return visit.BREAK; } });
  if (!hasAlias) return [];
  try {
    doc.toJS({ maxAliasCount });
    return [];
  } catch {
    let first: Span = [doc.range[0], doc.range[0]];
    visit(doc, { Alias: (_k, node) => { if (isAlias(node) && node.range) first = [node.range[0], node.range[1]]; return visit.BREAK; } });
    return [{ span: first, code: 'yaml-alias-limit', message: `this document expands more than ${maxAliasCount} aliases (an alias bomb): replace the aliases with plain values` }];
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
    return [{ span: annotation.valueSpan, code: 'triggers-not-string', message: 'annotation values are strings: write the triggers as a quoted JSON string or a block scalar (|)' }];
  }
  const reading = readTriggers(text.value, workloadObject(resource, maxAliasCount));
  return reading.problems.map((p) => ({
    // A problem about the whole object (its kind) reads best on the annotation's key.
    span: p.code === 'unsupported-kind' ? annotation.keySpan : jsonSpan(annotation, [p.span.start, p.span.end]),
    code: p.code,
    message: p.message,
    severity: p.severity,
  }));
}

/** The resource as plain data for core/triggers; an alias bomb leaves only what needs no alias. */
function workloadObject(resource: Resource, maxAliasCount: number): WorkloadObject {
  try {
    return resource.node.toJS(resource.doc, { maxAliasCount }) as WorkloadObject;
  } catch {
    return { kind: resource.kind, apiVersion: resource.apiVersion };
  }
}

/** Maps a JSON range inside the annotation to the file; the whole value when it cannot be exact. */
export function jsonSpan(annotation: TriggerAnnotation, range: [number, number] | undefined): Span {
  const text = annotation.text;
  if (!text || !range || !text.map) return text?.span ?? annotation.valueSpan;
  return text.map.span(range[0], range[1]);
}
