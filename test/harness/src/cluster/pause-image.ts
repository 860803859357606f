// The pod sandbox ("pause") image of the real node. Nothing can be pulled from the internet here,
// so it is built like the fixtures (busybox sleeping as the sandbox's process) and imported into
// containerd as an OCI archive before the kubelet starts.
import { buildImage, type BuiltManifest } from '../registry/image-builder.js';
import { busyboxFiles } from '../registry/runnable-files.js';
import { tarArchive, type TarEntry } from '../registry/tar.js';

/** The name containerd's CRI is configured with as `sandbox_image`; never pulled. */
export const PAUSE_IMAGE = 'istream.test/pause:1';

function pauseImage(): BuiltManifest {
  return buildImage({
    format: 'oci',
    platform: { architecture: 'amd64', os: 'linux' },
    created: '2019-01-01T00:00:00Z',
    files: busyboxFiles(),
    labels: {},
    createdBy: 'istream test harness: busybox sleep as the pod sandbox process',
    // The sandbox only holds the pod's namespaces; containerd stops it with SIGKILL.
    cmd: ['/bin/sleep', '2147483647'],
  });
}

/** An OCI image layout archive (what `ctr images import` reads) holding the pause image. */
export function pauseImageArchive(): Buffer {
  const image = pauseImage();
  const blobs = [...image.blobs, image];
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.size,
        annotations: { 'io.containerd.image.name': PAUSE_IMAGE },
      },
    ],
  };
  const entries: TarEntry[] = [
    { path: 'oci-layout', content: JSON.stringify({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', content: JSON.stringify(index) },
    { path: 'blobs/' },
    { path: 'blobs/sha256/' },
    ...blobs.map((blob) => ({ path: `blobs/sha256/${blob.digest.slice('sha256:'.length)}`, content: blob.bytes })),
  ];
  return tarArchive(entries);
}
