import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { YAMLMap } from 'yaml';
import {
  containerFieldPath,
  formatTriggers,
  isTriggerableKind,
  podSpecPath,
  type TriggerableKind,
} from '../triggers/index.js';
import { annotationAt, resourceAt, type AnnotationCursor } from './cursor.js';
import { child, type Container, type ParsedFile, type Resource } from './document.js';
import { TRIGGER_FIELD_DOCS } from './field-docs.js';
import { scalarEdit } from './scalar-edit.js';
import type { CompletionItem, StreamTagInfo } from './types.js';

export interface CompletionContext {
  /** Stream tags beyond the open text; resolves to [] when unavailable. */
  streamTags(signal?: AbortSignal): Promise<StreamTagInfo[]>;
}

export async function complete(
  file: ParsedFile,
  offset: number,
  context: CompletionContext,
  signal?: AbortSignal,
): Promise<CompletionItem[]> {
  const cursor = annotationAt(file, offset);
  if (cursor) {
    const path = cursor.location.path;
    const field = triggerField(path);
    if (cursor.location.isAtPropertyKey) return keyItems(file, cursor, field);
    if (field === 'fieldPath') return fieldPathItems(file, cursor);
    if (field === 'from.name') return streamTagItems(file, cursor, await context.streamTags(signal));
    if (field === 'from.kind')
      return [stringItem(file, cursor, 'ImageStreamTag', 'the only kind OpenShift triggers on')];
    if (field === 'from.namespace') return namespaceItems(file, cursor, await context.streamTags(signal));
    if (field === 'paused')
      return [
        rawItem(file, cursor, 'false', 'the trigger updates the workload'),
        rawItem(file, cursor, 'true', 'the trigger waits'),
      ];
    return [];
  }
  const resource = resourceAt(file, offset);
  if (resource && !resource.annotation && isTriggerableKind(resource.kind)) {
    // Offered where the annotation belongs: inside metadata (or its annotations).
    const metadata = child(resource.doc, resource.node, 'metadata') as YAMLMap | undefined;
    if (!metadata?.range || !insideMap(file, metadata, offset)) return [];
    return annotationSnippets(resource, resource.kind, metadata?.has('annotations') === true);
  }
  return [];
}

/** The trigger field a JSON path is in, as `from.name`, `fieldPath`, `paused`; the partial key at a key. */
export function triggerField(path: ReadonlyArray<string | number>): string | undefined {
  if (typeof path[0] !== 'number') return undefined;
  return path.slice(1).map(String).join('.');
}

/** Keys a trigger (or its `from`) does not have yet, where a key is being typed. */
function keyItems(file: ParsedFile, cursor: AnnotationCursor, field: string | undefined): CompletionItem[] {
  if (field === undefined) return [];
  const parent = field.split('.').slice(0, -1).join('.');
  const keys = parent === '' ? ['from', 'fieldPath', 'paused'] : parent === 'from' ? ['kind', 'name', 'namespace'] : [];
  const existing = siblingKeys(cursor);
  return keys
    .filter((k) => !existing.has(k))
    .map((key) => ({
      ...stringItem(file, cursor, key, TRIGGER_FIELD_DOCS[parent ? `${parent}.${key}` : key]?.split('. ')[0] ?? key),
      documentation: TRIGGER_FIELD_DOCS[parent ? `${parent}.${key}` : key],
      kind: 'reference' as const,
    }));
}

/** The keys already written in the object around the cursor (the key being typed excluded). */
function siblingKeys(cursor: AnnotationCursor): Set<string> {
  const root = parseTree(cursor.text.value);
  const path = cursor.location.path.slice(0, -1);
  const object = root ? findNodeAtLocation(root, path) : undefined;
  const typed = cursor.location.previousNode;
  return new Set(
    (object?.children ?? [])
      .map((p) => p.children?.[0])
      .filter((k): k is JsonNode => k !== undefined && k.offset !== typed?.offset)
      .map((k) => String(k.value)),
  );
}

/** Namespaces of the stream tags known, and the workload's own. */
function namespaceItems(file: ParsedFile, cursor: AnnotationCursor, tags: StreamTagInfo[]): CompletionItem[] {
  const own = cursor.resource.namespace;
  const namespaces = [...new Set([...(own ? [own] : []), ...tags.flatMap((t) => (t.namespace ? [t.namespace] : []))])];
  return namespaces.map((ns) =>
    stringItem(file, cursor, ns, ns === own ? "the workload's namespace" : 'namespace of known image streams'),
  );
}

/** An item replacing the JSON value under the cursor with a literal (`true`, `false`). */
function rawItem(file: ParsedFile, cursor: AnnotationCursor, literal: string, detail: string): CompletionItem {
  const node = cursor.location.previousNode;
  const target: [number, number] =
    node && node.offset <= cursor.jsonOffset && cursor.jsonOffset <= node.offset + node.length
      ? [node.offset, node.offset + node.length]
      : [cursor.jsonOffset, cursor.jsonOffset];
  const edit = scalarEdit(cursor.text, target[0], target[1], literal);
  return {
    label: literal,
    insertText: edit?.newText ?? literal,
    ...(edit ? { range: file.lines.range(edit.span[0], edit.span[1]) } : {}),
    detail,
    documentation: TRIGGER_FIELD_DOCS.paused,
    kind: 'value',
  };
}

/**
 * Whether the cursor is in the map: within its range, or on blank space after its last line
 * indented like its entries (where the next entry would be typed).
 */
function insideMap(file: ParsedFile, map: YAMLMap, offset: number): boolean {
  const [start, , end] = map.range as [number, number, number];
  if (offset >= start && offset <= end) return true;
  if (offset < end || !/^[ \t\r\n]*$/.test(file.text.slice(end, offset))) return false;
  return file.lines.position(offset).character >= file.lines.position(start).character;
}

/**
 * Every container path OpenShift follows for this kind: each container by name (as oc writes it),
 * then each by index. The label is the container's name, so it is never cut off, with `init`
 * and the index beside it and the path's container part at the right; typing matches the name
 * first: `app` then Enter picks the name form for container app.
 */
function fieldPathItems(file: ParsedFile, cursor: AnnotationCursor): CompletionItem[] {
  const kind = cursor.resource.kind;
  if (!isTriggerableKind(kind)) return [];
  const base = podSpecPath(kind);
  const containers = cursor.resource.containers;
  const item = (c: Container, path: string, byIndex: boolean): CompletionItem => {
    const what = c.init ? 'init container' : 'container';
    const detail = `${c.init ? ' init' : ''}${byIndex ? ` [${c.index}]` : ''}`;
    return {
      ...stringItem(
        file,
        cursor,
        path,
        `${what} ${c.name ? `"${c.name}" ` : ''}${byIndex ? `by index ${c.index}` : 'by name'}: ${path}`,
        c.name ? `${c.name} ${path}` : path,
      ),
      label: c.name ?? `${what} ${c.index}`,
      ...(detail ? { labelDetail: detail } : {}),
      labelDescription: path.slice(base.length + 1, -'.image'.length),
    };
  };
  return [
    ...containers.filter((c) => c.name).map((c) => item(c, containerFieldPath(kind, c.name as string), false)),
    ...containers.map((c) => item(c, `${base}.${c.init ? 'initContainers' : 'containers'}[${c.index}].image`, true)),
  ];
}

function streamTagItems(file: ParsedFile, cursor: AnnotationCursor, external: StreamTagInfo[]): CompletionItem[] {
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const tag of external) {
    const key = `${tag.namespace ?? ''}/${tag.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where =
      tag.source === 'cluster'
        ? `cluster${tag.namespace ? `, namespace ${tag.namespace}` : ''}`
        : tag.source === 'workspace'
          ? 'workspace'
          : 'this file';
    const digest = tag.current ? `, now ${tag.current.image}` : '';
    items.push({ ...stringItem(file, cursor, tag.name, `ImageStream tag (${where}${digest})`), kind: 'reference' });
  }
  return items;
}

/**
 * An item replacing the JSON string under the cursor (quotes included), written in the scalar's
 * style; `filter` (default `value`) is what typing matches, written the same way.
 */
function stringItem(
  file: ParsedFile,
  cursor: AnnotationCursor,
  value: string,
  detail: string,
  filter = value,
): CompletionItem {
  const node = cursor.location.previousNode;
  const target: [number, number] =
    node && isStringAround(node, cursor.jsonOffset)
      ? [node.offset, node.offset + node.length]
      : [cursor.jsonOffset, cursor.jsonOffset];
  const encode = (s: string): string =>
    scalarEdit(cursor.text, target[0], target[1], JSON.stringify(s))?.newText ?? JSON.stringify(s);
  const edit = scalarEdit(cursor.text, target[0], target[1], JSON.stringify(value));
  return {
    label: value,
    insertText: edit?.newText ?? JSON.stringify(value),
    ...(edit ? { range: file.lines.range(edit.span[0], edit.span[1]) } : {}),
    ...(filter !== value ? { filterText: encode(filter) } : {}),
    detail,
    kind: 'value',
  };
}

/** A string value, or a key (jsonc-parser's location gives a key as a `property` node), around the offset. */
function isStringAround(node: JsonNode, offset: number): boolean {
  return (
    (node.type === 'string' || node.type === 'property') && node.offset <= offset && offset <= node.offset + node.length
  );
}

/** Stands for the stream:tag placeholders while oc's bytes are built around them. */
const PLACEHOLDER = '@@stream-tag@@';

const escapeSnippet = (s: string): string => s.replace(/[\\$}]/g, (c) => `\\${c}`);

/** `image.openshift.io/triggers: '[...]'` for one container, with the stream and tag as placeholders. */
function annotationSnippets(resource: Resource, kind: TriggerableKind, insideAnnotations: boolean): CompletionItem[] {
  return resource.containers
    .filter((c) => c.name)
    .map((c) => {
      const name = c.name as string;
      const stream = streamGuess(c.image?.value) ?? { stream: name, tag: 'latest' };
      const json = formatTriggers([{ name: PLACEHOLDER, fieldPath: containerFieldPath(kind, name) }]);
      const [before, after] = json.split(PLACEHOLDER) as [string, string];
      const quoted = (s: string): string => escapeSnippet(s.replace(/'/g, "''"));
      return {
        label: `image.openshift.io/triggers (${name})`,
        // Without an annotations map the snippet brings one; the editor indents the second line.
        insertText: `${insideAnnotations ? '' : 'annotations:\n  '}image.openshift.io/triggers: '${quoted(before)}\${1:${escapeSnippet(stream.stream)}}:\${2:${escapeSnippet(stream.tag)}}${quoted(after)}'`,
        isSnippet: true,
        detail: `Follow an ImageStream tag with container "${name}"`,
        documentation: 'Adds the triggers annotation as `oc set triggers --from-image` writes it.',
        kind: 'snippet',
      };
    });
}

/** The stream and tag an image most likely comes from: its last path segment and tag. */
export function streamGuess(image: string | undefined): { stream: string; tag: string } | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1);
  const colon = last.indexOf(':');
  const stream = colon >= 0 ? last.slice(0, colon) : last;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(stream)) return undefined;
  return { stream, tag: colon >= 0 ? last.slice(colon + 1) : 'latest' };
}
