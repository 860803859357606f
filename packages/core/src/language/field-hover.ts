// Hover documentation on the keys of the triggers annotation and of an ImageStream's lookup and
// import policies.
import { isMap, isScalar, isSeq, type Document } from 'yaml';
import { triggerField } from './completion.js';
import { annotationAt, resourceAt } from './cursor.js';
import { deref, type ParsedFile } from './document.js';
import { IMAGESTREAM_FIELD_DOCS, TRIGGER_FIELD_DOCS } from './field-docs.js';
import { RULE_DOCS_URL } from './rules.js';
import type { Hover } from './types.js';

const ANNOTATION_DOC =
  'OpenShift\'s image change triggers: a JSON array of `{"from":{"kind":"ImageStreamTag","name":"STREAM:TAG"},"fieldPath":"...","paused":false}`. ' +
  `When a followed tag points to a new image, the container image at \`fieldPath\` is set to it and the workload rolls out. [Rules the linter checks](${RULE_DOCS_URL}README.md)`;

/** The documentation of the annotation key or field under the cursor, if any. */
export function fieldHover(file: ParsedFile, offset: number): Hover | null {
  const resource = resourceAt(file, offset);
  const annotation = resource?.annotation;
  if (annotation && annotation.keySpan[0] <= offset && offset <= annotation.keySpan[1]) {
    return { contents: ANNOTATION_DOC, range: file.lines.range(annotation.keySpan[0], annotation.keySpan[1]) };
  }
  const cursor = annotationAt(file, offset);
  if (cursor) {
    const key = cursor.location.previousNode;
    const field = triggerField(cursor.location.path);
    const doc = field === undefined ? undefined : TRIGGER_FIELD_DOCS[field];
    if (!cursor.location.isAtPropertyKey || !doc || key?.type !== 'property') return null;
    const [start, end] = cursor.text.map!.span(key.offset, key.offset + key.length);
    return { contents: `**${field}**\n\n${doc}`, range: file.lines.range(start, end) };
  }
  if (resource?.kind !== 'ImageStream') return null;
  const found = keyPathAt(resource.doc, resource.node, offset, []);
  const doc = found && IMAGESTREAM_FIELD_DOCS[found.path.join('.')];
  return found && doc
    ? { contents: `**${found.path.join('.')}**\n\n${doc}`, range: file.lines.range(found.span[0], found.span[1]) }
    : null;
}

/** The keys from `node` down to the key whose text holds `offset` (list indexes left out). */
function keyPathAt(
  doc: Document.Parsed,
  node: unknown,
  offset: number,
  path: string[],
): { path: string[]; span: [number, number] } | undefined {
  const n = deref(doc, node);
  if (isSeq(n)) {
    for (const item of n.items) {
      const found = keyPathAt(doc, item, offset, path);
      if (found) return found;
    }
    return undefined;
  }
  if (!isMap(n)) return undefined;
  for (const pair of n.items) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== 'string' || !key.range) continue;
    if (key.range[0] <= offset && offset <= key.range[1])
      return { path: [...path, key.value], span: [key.range[0], key.range[1]] };
    const value = pair.value as { range?: [number, number, number] } | null;
    if (value?.range && value.range[0] <= offset && offset <= value.range[2])
      return keyPathAt(doc, pair.value, offset, [...path, key.value]);
  }
  return undefined;
}
