// The HTTP layer under the registry client: one pooled dispatcher per registry (its own CAs, the
// environment's proxies), bounded concurrency per host, per-request timeouts, retries of 429, 5xx
// and resets with backoff and jitter, redirects, the insecure plain-HTTP fallback, and request
// accounting. Requests go through a dispatcher (node:http/https, or undici's EnvHttpProxyAgent when a
// proxy is configured), not fetch(): fetch refuses the ports the WHATWG fetch spec blocks for
// browsers (6000, 6665-6669, 10080, ...), where real registries run, and loading it (undici) costs
// a one-request command more than the request.
import { setTimeout as sleep } from 'node:timers/promises';
import { countEvent, emptyCounts, type RequestCounts, type RequestEvent, type RequestKind } from './counts.js';
import {
  RateLimitedError,
  RegistryError,
  RegistryResponseError,
  RegistryTimeoutError,
  RegistryTlsError,
  RegistryUnreachableError,
} from './errors.js';
import { nodeDispatcher, type DispatchAnswer, type HttpDispatcher } from './node-dispatcher.js';
import { Semaphore } from './semaphore.js';
import { hostTrust, type TrustOptions } from './trust.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Backoff before retry n is random in [0, min(maxDelayMs, baseDelayMs * 2^n)] ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this fails at once instead of stalling the caller. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

export interface TransportOptions {
  env: NodeJS.ProcessEnv;
  trust: TrustOptions;
  timeoutMs: number;
  retry: RetryPolicy;
  maxConcurrencyPerRegistry: number;
  userAgent: string;
  onRequest?: (event: RequestEvent) => void;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  /** A registry host and a `/v2/...` path (the scheme is the registry's), or an absolute URL. */
  target: { registry: string; path: string } | { url: string };
  kind: RequestKind;
  /** For messages: `HEAD manifest library/ubuntu:22.04`. */
  what: string;
  insecure: boolean;
  headers?: Record<string, string>;
  body?: string;
  maxBodyBytes?: number;
  /** Per-call counts (a tag's requests), in addition to the per-registry ones. */
  tally?: RequestCounts;
  signal?: AbortSignal;
}

/** What the client reads of response headers: case-insensitive, repeated values joined by ", " (as WHATWG Headers). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  /** The URL that answered (after redirects): the base for relative Link headers. */
  url: string;
}

const retriedStatuses = new Set([500, 502, 503, 504]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** fetch()'s limit. */
const maxRedirects = 20;
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ETIMEDOUT']);
const plainHttpCodes = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'EPROTO']);
const untrustedCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

interface HostState {
  semaphore: Semaphore;
  /** Set once an insecure registry turned out to speak plain HTTP. */
  plainHttp: boolean;
  /** Set after Node's roots failed to verify the registry: use the system bundle too. */
  systemBundle: boolean;
  /** After a 429 with Retry-After: no request to this host starts before this time (ms). */
  pausedUntil: number;
}

export class Transport {
  readonly countsByRegistry = new Map<string, RequestCounts>();
  private readonly hosts = new Map<string, HostState>();
  private readonly dispatchers = new Map<string, Promise<HttpDispatcher>>();

  constructor(private readonly options: TransportOptions) {}

  /** Sends with retries; throws typed errors for connection failures and exhausted 429/5xx. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { retry } = this.options;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.attempt(request, attempt);
      } catch (e) {
        const code = errorCode(e);
        if (code !== undefined && resetCodes.has(code) && attempt < retry.attempts) {
          await sleep(backoff(retry, attempt), undefined, { signal: request.signal });
          continue;
        }
        throw e instanceof RegistryError ? e : this.describeFailure(request, e);
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after'));
        if (wait !== undefined && wait > retry.maxRetryAfterMs) {
          throw new RateLimitedError(
            hostOf(request),
            `it asks to wait ${Math.ceil(wait / 1000)}s (Retry-After), longer than the ${retry.maxRetryAfterMs / 1000}s istream waits; try again later`,
            wait,
          );
        }
        if (attempt >= retry.attempts) {
          throw new RateLimitedError(
            hostOf(request),
            `still refused after ${attempt} attempts with backoff; try again later or lower the concurrency`,
            wait,
          );
        }
        await sleep(Math.max(wait ?? 0, backoff(retry, attempt)), undefined, { signal: request.signal });
        continue;
      }
      if (retriedStatuses.has(response.status) && attempt < retry.attempts) {
        await sleep(backoff(retry, attempt), undefined, { signal: request.signal });
        continue;
      }
      return response;
    }
  }

  async close(): Promise<void> {
    const dispatchers = await Promise.allSettled(this.dispatchers.values());
    this.dispatchers.clear();
    await Promise.all(dispatchers.map((d) => (d.status === 'fulfilled' ? d.value.close() : undefined)));
  }

  private hostState(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = {
        semaphore: new Semaphore(this.options.maxConcurrencyPerRegistry),
        plainHttp: false,
        systemBundle: false,
        pausedUntil: 0,
      };
      this.hosts.set(host, state);
    }
    return state;
  }

  private async attempt(request: HttpRequest, attempt: number): Promise<HttpResponse> {
    const host = hostOf(request);
    const state = this.hostState(host);
    return state.semaphore.run(async () => {
      const pause = state.pausedUntil - Date.now();
      if (pause > 0) await sleep(pause, undefined, { signal: request.signal });
      try {
        const response = await this.exchange(request, attempt, state);
        const wait = response.status === 429 ? retryAfterMs(response.headers.get('retry-after')) : undefined;
        // The whole registry asked for a pause, not just this request; set before the permit passes on.
        if (wait !== undefined && wait <= this.options.retry.maxRetryAfterMs) {
          state.pausedUntil = Math.max(state.pausedUntil, Date.now() + wait);
        }
        return response;
      } catch (e) {
        const code = errorCode(e);
        const noTls = code !== undefined && (plainHttpCodes.has(code) || code === 'ECONNREFUSED');
        if (noTls && request.insecure && 'registry' in request.target && !state.plainHttp) {
          state.plainHttp = true; // an insecure registry without TLS (as docker, try HTTPS first): plain HTTP from now on
          return this.exchange(request, attempt, state);
        }
        if (code !== undefined && untrustedCodes.has(code) && !request.insecure && !state.systemBundle) {
          state.systemBundle = true; // Node's bundled roots are not the system store: try that too
          return this.exchange(request, attempt, state);
        }
        throw e;
      }
    });
  }

  private async exchange(request: HttpRequest, attempt: number, state: HostState): Promise<HttpResponse> {
    const url =
      'url' in request.target
        ? new URL(request.target.url)
        : new URL(
            `${state.plainHttp && request.insecure ? 'http' : 'https'}://${request.target.registry}${request.target.path}`,
          );
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const started = performance.now();
    let status = 0;
    try {
      const answer = await this.follow(url, request, state, signal);
      status = answer.statusCode;
      const body = await readCapped(answer, request.maxBodyBytes ?? 4 * 1024 * 1024, request, url.host);
      return { status, headers: toHeaders(answer.headers), body, url: answer.url.href };
    } catch (e) {
      if (timeout.aborted && !request.signal?.aborted) {
        throw new RegistryTimeoutError(url.host, request.what, this.options.timeoutMs);
      }
      throw e;
    } finally {
      const event: RequestEvent = {
        registry: url.host,
        method: request.method,
        kind: request.kind,
        url: `${url.origin}${url.pathname}`,
        status,
        attempt,
        durationMs: performance.now() - started,
      };
      this.count(event, request.tally);
    }
  }

  /**
   * Sends and follows redirects as fetch() would (registries redirect blob GETs to their storage):
   * at most 20 hops; 303, and 301/302 after a POST, continue as GET without a body; the
   * Authorization header is not sent to another origin. Each hop goes through the dispatcher of
   * the host it goes to, so its proxy and CA settings apply.
   */
  private async follow(
    first: URL,
    request: HttpRequest,
    state: HostState,
    signal: AbortSignal,
  ): Promise<DispatchAnswer & { url: URL }> {
    let url = first;
    let method: string = request.method;
    let body = request.body;
    let headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...request.headers };
    for (let hops = 0; ; hops++) {
      const dispatcher = await this.dispatcher(url.host, request.insecure, state.systemBundle);
      const answer = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        signal,
        ...(body !== undefined ? { body } : {}),
      });
      const location = headerValue(answer.headers.location);
      if (!redirectStatuses.has(answer.statusCode) || location === undefined) return { ...answer, url };
      await answer.body.dump();
      if (hops >= maxRedirects) {
        throw new RegistryResponseError(
          first.host,
          answer.statusCode,
          request.what,
          `more than ${maxRedirects} redirects`,
        );
      }
      const next = new URL(location, url);
      if (answer.statusCode === 303 ? method !== 'HEAD' : answer.statusCode <= 302 && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
      if (next.origin !== url.origin)
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      url = next;
    }
  }

  private count(event: RequestEvent, tally: RequestCounts | undefined): void {
    let counts = this.countsByRegistry.get(event.registry);
    if (!counts) {
      counts = emptyCounts();
      this.countsByRegistry.set(event.registry, counts);
    }
    countEvent(counts, event);
    if (tally) countEvent(tally, event);
    this.options.onRequest?.(event);
  }

  private dispatcher(host: string, insecure: boolean, systemBundle: boolean): Promise<HttpDispatcher> {
    const key = dispatcherKey(host, insecure, systemBundle);
    let dispatcher = this.dispatchers.get(key);
    if (!dispatcher) {
      dispatcher = this.createDispatcher(host, insecure, systemBundle);
      this.dispatchers.set(key, dispatcher);
      dispatcher.catch(() => this.dispatchers.delete(key));
    }
    return dispatcher;
  }

  private async createDispatcher(host: string, insecure: boolean, systemBundle: boolean): Promise<HttpDispatcher> {
    const { env } = this.options;
    const tls = insecure
      ? { rejectUnauthorized: false as const }
      : {
          ...(await hostTrust(host, this.options.trust, systemBundle).then(
            (t) => t.secureContext && { secureContext: t.secureContext },
          )),
        };
    const httpProxy = env.http_proxy ?? env.HTTP_PROXY ?? '';
    const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY ?? '';
    if (httpProxy === '' && httpsProxy === '') {
      return nodeDispatcher({ connections: this.options.maxConcurrencyPerRegistry, tls });
    }
    // Proxies (CONNECT for HTTPS, NO_PROXY) are undici's; loaded only when one is configured.
    const { EnvHttpProxyAgent } = await import('undici');
    return new EnvHttpProxyAgent({
      httpProxy,
      httpsProxy,
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
      connections: this.options.maxConcurrencyPerRegistry,
      connect: tls,
      requestTls: tls,
    });
  }

  /** A connection-level failure, in words that say what to do. */
  private describeFailure(request: HttpRequest, e: unknown): RegistryError | Error {
    // The caller's abort is no failure to explain (a proxy's refusal is an AbortError too).
    if (request.signal?.aborted) return e as Error;
    const host = hostOf(request);
    const code = errorCode(e);
    const detail = errorDetail(e);
    const proxyStatus = /Proxy response \((\d+)\)/.exec(detail)?.[1];
    if (proxyStatus)
      return new RegistryUnreachableError(host, `the proxy refused to connect to it (HTTP ${proxyStatus} to CONNECT)`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return new RegistryUnreachableError(host, `unknown host ${host.replace(/:\d+$/, '')}`);
    if (code === 'ECONNREFUSED')
      return new RegistryUnreachableError(host, 'connection refused (is the registry running on this host and port?)');
    if (code !== undefined && resetCodes.has(code)) {
      return new RegistryUnreachableError(
        host,
        `the connection was reset (${code}) after ${this.options.retry.attempts} attempts`,
      );
    }
    if (code !== undefined && plainHttpCodes.has(code)) {
      return new RegistryTlsError(
        host,
        'the registry does not speak HTTPS (it answered in plain HTTP); use --insecure to allow plain HTTP',
      );
    }
    if (
      code !== undefined &&
      (untrustedCodes.has(code) || code.startsWith('CERT_') || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    ) {
      return new RegistryTlsError(
        host,
        `its certificate is not trusted (${code}); add the CA to /etc/containers/certs.d/${host}/ca.crt ` +
          'or NODE_EXTRA_CA_CERTS, or use --insecure to skip verification',
      );
    }
    return new RegistryUnreachableError(host, `${request.what} failed: ${code ?? ''}${code ? ' ' : ''}${detail}`);
  }
}

function dispatcherKey(host: string, insecure: boolean, systemBundle: boolean): string {
  return `${host}|${insecure ? 'insecure' : 'verify'}|${systemBundle ? 'system' : 'default'}`;
}

function hostOf(request: HttpRequest): string {
  return 'url' in request.target ? new URL(request.target.url).host : request.target.registry;
}

/** The error and its causes, outermost first (a dispatcher may wrap the socket's error, which may wrap a proxy's). */
function causeChain(e: unknown): Array<{ code?: unknown; message?: unknown }> {
  const chain: Array<{ code?: unknown; message?: unknown; cause?: unknown }> = [];
  for (
    let cur = e as { cause?: unknown } | undefined;
    cur && typeof cur === 'object' && chain.length < 5;
    cur = cur.cause as typeof cur
  ) {
    chain.push(cur);
  }
  return chain;
}

function errorCode(e: unknown): string | undefined {
  const code = causeChain(e)
    .map((c) => c.code)
    .find((c) => typeof c === 'string' && c !== 'UND_ERR_ABORTED');
  return code as string | undefined;
}

/** The innermost message: the one that says what actually happened. */
function errorDetail(e: unknown): string {
  const messages = causeChain(e)
    .map((c) => c.message)
    .filter((m): m is string => typeof m === 'string' && m !== '');
  return messages.at(-1) ?? String(e);
}

function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The dispatcher's raw header record as the client reads it. Not WHATWG Headers: the global
 * `Headers` loads Node's internal copy of undici on first use, tens of milliseconds for `digest`.
 */
function toHeaders(raw: DispatchAnswer['headers']): ResponseHeaders {
  const byName = new Map(Object.entries(raw).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    get: (name) => {
      const value = byName.get(name.toLowerCase());
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

async function readCapped(response: DispatchAnswer, max: number, request: HttpRequest, host: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).byteLength;
    if (size > max) {
      throw new RegistryResponseError(
        host,
        response.statusCode,
        request.what,
        `the response is larger than ${max} bytes; refusing to read it`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
