// What an image is made of, as OpenShift's Image object records it after an import: layers and
// their sizes, the config's author, architecture, creation time and run configuration, or the
// platforms of a manifest list. For `import-image`'s per-image report; the import itself needs
// only the digest and never reads this.
import { parseImageReference, type ImageReference } from '../reference/index.js';
import type { CallOptions, RegistryClient } from './client.js';
import { RegistryResponseError } from './errors.js';
import type { Platform } from './platform.js';

/** The parts of an image config (OCI / Docker) that describe it; everything optional. */
export interface ImageConfigDocument {
  created?: string;
  author?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Env?: string[] | null;
    Volumes?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  } | null;
}

/** The config JSON of an image, or a RegistryResponseError naming what was read. */
export function parseImageConfig(domain: string, what: string, body: Buffer): ImageConfigDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RegistryResponseError(domain, 200, `GET ${what}`, 'the config is not a JSON object');
  }
  return parsed as ImageConfigDocument;
}

export type ImageDetails =
  | {
      kind: 'image';
      /** Manifest order (base first), as OpenShift keeps them (`dockerLayersOrder: ascending`). */
      layers: Array<{ digest: string; size: number }>;
      configSize: number;
      config: ImageConfigDocument;
    }
  | { kind: 'index'; manifests: Array<{ digest: string; platform?: Platform }> };

/** The manifest and, for a single image, its config: two GETs (one for a manifest list). */
export async function imageDetails(
  client: RegistryClient,
  reference: ImageReference | string,
  options: CallOptions = {},
): Promise<ImageDetails> {
  const ref = typeof reference === 'string' ? parseImageReference(reference) : reference;
  const manifest = await client.manifest(ref, options);
  if (manifest.index) {
    return {
      kind: 'index',
      manifests: manifest.index.manifests.map((m) => ({
        digest: m.digest,
        ...(m.platform ? { platform: m.platform } : {}),
      })),
    };
  }
  const image = manifest.image!;
  const body = await client.configBlob(ref, image.config.digest, options);
  return {
    kind: 'image',
    layers: image.layers.map((l) => ({ digest: l.digest, size: l.size })),
    configSize: image.config.size,
    config: parseImageConfig(ref.domain, `the config ${image.config.digest} of ${ref.path}`, body),
  };
}
