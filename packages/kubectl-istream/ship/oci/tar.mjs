// A reproducible tar: the same entries give the same bytes on any machine, clock and umask.
// Entries are sorted by path, owned by numeric uid/gid 0 (no names), with one fixed mtime.
import { Buffer } from 'node:buffer';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

const BLOCK = 512;

/**
 * @typedef {{ path: string, type: 'dir' } |
 *   { path: string, type: 'file', mode: number, content: Buffer } |
 *   { path: string, type: 'symlink', target: string }} TarEntry
 *   path: inside the archive, without a leading slash or a trailing one.
 */

/** Files below `dir` as entries under `prefix`; executables become 0755, other files 0644. */
export function entriesFromDirectory(dir, prefix = '', exclude = () => false) {
  const entries = [];
  const walk = (rel) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      if (exclude(relPath)) continue;
      const full = join(dir, relPath);
      const path = posix.join(prefix, relPath);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) entries.push({ path, type: 'symlink', target: readlinkSync(full) });
      else if (stat.isDirectory()) {
        entries.push({ path, type: 'dir' });
        walk(relPath);
      } else entries.push({ path, type: 'file', mode: stat.mode & 0o111 ? 0o755 : 0o644, content: readFileSync(full) });
    }
  };
  walk('');
  return entries;
}

/** Adds the parent directories the entries need and sorts them; a path given twice is an error. */
function normalise(entries) {
  const byPath = new Map();
  for (const entry of entries) {
    if (byPath.has(entry.path) && !(entry.type === 'dir' && byPath.get(entry.path).type === 'dir')) {
      throw new Error(`tar: ${entry.path} is in the layer twice`);
    }
    byPath.set(entry.path, entry);
    for (let dir = posix.dirname(entry.path); dir !== '.'; dir = posix.dirname(dir)) {
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: 'dir' });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The ustar archive of the entries with every mtime `mtimeSeconds`. */
export function tarArchive(entries, mtimeSeconds) {
  const parts = [];
  for (const entry of normalise(entries)) {
    const size = entry.type === 'file' ? entry.content.length : 0;
    parts.push(header(entry, size, mtimeSeconds));
    if (size > 0) parts.push(entry.content, Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** ustar keeps long paths as a prefix (155 bytes) and a name (100 bytes) split at a slash. */
function splitPath(path) {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(entry, size, mtimeSeconds) {
  const block = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(entry.type === 'dir' ? `${entry.path}/` : entry.path);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, entry.type === 'file' ? entry.mode : entry.type === 'dir' ? 0o755 : 0o777);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, mtimeSeconds);
  block.write({ file: '0', symlink: '2', dir: '5' }[entry.type], 156, 1, 'ascii');
  if (entry.type === 'symlink') {
    if (Buffer.byteLength(entry.target) > 100) throw new Error(`tar: symlink target too long: ${entry.target}`);
    block.write(entry.target, 157, 100, 'utf8');
  }
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as spaces.
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'ascii');
  return block;
}

function octal(block, offset, width, value) {
  block.write(value.toString(8).padStart(width - 1, '0') + '\u0000', offset, width, 'ascii');
}
