// kubectl istream import-image NAME[:TAG]: oc's import-image, done by the CLI itself (resolve the
// digests, write the stream's spec and status), so it works with no controller installed.
import {
  DEFAULT_MAX_TAGS_PER_IMPORT,
  followTagReference,
  INSECURE_ANNOTATION,
  pinnedImage,
  planRepositoryImport,
  specTag,
  type ImageStream,
  type ImportMode,
  type TagImportPolicy,
  type TagImportRequest,
  type TagImportResult,
  type TagReferencePolicy,
} from '@istream/core/imagestream';
import type { ImageStreamClient } from '@istream/core/cluster';
import { parseImageReference } from '@istream/core/reference';
import { CliError } from '../errors.js';
import { parseDryRun, type ImportPolicyFlags } from '../flags.js';
import { reportImport } from '../import-output.js';
import { parseImportTarget } from '../import-target.js';
import type { Factory } from '../factory.js';
import { describeImports, importIntoStream } from '../stream-import.js';

export interface ImportImageOptions extends ImportPolicyFlags {
  target: string;
  from?: string;
  confirm?: boolean;
  all?: boolean;
  dryRun?: unknown;
  /** How many tags one --all import takes (OpenShift's default 50). */
  maxTags?: number;
  now?: () => Date;
}

/**
 * --reference-policy as oc reads it: `import-image` in any case, `tag` only in lower case, each
 * command with its own message.
 */
export function parseReferencePolicy(value: string | undefined, command: 'import-image' | 'tag'): TagReferencePolicy {
  const spelled = command === 'import-image' ? value?.toLowerCase() : value;
  if (spelled === undefined || spelled === 'source') return { type: 'Source' };
  if (spelled === 'local') return { type: 'Local' };
  throw new CliError(
    command === 'import-image'
      ? 'valid reference policy values are source or local'
      : "reference policy must be set to 'source' or 'local'",
  );
}

export function parseImportMode(value: string | undefined): ImportMode {
  if (value === undefined || value === 'Legacy') return 'Legacy';
  if (value === 'PreserveOriginal') return 'PreserveOriginal';
  throw new CliError('valid ImportMode values are Legacy or PreserveOriginal');
}

export function validateSource(from: string, flag: string): void {
  try {
    parseImageReference(from);
  } catch (e) {
    throw new CliError(`invalid ${flag} "${from}": ${(e as Error).message}`);
  }
}

interface Plan {
  requests: TagImportRequest[];
  additionalTags: string[];
  needsRepositoryListing?: { repository: string };
}

export async function runImportImage(options: ImportImageOptions, factory: Factory): Promise<void> {
  const now = options.now ?? (() => new Date());
  const dryRunMode = parseDryRun(options.dryRun);
  const dryRun = dryRunMode !== 'none';
  const target = parseImportTarget(options.target, options.all === true);
  if (options.from !== undefined) validateSource(options.from, '--from');
  const referencePolicy = parseReferencePolicy(options.referencePolicy, 'import-image');
  const importMode = parseImportMode(options.importMode);
  const maxTags = options.maxTags ?? DEFAULT_MAX_TAGS_PER_IMPORT;

  const { streams: client, namespace } = await factory.cluster();
  // On OpenShift the API server imports, so every dry run is a server one (an ImageStreamImport
  // with import: false). With the CRD this command imports and the server only stores.
  if (dryRunMode === 'server' && (await client.apiKind()) !== 'openshift') {
    throw new CliError(
      '--dry-run=server needs OpenShift, whose API server runs the import; this cluster serves ImageStreams ' +
        "through istream's CRD, where import-image resolves the images itself: use --dry-run=client to resolve them and " +
        'print the stream without writing it',
    );
  }
  const stream = await client.get(namespace, target.stream);
  if (stream === undefined && !options.confirm) {
    throw new CliError(`no image stream named "${target.stream}" exists, pass --confirm to create and import`);
  }
  const insecureFromStream = stream?.metadata.annotations?.[INSECURE_ANNOTATION] === 'true';
  const policy = (tagPolicy?: TagImportPolicy): TagImportPolicy => ({
    ...((options.insecure ?? insecureFromStream) || tagPolicy?.insecure ? { insecure: true } : {}),
    ...(options.scheduled || tagPolicy?.scheduled ? { scheduled: true } : {}),
    importMode: options.importMode === undefined ? (tagPolicy?.importMode ?? importMode) : importMode,
  });
  const plan = planImport(options, target.stream, target.tag, stream, policy, referencePolicy);
  if ((await client.apiKind()) === 'openshift') {
    const answer = await importOnOpenShift(
      client,
      namespace,
      target.stream,
      stream,
      plan,
      { importPolicy: policy(), referencePolicy },
      dryRun,
    );
    reportImport(factory.io, target.stream, answer.stream, answer.results, {
      dryRun,
      now: now(),
      additionalTags: answer.additionalTags,
      repository: plan.needsRepositoryListing !== undefined,
    });
    return;
  }
  const session = await factory.importSession(namespace);
  try {
    let { requests, additionalTags } = plan;
    if (plan.needsRepositoryListing !== undefined) {
      validateSource(plan.needsRepositoryListing.repository, 'repository');
      ({ requests, additionalTags } = await planRepositoryImport(
        session.source,
        plan.needsRepositoryListing.repository,
        { importPolicy: policy(), referencePolicy },
        maxTags,
      ));
      requests = withoutPinnedTags(requests, stream, factory);
    }
    const progress =
      options.all && factory.io.err.isTTY
        ? (p: { done: number; total: number }) => factory.io.err.write(`\rImporting ${p.done}/${p.total} tags...`)
        : undefined;
    const recorded = await importIntoStream(client, namespace, target.stream, requests, session, {
      dryRun,
      now,
      ...(progress ? { onProgress: progress } : {}),
      ...(stream ? { existing: stream } : {}),
      ...(plan.needsRepositoryListing
        ? { repository: { name: plan.needsRepositoryListing.repository, insecure: policy().insecure === true } }
        : {}),
    });
    if (progress) factory.io.err.write('\r\x1b[K');
    // oc's per-image blocks cost two registry reads per tag; a repository import keeps to one HEAD
    // per tag (the import benchmark's budget) and prints none (README, "Differences from oc").
    const images =
      plan.needsRepositoryListing === undefined
        ? await describeImports(session, recorded.stream, recorded.results)
        : [];
    reportImport(factory.io, target.stream, recorded.stream, recorded.results, {
      dryRun,
      now: now(),
      additionalTags,
      repository: plan.needsRepositoryListing !== undefined,
      images,
    });
  } finally {
    await session.close();
  }
}

/**
 * A tag pinned by `rollback` holds its image until `rollback --resume`, also against a repository
 * import that lists the same tag: it is left out and said so.
 */
function withoutPinnedTags(
  requests: TagImportRequest[],
  stream: ImageStream | undefined,
  factory: Factory,
): TagImportRequest[] {
  if (stream === undefined) return requests;
  return requests.filter((request) => {
    const pinned = pinnedImage(stream, request.tag);
    if (pinned === undefined) return true;
    factory.io.err.write(
      `info: tag ${request.tag} is pinned to ${pinned} by a rollback and was not imported; ` +
        `to follow the repository again: kubectl istream rollback --resume ${stream.metadata.name}:${request.tag}\n`,
    );
    return false;
  });
}

/**
 * On OpenShift the API server imports (with the namespace's secrets) and writes the stream; the
 * CLI only asks through an ImageStreamImport and reads the answer.
 */
async function importOnOpenShift(
  client: ImageStreamClient,
  namespace: string,
  name: string,
  stream: ImageStream | undefined,
  plan: Plan,
  policies: { importPolicy: TagImportPolicy; referencePolicy: TagReferencePolicy },
  dryRun: boolean,
): Promise<{ stream: ImageStream | undefined; results: TagImportResult[]; additionalTags: string[] }> {
  const repository = plan.needsRepositoryListing?.repository;
  const answer = await client.importOnServer(namespace, {
    metadata: {
      name,
      ...(stream?.metadata.resourceVersion ? { resourceVersion: stream.metadata.resourceVersion } : {}),
    },
    spec: {
      import: !dryRun,
      ...(repository !== undefined
        ? { repository: { from: { kind: 'DockerImage', name: repository }, ...policies } }
        : {
            images: plan.requests.map((r) => ({
              from: { kind: 'DockerImage' as const, name: r.from },
              to: { name: r.tag },
              importPolicy: r.importPolicy,
              referencePolicy: r.referencePolicy,
            })),
          }),
    },
  });
  const statuses = repository !== undefined ? (answer.status?.repository?.images ?? []) : (answer.status?.images ?? []);
  const results = statuses.map((status, i): TagImportResult => {
    const request = plan.requests[i] ?? {
      tag: status.tag ?? '',
      from: `${repository}:${status.tag ?? ''}`,
      ...policies,
    };
    const image = status.image;
    return status.status?.status === 'Success' && image?.metadata?.name
      ? {
          request,
          outcome: { ok: true, image: image.metadata.name, dockerImageReference: image.dockerImageReference ?? '' },
        }
      : {
          request,
          outcome: {
            ok: false,
            reason: status.status?.reason ?? '',
            message: status.status?.message ?? 'unknown error prevented import',
          },
        };
  });
  return {
    stream: answer.status?.import ?? stream,
    results,
    additionalTags: answer.status?.repository?.additionalTags ?? [],
  };
}

/** Which tags to import from where, with oc's rules and wording for existing streams. */
function planImport(
  options: ImportImageOptions,
  name: string,
  tag: string,
  stream: ImageStream | undefined,
  policy: (tagPolicy?: TagImportPolicy) => TagImportPolicy,
  referencePolicy: TagReferencePolicy,
): Plan {
  const wholeRepository = (repository: string): Plan => {
    const ref = parseImageReference(repository);
    if (ref.tag !== undefined || ref.digest !== undefined) {
      // OpenShift's ImageStreamImport validation, which refuses oc's request.
      throw new CliError(
        `The ImageStreamImport "${name}" is invalid: spec.repository.from.name: Invalid value: "${repository}": ` +
          'you must specify an image repository, not a tag or ID',
      );
    }
    return { requests: [], additionalTags: [], needsRepositoryListing: { repository } };
  };
  const request = (name: string, from: string): TagImportRequest => ({
    tag: name,
    from,
    importPolicy: policy(stream === undefined ? undefined : specTag(stream, name)?.importPolicy),
    referencePolicy,
  });
  if (stream === undefined) {
    const from = options.from ?? options.target;
    validateSource(from, options.from === undefined ? 'image name' : '--from');
    if (options.all) return wholeRepository(from);
    return { requests: [request(tag, from)], additionalTags: [] };
  }
  if (options.all) {
    const repository = options.from ?? stream.spec.dockerImageRepository;
    if (repository === undefined || repository === '') {
      const requests = (stream.spec.tags ?? [])
        .filter((t) => t.from?.kind === 'DockerImage')
        .map((t) => request(t.name, t.from!.name));
      if (requests.length === 0)
        throw new CliError('image stream does not have tags pointing to external container images');
      return { requests, additionalTags: [] };
    }
    if (repository !== stream.spec.dockerImageRepository && !options.confirm) {
      if (!stream.spec.dockerImageRepository) {
        throw new CliError(
          'the image stream does not currently import an entire Docker repository, pass --confirm to update',
        );
      }
      throw new CliError(
        `the image stream has a different import spec "${stream.spec.dockerImageRepository}", pass --confirm to update`,
      );
    }
    return wholeRepository(repository);
  }
  const followed = followTagReference(stream, tag);
  switch (followed.problem) {
    case 'invalid':
      throw new CliError(`tag "${tag}" points to an invalid imagestreamtag`);
    case 'cross-stream':
      throw new CliError(`tag "${tag}" points to an imagestreamtag from another ImageStream`);
    case 'circular':
      throw new CliError(`tag "${tag}" on the image stream is a reference to same tag (${followed.path.join(' -> ')})`);
    case 'not-found': {
      const from = options.from ?? (tag === 'latest' ? stream.spec.dockerImageRepository : undefined);
      if (!from) {
        throw new CliError(
          `the tag "${tag}" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag`,
        );
      }
      return { requests: [request(tag, from)], additionalTags: [] };
    }
    default: {
      const existing = followed.ref!;
      const pinned = pinnedImage(stream, followed.finalTag);
      if (pinned !== undefined) {
        throw new CliError(
          `tag "${followed.finalTag}" is pinned to ${pinned} by a rollback, so it is not imported; ` +
            `to follow its source again: kubectl istream rollback --resume ${stream.metadata.name}:${followed.finalTag}`,
        );
      }
      if (existing.from !== undefined && existing.from.kind !== 'DockerImage') {
        throw new CliError(
          `tag "${tag}" points to existing ${existing.from.kind} "${existing.from.name}", it cannot be re-imported`,
        );
      }
      if (existing.from === undefined) {
        throw new CliError(
          `tag "${tag}" already exists - you must use the 'tag' command if you want to change the source to "${options.from ?? ''}"`,
        );
      }
      if (options.from !== undefined && options.from !== existing.from.name) {
        if (followed.multiple) {
          throw new CliError(
            `the tag "${tag}" points to the tag "${followed.finalTag}" which points to "${existing.from.name}" - use the 'tag' command if you want to change the source to "${options.from}"`,
          );
        }
        throw new CliError(
          `the tag "${tag}" points to "${existing.from.name}" - use the 'tag' command if you want to change the source to "${options.from}"`,
        );
      }
      return { requests: [request(followed.finalTag, existing.from.name)], additionalTags: [] };
    }
  }
}
