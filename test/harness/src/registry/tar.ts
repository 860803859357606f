export interface TarEntry {
  /** Path inside the archive without a leading slash; directories end with `/`. */
  path: string;
  /** File content (a string is written as UTF-8); omitted for directories and symlinks. */
  content?: string | Buffer;
  /** Permission bits of a file (default 0644; directories are always 0755). */
  mode?: number;
  /** Makes the entry a symbolic link to this path. */
  symlink?: string;
}

const BLOCK = 512;
// Fixed metadata: the same entries give the same bytes on every machine, umask and clock.
const MTIME_SECONDS = Date.UTC(2019, 0, 1) / 1000;
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
const LINK_MODE = 0o777;

/** A POSIX ustar archive of the entries, in order, owned by root:root with a fixed mtime. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content =
      typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : (entry.content ?? Buffer.alloc(0));
    parts.push(header(entry, content.length));
    if (content.length > 0) parts.push(content, Buffer.alloc(padding(content.length)));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

const TYPE_FILE = '0';
const TYPE_SYMLINK = '2';
const TYPE_DIR = '5';

function header(entry: TarEntry, size: number): Buffer {
  const { path, symlink } = entry;
  const isDir = path.endsWith('/');
  for (const name of [path, symlink ?? '']) {
    if (Buffer.byteLength(name) > 100) throw new Error(`tar path longer than 100 bytes: ${name}`);
  }
  const block = Buffer.alloc(BLOCK);
  block.write(path, 0, 100, 'utf8');
  octal(block, 100, 8, isDir ? DIR_MODE : symlink !== undefined ? LINK_MODE : (entry.mode ?? FILE_MODE));
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, MTIME_SECONDS);
  block.write(isDir ? TYPE_DIR : symlink !== undefined ? TYPE_SYMLINK : TYPE_FILE, 156, 1, 'ascii');
  if (symlink !== undefined) block.write(symlink, 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  // The checksum is computed with its own field read as spaces.
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0') + '\u0000', offset, width, 'ascii');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
