// ImageStreams on a cluster. Both flavours serve group image.openshift.io: on plain Kubernetes the
// kind comes from istream's CRD and the status is ours to write (through the status subresource);
// on OpenShift it is the built-in API and the server writes status itself when asked to import
// (ImageStreamImport), so clients there never write status.
import {
  IMAGE_API_VERSION,
  IMAGE_STREAM_PLURAL,
  type ImageStream,
  type StreamChange,
  type TagImportPolicy,
  type TagReferencePolicy,
} from '../imagestream/index.js';
import { kubeClient, type KubeClient } from './client.js';
import { ImageStreamApiMissingError, isNotFound } from './errors.js';
import type { ClusterConnection } from './kubeconfig.js';
import type { KubeList } from './object.js';
import { groupVersionPath, resourcePath } from './paths.js';
import type { PullSecretData } from '../registry/index.js';
import { retryOnConflict } from './retry.js';
import { pullSecretData, type SecretLike } from './secrets.js';

/** How this cluster serves ImageStreams. */
export type ImageStreamApiKind = 'crd' | 'openshift' | 'absent';

export interface ImageStreamClient {
  readonly connection: ClusterConnection;
  /** Found by discovery once per client. */
  apiKind(): Promise<ImageStreamApiKind>;
  get(namespace: string, name: string): Promise<ImageStream | undefined>;
  /** The streams of one namespace, or of every namespace when it is undefined. */
  list(namespace: string | undefined): Promise<ImageStream[]>;
  /**
   * Reads the stream, asks `change` for its next version and writes what changed (spec and
   * metadata, then status through the status subresource), each write carrying the resourceVersion
   * it was computed from. On a conflict it re-reads and asks again, so a concurrent writer's
   * history is kept. `change` gets undefined for a missing stream; returning undefined (or an
   * unchanged result) writes nothing. Resolves to the stream as stored. On OpenShift only spec and
   * metadata are written: its API server keeps status itself.
   */
  update(
    namespace: string,
    name: string,
    change: (current: ImageStream | undefined) => StreamChange | undefined,
  ): Promise<ImageStream | undefined>;
  /**
   * OpenShift only: posts an ImageStreamImport; the API server resolves the images with the
   * namespace's secrets and writes the stream itself. Resolves to the answered object.
   */
  importOnServer(namespace: string, request: ImageStreamImportRequest): Promise<ImageStreamImportAnswer>;
  /** The namespace's pull secrets, decoded, for the registry client's secretCredentials. */
  pullSecrets(namespace: string): Promise<PullSecretData[]>;
}

/** image.openshift.io/v1 ImageStreamImport as a client sends it (OpenShift's server-side import). */
export interface ImageStreamImportRequest {
  metadata: { name: string; resourceVersion?: string };
  spec: {
    import: boolean;
    images?: Array<{
      from: { kind: 'DockerImage'; name: string };
      to: { name: string };
      importPolicy: TagImportPolicy;
      referencePolicy: TagReferencePolicy;
    }>;
    repository?: {
      from: { kind: 'DockerImage'; name: string };
      importPolicy: TagImportPolicy;
      referencePolicy: TagReferencePolicy;
    };
  };
}

interface ImportStatus {
  status?: { status?: string; reason?: string; message?: string };
  tag?: string;
  image?: { metadata?: { name?: string }; dockerImageReference?: string };
}

export interface ImageStreamImportAnswer {
  status?: {
    import?: ImageStream;
    images?: ImportStatus[];
    repository?: { status?: ImportStatus['status']; images?: ImportStatus[]; additionalTags?: string[] };
  };
}

/** Names istream's writes in managedFields (instead of the HTTP library's name). */
const FIELD_MANAGER = 'istream';

export function imageStreamClient(connection: ClusterConnection): ImageStreamClient {
  const api = kubeClient(connection);
  const streamPath = (namespace?: string, name?: string, subresource?: string): string =>
    resourcePath(IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, namespace, name, subresource);
  const write = { query: { fieldManager: FIELD_MANAGER } };
  let kind: Promise<ImageStreamApiKind> | undefined;

  const client: ImageStreamClient = {
    connection,
    apiKind: () => (kind ??= detectImageStreamApi(api)),
    async get(namespace, name) {
      try {
        return await api.call<ImageStream>(streamPath(namespace, name));
      } catch (e) {
        if (isNotFound(e)) {
          await requireApi(client);
          return undefined;
        }
        throw e;
      }
    },
    async list(namespace) {
      await requireApi(client);
      const list = await api.call<Partial<KubeList<ImageStream>>>(streamPath(namespace));
      return list.items ?? [];
    },
    update(namespace, name, change) {
      return retryOnConflict(async () => {
        const current = await client.get(namespace, name);
        const next = change(current);
        if (next === undefined || !next.changed) return current;
        return await store(current, next);
      });
      async function store(current: ImageStream | undefined, next: StreamChange): Promise<ImageStream> {
        // OpenShift derives status from spec itself (and imports through ImageStreamImport): spec only.
        const serverWritesStatus = (await client.apiKind()) === 'openshift';
        const desired = { ...next.stream, metadata: { ...next.stream.metadata, namespace, name } };
        let stored: ImageStream;
        // The main resource ignores status and the status subresource ignores spec: two writes.
        const body = { ...desired, status: undefined };
        if (current === undefined) {
          stored = await api.call<ImageStream>(streamPath(namespace), { ...write, method: 'POST', body });
        } else if (next.specChanged) {
          stored = await api.call<ImageStream>(streamPath(namespace, name), { ...write, method: 'PUT', body });
        } else stored = current;
        if (!serverWritesStatus && (next.statusChanged || current === undefined)) {
          const withStatus = { ...stored, status: desired.status };
          stored = await api.call<ImageStream>(streamPath(namespace, name, 'status'), {
            ...write,
            method: 'PUT',
            body: withStatus,
          });
        }
        return stored;
      }
    },
    async importOnServer(namespace, request) {
      const body = {
        apiVersion: IMAGE_API_VERSION,
        kind: 'ImageStreamImport',
        ...request,
        metadata: { ...request.metadata, namespace },
      };
      return await api.call<ImageStreamImportAnswer>(resourcePath(IMAGE_API_VERSION, 'imagestreamimports', namespace), {
        method: 'POST',
        body,
      });
    },
    async pullSecrets(namespace) {
      const list = await api.call<KubeList<SecretLike>>(resourcePath('v1', 'secrets', namespace));
      return pullSecretData(list.items);
    },
  };
  return client;
}

async function requireApi(client: ImageStreamClient): Promise<void> {
  if ((await client.apiKind()) === 'absent') {
    throw new ImageStreamApiMissingError(client.connection.server);
  }
}

/**
 * OpenShift's image API serves the whole family (imagestreamimports, imagestreamtags, images...);
 * istream's CRD serves only imagestreams. The resource list is readable by every authenticated user.
 */
async function detectImageStreamApi(api: KubeClient): Promise<ImageStreamApiKind> {
  try {
    const resources = await api.call<{ resources: Array<{ name: string }> }>(groupVersionPath(IMAGE_API_VERSION));
    const names = new Set(resources.resources.map((r) => r.name));
    if (names.has('imagestreamimports')) return 'openshift';
    return names.has(IMAGE_STREAM_PLURAL) ? 'crd' : 'absent';
  } catch (e) {
    if (isNotFound(e)) return 'absent';
    throw e;
  }
}
