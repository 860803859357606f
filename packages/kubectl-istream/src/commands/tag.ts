// kubectl istream tag SOURCE DEST...: oc's tag. Points spec tags at a registry image, another
// stream's tag or image (a one-shot copy), or, with --alias, a tag of the same stream that it then
// follows; -d deletes tags. A registry source is imported at once, so no controller is needed.
import {
  deleteTag,
  latestTagEvent,
  parseStreamTag,
  setSpecTag,
  tagReference,
  type ImageStream,
  type StreamChange,
  type TagImportResult,
  type TagReference,
  type TagSource,
  type TagSourceKind,
} from '@istream/core/imagestream';
import { CliError, streamNotFound } from '../errors.js';
import type { ImportPolicyFlags } from '../flags.js';
import { reportTagImport } from '../import-output.js';
import type { Factory } from '../factory.js';
import { importIntoStream } from '../stream-import.js';
import { parseImportMode, parseReferencePolicy, validateSource } from './import-image.js';

export interface TagOptions extends ImportPolicyFlags {
  args: string[];
  source?: string;
  alias?: boolean;
  reference?: boolean;
  delete?: boolean;
  now?: () => Date;
}

const SOURCE_KINDS: Record<string, TagSourceKind> = {
  docker: 'DockerImage',
  dockerimage: 'DockerImage',
  istag: 'ImageStreamTag',
  imagestreamtag: 'ImageStreamTag',
  isimage: 'ImageStreamImage',
  imagestreamimage: 'ImageStreamImage',
};

/** A first path component with a dot, a port or `localhost` is a registry host (docker's rule). */
function hasRegistry(source: string): boolean {
  const slash = source.indexOf('/');
  if (slash < 0) return false;
  const first = source.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

interface Source extends TagSource {
  /** For messages: what the user typed (or the stream tag it resolved from). */
  display: string;
}

function kindOf(source: string, hint: string | undefined): TagSourceKind {
  if (hint !== undefined) {
    const kind = SOURCE_KINDS[hint.toLowerCase()];
    if (kind === undefined) {
      throw new CliError(`invalid source "${hint}"; valid values are ${Object.keys(SOURCE_KINDS).sort().join(', ')}`);
    }
    return kind;
  }
  if (hasRegistry(source)) return 'DockerImage';
  if (source.includes('@')) return 'ImageStreamImage';
  if (source.includes(':')) return 'ImageStreamTag';
  return 'DockerImage';
}

/** `[ns/]stream@digest` */
function parseStreamImage(source: string): { namespace?: string; stream: string; id: string } {
  const [path, id] = source.split('@');
  const parts = (path ?? '').split('/');
  if (!id || parts.length > 2 || !parts[parts.length - 1]) {
    throw new CliError('--source=ImageStreamImage requires a valid <name>@<id> in SOURCE');
  }
  return { ...(parts.length === 2 ? { namespace: parts[0]! } : {}), stream: parts[parts.length - 1]!, id };
}

/** oc reads a stream source in the namespace `library` (Docker Hub's default) as one in the current namespace. */
function withLibraryAsCurrent<T extends { namespace?: string }>(parsed: T, current: string): T {
  return parsed.namespace === 'library' ? { ...parsed, namespace: current } : parsed;
}

export async function runTag(options: TagOptions, factory: Factory): Promise<void> {
  const now = options.now ?? (() => new Date());
  if (options.delete && options.alias) throw new CliError('--alias and --delete may not be both specified');
  const referencePolicy = parseReferencePolicy(options.referencePolicy, 'tag');
  const importMode = options.importMode === undefined ? undefined : parseImportMode(options.importMode);
  const args = options.args;
  if (args.length < (options.delete ? 1 : 2)) {
    throw new CliError('you must specify a source and at least one destination or one or more tags to delete');
  }
  if (options.delete && options.source !== undefined) throw new CliError('cannot specify a source kind when deleting');
  if (options.delete && (options.scheduled || options.insecure))
    throw new CliError('cannot set flags for importing images when deleting a tag');
  const destinations = (options.delete ? args : args.slice(1)).map((d) => {
    const parsed = parseStreamTag(d);
    if (!parsed.explicitTag) throw new CliError(`"${d}" must be of the form <stream_name>:<tag>`);
    return parsed;
  });

  const { streams: client, namespace } = await factory.cluster();
  if (options.delete) {
    for (const dest of destinations) {
      const ns = dest.namespace ?? namespace;
      let outcome = 'deleted' as 'deleted' | 'no-stream' | 'no-tag';
      await client.update(ns, dest.stream, (current) => {
        const change = current === undefined ? undefined : deleteTag(current, dest.tag, now());
        outcome = current === undefined ? 'no-stream' : change === undefined ? 'no-tag' : 'deleted';
        return change;
      });
      // What OpenShift's ImageStreamTag delete answers, which oc prints.
      if (outcome === 'no-stream') throw streamNotFound(dest.stream);
      if (outcome === 'no-tag')
        throw new CliError(`imagestreamtags.image.openshift.io "${dest.stream}:${dest.tag}" not found`);
      factory.io.out.write(`Deleted tag ${ns}/${dest.stream}:${dest.tag}.\n`);
    }
    return;
  }

  const typed = args[0]!;
  let kind = kindOf(typed, options.source);
  if (kind !== 'DockerImage' && (options.scheduled || options.insecure))
    throw new CliError('only container images can have importing flags set');
  if (options.alias && (options.scheduled || options.insecure))
    throw new CliError('cannot set a container image tag as an alias and also set import flags');
  let source: Source;
  const lookups = new Map<string, ImageStream>();
  if (kind === 'DockerImage') {
    validateSource(typed, 'SOURCE');
    source = { kind, name: typed, display: typed };
  } else {
    if (hasRegistry(typed)) throw new CliError('server in SOURCE is only allowed when providing a container image');
    if (kind === 'ImageStreamTag') {
      const parsed = withLibraryAsCurrent(parseStreamTag(typed), namespace);
      if (!parsed.explicitTag) throw new CliError('--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE');
      source = {
        kind,
        name: `${parsed.stream}:${parsed.tag}`,
        ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
        display: typed,
      };
      if (
        options.alias &&
        destinations.some(
          (d) => (d.namespace ?? namespace) !== (parsed.namespace ?? namespace) || d.stream !== parsed.stream,
        )
      ) {
        throw new CliError('cannot set alias across different Image Streams');
      }
      if (!options.alias) {
        // Without --alias, the destination gets the source's current image, once.
        const srcNamespace = parsed.namespace ?? namespace;
        const stream = await client.get(srcNamespace, parsed.stream);
        if (stream === undefined) throw streamNotFound(parsed.stream);
        const event = latestTagEvent(stream, parsed.tag);
        if (event === undefined)
          throw new CliError(`"${typed}" is not currently pointing to an image, cannot use it as the source of a tag`);
        lookups.set(`${srcNamespace}/${parsed.stream}`, stream);
        if (event.image === '') {
          kind = 'DockerImage';
          source = { kind, name: event.dockerImageReference, display: event.dockerImageReference };
        } else {
          // from.namespace only as typed (or the current one for another destination namespace), as oc writes it.
          kind = 'ImageStreamImage';
          const name = `${parsed.stream}@${event.image}`;
          source = {
            kind,
            name,
            ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
            display: parsed.namespace ? `${parsed.namespace}/${name}` : name,
          };
        }
      }
    } else {
      const parsed = withLibraryAsCurrent(parseStreamImage(typed), namespace);
      const srcNamespace = parsed.namespace ?? namespace;
      const stream = await client.get(srcNamespace, parsed.stream);
      if (stream === undefined) throw streamNotFound(parsed.stream);
      lookups.set(`${srcNamespace}/${parsed.stream}`, stream);
      source = {
        kind,
        name: `${parsed.stream}@${parsed.id}`,
        ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
        display: typed,
      };
    }
  }

  for (const dest of destinations) {
    const destNamespace = dest.namespace ?? namespace;
    const ref = tagReference(
      dest.tag,
      source,
      {
        ...(options.reference ? { reference: true } : {}),
        ...(options.insecure ? { insecure: true } : {}),
        ...(options.scheduled ? { scheduled: true } : {}),
        ...(importMode ? { importMode } : {}),
        referencePolicy,
      },
      { current: namespace, destination: destNamespace },
    );
    const specChange = (current: ImageStream | undefined) =>
      setSpecTag(current, dest.stream, destNamespace, ref, now(), (ns, name) => lookups.get(`${ns}/${name}`));
    // OpenShift's API server imports a changed registry tag itself; here the import goes in the
    // same write as the spec change, so a running controller does not import it again.
    const importing = source.kind === 'DockerImage' && !options.reference && (await client.apiKind()) !== 'openshift';
    const failed = importing
      ? await importWith(destNamespace, dest.stream, ref, specChange)
      : (await client.update(destNamespace, dest.stream, specChange), undefined);
    const sameNamespace = destNamespace === namespace;
    const where = sameNamespace ? `${dest.stream}:${dest.tag}` : `${destNamespace}/${dest.stream}:${dest.tag}`;
    if (options.alias) factory.io.out.write(`Tag ${where} set up to track ${source.display}.\n`);
    // oc's wording, which says "import" only within the namespace.
    else if (options.scheduled)
      factory.io.out.write(`Tag ${where} set to ${sameNamespace ? 'import ' : ''}${source.display} periodically.\n`);
    else factory.io.out.write(`Tag ${where} set to ${source.display}.\n`);
    if (failed) reportTagImport(factory.io, failed);
  }

  /** Imports `ref` and records it with the spec change; returns the results when any failed. */
  async function importWith(
    ns: string,
    stream: string,
    ref: TagReference,
    specChange: (current: ImageStream | undefined) => StreamChange,
  ): Promise<TagImportResult[] | undefined> {
    const session = await factory.importSession(ns);
    try {
      const request = {
        tag: ref.name,
        from: ref.from!.name,
        importPolicy: ref.importPolicy ?? {},
        referencePolicy: ref.referencePolicy ?? { type: 'Source' as const },
      };
      const recorded = await importIntoStream(client, ns, stream, [request], session, {
        dryRun: false,
        now,
        specChange,
      });
      return recorded.results.some((r) => !r.outcome.ok) ? recorded.results : undefined;
    } finally {
      await session.close();
    }
  }
}
