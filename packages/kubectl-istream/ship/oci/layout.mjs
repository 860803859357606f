// OCI image parts as content-addressed blobs, written as an OCI image layout
// (https://github.com/opencontainers/image-spec/blob/main/image-layout.md).
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MediaType = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

export const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A blob as manifests reference it; `bytes` is what a registry or layout stores. */
export function blob(mediaType, bytes) {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

/** JSON as a blob: key order is the code's, so the same object gives the same digest. */
export const jsonBlob = (mediaType, value) => blob(mediaType, Buffer.from(JSON.stringify(value)));

/** Image manifest with its config and layers (the shape the harness's ManifestPusher pushes). */
export function imageManifest(config, layers, platform) {
  const descriptor = ({ mediaType, digest, size }) => ({ mediaType, digest, size });
  const manifest = jsonBlob(MediaType.manifest, {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: descriptor(config),
    layers: layers.map(descriptor),
  });
  return { ...manifest, platform, blobs: [config, ...layers], children: [] };
}

export function imageIndex(images, annotations) {
  const index = jsonBlob(MediaType.index, {
    schemaVersion: 2,
    mediaType: MediaType.index,
    manifests: images.map(({ mediaType, digest, size, platform }) => ({ mediaType, digest, size, platform })),
    annotations,
  });
  return { ...index, blobs: [], children: images };
}

/** Writes the index and everything below it as an OCI layout in `dir` (replaced), tagged `refName`. */
export function writeLayout(dir, index, refName) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const written = new Set();
  const put = ({ digest, bytes }) => {
    if (written.has(digest)) return;
    writeFileSync(join(dir, 'blobs/sha256', digest.slice('sha256:'.length)), bytes);
    written.add(digest);
  };
  const walk = (manifest) => {
    manifest.blobs.forEach(put);
    manifest.children.forEach(walk);
    put(manifest);
  };
  walk(index);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.index,
      manifests: [
        {
          mediaType: index.mediaType,
          digest: index.digest,
          size: index.size,
          annotations: { 'org.opencontainers.image.ref.name': refName },
        },
      ],
    }),
  );
}
