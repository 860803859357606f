// The registry event receiver: an HTTP listener on every controller replica that turns registry
// notifications into "import these stream tags now". It writes nothing itself: the import
// controller re-resolves each tag by HEAD, so an event is never more than a hint.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddress } from '../controller/health-server.js';
import type { Logger } from '../controller/log.js';
import type { StreamObject } from '../controller/shared-informers.js';
import { distributionHints, DISTRIBUTION_EVENTS_MEDIA_TYPE } from './distribution.js';
import { MalformedEventError, type RegistryHint } from './hints.js';
import { RepositoryIndex, type FollowedTag } from './repository-index.js';
import type { SharedToken } from './token.js';

/** The path Distribution endpoints are pointed at (`url: http://HOST:PORT/distribution`). */
export const DISTRIBUTION_PATH = '/distribution';

export interface EventReceiverOptions {
  /** `host:port`; port 0 picks a free one (tests). */
  bindAddress: string;
  /** The shared token senders present (core/events' loadEventToken reads it from a Secret or a file). */
  token: SharedToken;
  /** The stream informer: the repository index follows it. */
  streams: {
    onStreamChange(handler: (stream: StreamObject) => void): void;
    onStreamDelete(handler: (stream: StreamObject) => void): void;
    synced(): Promise<void>;
  };
  /** The import controller's importNow: false when this replica does not import. */
  importNow(tags: readonly FollowedTag[]): boolean;
  /** Events naming the same tag and digest within this window are one event (default 10 s). */
  duplicateWindowMs?: number;
  now?: () => number;
  log: Logger;
}

/** What one accepted request did, answered as JSON (and asserted by tests). */
export interface ReceiptSummary {
  /** Tag pushes the request named. */
  events: number;
  /** Of those, seen within the duplicate window: no import asked. */
  duplicates: number;
  /** Stream tags asked to re-import. */
  imports: number;
}

const maxBodyBytes = 1024 * 1024;

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) req.destroy(new BodyTooLargeError());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

/** The manager Runnable serving registry events on every replica. */
export class EventReceiver {
  readonly name = 'registry-events';
  readonly needsLeaderElection = false;
  private readonly index = new RepositoryIndex();
  /** Duplicate key -> when it was last handed on. */
  private readonly recent = new Map<string, number>();
  private resolveListening!: (address: string) => void;
  /** Resolves with `host:port` once the server accepts events. */
  readonly listening = new Promise<string>((resolve) => { this.resolveListening = resolve; });

  constructor(private readonly options: EventReceiverOptions) {
    options.streams.onStreamChange((stream) => this.index.set(stream));
    options.streams.onStreamDelete((stream) => this.index.remove(stream.metadata.namespace ?? '', stream.metadata.name));
  }

  async start(signal: AbortSignal): Promise<void> {
    // Answering before the index is complete would drop hints for streams not yet listed.
    await this.options.streams.synced();
    const server: Server = createServer((req, res) => void this.handle(req, res));
    const { host, port } = parseBindAddress(this.options.bindAddress) ?? { port: 0 };
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => { server.off('error', reject); resolve(); });
    });
    const address = server.address() as AddressInfo;
    const where = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    this.options.log.info('serving registry events', { address: where });
    this.resolveListening(where);
    await new Promise<void>((resolve) => signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }));
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (url.pathname !== DISTRIBUTION_PATH) return reply(res, 404, { error: `no sender at ${url.pathname}; Distribution posts to ${DISTRIBUTION_PATH}` });
    if (req.method !== 'POST') return reply(res, 405, { error: 'events are POSTed' });
    // Authentication before the body is read: an unauthenticated caller learns nothing.
    if (!this.options.token.accepts(req.headers)) {
      req.resume();
      this.options.log.warning('registry event refused: bad or missing token', { from: req.socket.remoteAddress });
      return reply(res, 401, { error: 'missing or wrong token' });
    }
    let hints: RegistryHint[];
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
      if (type !== DISTRIBUTION_EVENTS_MEDIA_TYPE && type !== 'application/json') {
        req.resume();
        throw new MalformedEventError(`content type "${type ?? ''}" is not ${DISTRIBUTION_EVENTS_MEDIA_TYPE}`);
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw new MalformedEventError(`the body is over ${maxBodyBytes} bytes`);
        throw new MalformedEventError(`the body is not JSON: ${(error as Error).message}`);
      }
      hints = distributionHints(body, url.searchParams.get('registry') ?? undefined);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      this.options.log.warning('registry event refused: malformed', { error: error.message });
      return reply(res, 400, { error: error.message });
    }
    const summary = this.accept(hints);
    if (summary === 'not-importing') return reply(res, 503, { error: 'this replica does not run imports (not the leader); retry' });
    reply(res, 202, summary);
  }

  /** Hands the followed tags of new hints to the import controller. */
  private accept(hints: readonly RegistryHint[]): ReceiptSummary | 'not-importing' {
    const now = (this.options.now ?? Date.now)();
    const window = this.options.duplicateWindowMs ?? 10_000;
    for (const [key, at] of this.recent) if (now - at >= window) this.recent.delete(key);
    const fresh = new Map<string, RegistryHint>();
    let duplicates = 0;
    for (const hint of hints) {
      const key = `${hint.registry}/${hint.repository}:${hint.tag ?? ''}@${hint.claimedDigest ?? ''}`;
      if (this.recent.has(key) || fresh.has(key)) duplicates++;
      else fresh.set(key, hint);
    }
    const tags = new Map<string, FollowedTag>();
    for (const hint of fresh.values()) {
      for (const t of this.index.tagsFollowing(hint.registry, hint.repository, hint.tag)) tags.set(`${t.namespace}/${t.stream}:${t.tag}`, t);
    }
    if (tags.size > 0 && !this.options.importNow([...tags.values()])) return 'not-importing';
    for (const key of fresh.keys()) this.recent.set(key, now);
    for (const t of tags.values()) this.options.log.info('registry event: importing', { stream: `${t.namespace}/${t.stream}`, tag: t.tag });
    return { events: hints.length, duplicates, imports: tags.size };
  }
}
