// The OCI distribution client: manifest digests by HEAD, bodies by GET only when needed and always
// verified against their digest, platform selection in indexes, image configs and tag lists.
import { createHash } from 'node:crypto';
import {
  defaultTag,
  isDigest,
  parseImageReference,
  referenceString,
  repositoryName,
  type ImageReference,
} from '../reference/index.js';
import { Authenticator, type AuthContext } from './auth.js';
import { emptyCounts, type RequestCounts, type RequestEvent } from './counts.js';
import type { CredentialSource } from './credentials.js';
import {
  DigestMismatchError,
  PlatformNotFoundError,
  RegistryAuthError,
  RegistryError,
  RegistryNotFoundError,
  RegistryResponseError,
  UnsupportedManifestError,
} from './errors.js';
import {
  isIndexMediaType,
  isSupportedManifestMediaType,
  manifestAccept,
  parseManifest,
  type ImageManifest,
  type IndexEntry,
  type IndexManifest,
} from './media-types.js';
import { parseImageConfig } from './image-details.js';
import { formatPlatform, platformMatches, selectLegacy, selectPlatform, type Platform } from './platform.js';
import { defaultRetryPolicy, Transport, type HttpRequest, type HttpResponse, type RetryPolicy } from './transport.js';

export interface RegistryClientOptions {
  /** Where credentials come from; none means anonymous access only. */
  credentials?: CredentialSource;
  /** Allow plain HTTP and unverified TLS for every registry (a call's own `insecure` overrides it). */
  insecure?: boolean;
  /** Proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and NODE_EXTRA_CA_CERTS come from here; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Per-registry CA directories; default /etc/containers/certs.d and /etc/docker/certs.d. */
  certDirs?: readonly string[];
  /** System CA bundles tried in order; default the Debian, RHEL and BSD locations. */
  systemCaFiles?: readonly string[];
  /** Per request, including reading the body; default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight per registry host; default 8. */
  maxConcurrencyPerRegistry?: number;
  /** Called after every HTTP request (accounting, `-v` logs). */
  onRequest?: (event: RequestEvent) => void;
  userAgent?: string;
}

export interface CallOptions {
  /** Overrides the client's `insecure` for this call (an ImageStream tag's importPolicy.insecure). */
  insecure?: boolean;
  signal?: AbortSignal;
  /** Counts this call's requests into the given object too. */
  tally?: RequestCounts;
}

/** What a HEAD tells: enough for a digest. */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

/** A manifest body whose digest was verified. */
export interface FetchedManifest extends ManifestHead {
  bytes: Buffer;
  index?: IndexManifest;
  image?: ImageManifest;
}

export interface ResolvedImage {
  /** The reference as given, normalised. */
  reference: ImageReference;
  /** The answer: the manifest (or index) digest, or the chosen platform's child. */
  digest: string;
  mediaType: string;
  /** Set when `digest` is a child chosen from an index. */
  index?: { digest: string; mediaType: string };
  /** The index entries, when the index body was read. */
  manifests?: IndexEntry[];
  /** The image's platform when known (from its index entry or its config). */
  platform?: Platform;
}

export type ImportMode = 'Legacy' | 'PreserveOriginal';

export interface ImportOptions extends CallOptions {
  /** Default Legacy, as OpenShift. */
  importMode?: ImportMode;
  /** Legacy: the tag's prefer-os / prefer-arch annotations. */
  preferred?: { os?: string; architecture?: string };
  /** PreserveOriginal: also read the index to return its entries (one GET). */
  includeManifests?: boolean;
}

export interface ImportResolution {
  /** The digest to record: the single image, the Legacy child, or the index (PreserveOriginal). */
  digest: string;
  mediaType: string;
  /** Legacy on an index: the index the child was chosen from. */
  index?: { digest: string; mediaType: string };
  /** PreserveOriginal with includeManifests: the index entries. */
  manifests?: IndexEntry[];
  platform?: Platform;
}

export interface TagResolution {
  tag: string;
  result?: ImportResolution;
  error?: RegistryError | Error;
  /** The HEAD, GET and token requests this tag cost. */
  requests: RequestCounts;
}

export interface ImageConfigInfo {
  /** The image manifest's digest. */
  digest: string;
  configDigest: string;
  /** RFC 3339, as the config has it. */
  created?: string;
  platform: Platform;
  labels: Record<string, string>;
}

export interface TagList {
  tags: string[];
  /** True when the list was cut at `maxTags`. */
  truncated: boolean;
}

/** One page of a tag list, and whether the registry offered another. */
export interface TagPage {
  tags: string[];
  more: boolean;
}

const manifestMaxBytes = 4 * 1024 * 1024; // containerd's limit for manifests
const configMaxBytes = 16 * 1024 * 1024;
const tagListMaxBytes = 16 * 1024 * 1024;
const dockerHubApiHost = 'registry-1.docker.io';

export class RegistryClient {
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  /** Per registry: resolves once the first request has learnt the registry's challenge. */
  private readonly firstContact = new Map<string, Promise<void>>();

  constructor(private readonly options: RegistryClientOptions = {}) {
    const env = options.env ?? process.env;
    this.transport = new Transport({
      env,
      trust: {
        ...(options.certDirs ? { certDirs: options.certDirs } : {}),
        ...(options.systemCaFiles ? { systemCaFiles: options.systemCaFiles } : {}),
        ...(env.NODE_EXTRA_CA_CERTS ? { extraCaFile: env.NODE_EXTRA_CA_CERTS } : {}),
      },
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...defaultRetryPolicy, ...options.retry },
      maxConcurrencyPerRegistry: options.maxConcurrencyPerRegistry ?? 8,
      userAgent: options.userAgent ?? 'istream',
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    this.auth = new Authenticator(this.transport, options.credentials);
  }

  /** The digest, media type and size of a tag or digest, by one HEAD (a GET only if the registry omits the digest). */
  async head(reference: ImageReference | string, options: CallOptions = {}): Promise<ManifestHead> {
    const ref = toReference(reference);
    const selector = ref.digest ?? ref.tag ?? defaultTag;
    const response = await this.manifestRequest('HEAD', ref, selector, options);
    const digest = response.headers.get('docker-content-digest') ?? '';
    const mediaType = contentType(response);
    if (response.status === 405 || !isDigest(digest) || !isSupportedManifestMediaType(mediaType)) {
      // The registry did not say enough; the body will.
      return this.manifest(ref, options);
    }
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw new DigestMismatchError(ref.domain, `the manifest ${ref.digest} of ${ref.path}`, ref.digest, digest);
    }
    return { digest, mediaType, size: Number(response.headers.get('content-length') ?? 0) };
  }

  /** The manifest body by GET, verified against the requested digest or the registry's Docker-Content-Digest. */
  async manifest(reference: ImageReference | string, options: CallOptions = {}): Promise<FetchedManifest> {
    const ref = toReference(reference);
    const selector = ref.digest ?? ref.tag ?? defaultTag;
    const response = await this.manifestRequest('GET', ref, selector, options);
    const claimed = ref.digest ?? response.headers.get('docker-content-digest') ?? undefined;
    const digest = verifyDigest(ref.domain, `the manifest ${selector} of ${ref.path}`, response.body, claimed);
    const parsed = parseManifest(response.body, contentType(response));
    if (!parsed) throw new UnsupportedManifestError(ref.domain, referenceString(ref), contentType(response));
    const mediaType = parsed.kind === 'index' ? parsed.index.mediaType : parsed.image.mediaType;
    return {
      digest,
      mediaType,
      size: response.body.length,
      bytes: response.body,
      ...(parsed.kind === 'index' ? { index: parsed.index } : { image: parsed.image }),
    };
  }

  /**
   * The digest a reference means: the index digest for a multi-platform image, or with `platform`
   * that platform's child. `listPlatforms` also reads the index (or the image's config) to report
   * the platforms. A plain tag costs one HEAD.
   */
  async resolve(
    reference: ImageReference | string,
    options: CallOptions & { platform?: Platform; listPlatforms?: boolean } = {},
  ): Promise<ResolvedImage> {
    const ref = toReference(reference);
    const head = await this.head(ref, options);
    const base = { reference: ref, digest: head.digest, mediaType: head.mediaType };
    const { platform } = options;
    if (!platform && !options.listPlatforms) return base;
    const pinned = { ...ref, digest: head.digest };
    if (isIndexMediaType(head.mediaType)) {
      const manifests = (await this.manifest(pinned, options)).index?.manifests ?? [];
      if (!platform) return { ...base, manifests };
      const child = selectPlatform(manifests, platform);
      if (!child) {
        throw new PlatformNotFoundError(
          ref.domain,
          referenceString(ref),
          formatPlatform(platform),
          manifests.flatMap((m) => (m.platform ? [formatPlatform(m.platform)] : [])),
        );
      }
      return {
        reference: ref,
        digest: child.digest,
        mediaType: child.mediaType,
        index: { digest: head.digest, mediaType: head.mediaType },
        manifests,
        ...(child.platform ? { platform: child.platform } : {}),
      };
    }
    const config = await this.imageConfig(pinned, options);
    if (platform && !platformMatches(platform, config.platform)) {
      throw new PlatformNotFoundError(ref.domain, referenceString(ref), formatPlatform(platform), [
        formatPlatform(config.platform),
      ]);
    }
    return { ...base, platform: config.platform };
  }

  /**
   * What OpenShift's importer records for a tag or digest: a single image as is; an index by
   * `importMode` (Legacy: one child, see selectLegacy; PreserveOriginal: the index itself).
   * A single-platform tag costs one HEAD; Legacy on an index adds one GET of the index.
   */
  async resolveForImport(reference: ImageReference | string, options: ImportOptions = {}): Promise<ImportResolution> {
    const ref = toReference(reference);
    const head = await this.head(ref, options);
    if (!isIndexMediaType(head.mediaType)) return { digest: head.digest, mediaType: head.mediaType };
    const mode = options.importMode ?? 'Legacy';
    if (mode === 'PreserveOriginal' && !options.includeManifests)
      return { digest: head.digest, mediaType: head.mediaType };
    const manifests = (await this.manifest({ ...ref, digest: head.digest }, options)).index?.manifests ?? [];
    if (mode === 'PreserveOriginal') return { digest: head.digest, mediaType: head.mediaType, manifests };
    const child = selectLegacy(manifests, options.preferred);
    if (!child)
      throw new UnsupportedManifestError(ref.domain, referenceString(ref), `${head.mediaType} with no manifests`);
    return {
      digest: child.digest,
      mediaType: child.mediaType,
      index: { digest: head.digest, mediaType: head.mediaType },
      ...(child.platform ? { platform: child.platform } : {}),
    };
  }

  /**
   * resolveForImport for many tags of one repository at once, bounded by the per-registry
   * concurrency. Never throws for one tag: each result carries its error and its request counts.
   */
  async resolveTags(
    repository: ImageReference | string,
    tags: readonly string[],
    options: ImportOptions = {},
  ): Promise<TagResolution[]> {
    const repo = toReference(repository);
    return Promise.all(
      tags.map(async (tag): Promise<TagResolution> => {
        const requests = emptyCounts();
        try {
          const result = await this.resolveForImport(
            { domain: repo.domain, path: repo.path, tag },
            { ...options, tally: requests },
          );
          return { tag, result, requests };
        } catch (e) {
          return { tag, error: e as Error, requests };
        }
      }),
    );
  }

  /** The image config of an image manifest (its `created` time, platform and labels): two GETs. */
  async imageConfig(reference: ImageReference | string, options: CallOptions = {}): Promise<ImageConfigInfo> {
    const ref = toReference(reference);
    const manifest = await this.manifest(ref, options);
    if (!manifest.image) {
      throw new UnsupportedManifestError(
        ref.domain,
        `${referenceString(ref)} (an index: choose a platform to read an image config)`,
        manifest.mediaType,
      );
    }
    const configDigest = manifest.image.config.digest;
    const body = await this.configBlob(ref, configDigest, options);
    const config = parseImageConfig(ref.domain, `the config ${configDigest} of ${ref.path}`, body);
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const labels =
      typeof config.config?.Labels === 'object' && config.config.Labels !== null
        ? (config.config.Labels as Record<string, string>)
        : {};
    return {
      digest: manifest.digest,
      configDigest,
      ...(typeof config.created === 'string' ? { created: config.created } : {}),
      platform: {
        os: text(config.os),
        architecture: text(config.architecture),
        ...(config.variant ? { variant: text(config.variant) } : {}),
      },
      labels,
    };
  }

  /** An image's config blob, digest verified: one GET. */
  async configBlob(
    reference: ImageReference | string,
    configDigest: string,
    options: CallOptions = {},
  ): Promise<Buffer> {
    const ref = toReference(reference);
    const what = `the config ${configDigest} of ${ref.path}`;
    const response = await this.request(
      {
        method: 'GET',
        kind: 'blob',
        at: { path: `/v2/${ref.path}/blobs/${configDigest}` },
        what: `GET ${what}`,
        maxBodyBytes: configMaxBytes,
      },
      ref,
      options,
    );
    if (response.status === 404) {
      throw new RegistryNotFoundError(
        ref.domain,
        ref.path,
        `the config blob ${configDigest} of ${repositoryName(ref)} is missing`,
      );
    }
    expectOk(ref, response, `GET ${what}`);
    verifyDigest(ref.domain, what, response.body, configDigest);
    return response.body;
  }

  /**
   * The repository's tags, following `Link: <...>; rel="next"` exactly as given (registries such
   * as Quay use opaque page tokens, so `last=` is never built here), up to `maxTags`.
   */
  async listTags(
    repository: ImageReference | string,
    options: CallOptions & { maxTags?: number } = {},
  ): Promise<TagList> {
    const maxTags = options.maxTags ?? 10_000;
    const tags: string[] = [];
    for await (const page of this.tagPages(repository, options)) {
      for (const tag of page.tags) {
        if (tags.length >= maxTags) return { tags, truncated: true };
        tags.push(tag);
      }
      if (page.more && tags.length >= maxTags) return { tags, truncated: true };
    }
    return { tags, truncated: false };
  }

  /**
   * The repository's tags one page at a time, as the registry sends them: a caller that keeps
   * only some of them (an import under a cap) holds one page at a time, not a 9,000-tag list.
   * Stopping the iteration stops the paging.
   */
  async *tagPages(repository: ImageReference | string, options: CallOptions = {}): AsyncGenerator<TagPage> {
    const ref = toReference(repository);
    const seen = new Set<string>();
    let next: { path: string } | { url: string } = { path: `/v2/${ref.path}/tags/list` };
    for (;;) {
      const what = `GET tags of ${ref.path}`;
      const response = await this.request(
        { method: 'GET', kind: 'tags', at: next, what, maxBodyBytes: tagListMaxBytes },
        ref,
        options,
      );
      if (response.status === 404) {
        throw new RegistryNotFoundError(ref.domain, ref.path, `repository ${ref.path} not found at ${ref.domain}`);
      }
      expectOk(ref, response, what);
      let page: { tags?: unknown };
      try {
        page = JSON.parse(response.body.toString('utf8')) as typeof page;
      } catch {
        throw new RegistryResponseError(ref.domain, response.status, what, 'the tag list is not JSON');
      }
      const link = nextLink(response.headers.get('link'), response.url);
      const tags = (Array.isArray(page.tags) ? page.tags : []).filter((tag): tag is string => typeof tag === 'string');
      yield { tags, more: link !== undefined };
      if (!link) return;
      if (link.origin !== new URL(response.url).origin) {
        throw new RegistryResponseError(
          ref.domain,
          response.status,
          what,
          `the next page is on another host (${link.origin}); not following it with these credentials`,
        );
      }
      if (seen.has(link.href))
        throw new RegistryResponseError(
          ref.domain,
          response.status,
          what,
          'the Link header points back to a page already read',
        );
      seen.add(link.href);
      next = { url: link.href };
    }
  }

  /** Requests made so far, per registry host (token services included under their own host). */
  requestCounts(): Record<string, RequestCounts> {
    return Object.fromEntries([...this.transport.countsByRegistry].map(([host, counts]) => [host, { ...counts }]));
  }

  /** Closes the pooled connections. */
  close(): Promise<void> {
    return this.transport.close();
  }

  private manifestRequest(
    method: 'GET' | 'HEAD',
    ref: ImageReference,
    selector: string,
    options: CallOptions,
  ): Promise<HttpResponse> {
    const what = `${method} manifest ${ref.path}${selector.includes(':') ? '@' : ':'}${selector}`;
    return this.request(
      {
        method,
        kind: 'manifest',
        at: { path: `/v2/${ref.path}/manifests/${selector}` },
        what,
        headers: { accept: manifestAccept },
        maxBodyBytes: manifestMaxBytes,
      },
      ref,
      options,
    ).then((response) => {
      if (response.status === 404) {
        throw new RegistryNotFoundError(
          ref.domain,
          ref.path,
          selector.includes(':')
            ? `manifest ${selector} not found in ${repositoryName(ref)}`
            : `tag ${selector} not found in ${repositoryName(ref)}`,
        );
      }
      if (response.status !== 405 || method === 'GET') expectOk(ref, response, what);
      return response;
    });
  }

  /** One request to the reference's registry with authorization: answers one 401 challenge, then gives up. */
  private async request(
    spec: Omit<HttpRequest, 'target' | 'insecure' | 'tally' | 'signal'> & { at: { path: string } | { url: string } },
    ref: ImageReference,
    options: CallOptions,
  ): Promise<HttpResponse> {
    const registry = ref.domain === 'docker.io' ? dockerHubApiHost : ref.domain;
    const ctx: AuthContext = {
      registry,
      credentialKey: ref.domain,
      repository: ref.path,
      insecure: options.insecure ?? this.options.insecure ?? false,
      ...(options.tally ? { tally: options.tally } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const { at, ...rest } = spec;
    const send = (authorization: string | undefined) =>
      this.transport.send({
        ...rest,
        target: 'url' in at ? at : { registry, path: at.path },
        insecure: ctx.insecure,
        headers: { ...spec.headers, ...(authorization ? { authorization } : {}) },
        ...(options.tally ? { tally: options.tally } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    const exchange = async () => {
      let authorization = await this.auth.authorization(ctx);
      let response = await send(authorization);
      if (response.status === 401) {
        authorization = await this.auth.answer(ctx, response.headers.get('www-authenticate'), authorization);
        response = await send(authorization);
        if (response.status === 401) {
          throw new RegistryAuthError('unauthorized', ref.domain, ref.path, this.auth.explainRefusal(ctx));
        }
      }
      if (response.status === 403) {
        throw new RegistryAuthError(
          'denied',
          ref.domain,
          ref.path,
          registryErrorText(response.body) || 'the registry answered 403 Forbidden',
        );
      }
      return response;
    };
    // The first request to a registry goes alone, so that concurrent ones learn its challenge from it
    // instead of each collecting a 401.
    const contact = this.firstContact.get(registry);
    if (contact) {
      await contact;
      return exchange();
    }
    let release = () => {};
    this.firstContact.set(
      registry,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    try {
      return await exchange();
    } finally {
      release();
    }
  }
}

function toReference(reference: ImageReference | string): ImageReference {
  return typeof reference === 'string' ? parseImageReference(reference) : reference;
}

function contentType(response: HttpResponse): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
}

/** The content's digest in the claimed digest's algorithm; throws DigestMismatchError when they differ. */
function verifyDigest(registry: string, what: string, body: Buffer, claimed: string | undefined): string {
  const algorithm = claimed !== undefined && isDigest(claimed) ? claimed.slice(0, claimed.indexOf(':')) : 'sha256';
  const actual = `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
  if (claimed !== undefined && claimed !== '' && actual !== claimed)
    throw new DigestMismatchError(registry, what, claimed, actual);
  return actual;
}

function expectOk(ref: ImageReference, response: HttpResponse, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  throw new RegistryResponseError(ref.domain, response.status, what, registryErrorText(response.body));
}

/** The registry's own words from an `{"errors":[{code,message}]}` body. */
function registryErrorText(body: Buffer): string {
  try {
    const json = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    return (json.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    return '';
  }
}

/** The `rel="next"` target of a Link header, resolved against the URL that sent it. */
export function nextLink(header: string | null, base: string): URL | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel="?next"?(\s*;|\s*$)/i.test(match[2] ?? '')) return new URL(match[1] ?? '', base);
  }
  return undefined;
}
