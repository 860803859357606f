// Manifest media types and the JSON shapes this client reads from them.
import type { Platform } from './platform.js';

export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/**
 * The Accept header for manifests. Without all four a registry may answer 404 for OCI content,
 * rewrite a schema2 manifest to schema1 (another digest) or serve one child of a manifest list.
 */
export const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.dockerManifestList,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifest,
].join(', ');

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;
}

export function isSupportedManifestMediaType(mediaType: string): boolean {
  return isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType);
}

/** A content descriptor as manifests carry them. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** One entry of an index / manifest list. */
export interface IndexEntry extends Descriptor {
  platform?: Platform;
}

export interface IndexManifest {
  mediaType: string;
  manifests: IndexEntry[];
}

export interface ImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export type Manifest = { kind: 'index'; index: IndexManifest } | { kind: 'image'; image: ImageManifest };

/**
 * Reads a manifest body. `contentType` (the response's) wins over the body's own `mediaType`,
 * which OCI makes optional; returns undefined for JSON that is neither an index nor an image manifest.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): Manifest | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const json = body as Record<string, unknown>;
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const mediaType = contentType !== undefined && isSupportedManifestMediaType(contentType) ? contentType : declared;
  if (Array.isArray(json.manifests)) {
    const manifests = json.manifests.filter(isDescriptor).map((m) => m as IndexEntry);
    return { kind: 'index', index: { mediaType: mediaType ?? mediaTypes.ociIndex, manifests } };
  }
  if (isDescriptor(json.config) && Array.isArray(json.layers)) {
    return {
      kind: 'image',
      image: {
        mediaType: mediaType ?? mediaTypes.ociManifest,
        config: json.config,
        layers: json.layers.filter(isDescriptor),
      },
    };
  }
  return undefined;
}

function isDescriptor(value: unknown): value is Descriptor {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return typeof d.digest === 'string' && typeof d.mediaType === 'string' && typeof d.size === 'number';
}
