import {
  DEFAULT_BACKOFF,
  ImageStreamApiMissingError,
  retryOnConflict,
  type ImageStreamClient,
} from '@istream/core/cluster';
import {
  InvalidReferenceError,
  defaultDomain,
  parseImageReference,
  type ImageReference,
} from '@istream/core/reference';
import type { WorkloadObject } from '@istream/core/triggers';
import { CliError } from '../errors.js';
import type { DryRun } from '../flags.js';
import {
  editedFileText,
  parseManifests,
  readSources,
  targetsFromFiles,
  type DocumentEdit,
  type ManifestDocument,
  type Target,
} from '../manifest-files.js';
import { toJson, toYaml } from '../printers/objects.js';
import { formatTabbed } from '../printers/tabwriter.js';
import type { Factory } from '../factory.js';
import {
  applyEdit,
  changed,
  readDefinition,
  updateDefinition,
  writeDefinition,
  type Edit,
  type EditPlan,
  type ImageFlag,
} from '../trigger-definition.js';
import { WorkloadClient, qualifiedName, typeByName, type WorkloadType } from '../workloads.js';

export interface SetTriggersOptions {
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
  showManagedFields?: boolean;
  dryRun?: DryRun;
}

// ---- what the flags ask for (oc's Complete and Validate) ---------------------------------------

/** `[NS/]STREAM:TAG` as oc's --from-image takes it: an image stream tag on this cluster. */
function parseFromImage(value: string, defaultNamespace: string): ImageFlag {
  let ref: ImageReference;
  try {
    ref = parseImageReference(value);
  } catch (e) {
    if (!(e instanceof InvalidReferenceError)) throw e;
    throw new CliError(`the value of --from-image does not appear to be a valid reference to an image: ${e.reason}`);
  }
  const path = (value.split('@')[0] ?? '').replace(/:[^/]*$/, '').split('/');
  const registry = ref.domain !== defaultDomain || /^(index\.)?docker\.io\//.test(value) || path.length > 2;
  if (registry || ref.digest !== undefined)
    throw new CliError('the value of --from-image must point to an image stream tag on this server');
  if (ref.tag === undefined) throw new CliError('the value of --from-image must include the tag you wish to pull from');
  const [namespace, stream] = path.length === 2 ? path : ['', path[0]];
  return { name: `${stream ?? ''}:${ref.tag}`, namespace: namespace === defaultNamespace ? '' : (namespace ?? '') };
}

type Plan = { mode: 'list' } | ({ mode: 'edit' } & EditPlan);

function plan(options: SetTriggersOptions, defaultNamespace: string): Plan {
  const image = options.fromImage ? parseFromImage(options.fromImage, defaultNamespace) : undefined;
  const count = (options.fromConfig ? 1 : 0) + (image ? 1 : 0);
  const { remove = false, removeAll = false, manual = false } = options;
  let auto = options.auto ?? false;
  const list = count === 0 && !remove && !removeAll && !auto && !manual;
  if (!list && !removeAll && !auto && !manual) auto = true;
  if (auto && manual) throw new CliError('you must specify at most one of --auto or --manual');
  if (remove && removeAll) throw new CliError('you must specify either --remove or --remove-all');
  if (removeAll && (count !== 0 || options.auto || manual))
    throw new CliError('--remove-all may not be used with any other flag');
  if (remove && count < 1) throw new CliError('--remove requires a flag defining a trigger type to be specified');
  if (count > 1) throw new CliError('you may only set one trigger type at a time');
  if (list) return { mode: 'list' };
  // A name given twice is one container: oc would write its trigger twice, which OpenShift refuses.
  const names = options.containers ? [...new Set(options.containers.split(','))] : undefined;
  return {
    mode: 'edit',
    removeAll,
    remove,
    reset: count === 0 && (auto || manual),
    auto: !manual,
    fromConfig: options.fromConfig ?? false,
    image,
    names,
  };
}

/** The objects named on the command line, in oc's forms. */
interface NamedResource {
  type: WorkloadType | { resource: string };
  name?: string;
}

function namedResources(options: SetTriggersOptions): NamedResource[] {
  const args = options.resources;
  if (args.length === 0) return [];
  if (args.every((a) => a.includes('/'))) {
    return args.map((a) => {
      const [typed = '', name = ''] = a.split('/', 2);
      return { type: typeByName(typed), name };
    });
  }
  const [typed = '', ...names] = args;
  if (names.some((n) => n.includes('/')))
    throw new CliError(
      'there is no need to specify a resource type as a separate argument when passing arguments in resource/name form',
    );
  const types = typed.split(',').map(typeByName);
  if (names.length > 0) {
    if (types.length > 1) throw new CliError('a resource name may only be given with a single resource type');
    return names.map((name) => ({ type: types[0] as WorkloadType, name }));
  }
  if (!options.all && !options.selector) throw new CliError(`resource(s) were provided, but no name was specified`);
  return types.map((type) => ({ type }));
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

// ---- the command --------------------------------------------------------------------------------

/** The current state on the cluster of the objects named in files and on the command line. */
async function liveTargets(
  cluster: WorkloadClient,
  fromFiles: Target[],
  named: NamedResource[],
  namespace: string,
  selector: string | undefined,
): Promise<Target[]> {
  const targets: Target[] = [];
  for (const t of fromFiles) {
    targets.push({
      ...t,
      object: 'kind' in t.type ? await cluster.get(t.type, t.namespace, t.name) : t.object,
      source: undefined,
    });
  }
  for (const r of named) {
    if (!('kind' in r.type)) targets.push({ type: r.type, name: r.name ?? '', namespace, object: {} });
    else if (r.name !== undefined)
      targets.push({ type: r.type, name: r.name, namespace, object: await cluster.get(r.type, namespace, r.name) });
    else {
      const type = r.type;
      for (const object of await cluster.list(type, namespace, selector))
        targets.push({ type, name: object.metadata?.name ?? '', namespace, object });
    }
  }
  return targets;
}

export async function runSetTriggers(options: SetTriggersOptions, factory: Factory): Promise<void> {
  const { io } = factory;
  const dryRun = options.dryRun ?? 'none';
  const warn = (message: string) => io.err.write(`warning: ${message}\n`);

  let cluster: WorkloadClient | undefined;
  let streams: ImageStreamClient | undefined;
  const flagNamespace = factory.flags().namespace;
  let namespace = flagNamespace || 'default';
  const explicitNamespace = Boolean(flagNamespace);
  if (!options.local) {
    const { connection } = await factory.cluster();
    namespace = connection.namespace;
    cluster = new WorkloadClient(connection);
    streams = (await factory.cluster()).streams;
  } else if (!flagNamespace) {
    // Offline, the namespace still comes from the kubeconfig when there is one, as kubectl does.
    try {
      namespace = (await factory.cluster()).namespace;
    } catch {
      /* no kubeconfig: default */
    }
  }

  const p = plan(options, namespace);
  if (options.local && options.filenames.length === 0)
    throw new CliError('you must provide one or more resources by filename (-f FILE) with --local');
  if (options.local && options.resources.length > 0)
    throw new CliError('--local edits only the objects given with -f; remove the resource arguments');
  if (options.local && dryRun === 'server') throw new CliError('--dry-run=server cannot be used with --local');

  const files = parseManifests(await readSources(options.filenames, factory));
  const fileTargets = targetsFromFiles(files, namespace, explicitNamespace);
  const named = namedResources(options);
  if (fileTargets.length === 0 && named.length === 0) {
    throw new CliError(
      'you must provide one or more resources by argument or filename: TYPE/NAME, TYPE NAME, TYPE with --all or -l, or -f FILE',
    );
  }

  const targets =
    cluster && !options.local
      ? await liveTargets(cluster, fileTargets, named, namespace, options.selector)
      : fileTargets;
  const singleItemImplied =
    targets.length === 1 && (named.length === 1 ? named[0]?.name !== undefined : fileTargets.length === 1);

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
  // `report`: say which triggers are dropped; not again when a conflict makes us redo the edit.
  const editFor = (target: Target & { type: WorkloadType }, report = true): Edit => {
    if (p.removeAll) return writeDefinition({ configChange: false, images: [] }, target.object, target.type);
    const reading = readDefinition(target.object, target.type);
    if ('error' in reading)
      throw new CliError(
        `${target.type.resource}/${target.name}: ${reading.error}; fix it, or replace it with --remove-all`,
      );
    const edit = writeDefinition(
      updateDefinition(reading.definition, p, target.object, target.type),
      target.object,
      target.type,
    );
    if (report && changed(target.object, edit))
      for (const d of reading.dropped) warn(`${target.type.resource}/${target.name}: dropping ${d}`);
    return edit;
  };
  const withLabel = (target: Target, fn: () => Edit): Edit => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CliError && !e.message.startsWith(`${target.type.resource}/`))
        throw new CliError(`${target.type.resource}/${target.name} ${e.message}`);
      throw e;
    }
  };
  const edits = supported.map((target) => ({ target, edit: withLabel(target, () => editFor(target)) }));

  if (p.remove && options.containers !== undefined) {
    warn(
      `--containers is ignored with --remove, as by oc set triggers: every trigger ${p.image ? `from ${options.fromImage ?? ''} ` : ''}is removed, ` +
        'whichever container it updates; to stop updating one container only, pause its trigger with --from-image STREAM:TAG -c NAME --manual',
    );
  }
  if (streams && p.image && !p.remove)
    await warnMissingStreams(
      streams,
      p.image,
      edits.map((e) => e.target.namespace),
      io.err,
    );

  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  const results = new Map<Target, WorkloadObject>();
  for (const { target, edit: first } of edits) {
    let edit = first;
    if (!changed(target.object, edit)) continue;
    let result: WorkloadObject;
    if (options.local || dryRun === 'client' || !cluster) result = applyEdit(target.object, edit);
    else {
      // A 409 means the object moved since it was read: read it again and redo the edit.
      result = await retryOnConflict(async (attempt) => {
        if (attempt > 1) {
          target.object = await cluster.get(target.type, target.namespace, target.name);
          edit = withLabel(target, () => editFor(target, false));
          if (!changed(target.object, edit)) return target.object;
        }
        return cluster.patch(target, edit, dryRun === 'server');
      }, DEFAULT_BACKOFF);
    }
    results.set(target, result);
    const name = qualifiedName(target.type, target.name);
    if (options.output === 'name') io.out.write(`${name}\n`);
    else if (options.output === undefined) io.out.write(`${name} triggers updated${suffix}\n`);
  }
  if (options.output !== 'json' && options.output !== 'yaml') return;
  // Printed objects are the whole result, changed or not, so `-o yaml > FILE` and
  // `-o yaml | kubectl apply -f -` never lose an object because it already had its trigger.
  const printOptions = { showManagedFields: options.showManagedFields };
  if (options.local && options.output === 'yaml') {
    const byDocument = documentEdits(edits, results);
    io.out.write(joinYamlStreams(files.map((file) => editedFileText(file, byDocument))));
    return;
  }
  const printed = options.local
    ? targets.map((t) => results.get(t) ?? t.object)
    : supported.map((t) => withoutResourceVersion(results.get(t) ?? t.object));
  if (options.output === 'json') io.out.write(printed.map((o) => toJson(o, printOptions)).join(''));
  else io.out.write(joinYamlStreams(printed.map((o) => toYaml(o, printOptions))));
}

/**
 * An object read from the cluster is printed to be applied again (`-o yaml | kubectl apply -f -`).
 * Its resourceVersion would make that apply a compare-and-swap that the workload's own controller
 * has already broken: a Deployment's status is written right after a template or annotation change,
 * so the printed version is stale within milliseconds and apply fails with a Conflict.
 */
function withoutResourceVersion(object: WorkloadObject): WorkloadObject {
  const metadata: Record<string, unknown> = { ...object.metadata };
  delete metadata.resourceVersion;
  return { ...object, metadata } as WorkloadObject;
}

/** The edits that changed an object read from a file, by the document they go into. */
function documentEdits(
  edits: { target: Target; edit: Edit }[],
  results: Map<Target, WorkloadObject>,
): Map<ManifestDocument, DocumentEdit[]> {
  const byDocument = new Map<ManifestDocument, DocumentEdit[]>();
  for (const { target, edit } of edits) {
    if (!results.has(target) || !target.source) continue;
    const { document, path } = target.source;
    byDocument.set(document, [...(byDocument.get(document) ?? []), { path, edit, object: target.object }]);
  }
  return byDocument;
}

/** YAML streams printed one after another, each starting a new document. */
export function joinYamlStreams(streams: string[]): string {
  return streams
    .filter((text) => text.length > 0)
    .map((text, i) => {
      const ended = text.endsWith('\n') ? text : `${text}\n`;
      return i > 0 && !/^---(\s|$)/.test(text) ? `---\n${ended}` : ended;
    })
    .join('');
}

/**
 * oc writes a trigger for a stream that does not exist yet, and so do we: it fires once the tag is
 * imported. But a typo would wait forever, so say so.
 */
async function warnMissingStreams(
  streams: ImageStreamClient,
  image: ImageFlag,
  namespaces: string[],
  err: { write(text: string): void },
): Promise<void> {
  const [stream = '', tag = ''] = image.name.split(':');
  for (const namespace of new Set(image.namespace ? [image.namespace] : namespaces)) {
    const hint = `the trigger will fire once it is imported (kubectl istream import-image ${image.name} --from=REGISTRY/REPOSITORY:${tag} --confirm -n ${namespace})`;
    let found;
    try {
      found = await streams.get(namespace, stream);
    } catch (e) {
      // Without the ImageStream API no trigger can ever fire; any other failure (say, no right to
      // read streams there) says nothing about the stream, and the trigger was asked for.
      if (e instanceof ImageStreamApiMissingError) err.write(`Warning: ${e.message}\n`);
      continue;
    }
    if (found === undefined)
      err.write(`Warning: imagestream "${stream}" not found in namespace ${namespace}; ${hint}\n`);
    else if (
      ![...(found.spec?.tags ?? []).map((t) => t.name), ...(found.status?.tags ?? []).map((t) => t.tag)].includes(tag)
    ) {
      err.write(`Warning: imagestream "${stream}" in namespace ${namespace} has no tag "${tag}"; ${hint}\n`);
    }
  }
}
