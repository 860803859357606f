import { sha256Digest } from './digest.js';
import { deterministicGzip } from './gzip.js';
import { MediaType, type ManifestMediaType } from './media-types.js';
import { tarArchive, type TarEntry } from './tar.js';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export interface BuiltManifest extends Blob {
  mediaType: ManifestMediaType;
  /** For an image: the platform its config declares. */
  platform?: Platform;
  /** Config and layers, which must be in the repository before the manifest. */
  blobs: Blob[];
  /** For an index: the images it lists, which must be in the repository before it. */
  children: BuiltManifest[];
}

export type ManifestFormat = 'oci' | 'docker';

export interface ImageSpec {
  format: ManifestFormat;
  platform: Platform;
  /** RFC 3339 time recorded as the image's `created`. */
  created: string;
  /** Content of the image's single layer. */
  files: TarEntry[];
  labels: Record<string, string>;
  /** The command the history entry says made the layer. */
  createdBy: string;
  /** The image's default command (default `/bin/sh`). */
  cmd?: string[];
}

const MEDIA_TYPES = {
  oci: {
    manifest: MediaType.ociManifest,
    config: MediaType.ociConfig,
    layer: MediaType.ociLayerGzip,
    index: MediaType.ociIndex,
  },
  docker: {
    manifest: MediaType.dockerManifest,
    config: MediaType.dockerConfig,
    layer: MediaType.dockerLayerGzip,
    index: MediaType.dockerManifestList,
  },
} as const;

/** A single-platform image with one layer; the same spec gives the same bytes everywhere. */
export function buildImage(spec: ImageSpec): BuiltManifest {
  const types = MEDIA_TYPES[spec.format];
  const tar = tarArchive(spec.files);
  const layer = blob(types.layer, deterministicGzip(tar));
  const { architecture, os, variant } = spec.platform;
  const config = blob(
    types.config,
    json({
      architecture,
      ...(variant ? { variant } : {}),
      os,
      created: spec.created,
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: spec.cmd ?? ['/bin/sh'],
        Labels: spec.labels,
      },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [{ created: spec.created, created_by: spec.createdBy }],
    }),
  );
  const manifest = json({
    schemaVersion: 2,
    mediaType: types.manifest,
    config: descriptor(config),
    layers: [descriptor(layer)],
  });
  return { ...blob(types.manifest, manifest), platform: spec.platform, blobs: [config, layer], children: [] };
}

/** An OCI image index or Docker manifest list of the images, each listed with its platform. */
export function buildIndex(format: ManifestFormat, images: BuiltManifest[]): BuiltManifest {
  const mediaType = MEDIA_TYPES[format].index;
  const manifests = images.map((image) => {
    if (!image.platform) throw new Error(`image ${image.digest} has no platform to list`);
    return { ...descriptor(image), platform: image.platform };
  });
  return { ...blob(mediaType, json({ schemaVersion: 2, mediaType, manifests })), blobs: [], children: images };
}

function blob<T extends string>(mediaType: T, bytes: Buffer): Blob & { mediaType: T } {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes };
}

function descriptor(target: Blob): { mediaType: string; size: number; digest: string } {
  return { mediaType: target.mediaType, size: target.size, digest: target.digest };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
