export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export type ManifestMediaType =
  | typeof MediaType.ociIndex
  | typeof MediaType.ociManifest
  | typeof MediaType.dockerManifestList
  | typeof MediaType.dockerManifest;

/**
 * The Accept header for manifest requests. Distribution answers a request without it with
 * 404 for OCI content, a schema1 rewrite of schema2 manifests and the amd64 child of a list.
 */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
].join(', ');
