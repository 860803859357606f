import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/**
 * The one secret every sender proves it knows, in the way that sender can: in a request header
 * (`Authorization: Bearer TOKEN` by default, or the whole value of a header of the operator's
 * choosing), in the webhook URL (senders that send no header of ours), or as the key of an
 * HMAC-SHA256 signature of the body. Every comparison takes constant time.
 */
export class SharedToken {
  private readonly secret: string;
  private readonly expected: Buffer;
  private readonly header: string;

  constructor(token: string, header = 'authorization') {
    this.secret = token.trim();
    if (this.secret === '')
      throw new Error('the registry event token is empty: put a random token in its Secret or file');
    this.expected = digest(this.secret);
    this.header = header.toLowerCase();
  }

  /** The token in the configured header. */
  accepts(headers: IncomingHttpHeaders): boolean {
    const value = first(headers[this.header]);
    if (value === undefined) return false;
    const presented = this.header === 'authorization' ? /^Bearer\s+(.+)$/i.exec(value)?.[1] : value;
    return presented !== undefined && this.matches(presented);
  }

  /** The token itself, e.g. from the webhook URL's `?token=`. */
  matches(presented: string | null | undefined): boolean {
    return typeof presented === 'string' && timingSafeEqual(digest(presented.trim()), this.expected);
  }

  /** `sha256=HEX` of HMAC-SHA256(token, body), as GitHub's X-Hub-Signature-256. */
  signed(body: Buffer, signature: string | string[] | undefined): boolean {
    const value = first(signature);
    if (value === undefined || !/^sha256=[0-9a-f]{64}$/i.test(value)) return false;
    const mac = createHmac('sha256', this.secret).update(body).digest();
    return timingSafeEqual(Buffer.from(value.slice('sha256='.length), 'hex'), mac);
  }
}

/** The first value of a request header that may be repeated. */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
