import {
  findNodeAtLocation,
  findNodeAtOffset,
  getNodePath,
  modify,
  parseTree,
  type Node as JsonNode,
} from 'jsonc-parser';
import {
  containerFieldPath,
  formatTriggers,
  isTriggerableKind,
  parseFieldPath,
  podSpecPath,
  TRIGGER_ANNOTATION,
  type TriggerableKind,
} from '../triggers/index.js';
import { TRIGGERABLE_KINDS } from '../workloads/index.js';
import { streamGuess } from './completion.js';
import { annotationAt, containerAt, containerImageAt, type AnnotationCursor } from './cursor.js';
import type { Container, ParsedFile, Resource, Span } from './document.js';
import { pinEdit } from './pin-images.js';
import { scalarEdit, type SpanEdit } from './scalar-edit.js';
import type { CodeAction, Diagnostic, ImageDescription } from './types.js';

export interface CodeActionContext {
  describe(reference: string): Promise<ImageDescription>;
  canDescribe: boolean;
}

type Fix = { title: string; edits: SpanEdit[]; preferred: boolean; refactoring?: CodeAction['refactoring'] };

/** Quick fixes for the diagnostics under the range, then refactors for the container there. */
export async function codeActions(
  file: ParsedFile,
  span: Span,
  diagnostics: Diagnostic[],
  context: CodeActionContext,
): Promise<CodeAction[]> {
  const actions: CodeAction[] = [];
  const toAction = (fix: Fix, kind: CodeAction['kind'], codes: string[]): CodeAction => ({
    title: fix.title,
    kind,
    fixes: codes,
    edits: fix.edits.map((e) => ({ range: file.lines.range(e.span[0], e.span[1]), newText: e.newText })),
    ...(fix.preferred ? { isPreferred: true } : {}),
    ...(fix.refactoring ? { refactoring: fix.refactoring } : {}),
  });
  for (const d of diagnostics) {
    const start = file.lines.offset(d.range.start);
    const cursor = annotationAt(file, start);
    if (!cursor) continue;
    for (const fix of quickFixes(d.code, cursor)) actions.push(toAction(fix, 'quickfix', [d.code]));
  }
  const pin = await pinImage(file, span[0], context);
  if (pin) actions.push(toAction(pin, 'refactor', []));
  const add = addTrigger(file, span[0]);
  if (add) actions.push(toAction(add, 'refactor', []));
  return actions;
}

/** The JSON node the diagnostic starts on, inside the annotation value. */
function nodeAt(cursor: AnnotationCursor): JsonNode | undefined {
  const root = parseTree(cursor.text.value);
  return root ? findNodeAtOffset(root, cursor.jsonOffset, true) : undefined;
}

/** Replaces a JSON node (or applies JSON edits) in the annotation, kept valid for its YAML style. */
function jsonEdits(
  cursor: AnnotationCursor,
  edits: Array<{ offset: number; length: number; content: string }>,
): SpanEdit[] | undefined {
  const out: SpanEdit[] = [];
  for (const e of edits) {
    const edit = scalarEdit(cursor.text, e.offset, e.offset + e.length, e.content);
    if (!edit) return undefined;
    out.push(edit);
  }
  return out;
}

function replaceNode(cursor: AnnotationCursor, node: JsonNode, content: string): SpanEdit[] | undefined {
  return jsonEdits(cursor, [{ offset: node.offset, length: node.length, content }]);
}

function quickFixes(code: string, cursor: AnnotationCursor): Fix[] {
  const node = nodeAt(cursor);
  if (!node) return [];
  const kind = cursor.resource.kind;
  const fix = (title: string, edits: SpanEdit[] | undefined, preferred = true): Fix[] =>
    edits ? [{ title, edits, preferred }] : [];
  switch (code) {
    case 'paused-not-boolean':
      if (node.type === 'string' && (node.value === 'true' || node.value === 'false')) {
        return fix(`Write "paused": ${node.value as string}`, replaceNode(cursor, node, node.value as string));
      }
      return [];
    case 'unknown-key': {
      const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      const siblings = node.parent?.parent?.children ?? [];
      const hasPaused = siblings.some((p) => p.children?.[0]?.value === 'paused');
      if (key?.type === 'string' && String(key.value).toLowerCase() === 'pause' && !hasPaused) {
        return fix('Rename "pause" to "paused"', replaceNode(cursor, key, '"paused"'));
      }
      return [];
    }
    case 'from-api-version-set': {
      const path = getNodePath(node.parent?.type === 'property' ? node : node);
      return fix('Remove from.apiVersion', jsonEdits(cursor, modify(cursor.text.value, path, undefined, {})));
    }
    case 'field-path-invalid':
    case 'field-path-outside-template': {
      if (node.type !== 'string' || !isTriggerableKind(kind)) return [];
      const repaired = repairFieldPath(String(node.value), kind);
      return repaired
        ? fix(`Change fieldPath to ${repaired}`, replaceNode(cursor, node, JSON.stringify(repaired)))
        : [];
    }
    case 'field-path-loose-selector': {
      if (node.type !== 'string' || !isTriggerableKind(kind)) return [];
      const read = parseFieldPath(kind, String(node.value));
      if (!read.ok || read.loose === undefined) return [];
      // Spaces or quotes are a mistyped whole selector; otherwise one end of it is missing.
      const exact = repairFieldPath(String(node.value), kind) ?? String(node.value).replace(/\[[^\]]*\]/, read.loose);
      return fix(`Change fieldPath to ${exact}`, replaceNode(cursor, node, JSON.stringify(exact)));
    }
    case 'container-not-found': {
      if (node.type !== 'string' || !isTriggerableKind(kind)) return [];
      const named = cursor.resource.containers.filter((c) => c.name);
      // Certain only when the pod has one container; otherwise each is offered, none preferred.
      return named.flatMap((c) =>
        fix(
          `Use ${c.init ? 'init container' : 'container'} "${c.name}"`,
          replaceNode(cursor, node, JSON.stringify(containerFieldPath(kind, c.name as string))),
          named.length === 1,
        ),
      );
    }
    default:
      return [];
  }
}

/** Every pod template path a triggerable kind has. */
const BASES = [...new Set(TRIGGERABLE_KINDS.map((k) => k.podSpecFieldPath))];

/**
 * The fieldPath OpenShift would read, when only its form is wrong: the other kind's base path,
 * single quotes or spaces in the name filter, a missing `.image`. Undefined unless the result parses.
 */
export function repairFieldPath(path: string, kind: TriggerableKind): string | undefined {
  let fixed = path;
  const own = podSpecPath(kind);
  for (const base of BASES) {
    if (base !== own && fixed.startsWith(`${base}.`) && !fixed.startsWith(`${own}.`))
      fixed = own + fixed.slice(base.length);
  }
  fixed = fixed.replace(
    /\[([^\]]*)\]/,
    (_all, selector: string) => `[${selector.replace(/\s+/g, '').replace(/'/g, '"')}]`,
  );
  if (/\]$/.test(fixed)) fixed += '.image';
  if (fixed === path) return undefined;
  const read = parseFieldPath(kind, fixed);
  return read.ok && read.loose === undefined ? fixed : undefined;
}

/** "Pin image to digest": the reference with the digest the registry gives it now. */
async function pinImage(file: ParsedFile, offset: number, context: CodeActionContext): Promise<Fix | undefined> {
  const hit = containerImageAt(file, offset);
  const image = hit?.container.image;
  if (!image || !context.canDescribe || image.value.includes('@')) return undefined;
  let digest: string;
  try {
    digest = (await context.describe(image.value)).digest;
  } catch {
    return undefined;
  }
  const edit = pinEdit(file, image, digest, 'tag-and-digest');
  return edit
    ? {
        title: `Pin image to digest ${digest.slice(0, 19)}…`,
        edits: [edit],
        preferred: false,
        refactoring: 'pin-image',
      }
    : undefined;
}

/** "Add image-stream trigger for this container", when no trigger updates it yet. */
function addTrigger(file: ParsedFile, offset: number): Fix | undefined {
  const hit = containerAt(file, offset);
  if (!hit?.container.name || !isTriggerableKind(hit.resource.kind)) return undefined;
  const { resource, container } = hit;
  const kind = resource.kind as TriggerableKind;
  const guess = streamGuess(container.image?.value) ?? { stream: container.name as string, tag: 'latest' };
  const trigger = {
    name: `${guess.stream}:${guess.tag}`,
    fieldPath: containerFieldPath(kind, container.name as string),
  };
  const title = `Add image-stream trigger for container "${container.name}" (${trigger.name})`;
  const annotation = resource.annotation;
  if (!annotation) {
    const edit = insertAnnotation(file, resource, formatTriggers([trigger]));
    return edit ? { title, edits: [edit], preferred: false, refactoring: 'add-trigger' } : undefined;
  }
  const text = annotation.text;
  if (!text || alreadyTriggered(resource, container, kind, text.value)) return undefined;
  const root = parseTree(text.value);
  if (root?.type !== 'array') return undefined;
  const element = JSON.parse(formatTriggers([trigger]).slice(1, -1)) as unknown;
  const edits = modify(text.value, [root.children?.length ?? 0], element, { isArrayInsertion: true });
  const mapped: SpanEdit[] = [];
  for (const e of edits) {
    // jsonc-parser pretty-prints; the annotation stays on its lines.
    const edit = scalarEdit(text, e.offset, e.offset + e.length, e.content.replace(/\s*\n\s*/g, ''));
    if (!edit) return undefined;
    mapped.push(edit);
  }
  return { title, edits: mapped, preferred: false, refactoring: 'add-trigger' };
}

/**
 * Whether any entry of the annotation already names this container in its fieldPath, also an
 * entry OpenShift ignores (a broken "from", "paused" a string): a second entry for the same
 * fieldPath would be a duplicate, which OpenShift rejects.
 */
function alreadyTriggered(resource: Resource, container: Container, kind: TriggerableKind, text: string): boolean {
  const root = parseTree(text);
  const ours = containerFieldPath(kind, container.name as string);
  for (const entry of root?.type === 'array' ? (root.children ?? []) : []) {
    const path = entry.type === 'object' ? findNodeAtLocation(entry, ['fieldPath'])?.value : undefined;
    if (typeof path !== 'string') continue;
    if (path === ours) return true;
    const read = parseFieldPath(kind, path);
    if (!read.ok) continue;
    const s = read.selector;
    if (s.by === 'name' ? s.name === container.name : s.index === container.index && s.init === container.init)
      return true;
  }
  return false;
}

/** A new `image.openshift.io/triggers: '...'` line in metadata.annotations (created if missing). */
function insertAnnotation(file: ParsedFile, resource: Resource, json: string): SpanEdit | undefined {
  const target = resource.metadata;
  const first = target?.items[0]?.key as { range?: [number, number, number] } | undefined;
  if (!target || !first?.range || target.flow) return undefined;
  const at = first.range[0];
  const lineStart = file.lines.offset({ line: file.lines.position(at).line, character: 0 });
  const indent = file.text.slice(lineStart, at);
  if (!/^ *$/.test(indent)) return undefined;
  const line = `${TRIGGER_ANNOTATION}: '${json.replace(/'/g, "''")}'\n`;
  const isAnnotations = target !== (resource.node.get('metadata', true) as unknown);
  return {
    span: [lineStart, lineStart],
    newText: isAnnotations ? `${indent}${line}` : `${indent}annotations:\n${indent}  ${line}`,
  };
}
