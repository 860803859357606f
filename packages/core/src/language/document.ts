import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type CST, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { isTriggerableKind, podSpecPath, TRIGGER_ANNOTATION } from '../triggers/index.js';
import { LineIndex } from './positions.js';
import { scalarSourceMap, type ScalarSourceMap } from './scalar-source.js';

/** Kinds with a pod spec that OpenShift never triggers: their containers still get hovers. */
const UNTRIGGERABLE_POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Job: ['spec', 'template', 'spec'],
  Pod: ['spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
};

/** A source range as string offsets [start, end). */
export type Span = [number, number];

/** A string scalar read with the source position of each character. */
export interface SourceString {
  value: string;
  /** The scalar's whole source, quotes and block header included. */
  span: Span;
  /** Null when the scalar's characters cannot be mapped one by one (then use `span`). */
  map: ScalarSourceMap | null;
  style: Scalar.Type | undefined;
  node: Scalar;
}

export interface Container {
  init: boolean;
  index: number;
  name: string | undefined;
  node: YAMLMap;
  nameSpan: Span | undefined;
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
  pair: Pair;
}

export interface Resource {
  doc: Document.Parsed;
  kind: string | undefined;
  apiVersion: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  node: YAMLMap;
  kindSpan: Span | undefined;
  /** The pod spec path of a kind that has one, e.g. ['spec','template','spec']. */
  podSpecPath: readonly string[] | undefined;
  triggerable: boolean;
  podSpec: YAMLMap | undefined;
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

export interface ParsedFile {
  text: string;
  lines: LineIndex;
  documents: Document.Parsed[];
  resources: Resource[];
  syntax: SyntaxProblem[];
}

export interface ParseLimits {
  /** Syntax errors kept per document; binary junk would give thousands. */
  maxErrorsPerDocument: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxErrorsPerDocument: 5 };

export function parseFile(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParsedFile {
  const documents = parseAllDocuments(text, {
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const docs = Array.isArray(documents) ? documents : [];
  const syntax: SyntaxProblem[] = [];
  const resources: Resource[] = [];
  for (const doc of docs) {
    for (const e of doc.errors.slice(0, limits.maxErrorsPerDocument)) {
      syntax.push({ span: [e.pos[0], Math.max(e.pos[1], e.pos[0])], message: firstLine(e.message), code: e.code });
    }
    for (const node of resourceNodes(doc)) resources.push(readResource(doc, node));
  }
  return { text, lines: new LineIndex(text), documents: docs, resources, syntax };
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

function child(doc: Document.Parsed, map: unknown, key: string): unknown {
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
  const token = n.srcToken as CST.FlowScalar | CST.BlockScalar | undefined;
  const map = token ? scalarSourceMap(token, n.value) : null;
  return { value: n.value, span: [n.range[0], n.range[1]], map, style: n.type, node: n };
}

function readResource(doc: Document.Parsed, node: YAMLMap): Resource {
  const kind = scalarString(doc, node.get('kind', true));
  const metadata = child(doc, node, 'metadata');
  const triggerable = isTriggerableKind(kind);
  const specPath = triggerable ? podSpecPath(kind).split('.') : kind ? UNTRIGGERABLE_POD_SPEC[kind] : undefined;
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
    kindSpan: nodeSpan(node.get('kind', true)),
    podSpecPath: specPath,
    triggerable,
    podSpec: spec,
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
    const nameNode = c.get('name', true);
    const imagePair = pairOf(doc, c, 'image');
    return [{
      init,
      index,
      name: scalarString(doc, nameNode),
      node: c,
      nameSpan: nodeSpan(nameNode),
      image: sourceString(doc, imagePair?.value) ?? undefined,
      imageKeySpan: nodeSpan(imagePair?.key) ?? nodeSpan(c),
    }];
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
    pair,
  };
}
