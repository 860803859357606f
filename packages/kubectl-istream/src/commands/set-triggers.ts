import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { connectCluster, isConflict, isNotFound, toKubeError, type ClusterConnection } from '@istream/core/cluster';
import {
  TRIGGER_ANNOTATION,
  containerFieldPath,
  formatTriggers,
  listContainers,
  podSpecOf,
  readTriggers,
  type TriggerableKind,
  type WorkloadObject,
} from '@istream/core/triggers';
import { asUserError, asUserErrorAsync } from '../connect.js';
import { CliError } from '../errors.js';
import { toJson, toYaml } from '../printers/objects.js';
import { formatTabbed } from '../printers/tabwriter.js';
import { addClusterFlags, addDryRunFlag, addOutputFlag, parseDryRun, type ClusterFlags, type DryRun } from '../flags.js';
import type { CommandModule, Deps } from '../program.js';

export interface SetTriggersOptions extends ClusterFlags {
  /** `TYPE/NAME...`, `TYPE NAME...`, or `TYPE[,TYPE]` with --all or -l. */
  resources: string[];
  filenames: string[];
  selector?: string;
  all?: boolean;
  local?: boolean;
  remove?: boolean;
  removeAll?: boolean;
  auto?: boolean;
  manual?: boolean;
  fromConfig?: boolean;
  /** `[NAMESPACE/]STREAM:TAG`. */
  fromImage?: string;
  /** Comma-separated container names, as typed. */
  containers?: string;
  output?: 'json' | 'yaml' | 'name';
  dryRun?: DryRun;
}

// ---- the workload kinds and how kubectl names them -------------------------------------------

interface WorkloadType { kind: TriggerableKind; apiVersion: string; group: string; resource: string; aliases: string[] }

const WORKLOAD_TYPES: WorkloadType[] = [
  { kind: 'Deployment', apiVersion: 'apps/v1', group: 'apps', resource: 'deployments', aliases: ['deploy'] },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', group: 'apps', resource: 'statefulsets', aliases: ['sts'] },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', group: 'apps', resource: 'daemonsets', aliases: ['ds'] },
  { kind: 'CronJob', apiVersion: 'batch/v1', group: 'batch', resource: 'cronjobs', aliases: ['cj'] },
];

// Resources that exist on every cluster but carry no triggers: named so oc's refusal can be given.
const UNTRIGGERABLE: Record<string, string[]> = {
  pods: ['po', 'pod'], jobs: ['job'], replicasets: ['rs', 'replicaset'], replicationcontrollers: ['rc', 'replicationcontroller'],
  services: ['svc', 'service'], configmaps: ['cm', 'configmap'], secrets: ['secret'],
};

function typeByName(typed: string): WorkloadType | { resource: string } {
  const name = typed.toLowerCase();
  for (const t of WORKLOAD_TYPES) {
    const singular = t.kind.toLowerCase();
    const forms = [singular, t.resource, ...t.aliases].flatMap((f) => [f, `${f}.${t.group}`]);
    if (forms.includes(name)) return t;
  }
  for (const [resource, aliases] of Object.entries(UNTRIGGERABLE)) {
    if (name === resource || aliases.includes(name)) return { resource };
  }
  throw new CliError(`the server doesn't have a resource type "${typed}"`);
}

function typeOfObject(object: WorkloadObject): WorkloadType | undefined {
  return WORKLOAD_TYPES.find((t) => t.kind === object.kind);
}

/** `deployment.apps/NAME`, as kubectl's printers name an object. */
const qualifiedName = (t: WorkloadType, name: string) => `${t.kind.toLowerCase()}.${t.group}/${name}`;

// ---- what the flags ask for (oc's Complete and Validate) ---------------------------------------

interface ImageFlag { name: string; namespace: string }

type Plan =
  | { mode: 'list' }
  | { mode: 'edit'; removeAll: boolean; remove: boolean; reset: boolean; auto: boolean; fromConfig: boolean; image?: ImageFlag; names?: string[] };

const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** `[NS/]STREAM:TAG` as oc's --from-image takes it: an image stream tag on this cluster. */
function parseFromImage(value: string, defaultNamespace: string): ImageFlag {
  const invalid = (why: string) => new CliError(`the value of --from-image does not appear to be a valid reference to an image: ${why}`);
  const [path = '', digest] = value.split('@');
  const parts = path.split('/');
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const stream = colon === -1 ? last : last.slice(0, colon);
  const tag = colon === -1 ? '' : last.slice(colon + 1);
  const first = parts[0];
  const hasRegistry = parts.length >= 2 || (first !== undefined && (first.includes('.') || first.includes(':') || first === 'localhost'));
  if (value === '' || [...parts, stream].some((p) => !NAME_COMPONENT.test(p)) || (tag !== '' && !TAG.test(tag))) {
    if (!hasRegistry) throw invalid('invalid reference format');
  }
  if (hasRegistry || digest !== undefined) throw new CliError('the value of --from-image must point to an image stream tag on this server');
  if (tag === '') throw new CliError('the value of --from-image must include the tag you wish to pull from');
  const namespace = first ?? '';
  return { name: `${stream}:${tag}`, namespace: namespace === defaultNamespace ? '' : namespace };
}

function plan(options: SetTriggersOptions, defaultNamespace: string): Plan {
  const image = options.fromImage ? parseFromImage(options.fromImage, defaultNamespace) : undefined;
  const count = (options.fromConfig ? 1 : 0) + (image ? 1 : 0);
  const { remove = false, removeAll = false, manual = false } = options;
  let auto = options.auto ?? false;
  const list = count === 0 && !remove && !removeAll && !auto && !manual;
  if (!list && !removeAll && !auto && !manual) auto = true;
  if (auto && manual) throw new CliError('you must specify at most one of --auto or --manual');
  if (remove && removeAll) throw new CliError('you must specify either --remove or --remove-all');
  if (removeAll && (count !== 0 || options.auto || manual)) throw new CliError('--remove-all may not be used with any other flag');
  if (remove && count < 1) throw new CliError('--remove requires a flag defining a trigger type to be specified');
  if (count > 1) throw new CliError('you may only set one trigger type at a time');
  if (list) return { mode: 'list' };
  const names = options.containers ? options.containers.split(',') : undefined;
  return { mode: 'edit', removeAll, remove, reset: count === 0 && (auto || manual), auto: !manual, fromConfig: options.fromConfig ?? false, image, names };
}

// ---- the triggers of one object, as oc models them ---------------------------------------------

interface ImageTrigger { name: string; namespace: string; auto: boolean; containers: string[] }
interface Definition { configChange: boolean; images: ImageTrigger[] }

interface Reading { definition: Definition; dropped: string[] }

/** The object's triggers as oc sees them: `config` is the Deployment not being paused. */
function readDefinition(object: WorkloadObject, type: WorkloadType): Reading | { error: string } {
  const spec = (object.spec ?? {}) as { paused?: unknown };
  const configChange = type.kind === 'Deployment' ? spec.paused !== true : true;
  const value = object.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return { definition: { configChange, images: [] }, dropped: [] };
  const reading = readTriggers(value, object);
  if (!reading.accepted) {
    const first = reading.problems.find((p) => p.severity === 'error');
    return { error: `the ${TRIGGER_ANNOTATION} annotation cannot be used: ${first?.message ?? 'unreadable'}` };
  }
  const objectNamespace = object.metadata?.namespace ?? '';
  const images = reading.triggers.flatMap((t) => t.container
    ? [{ name: t.name, namespace: t.namespace === objectNamespace ? '' : t.namespace ?? '', auto: !t.paused, containers: [t.container.name] }]
    : []);
  const kept = new Set(reading.triggers.filter((t) => t.container).map((t) => t.index));
  const dropped = reading.problems
    .filter((p) => p.severity === 'error' && typeof p.path[0] === 'number' && !kept.has(p.path[0]))
    .map((p) => `trigger ${String(p.path[0])}: ${p.message}`);
  return { definition: { configChange, images }, dropped };
}

/**
 * oc's updateTriggers, except that naming a container gives it this stream instead of failing with
 * "only one trigger may reference each container": its old trigger is replaced in place.
 */
function updateDefinition(d: Definition, p: Extract<Plan, { mode: 'edit' }>, object: WorkloadObject, type: WorkloadType): Definition {
  if (p.removeAll) return { configChange: false, images: [] };
  if (p.remove) {
    return {
      configChange: p.fromConfig ? false : d.configChange,
      images: p.image ? d.images.filter((t) => t.name !== p.image?.name) : d.images,
    };
  }
  if (p.reset) return { configChange: p.auto, images: d.images.map((t) => ({ ...t, auto: p.auto })) };
  const next: Definition = { configChange: p.fromConfig ? true : d.configChange, images: d.images };
  const image = p.image;
  if (!image) return next;
  const names = p.names ?? defaultContainers(d, image, object, type);
  const wanted = { name: image.name, namespace: image.namespace, auto: p.auto };
  const replaced = next.images.map((t) => (t.containers.some((c) => names.includes(c)) ? { ...wanted, containers: t.containers.filter((c) => names.includes(c)) } : t));
  const covered = new Set(replaced.flatMap((t) => t.containers));
  const added = names.filter((n) => !covered.has(n));
  return { ...next, images: added.length ? [...replaced, { ...wanted, containers: added }] : replaced };
}

/** Without -c: the containers this stream already triggers, else the only container (as oc's help promises). */
function defaultContainers(d: Definition, image: ImageFlag, object: WorkloadObject, type: WorkloadType): string[] {
  const current = d.images.filter((t) => t.name === image.name && t.namespace === image.namespace).flatMap((t) => t.containers);
  if (current.length > 0) return current;
  const containers = listContainers(podSpecOf(object, type.kind)).filter((c) => !c.init);
  if (containers.length === 1 && containers[0]) return [containers[0].name];
  throw new CliError('you must specify --containers when setting --from-image');
}

interface Edit { annotation: string; paused: boolean | undefined }

/** The annotation (and Deployment spec.paused) that write the definition back, as oc's Apply does. */
function writeDefinition(d: Definition, object: WorkloadObject, type: WorkloadType): Edit {
  const all = listContainers(podSpecOf(object, type.kind)).map((c) => c.name);
  for (const t of d.images) {
    const missing = [...new Set(t.containers.filter((n) => !all.includes(n)))].sort();
    if (missing.length > 0) {
      throw new CliError(`not all container names exist: ${missing.join(', ')} (accepts: ${[...new Set(all)].sort().join(', ')})`);
    }
  }
  const annotation = formatTriggers(d.images.flatMap((t) => t.containers.map((c) => ({
    name: t.name, namespace: t.namespace, fieldPath: containerFieldPath(type.kind, c), paused: !t.auto,
  }))), object.metadata?.namespace);
  return { annotation, paused: type.kind === 'Deployment' ? !d.configChange : undefined };
}

function changed(object: WorkloadObject, edit: Edit): boolean {
  const paused = (object.spec as { paused?: unknown } | undefined)?.paused === true;
  return object.metadata?.annotations?.[TRIGGER_ANNOTATION] !== edit.annotation || (edit.paused !== undefined && edit.paused !== paused);
}

function applyEdit<T extends WorkloadObject>(object: T, edit: Edit): T {
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, annotations: { ...copy.metadata?.annotations, [TRIGGER_ANNOTATION]: edit.annotation } };
  if (edit.paused !== undefined) {
    const spec = (copy.spec ?? {}) as { paused?: boolean };
    if (edit.paused) spec.paused = true;
    else delete spec.paused;
    copy.spec = spec;
  }
  return copy;
}

// ---- where the objects come from: files or the cluster -----------------------------------------

interface Target {
  type: WorkloadType | { resource: string };
  name: string;
  namespace: string;
  object: WorkloadObject;
  /** For objects read from a file: the document, its text and offset in the file, and where the object sits in it. */
  source?: { doc: Document; text: string; offset: number; path: (string | number)[] };
}

async function readSources(filenames: string[], deps: Deps): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const f of filenames) {
    if (f === '-') { out.push({ name: 'stdin', text: await deps.io.readStdin() }); continue; }
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

function targetsFromFiles(sources: { name: string; text: string }[], namespace: string, explicitNamespace: boolean): Target[] {
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

/** The objects named on the command line, in oc's forms. */
function namedResources(options: SetTriggersOptions): { type: WorkloadType | { resource: string }; name?: string }[] {
  const args = options.resources;
  if (args.length === 0) return [];
  if (args.every((a) => a.includes('/'))) {
    return args.map((a) => {
      const [typed = '', name = ''] = a.split('/', 2);
      return { type: typeByName(typed), name };
    });
  }
  const [typed = '', ...names] = args;
  if (names.some((n) => n.includes('/'))) throw new CliError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  const types = typed.split(',').map(typeByName);
  if (names.length > 0) {
    if (types.length > 1) throw new CliError('a resource name may only be given with a single resource type');
    return names.map((name) => ({ type: types[0] as WorkloadType, name }));
  }
  if (!options.all && !options.selector) throw new CliError(`resource(s) were provided, but no name was specified`);
  return types.map((type) => ({ type }));
}

class Cluster {
  private readonly api: KubernetesObjectApi;
  constructor(private readonly connection: ClusterConnection) {
    this.api = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  }

  get(type: WorkloadType, namespace: string, name: string): Promise<WorkloadObject> {
    return this.call(type, name, () => this.api.read({ apiVersion: type.apiVersion, kind: type.kind, metadata: { name, namespace } }));
  }

  async list(type: WorkloadType, namespace: string, selector?: string): Promise<WorkloadObject[]> {
    const list = await this.call(type, undefined, () => this.api.list(type.apiVersion, type.kind, namespace, undefined, undefined, undefined, undefined, selector));
    return list.items.map((item) => ({ ...item, apiVersion: type.apiVersion, kind: type.kind }) as WorkloadObject);
  }

  /** A JSON merge patch carrying the resourceVersion read, so a concurrent change fails with 409. */
  patch(target: Target & { type: WorkloadType }, edit: Edit, dryRun: boolean): Promise<WorkloadObject> {
    const metadata = target.object.metadata as { resourceVersion?: string };
    const body: KubernetesObject & { spec?: unknown } = {
      apiVersion: target.type.apiVersion,
      kind: target.type.kind,
      metadata: { name: target.name, namespace: target.namespace, resourceVersion: metadata.resourceVersion, annotations: { [TRIGGER_ANNOTATION]: edit.annotation } },
    };
    if (edit.paused !== undefined) body.spec = { paused: edit.paused ? true : null };
    return this.call(target.type, target.name, () => this.api.patch(body, undefined, dryRun ? 'All' : undefined, 'kubectl-istream', undefined, PatchStrategy.MergePatch));
  }

  private async call<T>(type: WorkloadType, name: string | undefined, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      const error = toKubeError(e, this.connection.server);
      if (isNotFound(error) && name !== undefined) throw new CliError(`${type.resource}.${type.group} "${name}" not found`);
      throw error;
    }
  }
}

// ---- output -----------------------------------------------------------------------------------

/** oc prints this table with text/tabwriter: no minimum width, padding 2. */
const TRIGGER_TABLE = { minWidth: 0, tabWidth: 2, padding: 2, padChar: ' ' } as const;

function listRows(target: Target, warn: (m: string) => void): string[][] {
  const label = `${target.type.resource}/${target.name}`;
  const type = 'kind' in target.type ? target.type : undefined;
  const reading = type ? readDefinition(target.object, type) : { error: `${label} does not support triggers` };
  if ('error' in reading) {
    warn(`${label}: ${reading.error}`);
    return [[label, '<error>', '', 'false']];
  }
  const d = reading.definition;
  return [
    [label, 'config', '', String(d.configChange)],
    ...d.images.map((t) => {
      const from = t.namespace ? `${t.namespace}/${t.name}` : t.name;
      return [label, 'image', t.containers.length ? `${from} (${t.containers.join(', ')})` : from, String(t.auto)];
    }),
  ];
}

/** The document's text with the annotation (and spec.paused) replaced in place, all else untouched. */
function editedDocumentText(source: NonNullable<Target['source']>, edit: Edit, object: WorkloadObject): string {
  const { doc, path, offset } = source;
  const splices: { start: number; end: number; text: string }[] = [];
  const singleQuoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const fallback = () => {
    doc.setIn([...path, 'metadata', 'annotations', TRIGGER_ANNOTATION], edit.annotation);
    if (edit.paused !== undefined) doc.setIn([...path, 'spec', 'paused'], edit.paused);
    return doc.toString({ lineWidth: 0 });
  };

  // Adds lines as the first entry of a block map, at its indentation.
  const insertInto = (mapPath: (string | number)[], lines: (indent: string) => string): boolean => {
    const map = doc.getIn(mapPath, true);
    if (!isMap(map) || map.flow || map.items.length === 0) return false;
    const firstKey = map.items[0]?.key as { range?: [number, number, number] } | undefined;
    const at = firstKey?.range?.[0];
    if (at === undefined) return false;
    const lineStart = source.text.lastIndexOf('\n', at - offset - 1) + 1;
    const indent = source.text.slice(lineStart, at - offset);
    if (!/^ *$/.test(indent)) return false;
    splices.push({ start: lineStart, end: lineStart, text: lines(indent) });
    return true;
  };

  const annotationPath = [...path, 'metadata', 'annotations', TRIGGER_ANNOTATION];
  const node = doc.getIn(annotationPath, true);
  if (isScalar(node) && node.range) {
    const text = node.type === 'QUOTE_DOUBLE' ? JSON.stringify(edit.annotation) : singleQuoted(edit.annotation);
    const end = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? node.range[1] - 1 : node.range[1];
    splices.push({ start: node.range[0] - offset, end: end - offset, text });
  } else if (!insertInto([...path, 'metadata', 'annotations'], (indent) => `${indent}${TRIGGER_ANNOTATION}: ${singleQuoted(edit.annotation)}\n`)
    && !insertInto([...path, 'metadata'], (indent) => `${indent}annotations:\n${indent}  ${TRIGGER_ANNOTATION}: ${singleQuoted(edit.annotation)}\n`)) {
    return fallback();
  }
  const currentPaused = (object.spec as { paused?: unknown } | undefined)?.paused === true;
  if (edit.paused !== undefined && edit.paused !== currentPaused) {
    const paused = doc.getIn([...path, 'spec', 'paused'], true);
    if (isScalar(paused) && paused.range) splices.push({ start: paused.range[0] - offset, end: paused.range[1] - offset, text: String(edit.paused) });
    else if (!insertInto([...path, 'spec'], (indent) => `${indent}paused: ${String(edit.paused)}\n`)) return fallback();
  }
  let text = source.text;
  for (const s of splices.sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  return text;
}

// ---- the command --------------------------------------------------------------------------------

export function runSetTriggers(options: SetTriggersOptions, deps: Deps): Promise<void> {
  return asUserErrorAsync(() => setTriggers(options, deps));
}

async function setTriggers(options: SetTriggersOptions, deps: Deps): Promise<void> {
  const { io } = deps;
  const dryRun = options.dryRun ?? 'none';
  const warn = (message: string) => io.err.write(`warning: ${message}\n`);

  let cluster: Cluster | undefined;
  let namespace = options.namespace || 'default';
  const explicitNamespace = Boolean(options.namespace);
  const flags = { kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace };
  if (!options.local) {
    const connection = asUserError(() => connectCluster(flags, deps.env));
    namespace = connection.namespace;
    cluster = new Cluster(connection);
  } else if (!options.namespace) {
    // Offline, the namespace still comes from the kubeconfig when there is one, as kubectl does.
    try { namespace = connectCluster(flags, deps.env).namespace; } catch { /* no kubeconfig: default */ }
  }

  const p = plan(options, namespace);
  if (options.local && options.filenames.length === 0) throw new CliError('you must provide one or more resources by filename (-f FILE) with --local');
  if (options.local && options.resources.length > 0) throw new CliError('--local edits only the objects given with -f; remove the resource arguments');
  if (options.local && dryRun === 'server') throw new CliError('--dry-run=server cannot be used with --local');

  const fileTargets = targetsFromFiles(await readSources(options.filenames, deps), namespace, explicitNamespace);
  const named = namedResources(options);
  if (fileTargets.length === 0 && named.length === 0) {
    throw new CliError('you must provide one or more resources by argument or filename: TYPE/NAME, TYPE NAME, TYPE with --all or -l, or -f FILE');
  }

  let targets: Target[];
  if (options.local || !cluster) targets = fileTargets;
  else {
    const live = cluster;
    targets = [];
    for (const t of fileTargets) {
      targets.push('kind' in t.type ? { ...t, object: await live.get(t.type, t.namespace, t.name), source: undefined } : { ...t, source: undefined });
    }
    for (const r of named) {
      if (!('kind' in r.type)) targets.push({ type: r.type, name: r.name ?? '', namespace, object: {} });
      else if (r.name !== undefined) targets.push({ type: r.type, name: r.name, namespace, object: await live.get(r.type, namespace, r.name) });
      else {
        const type = r.type;
        for (const object of await live.list(type, namespace, options.selector)) {
          targets.push({ type, name: object.metadata?.name ?? '', namespace, object });
        }
      }
    }
  }
  const singleItemImplied = targets.length === 1 && (named.length === 1 ? named[0]?.name !== undefined : fileTargets.length === 1);

  if (p.mode === 'list') {
    const rows = [['NAME', 'TYPE', 'VALUE', 'AUTO'], ...targets.flatMap((t) => listRows(t, warn))];
    io.out.write(formatTabbed(rows.map((r) => `${r.join('\t')}\n`).join(''), TRIGGER_TABLE));
    return;
  }

  const supported = targets.filter((t): t is Target & { type: WorkloadType } => 'kind' in t.type);
  if (singleItemImplied && supported.length === 0 && targets[0]) {
    throw new CliError(`${targets[0].type.resource}/${targets[0].name} does not support triggers`);
  }

  // Compute every edit before writing anything, so a refusal leaves all objects untouched.
  const editFor = (target: Target & { type: WorkloadType }): Edit => {
    if (p.removeAll) return writeDefinition({ configChange: false, images: [] }, target.object, target.type);
    const reading = readDefinition(target.object, target.type);
    if ('error' in reading) throw new CliError(`${target.type.resource}/${target.name}: ${reading.error}; fix it, or replace it with --remove-all`);
    const edit = writeDefinition(updateDefinition(reading.definition, p, target.object, target.type), target.object, target.type);
    if (changed(target.object, edit)) for (const d of reading.dropped) warn(`${target.type.resource}/${target.name}: dropping ${d}`);
    return edit;
  };
  const withLabel = (target: Target, fn: () => Edit): Edit => {
    try { return fn(); } catch (e) {
      if (e instanceof CliError && !e.message.startsWith(`${target.type.resource}/`)) throw new CliError(`${target.type.resource}/${target.name} ${e.message}`);
      throw e;
    }
  };
  const edits = supported.map((target) => ({ target, edit: withLabel(target, () => editFor(target)) }));

  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  const yamlDocs: string[] = [];
  for (const { target, edit: first } of edits) {
    let edit = first;
    if (!changed(target.object, edit)) continue;
    let result: WorkloadObject;
    if (options.local || dryRun === 'client' || !cluster) result = applyEdit(target.object, edit);
    else {
      // A 409 means the object moved since it was read: read it again and redo the edit.
      for (let attempt = 1; ; attempt++) {
        try {
          result = await cluster.patch(target, edit, dryRun === 'server');
          break;
        } catch (e) {
          if (!isConflict(e) || attempt === 3) throw e;
          target.object = await cluster.get(target.type, target.namespace, target.name);
          edit = withLabel(target, () => editFor(target));
          if (!changed(target.object, edit)) { result = target.object; break; }
        }
      }
    }
    const name = qualifiedName(target.type, target.name);
    if (options.output === 'name') io.out.write(`${name}\n`);
    else if (options.output === 'json') io.out.write(toJson(result));
    else if (options.output === 'yaml') {
      const text = target.source && target.source.path.length === 0 && (options.local || dryRun === 'client')
        ? editedDocumentText(target.source, edit, target.object)
        : toYaml(result);
      yamlDocs.push(yamlDocs.length > 0 && !text.startsWith('---') ? `---\n${text}` : text);
    } else io.out.write(`${name} triggers updated${suffix}\n`);
  }
  if (yamlDocs.length > 0) io.out.write(yamlDocs.join(''));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const setTriggersCommand: CommandModule = {
  register(program: Command, deps: Deps) {
    const cmd = program
      .command('set-triggers')
      .summary('Update the triggers on one or more objects')
      .description('Set or remove image-change triggers, as `oc set triggers` does. Deployments, stateful sets, '
        + 'daemon sets and cron jobs follow an image stream tag through the image.openshift.io/triggers annotation. '
        + 'With no change flag, the triggers are listed. The config trigger of a Deployment is the Deployment not being paused.')
      .argument('[resource...]', 'TYPE/NAME, TYPE NAME..., or TYPE with --all or -l')
      .option('-f, --filename <file>', 'file or directory with the objects to edit (- for stdin); repeatable', collect, [])
      .option('-l, --selector <selector>', 'selector (label query) to filter on')
      .option('--all', 'select all resources of the given types in the namespace')
      .option('--remove', 'remove the specified trigger(s)')
      .option('--remove-all', 'remove all triggers')
      .option('--auto', 'enable all triggers, or just the specified trigger')
      .option('--manual', 'set all triggers to manual, or just the specified trigger')
      .option('--local', 'edit the objects given with -f without contacting the cluster')
      .option('--from-config', 'configuration changes result in a rollout (a Deployment that is not paused)')
      .option('--from-image <[namespace/]stream:tag>', 'an image stream tag to trigger off of')
      .option('-c, --containers <names>', 'comma-separated container names the trigger applies to; defaults to the only container');
    addOutputFlag(cmd, ['json', 'yaml', 'name']);
    addDryRunFlag(cmd);
    addClusterFlags(cmd);
    cmd.action(async (resources: string[], opts: Record<string, unknown>) => {
      await runSetTriggers({
        ...(opts as Omit<SetTriggersOptions, 'resources' | 'filenames' | 'dryRun'>),
        resources,
        filenames: opts.filename as string[],
        dryRun: parseDryRun(opts.dryRun),
      }, deps);
    });
  },
};
