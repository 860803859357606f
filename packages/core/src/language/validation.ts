import { isAlias, visit, type Document } from 'yaml';
import { checkAnnotationValue, type ContainerRef } from './annotation-checks.js';
import { locate, parseAnnotationJson, type JsonLocation } from './annotation-json.js';
import type { ParsedFile, Resource, Span, TriggerAnnotation } from './document.js';
import { ruleSeverity } from './rules.js';
import type { Diagnostic } from './types.js';

const FIELD_PATH_SHAPE = new Set(['fieldpath-invalid', 'fieldpath-wrong-kind']);

/** A problem before it has a line and column: a source span and a rule code. */
export interface Finding {
  span: Span;
  code: string;
  message: string;
}

/** Everything wrong with one file, in source order. */
export function validateParsed(file: ParsedFile, maxAliasCount: number): Diagnostic[] {
  const findings: Finding[] = file.syntax.map((s) => ({ span: s.span, code: 'yaml-syntax', message: `${s.message}: fix the YAML so kubectl can read it` }));
  for (const doc of file.documents) findings.push(...aliasBomb(doc, maxAliasCount));
  for (const resource of file.resources) findings.push(...resourceFindings(resource));
  return findings
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1])
    .map((f) => toDiagnostic(file, f));
}

export function toDiagnostic(file: ParsedFile, f: Finding): Diagnostic {
  return { range: file.lines.range(f.span[0], f.span[1]), severity: ruleSeverity(f.code), code: f.code, message: f.message };
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

/** The annotation's findings plus those that need the rest of the document. */
export function resourceFindings(resource: Resource): Finding[] {
  const annotation = resource.annotation;
  if (!annotation) return [];
  const findings: Finding[] = [];
  if (!resource.triggerable && resource.kind !== undefined) {
    findings.push({ span: annotation.keySpan, code: 'kind-not-triggerable', message: `OpenShift never triggers a ${resource.kind}: move the trigger to the Deployment, StatefulSet, DaemonSet or CronJob that owns it, or remove it` });
  }
  const text = annotation.text;
  if (!text) {
    findings.push({ span: annotation.valueSpan, code: 'triggers-not-string', message: 'annotation values are strings: write the triggers as a quoted JSON string or a block scalar (|)' });
    return findings;
  }
  const json = parseAnnotationJson(text.value);
  const at = (where: JsonLocation): Span => jsonSpan(annotation, locate(json, where));
  if (json.error) {
    const { offset, length, message } = json.error;
    findings.push({ span: jsonSpan(annotation, [offset, offset + length]), code: 'triggers-invalid-json', message: `the triggers annotation is not valid JSON (${message}): OpenShift ignores all of it` });
    return findings;
  }
  const check = checkAnnotationValue(JSON.parse(text.value), resource.triggerable ? resource.kind : undefined);
  for (const p of check.problems) {
    // On a kind OpenShift never triggers, where the path points matters less than the kind itself.
    if (!resource.triggerable && FIELD_PATH_SHAPE.has(p.code)) continue;
    findings.push({ span: at(p.where), code: p.code, message: p.message });
  }
  if (resource.podSpec) {
    for (const ref of check.containers) {
      if (!containerExists(resource, ref)) {
        findings.push({ span: at({ index: ref.trigger, path: ['fieldPath'] }), code: 'container-not-found', message: missingContainerMessage(resource, ref) });
      }
    }
  }
  return findings;
}

/** OpenShift's lookup: an index counts within its list; a name matches containers and init containers. */
export function containerExists(resource: Resource, ref: ContainerRef): boolean {
  if (ref.byIndex !== undefined) return resource.containers.some((c) => c.init === ref.init && c.index === ref.byIndex);
  return resource.containers.some((c) => c.name === ref.byName);
}

function missingContainerMessage(resource: Resource, ref: ContainerRef): string {
  const names = resource.containers.map((c) => c.name).filter((n): n is string => n !== undefined);
  const list = names.length ? `: this pod spec has ${names.map((n) => `"${n}"`).join(', ')}` : '';
  const what = ref.byName !== undefined ? `no container is named "${ref.byName}"` : `there is no ${ref.init ? 'init container' : 'container'} at index ${ref.byIndex}`;
  return `${what}${list}`;
}

/** Maps a JSON range inside the annotation to the file; the whole value when it cannot be exact. */
export function jsonSpan(annotation: TriggerAnnotation, range: [number, number] | undefined): Span {
  const text = annotation.text;
  if (!text || !range || !text.map) return text?.span ?? annotation.valueSpan;
  return text.map.span(range[0], range[1]);
}
