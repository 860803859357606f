// Objects read from manifest files (-f FILE|DIR|-), and those files edited in place: the new
// annotation is spliced into the document text, so comments and layout survive.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import { TRIGGER_ANNOTATION, type WorkloadObject } from '@istream/core/triggers';
import { CliError } from './errors.js';
import type { Factory } from './factory.js';
import type { Edit } from './trigger-edit.js';
import { typeOfObject, type Target } from './workloads.js';

export async function readSources(filenames: string[], factory: Factory): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const f of filenames) {
    if (f === '-') { out.push({ name: 'stdin', text: await factory.io.readStdin() }); continue; }
    let files = [f];
    try {
      if (statSync(f).isDirectory()) files = readdirSync(f).filter((n) => /\.(ya?ml|json)$/.test(n)).sort().map((n) => join(f, n));
      out.push(...files.map((file) => ({ name: file, text: readFileSync(file, 'utf8') })));
    } catch (e) {
      throw new CliError(`cannot read ${f}: ${(e as Error).message}`);
    }
  }
  return out;
}

export function targetsFromFiles(sources: { name: string; text: string }[], namespace: string, explicitNamespace: boolean): Target[] {
  const targets: Target[] = [];
  for (const { name: file, text } of sources) {
    let docStart = 0;
    for (const doc of parseAllDocuments(text)) {
      if ('empty' in doc) continue;
      const error = doc.errors[0];
      if (error) throw new CliError(`${file}: ${error.message}`);
      const docText = text.slice(docStart, doc.range[2]);
      const docOffset = docStart;
      docStart = doc.range[2];
      const value = doc.toJS({ maxAliasCount: 100 }) as WorkloadObject & { items?: WorkloadObject[] } | null;
      if (value === null || typeof value !== 'object') continue;
      const entries = value.kind === 'List' && Array.isArray(value.items)
        ? value.items.map((item, i) => ({ object: item, path: ['items', i] as (string | number)[] }))
        : [{ object: value, path: [] as (string | number)[] }];
      for (const { object, path } of entries) {
        const objectNamespace = object.metadata?.namespace;
        if (explicitNamespace && objectNamespace && objectNamespace !== namespace) {
          throw new CliError(`the namespace from the provided object "${objectNamespace}" does not match the namespace "${namespace}". You must pass '--namespace=${objectNamespace}' to perform this operation.`);
        }
        const type = typeOfObject(object) ?? { resource: `${String(object.kind ?? 'object').toLowerCase()}s` };
        targets.push({
          type, name: object.metadata?.name ?? '', namespace: objectNamespace ?? namespace, object,
          source: { doc, text: docText, offset: docOffset, path },
        });
      }
    }
  }
  return targets;
}

/** The document's text with the annotation (and spec.paused) replaced in place, all else untouched. */
export function editedDocumentText(source: NonNullable<Target['source']>, edit: Edit, object: WorkloadObject): string {
  const { doc, path, offset } = source;
  const splices: { start: number; end: number; text: string }[] = [];
  const singleQuoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const currentPaused = (object.spec as { paused?: unknown } | undefined)?.paused === true;
  const pausedChanges = edit.paused !== undefined && edit.paused !== currentPaused;
  const metadataPath = [...path, 'metadata'];
  const annotationsPath = [...metadataPath, 'annotations'];
  const triggers = singleQuoted(edit.annotation);
  // Where the text cannot be spliced safely, the document is edited and printed whole.
  const fallback = () => {
    const value = doc.createNode(edit.annotation);
    value.type = 'QUOTE_SINGLE';
    const annotations = doc.getIn(annotationsPath, true);
    if (isMap(annotations)) annotations.set(TRIGGER_ANNOTATION, value);
    else doc.setIn(annotationsPath, doc.createNode({ [TRIGGER_ANNOTATION]: value }));
    if (pausedChanges) doc.setIn([...path, 'spec', 'paused'], edit.paused);
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  };

  // Adds `key: value` to a map in its own style: a first line at its indentation (block), or a
  // last entry before the closing brace (flow).
  const insertInto = (mapPath: (string | number)[], key: string, value: (flow: boolean, indent: string) => string): boolean => {
    const map = doc.getIn(mapPath, true);
    if (!isMap(map) || !map.range) return false;
    if (map.flow) {
      const close = map.range[1] - offset - 1;
      if (source.text[close] !== '}') return false;
      const at = source.text.slice(0, close).trimEnd().length;
      const separator = map.items.length === 0 || source.text[at - 1] === ',' ? ' ' : ', ';
      splices.push({ start: at, end: at, text: `${separator}${key}: ${value(true, '')}` });
      return true;
    }
    const firstKey = map.items[0]?.key as { range?: [number, number, number] } | undefined;
    const at = firstKey?.range?.[0];
    if (at === undefined) return false;
    const lineStart = source.text.lastIndexOf('\n', at - offset - 1) + 1;
    const indent = source.text.slice(lineStart, at - offset);
    if (!/^ *$/.test(indent)) return false;
    const rendered = value(false, indent);
    splices.push({ start: lineStart, end: lineStart, text: `${indent}${key}:${rendered.startsWith('\n') ? '' : ' '}${rendered}\n` });
    return true;
  };

  const node = doc.getIn([...annotationsPath, TRIGGER_ANNOTATION], true);
  if (isScalar(node) && node.range) {
    const text = node.type === 'QUOTE_DOUBLE' ? JSON.stringify(edit.annotation) : triggers;
    const end = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? node.range[1] - 1 : node.range[1];
    splices.push({ start: node.range[0] - offset, end: end - offset, text });
  } else if (doc.hasIn(annotationsPath)
    ? !insertInto(annotationsPath, TRIGGER_ANNOTATION, () => triggers)
    : !insertInto(metadataPath, 'annotations', (flow, indent) => (flow ? `{${TRIGGER_ANNOTATION}: ${triggers}}` : `\n${indent}  ${TRIGGER_ANNOTATION}: ${triggers}`))) {
    return fallback();
  }
  if (pausedChanges) {
    const paused = doc.getIn([...path, 'spec', 'paused'], true);
    if (isScalar(paused) && paused.range) splices.push({ start: paused.range[0] - offset, end: paused.range[1] - offset, text: String(edit.paused) });
    else if (!insertInto([...path, 'spec'], 'paused', () => String(edit.paused))) return fallback();
  }
  let text = source.text;
  for (const s of splices.sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  return text;
}
