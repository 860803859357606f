import type { Command } from 'commander';
import { connectCluster, DEFAULT_RETRY, retryOnConflict } from '@istream/core/cluster';
import { InvalidReferenceError, defaultDomain, parseImageReference, type ImageReference } from '@istream/core/reference';
import type { WorkloadObject } from '@istream/core/triggers';
import { asUserError, asUserErrorAsync } from '../connect.js';
import { CliError } from '../errors.js';
import { addClusterFlags, addDryRunFlag, addOutputFlag, parseDryRun, type ClusterFlags, type DryRun } from '../flags.js';
import { editedDocumentText, readSources, targetsFromFiles } from '../manifests.js';
import { toJson, toYaml } from '../printers/objects.js';
import { formatTabbed } from '../printers/tabwriter.js';
import type { CommandModule, Deps } from '../program.js';
import {
  applyEdit, changed, readDefinition, updateDefinition, writeDefinition, type Edit, type EditPlan, type ImageFlag,
} from '../trigger-definition.js';
import { WorkloadClient, qualifiedName, typeByName, type Target, type WorkloadType } from '../workloads.js';

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
  if (registry || ref.digest !== undefined) throw new CliError('the value of --from-image must point to an image stream tag on this server');
  if (ref.tag === undefined) throw new CliError('the value of --from-image must include the tag you wish to pull from');
  const [namespace, stream] = path.length === 2 ? path : ['', path[0]];
  return { name: `${stream ?? ''}:${ref.tag}`, namespace: namespace === defaultNamespace ? '' : namespace ?? '' };
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
  if (removeAll && (count !== 0 || options.auto || manual)) throw new CliError('--remove-all may not be used with any other flag');
  if (remove && count < 1) throw new CliError('--remove requires a flag defining a trigger type to be specified');
  if (count > 1) throw new CliError('you may only set one trigger type at a time');
  if (list) return { mode: 'list' };
  const names = options.containers ? options.containers.split(',') : undefined;
  return { mode: 'edit', removeAll, remove, reset: count === 0 && (auto || manual), auto: !manual, fromConfig: options.fromConfig ?? false, image, names };
}

/** The objects named on the command line, in oc's forms. */
interface NamedResource { type: WorkloadType | { resource: string }; name?: string }

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
  if (names.some((n) => n.includes('/'))) throw new CliError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
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
  cluster: WorkloadClient, fromFiles: Target[], named: NamedResource[], namespace: string, selector: string | undefined,
): Promise<Target[]> {
  const targets: Target[] = [];
  for (const t of fromFiles) {
    targets.push({ ...t, object: 'kind' in t.type ? await cluster.get(t.type, t.namespace, t.name) : t.object, source: undefined });
  }
  for (const r of named) {
    if (!('kind' in r.type)) targets.push({ type: r.type, name: r.name ?? '', namespace, object: {} });
    else if (r.name !== undefined) targets.push({ type: r.type, name: r.name, namespace, object: await cluster.get(r.type, namespace, r.name) });
    else {
      const type = r.type;
      for (const object of await cluster.list(type, namespace, selector)) targets.push({ type, name: object.metadata?.name ?? '', namespace, object });
    }
  }
  return targets;
}

export function runSetTriggers(options: SetTriggersOptions, deps: Deps): Promise<void> {
  return asUserErrorAsync(() => setTriggers(options, deps));
}

async function setTriggers(options: SetTriggersOptions, deps: Deps): Promise<void> {
  const { io } = deps;
  const dryRun = options.dryRun ?? 'none';
  const warn = (message: string) => io.err.write(`warning: ${message}\n`);

  let cluster: WorkloadClient | undefined;
  let namespace = options.namespace || 'default';
  const explicitNamespace = Boolean(options.namespace);
  const flags = { kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace };
  if (!options.local) {
    const connection = asUserError(() => connectCluster(flags, deps.env));
    namespace = connection.namespace;
    cluster = new WorkloadClient(connection);
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

  const targets = cluster && !options.local ? await liveTargets(cluster, fileTargets, named, namespace, options.selector) : fileTargets;
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
      result = await retryOnConflict(async (attempt) => {
        if (attempt > 1) {
          target.object = await cluster.get(target.type, target.namespace, target.name);
          edit = withLabel(target, () => editFor(target));
          if (!changed(target.object, edit)) return target.object;
        }
        return cluster.patch(target, edit, dryRun === 'server');
      }, { ...DEFAULT_RETRY, steps: 3 });
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
