// The files that let a fixture image really run on the sandbox's node: Debian's static busybox
// (package busybox-static) with the applets the tests and the seed article's container call.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TarEntry } from './tar.js';

const BUSYBOX = '/bin/busybox';
/**
 * Fixture digests are pinned (golden) and the binary is part of their layers, so a different
 * busybox would give every machine its own digests: the version is checked instead of trusted.
 */
const BUSYBOX_PACKAGE = "Debian 12's busybox-static 1:1.35.0-4+deb12u1+b1";
const BUSYBOX_SHA256 = '3d9f2889d6782537624a4e1a10e68a2ddd53e0ee8bac02676f27308f42ec6bf6';
const APPLETS = ['sh', 'ls', 'cat', 'sleep'];

let busybox: Buffer | undefined;

function readBusybox(): Buffer {
  if (busybox) return busybox;
  let bytes: Buffer;
  try {
    bytes = readFileSync(BUSYBOX);
  } catch (err) {
    throw new Error(
      `runnable fixture images need ${BUSYBOX}: install ${BUSYBOX_PACKAGE} (scripts/bootstrap.sh does): ${(err as Error).message}`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== BUSYBOX_SHA256) {
    throw new Error(
      `${BUSYBOX} has sha256 ${sha256}, not that of ${BUSYBOX_PACKAGE} (${BUSYBOX_SHA256}), which the fixture digests are pinned to: install that package`,
    );
  }
  busybox = bytes;
  return bytes;
}

/**
 * `bin/` with busybox, its applets as symlinks, and `/bin/bash` as a script that hands over to
 * busybox's sh: the seed article's container runs `/bin/bash -c`, and busybox has no bash applet.
 */
export function busyboxFiles(): TarEntry[] {
  return [
    { path: 'bin/' },
    { path: 'bin/busybox', content: readBusybox(), mode: 0o755 },
    ...APPLETS.map((applet) => ({ path: `bin/${applet}`, symlink: 'busybox' })),
    { path: 'bin/bash', content: '#!/bin/sh\nexec /bin/sh "$@"\n', mode: 0o755 },
  ];
}
