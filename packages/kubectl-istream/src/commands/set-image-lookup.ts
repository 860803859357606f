// `set image-lookup`, as `oc set image-lookup` (openshift/oc pkg/cli/set/imagelookup.go): turns a
// stream's lookupPolicy.local on or off, or puts the resolve-names annotation on a workload's pod
// template; without arguments, or with --list, prints NAME LOCAL. Everything named is read before
// anything is written, so a missing or unsupported object leaves the rest untouched.
import {
  isNotFound,
  kubeClient,
  resourcePath,
  type KubeClient,
  type KubeList,
  type KubeObject,
} from '@istream/core/cluster';
import { RESOLVE_NAMES_ANNOTATION } from '@istream/core/admission';
import { IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, type ImageStream } from '@istream/core/imagestream';
import type { WorkloadKind } from '@istream/core/workloads';
import { CliError, streamNotFound } from '../errors.js';
import type { Factory } from '../factory.js';
import type { DryRun } from '../flags.js';
import { toJson, toYaml } from '../printers/objects.js';
import { formatTabbed } from '../printers/tabwriter.js';
import { joinYamlStreams } from './set-triggers.js';
import { parseManifests, readSources, targetsFromFiles, type ManifestFile } from '../manifest-files.js';
import { anyKindByName, nonWorkloadResource } from '../workloads.js';

export interface SetImageLookupOptions {
  names: string[];
  /** -f: files, directories or - naming the objects. */
  filenames: string[];
  /** Edit the objects of -f without contacting the cluster. */
  local?: boolean;
  selector?: string;
  all?: boolean;
  list?: boolean;
  enabled: boolean;
  output?: 'name' | 'json' | 'yaml';
  dryRun: DryRun;
}

/** oc's table writer for this command: tabwriter.NewWriter(out, 0, 2, 2, ' ', 0). */
const LOOKUP_TABLE = { minWidth: 0, tabWidth: 2, padding: 2, padChar: ' ' } as const;
const STREAM_FORMS = [
  'is',
  'imagestream',
  'imagestreams',
  'imagestream.image.openshift.io',
  'imagestreams.image.openshift.io',
];

type Target =
  | { type: 'stream'; object: ImageStream & KubeObject }
  | { type: 'workload'; kind: WorkloadKind; object: KubeObject };

/** What a typed name asks for: a stream, a kind of the table, or something oc refuses. */
type Selected = { type: 'stream' } | { type: 'workload'; kind: WorkloadKind } | { type: 'other'; resource: string };

function selectType(typed: string): Selected {
  if (STREAM_FORMS.includes(typed.toLowerCase())) return { type: 'stream' };
  const kind = anyKindByName(typed);
  if (kind) return { type: 'workload', kind };
  const resource = nonWorkloadResource(typed);
  if (resource) return { type: 'other', resource };
  throw new CliError(`the server doesn't have a resource type "${typed}"`);
}

/** oc's refusal of an object without a pod template (pkg/cli/set/imagelookup.go). */
const unsupported = (resource: string, name: string): CliError =>
  new CliError(`${resource}/${name} the resource ${resource}/${name} does not support altering image lookup`);

class Reader {
  constructor(
    private readonly api: KubeClient,
    private readonly namespace: string,
  ) {}

  path(s: Selected, name?: string): string {
    if (s.type === 'stream') return resourcePath(IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, this.namespace, name);
    if (s.type === 'workload') return resourcePath(s.kind.apiVersion, s.kind.resource, this.namespace, name);
    return resourcePath('v1', s.resource, this.namespace, name);
  }

  async one(s: Selected, name: string): Promise<Target> {
    if (s.type === 'other') {
      // oc reads the object first, so a missing one is "not found" rather than unsupported.
      await this.get(s, name, `${s.resource} "${name}" not found`);
      throw unsupported(s.resource, name);
    }
    if (s.type === 'stream')
      return {
        type: 'stream',
        object: (await this.get(s, name, streamNotFound(name).message)) as ImageStream & KubeObject,
      };
    const group = s.kind.group ? `.${s.kind.group}` : '';
    return {
      type: 'workload',
      kind: s.kind,
      object: await this.get(s, name, `${s.kind.resource}${group} "${name}" not found`),
    };
  }

  async all(s: Selected, selector: string | undefined): Promise<Target[]> {
    const list = await this.api.call<KubeList<KubeObject>>(this.path(s), { query: { labelSelector: selector } });
    if (s.type === 'other') {
      const first = list.items[0]?.metadata?.name;
      if (first !== undefined) throw unsupported(s.resource, first);
      return [];
    }
    return list.items.map((object) =>
      s.type === 'stream'
        ? { type: 'stream', object: object as ImageStream & KubeObject }
        : { type: 'workload', kind: s.kind, object },
    );
  }

  private async get(s: Selected, name: string, notFound: string): Promise<KubeObject> {
    try {
      return await this.api.call<KubeObject>(this.path(s, name));
    } catch (error) {
      if (isNotFound(error)) throw new CliError(notFound);
      throw error;
    }
  }
}

/** The objects of -f as written: what --local edits. */
function fileTargets(files: ManifestFile[], namespace: string, explicitNamespace: boolean): Target[] {
  return targetsFromFiles(files, namespace, explicitNamespace).map((t) => {
    const selected = selectType(String(t.object.kind ?? ''));
    if (selected.type === 'other') throw unsupported(selected.resource, t.name);
    return selected.type === 'stream'
      ? { type: 'stream', object: t.object as unknown as ImageStream & KubeObject }
      : { type: 'workload', kind: selected.kind, object: t.object as KubeObject };
  });
}

/** `TYPE/NAME` or a bare word: with --list a bare word is a type (oc's ResourceTypeOrNameArgs), otherwise a stream. */
async function targets(options: SetImageLookupOptions, reader: Reader, files: Target[]): Promise<Target[]> {
  // The objects of -f, as the cluster has them now.
  const found: Target[] = [];
  for (const t of files)
    found.push(
      await reader.one(
        t.type === 'stream' ? { type: 'stream' } : { type: 'workload', kind: t.kind },
        t.object.metadata?.name ?? '',
      ),
    );
  if (options.names.length === 0 && files.length === 0) return reader.all({ type: 'stream' }, options.selector);
  for (const typed of options.names) {
    const slash = typed.indexOf('/');
    if (slash >= 0) found.push(await reader.one(selectType(typed.slice(0, slash)), typed.slice(slash + 1)));
    else if (options.list) found.push(...(await reader.all(selectType(typed), options.selector)));
    else found.push(await reader.one({ type: 'stream' }, typed));
  }
  return found;
}

function nested(obj: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let at = obj;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at !== null && typeof at === 'object' ? (at as Record<string, unknown>) : undefined;
}

/** Where the annotation goes: the pod template's metadata, or the object's own for a Pod. */
const annotationPath = (kind: WorkloadKind): string[] =>
  kind.podSpecPath.length > 1 ? [...kind.podSpecPath.slice(0, -1), 'metadata'] : ['metadata'];

function resolvesNames(t: Extract<Target, { type: 'workload' }>): boolean {
  const template = nested(t.object, [...annotationPath(t.kind), 'annotations'])?.[RESOLVE_NAMES_ANNOTATION];
  return template === '*' || t.object.metadata?.annotations?.[RESOLVE_NAMES_ANNOTATION] === '*';
}

const isLocal = (t: Extract<Target, { type: 'stream' }>): boolean => t.object.spec?.lookupPolicy?.local === true;

/** The merge patch that sets lookup as asked, or undefined when it is already so. */
function patchFor(t: Target, enabled: boolean): object | undefined {
  if (t.type === 'stream') return isLocal(t) === enabled ? undefined : { spec: { lookupPolicy: { local: enabled } } };
  const path = annotationPath(t.kind);
  const current = nested(t.object, [...path, 'annotations'])?.[RESOLVE_NAMES_ANNOTATION];
  if (enabled ? current === '*' : current === undefined) return undefined;
  return path.reduceRight<object>((inner, key) => ({ [key]: inner }), {
    annotations: { [RESOLVE_NAMES_ANNOTATION]: enabled ? '*' : null },
  });
}

/** How kubectl's printers name the object: `imagestream.image.openshift.io/NAME`, `deployment.apps/NAME`, `pod/NAME`. */
function printedName(t: Target): string {
  const name = t.object.metadata?.name ?? '';
  if (t.type === 'stream') return `imagestream.image.openshift.io/${name}`;
  return `${t.kind.kind.toLowerCase()}${t.kind.group ? `.${t.kind.group}` : ''}/${name}`;
}

function table(found: Target[]): string {
  const rows = found.map((t) =>
    t.type === 'stream'
      ? `${t.object.metadata?.name ?? ''}\t${isLocal(t)}\n`
      : `${t.kind.resource}/${t.object.metadata?.name ?? ''}\t${resolvesNames(t)}\n`,
  );
  return formatTabbed(`NAME\tLOCAL\n${rows.join('')}`, LOOKUP_TABLE);
}

export async function runSetImageLookup(options: SetImageLookupOptions, factory: Factory): Promise<void> {
  if (options.local && options.names.length > 0) throw new CliError('pass files with -f when using --local');
  const files = parseManifests(await readSources(options.filenames, factory));
  const cluster = options.local ? undefined : await factory.cluster();
  const flagNamespace = factory.flags().namespace;
  const written = fileTargets(files, cluster?.namespace ?? flagNamespace ?? 'default', flagNamespace !== undefined);
  const api = cluster && kubeClient(cluster.connection);
  const reader = cluster && api && new Reader(api, cluster.namespace);
  const found = reader ? await targets(options, reader, written) : written;
  // As oc: with -o and no names, every stream is set rather than listed.
  if ((options.output === undefined && options.names.length === 0 && !options.all) || options.list) {
    factory.io.out.write(table(found));
    return;
  }
  const suffix = options.local
    ? ''
    : options.dryRun === 'client'
      ? ' (dry run)'
      : options.dryRun === 'server'
        ? ' (server dry run)'
        : '';
  const printed: KubeObject[] = [];
  for (const t of found) {
    const patch = patchFor(t, options.enabled);
    // oc prints nothing for an object that already is as asked.
    if (patch === undefined) continue;
    const s: Selected = t.type === 'stream' ? { type: 'stream' } : { type: 'workload', kind: t.kind };
    const result =
      options.dryRun === 'client' || !api || !reader
        ? mergePatch(t.object, patch)
        : await api.call<KubeObject>(reader.path(s, t.object.metadata?.name ?? ''), {
            method: 'PATCH',
            contentType: 'application/merge-patch+json',
            body: patch,
            query: { dryRun: options.dryRun === 'server' ? 'All' : undefined, fieldManager: 'kubectl-istream' },
          });
    printed.push(result);
    if (options.output === 'name') factory.io.out.write(`${printedName(t)}\n`);
    else if (options.output === undefined) factory.io.out.write(`${printedName(t)} image lookup updated${suffix}\n`);
  }
  if (options.output === 'json') factory.io.out.write(printed.map((o) => toJson(o)).join(''));
  if (options.output === 'yaml') factory.io.out.write(joinYamlStreams(printed.map((o) => toYaml(o))));
}

/** RFC 7386 merge patch, for --dry-run=client: what the server would store. */
function mergePatch(target: unknown, patch: unknown): KubeObject {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch as KubeObject;
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result as KubeObject;
}
