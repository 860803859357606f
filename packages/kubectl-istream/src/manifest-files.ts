// Objects read from manifest files (-f FILE|DIR|-), and those files printed back edited: the new
// annotation is spliced into the document's text, so comments, quoting, key order and the
// documents that were not edited keep their bytes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { TRIGGER_ANNOTATION, type WorkloadObject } from '@istream/core/triggers';
import { CliError } from './errors.js';
import type { Factory } from './factory.js';
import type { Edit } from './trigger-edit.js';
import { typeOfObject, type WorkloadType } from './workloads.js';

export async function readSources(filenames: string[], factory: Factory): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const f of filenames) {
    if (f === '-') {
      out.push({ name: 'stdin', text: await factory.io.readStdin() });
      continue;
    }
    let files = [f];
    try {
      if (statSync(f).isDirectory())
        files = readdirSync(f)
          .filter((n) => /\.(ya?ml|json)$/.test(n))
          .sort()
          .map((n) => join(f, n));
      out.push(...files.map((file) => ({ name: file, text: readFileSync(file, 'utf8') })));
    } catch (e) {
      throw new CliError(`cannot read ${f}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** One YAML document of a manifest file: its text (the file is the concatenation of these) and where it starts. */
export interface ManifestDocument {
  doc: Document.Parsed;
  text: string;
  offset: number;
}

/** An object `set-triggers` acts on, from the cluster or from a manifest file. */
export interface Target {
  type: WorkloadType | { resource: string };
  name: string;
  namespace: string;
  object: WorkloadObject;
  /** For objects read from a file: the document, and where the object sits in it. */
  source?: { document: ManifestDocument; path: (string | number)[] };
}

/** A manifest file as read, split into documents so it can be printed back with only some of them edited. */
export interface ManifestFile {
  name: string;
  text: string;
  documents: ManifestDocument[];
}

export function parseManifests(sources: { name: string; text: string }[]): ManifestFile[] {
  return sources.map(({ name, text }) => {
    const parsed = parseAllDocuments(text);
    const docs = 'empty' in parsed ? [] : parsed;
    const documents = docs.map((doc, i) => {
      const error = doc.errors[0];
      if (error) throw new CliError(`${name}: ${error.message}`);
      // Each document's text runs from the end of the one before, so comments and separators
      // between documents stay with a document and the file is exactly the sum of its parts.
      const offset = i === 0 ? 0 : (docs[i - 1]?.range[2] ?? 0);
      const end = i === docs.length - 1 ? text.length : doc.range[2];
      return { doc, text: text.slice(offset, end), offset };
    });
    return { name, text, documents };
  });
}

export function targetsFromFiles(files: ManifestFile[], namespace: string, explicitNamespace: boolean): Target[] {
  const targets: Target[] = [];
  for (const file of files) {
    for (const document of file.documents) {
      const value = document.doc.toJS({ maxAliasCount: 100 }) as (WorkloadObject & { items?: WorkloadObject[] }) | null;
      if (value === null || typeof value !== 'object') continue;
      const entries =
        value.kind === 'List' && Array.isArray(value.items)
          ? value.items.map((item, i) => ({ object: item, path: ['items', i] as (string | number)[] }))
          : [{ object: value, path: [] as (string | number)[] }];
      for (const { object, path } of entries) {
        const objectNamespace = object.metadata?.namespace;
        if (explicitNamespace && objectNamespace && objectNamespace !== namespace) {
          throw new CliError(
            `the namespace from the provided object "${objectNamespace}" does not match the namespace "${namespace}". You must pass '--namespace=${objectNamespace}' to perform this operation.`,
          );
        }
        const type = typeOfObject(object) ?? { resource: `${String(object.kind ?? 'object').toLowerCase()}s` };
        targets.push({
          type,
          name: object.metadata?.name ?? '',
          namespace: objectNamespace ?? namespace,
          object,
          source: { document, path },
        });
      }
    }
  }
  return targets;
}

/** An edit to write into a document: the object at `path` (as read) and its new annotation. */
export interface DocumentEdit {
  path: (string | number)[];
  edit: Edit;
  object: WorkloadObject;
}

/**
 * The file's text with the given objects' annotations (and spec.paused) replaced in place; every
 * other byte, and every other document, as read.
 */
export function editedFileText(file: ManifestFile, edits: Map<ManifestDocument, DocumentEdit[]>): string {
  if (file.documents.length === 0) return file.text;
  return file.documents
    .map((d) => {
      const forDocument = edits.get(d);
      return forDocument && forDocument.length > 0 ? editedDocumentText(d, forDocument) : d.text;
    })
    .join('');
}

type Splice = { start: number; end: number; text: string };
const singleQuoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
const pausedChanges = ({ edit, object }: DocumentEdit) =>
  edit.paused !== undefined && edit.paused !== ((object.spec as { paused?: unknown } | undefined)?.paused === true);

/** The document's text with each object's annotation (and spec.paused) replaced in place, all else untouched. */
function editedDocumentText(document: ManifestDocument, edits: DocumentEdit[]): string {
  const splices: Splice[] = [];
  for (const edit of edits) {
    const forEdit = annotationSplices(document, edit);
    // Where the text cannot be spliced safely, the document is edited and printed whole.
    if (forEdit === undefined) return reprintedDocument(document, edits);
    splices.push(...forEdit);
  }
  let text = document.text;
  for (const s of splices.sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  return text;
}

function reprintedDocument({ doc }: ManifestDocument, edits: DocumentEdit[]): string {
  for (const { path, edit, ...rest } of edits) {
    const annotationsPath = [...path, 'metadata', 'annotations'];
    const value = doc.createNode(edit.annotation);
    value.type = 'QUOTE_SINGLE';
    const annotations = doc.getIn(annotationsPath, true);
    if (isMap(annotations)) annotations.set(TRIGGER_ANNOTATION, value);
    else doc.setIn(annotationsPath, doc.createNode({ [TRIGGER_ANNOTATION]: value }));
    if (pausedChanges({ path, edit, ...rest })) doc.setIn([...path, 'spec', 'paused'], edit.paused);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Text splices (relative to the document's text) that write one edit, or undefined where splicing is not safe. */
function annotationSplices(document: ManifestDocument, documentEdit: DocumentEdit): Splice[] | undefined {
  const { doc, offset, text: source } = document;
  const { path, edit } = documentEdit;
  const splices: Splice[] = [];
  const metadataPath = [...path, 'metadata'];
  const annotationsPath = [...metadataPath, 'annotations'];
  const triggers = singleQuoted(edit.annotation);

  // Adds `key: value` to a map in its own style: a first line at its indentation (block), or a
  // last entry before the closing brace (flow).
  const insertInto = (
    mapPath: (string | number)[],
    key: string,
    value: (flow: boolean, indent: string) => string,
  ): boolean => {
    const map = doc.getIn(mapPath, true);
    if (!isMap(map) || !map.range) return false;
    if (map.flow) {
      const close = map.range[1] - offset - 1;
      if (source[close] !== '}') return false;
      const at = source.slice(0, close).trimEnd().length;
      const separator = map.items.length === 0 || source[at - 1] === ',' ? ' ' : ', ';
      splices.push({ start: at, end: at, text: `${separator}${key}: ${value(true, '')}` });
      return true;
    }
    const firstKey = map.items[0]?.key as { range?: [number, number, number] } | undefined;
    const at = firstKey?.range?.[0];
    if (at === undefined) return false;
    const lineStart = source.lastIndexOf('\n', at - offset - 1) + 1;
    const indent = source.slice(lineStart, at - offset);
    if (!/^ *$/.test(indent)) return false;
    const rendered = value(false, indent);
    splices.push({
      start: lineStart,
      end: lineStart,
      text: `${indent}${key}:${rendered.startsWith('\n') ? '' : ' '}${rendered}\n`,
    });
    return true;
  };

  const node = doc.getIn([...annotationsPath, TRIGGER_ANNOTATION], true);
  if (isScalar(node) && node.range) {
    const text = node.type === 'QUOTE_DOUBLE' ? JSON.stringify(edit.annotation) : triggers;
    const end = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? node.range[1] - 1 : node.range[1];
    splices.push({ start: node.range[0] - offset, end: end - offset, text });
  } else if (
    doc.hasIn(annotationsPath)
      ? !insertInto(annotationsPath, TRIGGER_ANNOTATION, () => triggers)
      : !insertInto(metadataPath, 'annotations', (flow, indent) =>
          flow ? `{${TRIGGER_ANNOTATION}: ${triggers}}` : `\n${indent}  ${TRIGGER_ANNOTATION}: ${triggers}`,
        )
  ) {
    return undefined;
  }
  if (pausedChanges(documentEdit)) {
    const paused = doc.getIn([...path, 'spec', 'paused'], true);
    if (isScalar(paused) && paused.range)
      splices.push({ start: paused.range[0] - offset, end: paused.range[1] - offset, text: String(edit.paused) });
    else if (!insertInto([...path, 'spec'], 'paused', () => String(edit.paused))) return undefined;
  }
  return splices;
}
