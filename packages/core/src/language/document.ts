import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Parser,
  type CST,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { TRIGGER_ANNOTATION, type WorkloadObject } from '../triggers/index.js';
import { workloadKind } from '../workloads/index.js';
import { LineIndex } from './positions.js';
import { scalarSourceMap, type ScalarSourceMap } from './scalar-source.js';
import { blankTemplates } from './templates.js';

/** Alias expansions per document before it counts as an alias bomb (the yaml package's default). */
export const MAX_ALIAS_COUNT = 100;

/** A source range as string offsets [start, end). */
export type Span = [number, number];

/** A string scalar read with the source position of each character. */
export interface SourceString {
  value: string;
  /** The scalar's whole source, quotes and block header included. */
  span: Span;
  /** Null when the scalar's characters cannot be mapped one by one (then use `span`). */
  readonly map: ScalarSourceMap | null;
  style: Scalar.Type | undefined;
}

export interface Container {
  init: boolean;
  index: number;
  name: string | undefined;
  node: YAMLMap;
  image: SourceString | undefined;
  /** The `image:` key, or the container's start when it has none. */
  imageKeySpan: Span | undefined;
}

export interface TriggerAnnotation {
  keySpan: Span;
  /** The value's source, whatever its type. */
  valueSpan: Span;
  /** Null when the value is not a string (a map, a number, null). */
  text: SourceString | null;
}

export interface Resource {
  doc: Document.Parsed;
  kind: string | undefined;
  apiVersion: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  node: YAMLMap;
  /** The pod spec's containers, then its init containers. */
  containers: Container[];
  annotation: TriggerAnnotation | undefined;
  /** The `metadata.annotations` map, or `metadata`, where a new annotation would go. */
  metadata: YAMLMap | undefined;
}

export interface SyntaxProblem {
  span: Span;
  message: string;
  code: string;
}

/** One YAML document's text, [start, end) in the file, split off without parsing. */
export interface Chunk {
  start: number;
  end: number;
}

/** What parsing one chunk gave. */
export interface ChunkParse {
  documents: Document.Parsed[];
  resources: Resource[];
  syntax: SyntaxProblem[];
}

/**
 * A file split into documents, each parsed when first asked for: a linter of triggers needs only
 * the documents that carry one, an editor feature only the document under the cursor.
 */
export class ParsedFile {
  readonly lines: LineIndex;
  readonly chunks: Chunk[];
  private readonly parsed = new Map<number, ChunkParse>();

  /** The text as parsed: `source` with Helm template actions blanked (see templates.ts). */
  readonly text: string;

  constructor(
    readonly source: string,
    private readonly maxErrorsPerDocument = 5,
  ) {
    this.text = blankTemplates(source);
    this.lines = new LineIndex(this.text);
    this.chunks = splitDocuments(this.text);
  }

  chunk(i: number): ChunkParse {
    let parse = this.parsed.get(i);
    if (!parse) {
      parse = parseChunk(this.text, this.chunks[i] as Chunk, this.maxErrorsPerDocument);
      this.parsed.set(i, parse);
    }
    return parse;
  }

  /** The index of the chunk holding `offset`. */
  chunkAt(offset: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.chunks[mid] as Chunk).start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Indexes of the chunks whose text contains `needle` (a cheap filter before parsing). */
  chunksContaining(needle: string): number[] {
    const found: number[] = [];
    for (let at = this.text.indexOf(needle); at >= 0; ) {
      const i = this.chunkAt(at);
      found.push(i);
      at = this.text.indexOf(needle, (this.chunks[i] as Chunk).end);
    }
    return found;
  }
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
const DIRECTIVES_ONLY = /^(?:[ \t]*(?:[%#][^\r\n]*)?(?:\r?\n|\r|$))*$/;

/**
 * Splits at `---` and `...` lines. At the start of a line those can only be document markers
 * (YAML forbids them inside scalars), so the split never cuts a node. Directives and comments
 * before a `---` stay with the document they introduce.
 */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  for (const m of text.matchAll(DOCUMENT_MARKER)) {
    const at = m.index ?? 0;
    if (at === 0 || (m[0] === '---' && DIRECTIVES_ONLY.test(text.slice(start, at)))) continue;
    chunks.push({ start, end: at });
    start = at;
  }
  chunks.push({ start, end: text.length });
  return chunks;
}

/** Parses one chunk with file offsets, so every range its nodes carry is a file range. */
export function parseChunk(text: string, chunk: Chunk, maxErrorsPerDocument = 5): ChunkParse {
  const tokens = [...new Parser().parse(text.slice(chunk.start, chunk.end))];
  shiftOffsets(tokens, chunk.start);
  const composer = new Composer({ keepSourceTokens: true, prettyErrors: false, uniqueKeys: false });
  const documents = [...composer.compose(tokens, false, chunk.end)];
  const syntax: SyntaxProblem[] = [];
  const resources: Resource[] = [];
  for (const doc of documents) {
    for (const e of doc.errors.slice(0, maxErrorsPerDocument)) {
      syntax.push({ span: [e.pos[0], Math.max(e.pos[1], e.pos[0])], message: firstLine(e.message), code: e.code });
    }
    for (const node of resourceNodes(doc)) resources.push(readResource(doc, node));
  }
  return { documents, resources, syntax };
}

/** Adds `by` to every `offset` in a CST token tree. */
function shiftOffsets(value: unknown, by: number): void {
  if (by === 0 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) shiftOffsets(v, by);
    return;
  }
  const token = value as Record<string, unknown>;
  for (const key of Object.keys(token)) {
    if (key === 'offset' && typeof token.offset === 'number') token.offset += by;
    else shiftOffsets(token[key], by);
  }
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl < 0 ? message : message.slice(0, nl);
}

/** The document's object, or the items of a `kind: List`. */
function resourceNodes(doc: Document.Parsed): YAMLMap[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  if (scalarString(doc, root.get('kind', true)) === 'List') {
    const items = deref(doc, root.get('items', true));
    return isSeq(items) ? items.items.map((i) => deref(doc, i)).filter((i): i is YAMLMap => isMap(i)) : [];
  }
  return [root];
}

/** Follows an alias to its anchor, once: nothing here expands aliases, so a bomb stays small. */
export function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

export function scalarString(doc: Document.Parsed, node: unknown): string | undefined {
  const n = deref(doc, node);
  return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

export function nodeSpan(node: unknown): Span | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}

export function child(doc: Document.Parsed, map: unknown, key: string): unknown {
  const m = deref(doc, map);
  return isMap(m) ? deref(doc, m.get(key, true)) : undefined;
}

function pairOf(doc: Document.Parsed, map: unknown, key: string): Pair | undefined {
  const m = deref(doc, map);
  if (!isMap(m)) return undefined;
  return m.items.find((p) => isPair(p) && scalarString(doc, p.key) === key) as Pair | undefined;
}

export function sourceString(doc: Document.Parsed, node: unknown): SourceString | null {
  const n = deref(doc, node);
  if (!isScalar(n) || typeof n.value !== 'string' || !n.range) return null;
  const value = n.value;
  const token = n.srcToken as CST.FlowScalar | CST.BlockScalar | undefined;
  let map: ScalarSourceMap | null | undefined;
  return {
    value,
    span: [n.range[0], n.range[1]],
    // Built on first use: most scalars are never asked where their characters are.
    get map() {
      if (map === undefined) map = token ? scalarSourceMap(token, value) : null;
      return map;
    },
    style: n.type,
  };
}

function readResource(doc: Document.Parsed, node: YAMLMap): Resource {
  const kind = scalarString(doc, node.get('kind', true));
  const metadata = child(doc, node, 'metadata');
  // Kinds OpenShift never triggers still get their containers read, for hovers.
  const specPath = workloadKind(kind)?.podSpecPath;
  let podSpec: unknown = node;
  for (const key of specPath ?? []) podSpec = child(doc, podSpec, key);
  const spec = specPath && isMap(podSpec) ? podSpec : undefined;
  const annotations = child(doc, metadata, 'annotations');
  return {
    doc,
    kind,
    apiVersion: scalarString(doc, node.get('apiVersion', true)),
    name: scalarString(doc, child(doc, metadata, 'name')),
    namespace: scalarString(doc, child(doc, metadata, 'namespace')),
    node,
    containers: spec ? [...readContainers(doc, spec, false), ...readContainers(doc, spec, true)] : [],
    annotation: readAnnotation(doc, annotations),
    metadata: isMap(annotations) ? annotations : isMap(metadata) ? metadata : undefined,
  };
}

function readContainers(doc: Document.Parsed, spec: YAMLMap, init: boolean): Container[] {
  const list = child(doc, spec, init ? 'initContainers' : 'containers');
  if (!isSeq(list)) return [];
  return list.items.flatMap((item, index) => {
    const c = deref(doc, item);
    if (!isMap(c)) return [];
    const imagePair = pairOf(doc, c, 'image');
    return [
      {
        init,
        index,
        name: scalarString(doc, c.get('name', true)),
        node: c,
        image: sourceString(doc, imagePair?.value) ?? undefined,
        imageKeySpan: nodeSpan(imagePair?.key) ?? nodeSpan(c),
      },
    ];
  });
}

function readAnnotation(doc: Document.Parsed, annotations: unknown): TriggerAnnotation | undefined {
  const pair = pairOf(doc, annotations, TRIGGER_ANNOTATION);
  if (!pair) return undefined;
  const keySpan = nodeSpan(pair.key) ?? [0, 0];
  return {
    keySpan,
    valueSpan: nodeSpan(deref(doc, pair.value)) ?? nodeSpan(pair.value) ?? keySpan,
    text: sourceString(doc, pair.value),
  };
}

/** The resource as plain data (for core/triggers); an alias bomb leaves only kind and apiVersion. */
export function plainObject(resource: Resource, maxAliasCount: number): WorkloadObject {
  try {
    return resource.node.toJS(resource.doc, { maxAliasCount }) as WorkloadObject;
  } catch {
    return { kind: resource.kind, apiVersion: resource.apiVersion };
  }
}
