import { crc32 } from 'node:zlib';

const MAX_STORED_BLOCK = 0xffff;

/**
 * gzip with "stored" (uncompressed) deflate blocks and a zeroed header. zlib's compressed output
 * differs between zlib builds and CPU features, which would change layer digests from machine
 * to machine; stored blocks are the same bytes everywhere and still a valid gzip stream.
 */
export function deterministicGzip(data: Buffer): Buffer {
  // ID1 ID2, CM=deflate, no flags, MTIME=0, XFL=0, OS=unknown.
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff])];
  let offset = 0;
  do {
    const length = Math.min(MAX_STORED_BLOCK, data.length - offset);
    const isLast = offset + length === data.length;
    const blockHeader = Buffer.alloc(5);
    blockHeader[0] = isLast ? 0x01 : 0x00; // BFINAL bit, BTYPE=00 (stored), rest of byte padding
    blockHeader.writeUInt16LE(length, 1);
    blockHeader.writeUInt16LE(~length & 0xffff, 3);
    parts.push(blockHeader, data.subarray(offset, offset + length));
    offset += length;
  } while (offset < data.length);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}
