// The registry event receiver: an HTTP listener on every controller replica that turns registry
// notifications into "import these stream tags now". It writes no image data: the import
// controller re-resolves each tag by HEAD, so an event is never more than a hint. A replica that
// does not import records the hint on the stream for the one that does (import-requests.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BodyTooLargeError, listenOn, readBody } from '../controller/listen.js';
import { errorText, type Logger } from '../controller/log.js';
import type { StreamObject } from '../controller/shared-informers.js';
import { cloudEventHints, CLOUDEVENTS_BATCH_MEDIA_TYPE, CLOUDEVENTS_MEDIA_TYPE } from './cloudevents.js';
import { distributionHints, DISTRIBUTION_EVENTS_MEDIA_TYPE } from './distribution.js';
import { dockerHubHints } from './docker-hub.js';
import { githubPackageHints } from './github.js';
import { harborHints } from './harbor.js';
import { quayHints } from './quay.js';
import { MalformedEventError, type RegistryHint } from './hints.js';
import { RepositoryIndex, type FollowedTag } from './repository-index.js';
import { first, type SharedToken } from './token.js';

/** How one sender posts and proves itself, and how its body names the pushed tags. */
interface Sender {
  /** Media types its body comes in (compared without parameters). */
  mediaTypes: readonly string[];
  /** How it proves it knows the token: in a header, in the URL, or by signing the body. */
  auth: 'header' | 'url' | 'signature';
  hints(body: unknown, req: IncomingMessage, url: URL): RegistryHint[];
}

const registryParam = (url: URL): string | undefined => url.searchParams.get('registry') ?? undefined;

/** The receiver's paths, one per sender; `?registry=` overrides the host a payload names, where it names one. */
export const senders: Readonly<Record<string, Sender>> = {
  '/distribution': {
    mediaTypes: [DISTRIBUTION_EVENTS_MEDIA_TYPE, 'application/json'],
    auth: 'header',
    hints: (body, _req, url) => distributionHints(body, registryParam(url)),
  },
  '/harbor': { mediaTypes: ['application/json'], auth: 'header', hints: (body) => harborHints(body) },
  '/cloudevents': {
    mediaTypes: [CLOUDEVENTS_MEDIA_TYPE, CLOUDEVENTS_BATCH_MEDIA_TYPE],
    auth: 'header',
    hints: (body, _req, url) => cloudEventHints(body, registryParam(url)),
  },
  '/dockerhub': { mediaTypes: ['application/json'], auth: 'url', hints: (body) => dockerHubHints(body) },
  '/quay': { mediaTypes: ['application/json'], auth: 'url', hints: (body) => quayHints(body) },
  '/github': {
    mediaTypes: ['application/json'],
    auth: 'signature',
    hints: (body, req) => githubPackageHints(body, first(req.headers['x-github-event'])),
  },
};

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
  /**
   * When importNow says no: records the tags on their streams for the leader (import-requests.ts).
   * Rejects when that cannot be written; the sender is then told to retry.
   */
  recordForLeader(tags: readonly FollowedTag[]): Promise<void>;
  /**
   * An event claiming the digest that the last acted-on event for its tag claimed, within this
   * window, is that event again (default 10 s).
   */
  duplicateWindowMs?: number;
  /**
   * How long the receiver keeps answering once stop is asked (default 0). In a pod, kube-proxy
   * routes new connections to it until the Service's endpoints drop the terminating pod; closing
   * at once refuses them, and senders that do not retry lose their events.
   */
  shutdownDelayMs?: number;
  now?: () => number;
  log: Logger;
}

/** What one accepted request did, answered as JSON (and asserted by tests). */
export interface ReceiptSummary {
  /** Tag pushes the request named. */
  events: number;
  /** Of those, repeats of an event already acted on (same tag, same claimed digest, within the window): no import asked. */
  duplicates: number;
  /** Stream tags asked to re-import. */
  imports: number;
  /** Of those, how many were recorded on their streams for the leader (this replica does not import). */
  recorded: number;
}

const maxBodyBytes = 1024 * 1024;

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

const tagKeyOf = (hint: RegistryHint): string => `${hint.registry}/${hint.repository}:${hint.tag ?? ''}`;

/** The manager Runnable serving registry events on every replica. */
export class EventReceiver {
  readonly name = 'registry-events';
  readonly needsLeaderElection = false;
  private readonly index = new RepositoryIndex();
  /** `registry/repository:tag` -> the digest its last acted-on event claimed, and when. */
  private readonly lastClaims = new Map<string, { digest: string; at: number }>();
  private resolveListening!: (address: string) => void;
  /** Resolves with `host:port` once the server accepts events. */
  readonly listening = new Promise<string>((resolve) => {
    this.resolveListening = resolve;
  });

  constructor(private readonly options: EventReceiverOptions) {
    options.streams.onStreamChange((stream) => this.index.set(stream));
    options.streams.onStreamDelete((stream) =>
      this.index.remove(stream.metadata.namespace ?? '', stream.metadata.name),
    );
  }

  async start(signal: AbortSignal): Promise<void> {
    // Answering before the index is complete would drop hints for streams not yet listed.
    await this.options.streams.synced();
    const server: Server = createServer((req, res) => void this.handle(req, res));
    const where = await listenOn(server, this.options.bindAddress);
    this.options.log.info('serving registry events', { address: where });
    this.resolveListening(where);
    await new Promise<void>((resolve) =>
      signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    const delay = this.options.shutdownDelayMs ?? 0;
    if (delay > 0) {
      this.options.log.info('registry events: answering until the shutdown delay ends', { delayMs: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const sender = Object.hasOwn(senders, url.pathname) ? senders[url.pathname] : undefined;
    if (!sender)
      return reply(res, 404, {
        error: `no sender at ${url.pathname}; senders post to ${Object.keys(senders).join(', ')}`,
      });
    if (req.method !== 'POST') return reply(res, 405, { error: 'events are POSTed' });
    const { token, log } = this.options;
    const refuse = (): void => {
      log.warning('registry event refused: bad or missing token or signature', {
        path: url.pathname,
        from: req.socket.remoteAddress,
      });
      reply(res, 401, { error: 'missing or wrong token or signature' });
    };
    // A token in a header or the URL is checked before the body is read; a signature needs the body.
    if (
      sender.auth === 'header'
        ? !token.accepts(req.headers)
        : sender.auth === 'url' && !token.matches(url.searchParams.get('token'))
    ) {
      req.resume();
      return refuse();
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return reply(res, 400, { error: `the body is over ${maxBodyBytes} bytes` });
      throw error;
    }
    if (sender.auth === 'signature' && !token.signed(raw, req.headers['x-hub-signature-256'])) return refuse();
    let hints: RegistryHint[];
    try {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!sender.mediaTypes.includes(type))
        throw new MalformedEventError(`content type "${type}" is not ${sender.mediaTypes.join(' or ')}`);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new MalformedEventError(`the body is not JSON: ${(error as Error).message}`);
      }
      hints = sender.hints(body, req, url);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      log.warning('registry event refused: malformed', { path: url.pathname, error: error.message });
      return reply(res, 400, { error: error.message });
    }
    let summary: ReceiptSummary;
    try {
      summary = await this.accept(hints);
    } catch (error) {
      log.warning('registry event not recorded for the leader', { path: url.pathname, error: errorText(error) });
      return reply(res, 503, {
        error: `this replica does not import and could not record the event: ${errorText(error)}; retry`,
      });
    }
    reply(res, 202, summary);
  }

  /**
   * Hands the followed tags of new hints to the import controller, or on a replica that does not
   * import, to the leader through their streams.
   */
  private async accept(hints: readonly RegistryHint[]): Promise<ReceiptSummary> {
    const now = (this.options.now ?? Date.now)();
    const window = this.options.duplicateWindowMs ?? 10_000;
    for (const [key, claim] of this.lastClaims) if (now - claim.at >= window) this.lastClaims.delete(key);
    // A repeat is only recognised by its claimed digest: an event without one cannot be told from
    // the next push of the same tag, so it always asks (the import queue folds a burst into one
    // HEAD). A tag moved away and back within the window claims a digest other than the last one.
    const fresh = new Map<string, RegistryHint>();
    let duplicates = 0;
    for (const hint of hints) {
      const tagKey = tagKeyOf(hint);
      const claimKey = `${tagKey}@${hint.claimedDigest ?? ''}`;
      const repeat = hint.claimedDigest !== undefined && this.lastClaims.get(tagKey)?.digest === hint.claimedDigest;
      if (repeat || fresh.has(claimKey)) duplicates++;
      else fresh.set(claimKey, hint);
    }
    const tags = new Map<string, FollowedTag>();
    const actedOn: RegistryHint[] = [];
    for (const hint of fresh.values()) {
      const following = this.index.tagsFollowing(hint.registry, hint.repository, hint.tag);
      // An event nothing followed is not remembered: its repeat may come after a stream follows the tag.
      if (following.length > 0) actedOn.push(hint);
      for (const t of following) tags.set(`${t.namespace}/${t.stream}:${t.tag}`, t);
    }
    const followed = [...tags.values()];
    const recorded = followed.length > 0 && !this.options.importNow(followed);
    if (recorded) await this.options.recordForLeader(followed);
    for (const hint of actedOn) {
      if (hint.claimedDigest === undefined) this.lastClaims.delete(tagKeyOf(hint));
      else this.lastClaims.set(tagKeyOf(hint), { digest: hint.claimedDigest, at: now });
    }
    if (duplicates > 0) this.options.log.info('registry event: repeats of events already acted on', { duplicates });
    for (const t of followed)
      this.options.log.info(recorded ? 'registry event: recorded for the leader' : 'registry event: importing', {
        stream: `${t.namespace}/${t.stream}`,
        tag: t.tag,
      });
    return { events: hints.length, duplicates, imports: followed.length, recorded: recorded ? followed.length : 0 };
  }
}
