// The one HTTP client istream talks to the Kubernetes API with. Objects travel as plain JSON exactly
// as they arrive, so fields istream does not model survive an update untouched (a typed round trip
// would drop them); credentials are read from the kubeconfig at most once a second, so rotating
// tokens keep working; calls and watches each have a keep-alive pool.
import { Buffer } from 'node:buffer';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { apiError, KubeUnreachableError } from './errors.js';
import type { ClusterConnection, KubeConfig } from './kubeconfig.js';
import type { KubeObject } from './object.js';
import type { KubeRequestEvent } from './request-event.js';

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** For PATCH: `application/merge-patch+json` and friends. */
  contentType?: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

export interface KubeClientOptions {
  /** Told about every request once it is answered or has failed. */
  onRequest?: (event: KubeRequestEvent) => void;
  /**
   * The User-Agent of every request, in client-go's form (`NAME/VERSION (OS/ARCH) ...`). The API
   * server names a writer after it, up to the first `/`: the field manager in `managedFields` of
   * what it wrote, and the user agent of audit events. Without one every write is `unknown`'s.
   */
  userAgent?: string;
}

const requestTimeoutMs = 30_000;

/**
 * How long one reading of the kubeconfig's credentials serves calls. client-node's
 * applyToHTTPSOptions builds an https.Agent and decodes the CA, certificate and key on every
 * call (4% of the controller's busy CPU in a roll of 1,000 workloads); tokens and exec plugin
 * output rotate in minutes, not within a second.
 */
const credentialsTtlMs = 1_000;

/** Calls in flight per API server: as many as the controller has workers. */
const callSockets = 16;

/** What a call carries of the kubeconfig: TLS material for the pool, headers for each request. */
interface Credentials {
  tls: RequestOptions;
  headers: Record<string, string>;
}

/**
 * An answer that asks for a wait is sent again after it, ten times at the most, as client-go does:
 * a 429 (API Priority and Fairness, or a CRD whose storage is re-initialising: 'storage is
 * (re)initializing' with one second) was not acted on, whatever the method. A 5xx with Retry-After
 * may come from a request the server went on to finish (a 504 timeout), so only reads repeat it:
 * a repeated POST could create an Event twice.
 */
const maxRetryAfterAttempts = 10;
const maxRetryAfterSeconds = 10;

function retryAfterSeconds(res: IncomingMessage, method: string): number | undefined {
  const status = res.statusCode ?? 0;
  if (status !== 429 && !(status >= 500 && method === 'GET')) return undefined;
  const seconds = Number(header(res, 'retry-after'));
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, maxRetryAfterSeconds) : undefined;
}

export class KubeClient {
  /** Calls share one pool per host; watches, which hold their connection for minutes, another. */
  private readonly agents = new Map<string, Agent | HttpAgent>();
  private credentials?: Promise<Credentials>;
  private credentialsReadAt = 0;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly options: KubeClientOptions = {},
  ) {}

  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server.replace(/\/$/, '');
  }

  /** One JSON request; resolves to the parsed answer, rejects with KubeApiError or KubeUnreachableError. */
  async call<T>(path: string, req: KubeRequest = {}): Promise<T> {
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(path, req, payload, requestTimeoutMs, req.signal);
      const text = await readBody(res);
      if (isSuccess(res)) return (text ? JSON.parse(text) : undefined) as T;
      const wait = attempt < maxRetryAfterAttempts ? retryAfterSeconds(res, req.method ?? 'GET') : undefined;
      if (wait === undefined || req.signal?.aborted)
        throw apiError(res.statusCode ?? 0, text, header(res, 'retry-after'));
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  }

  /**
   * Watches a collection from `resourceVersion`, handing each event to `onEvent`. Resolves when the
   * server ends the watch (its timeout) or `signal` aborts it; rejects with KubeApiError for an
   * error answer or an ERROR event (410 Gone: the resourceVersion has expired, list again).
   * `known`, if given, sees each event's line first: a line it claims is neither parsed nor handed on.
   */
  async watch<T extends KubeObject>(
    path: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
    known?: (line: string) => boolean,
  ): Promise<void> {
    // As client-go's reflector: the server ends the watch after 5 to 10 minutes, so a connection
    // that died without a word is noticed and replaced.
    const timeoutSeconds = String(300 + Math.floor(Math.random() * 300));
    const query = { watch: 'true', resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds };
    let res: IncomingMessage;
    try {
      res = await this.send(path, { query }, undefined, undefined, signal, 'watch');
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (!isSuccess(res)) throw apiError(res.statusCode ?? 0, await readBody(res), header(res, 'retry-after'));
    let pending = '';
    res.setEncoding('utf8');
    try {
      for await (const chunk of res) {
        pending += chunk as string;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (!line || known?.(line)) continue;
          const event = JSON.parse(line) as { type: string; object: unknown };
          if (event.type === 'ERROR') {
            const status = event.object as { code?: number };
            throw apiError(status.code ?? 500, JSON.stringify(event.object));
          }
          onEvent(event as WatchEvent<T>);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      const code = (error as { code?: unknown }).code;
      throw typeof code === 'string' ? new KubeUnreachableError(this.server, `watch cut off (${code})`, error) : error;
    } finally {
      res.destroy();
    }
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** Sends the request and resolves once the answer's headers are in (reported to onRequest then). */
  private async send(
    path: string,
    req: KubeRequest,
    payload: Buffer | undefined,
    timeoutMs?: number,
    signal?: AbortSignal,
    pool: 'call' | 'watch' = 'call',
  ): Promise<IncomingMessage> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const method = req.method ?? 'GET';
    const credentials = await this.currentCredentials();
    const headers: Record<string, string> = { accept: 'application/json', ...credentials.headers };
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    if (payload) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const secure = url.protocol === 'https:';
    const agent = this.agentFor(
      `${pool} ${url.host}`,
      secure,
      credentials.tls,
      pool === 'call' ? callSockets : Infinity,
    );
    const started = performance.now();
    let reported = false;
    // Once per request: an error after the answer began (a watch cut off) is the caller's to see.
    const report = (status: number | undefined): void => {
      if (reported) return;
      reported = true;
      this.options.onRequest?.({ method, url: url.href, status, durationMs: Math.round(performance.now() - started) });
    };
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = (secure ? request : httpRequest)(
        url,
        { method, headers, agent, servername: credentials.tls.servername, signal },
        (res) => {
          report(res.statusCode);
          resolve(res);
        },
      );
      r.on('error', (error: Error & { code?: string }) => {
        report(undefined);
        reject(signal?.aborted ? error : new KubeUnreachableError(this.server, error.code ?? error.message, error));
      });
      if (timeoutMs !== undefined)
        r.setTimeout(timeoutMs, () =>
          r.destroy(Object.assign(new Error(`no answer in ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
        );
      r.end(payload);
    });
  }

  /**
   * Token, exec plugin output and client certificate as the kubeconfig gives them now, read at most
   * once a second; calls made while they are read share that reading.
   */
  private currentCredentials(): Promise<Credentials> {
    const now = performance.now();
    if (this.credentials && now - this.credentialsReadAt < credentialsTtlMs) return this.credentials;
    const reading = this.readCredentials();
    this.credentials = reading;
    this.credentialsReadAt = now;
    // A failed reading (an exec plugin that exits 1) is not kept: the next call tries again.
    reading.catch(() => {
      if (this.credentials === reading) this.credentials = undefined;
    });
    return reading;
  }

  private async readCredentials(): Promise<Credentials> {
    const tls: RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(tls);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(tls.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (tls.auth) headers.authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`;
    return { tls, headers };
  }

  private agentFor(key: string, secure: boolean, tls: RequestOptions, maxSockets: number): Agent | HttpAgent {
    let agent = this.agents.get(key);
    if (!agent) {
      agent = secure
        ? new Agent({
            keepAlive: true,
            maxSockets,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            pfx: tls.pfx,
            passphrase: tls.passphrase,
            rejectUnauthorized: tls.rejectUnauthorized,
            servername: tls.servername,
          })
        : new HttpAgent({ keepAlive: true, maxSockets });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

const clients = new WeakMap<ClusterConnection, KubeClient>();

/** The client of a connection: one per connection, so its requests share a pool and its observer. */
export function kubeClient(connection: ClusterConnection): KubeClient {
  let client = clients.get(connection);
  if (!client) {
    client = new KubeClient(connection.kubeConfig, {
      onRequest: connection.onRequest,
      userAgent: connection.userAgent,
    });
    clients.set(connection, client);
  }
  return client;
}

function isSuccess(res: IncomingMessage): boolean {
  const status = res.statusCode ?? 0;
  return status >= 200 && status < 300;
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
