// gzip of large reproducible tars (image layers, release archives), cached under the digest of the
// uncompressed tar: compressing Node's 120 MB binary is most of a build, and the same tar always
// compresses to the same bytes (zlib, fixed level, no name or time in the header).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256 } from './layout.mjs';

export const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'istream/ship');

/** The gzip bytes of `tar` and the tar's own digest (an image layer's diff_id). */
export function cachedGzip(tar) {
  const diffId = sha256(tar);
  const dir = join(cacheDir, 'gzip');
  const cached = join(dir, `${diffId.slice('sha256:'.length)}.gz`);
  if (!existsSync(cached)) {
    mkdirSync(dir, { recursive: true });
    // Written aside and renamed: builds running side by side (tests) never read half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    writeFileSync(partial, gzipSync(tar, { level: 9 }));
    renameSync(partial, cached);
  }
  return { diffId, gzip: readFileSync(cached) };
}
