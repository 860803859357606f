import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A shared token in a request header: `Authorization: Bearer TOKEN` by default, or the whole
 * value of a header of the operator's choosing (Distribution sends whatever headers its endpoint
 * configures). Compared in constant time.
 */
export class SharedToken {
  private readonly expected: Buffer;
  private readonly header: string;

  constructor(token: string, header = 'authorization') {
    if (token.trim() === '') throw new Error('the registry event token is empty: put a random token in its Secret or file');
    this.expected = createHash('sha256').update(token.trim()).digest();
    this.header = header.toLowerCase();
  }

  accepts(headers: IncomingHttpHeaders): boolean {
    const raw = headers[this.header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) return false;
    const presented = this.header === 'authorization' ? /^Bearer\s+(.+)$/i.exec(value)?.[1] : value;
    if (presented === undefined) return false;
    return timingSafeEqual(createHash('sha256').update(presented.trim()).digest(), this.expected);
  }
}
