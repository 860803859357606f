import { createHash } from 'node:crypto';

/** `sha256:<hex>` of the bytes, the content digest registries address blobs and manifests by. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
