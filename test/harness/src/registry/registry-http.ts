import { Agent, request as undiciRequest, type Dispatcher } from 'undici';

/** Where a registry is and how to sign in; a RegistryInstance fits, and so does a subset. */
export interface RegistryAccess {
  url: string;
  caPem?: string;
  username?: string;
  password?: string;
}

export interface RegistryRequest {
  headers?: Record<string, string>;
  body?: Buffer;
  /** Token scope the request needs (`repository:NAME:pull,push`); also the key tokens are cached by. */
  scope?: string;
}

/** A registry answer; the body must be read or discarded so the connection can be reused. */
export interface RegistryResponse {
  readonly status: number;
  /** The URL that was requested, to resolve a relative `Location` against. */
  readonly url: string;
  header(name: string): string | undefined;
  text(): Promise<string>;
  bytes(): Promise<Buffer>;
  json<T>(): Promise<T>;
  discard(): Promise<void>;
}

export interface UrlRequest {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: Buffer;
}

export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`token server answered ${status}: ${body}`);
    this.name = 'TokenRequestError';
  }
}

/**
 * HTTP to one registry that answers auth challenges the way docker clients do: Basic with the
 * account, or Bearer with a token fetched from the challenge's realm. Without an account it
 * stays anonymous, which tests use to show what anonymous users may not do.
 */
export class RegistryHttp {
  private readonly dispatcher: Agent;
  private readonly authorizations = new Map<string, string>();

  constructor(private readonly access: RegistryAccess) {
    this.dispatcher = new Agent(access.caPem ? { connect: { ca: access.caPem } } : {});
  }

  async request(method: Dispatcher.HttpMethod, path: string, request: RegistryRequest = {}): Promise<RegistryResponse> {
    const cacheKey = request.scope ?? '';
    const response = await this.send(method, path, request, this.authorizations.get(cacheKey));
    if (response.status !== 401) return response;
    const authorization = await this.answerChallenge(response.header('www-authenticate'), request.scope);
    if (authorization === undefined) return response;
    await response.discard();
    this.authorizations.set(cacheKey, authorization);
    return this.send(method, path, request, authorization);
  }

  /**
   * Requests any URL (a token realm, an upload Location) through the same TLS trust and pool.
   * undici's request() rather than fetch(): pushing hundreds of fixtures, fetch's web streams
   * cost about half as much CPU again per request.
   */
  async requestUrl(url: string, init: UrlRequest = {}): Promise<RegistryResponse> {
    const { statusCode, headers, body } = await undiciRequest(url, {
      method: init.method ?? 'GET',
      dispatcher: this.dispatcher,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body ? { body: init.body } : {}),
    });
    return {
      status: statusCode,
      url,
      header: (name) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
      text: () => body.text(),
      bytes: async () => Buffer.from(await body.arrayBuffer()),
      json: async <T>() => (await body.json()) as T,
      discard: () => body.dump(),
    };
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private send(
    method: Dispatcher.HttpMethod,
    path: string,
    request: RegistryRequest,
    authorization?: string,
  ): Promise<RegistryResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (authorization) headers.authorization = authorization;
    const url = new URL(path, this.access.url).toString();
    return this.requestUrl(url, { method, headers, ...(request.body ? { body: request.body } : {}) });
  }

  private basicAuthorization(): string | undefined {
    const { username, password } = this.access;
    if (username === undefined || password === undefined) return undefined;
    return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  }

  private async answerChallenge(header: string | undefined, scope: string | undefined): Promise<string | undefined> {
    const challenge = parseChallenge(header ?? '');
    if (challenge?.scheme === 'basic') return this.basicAuthorization();
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) return undefined;
    const tokenUrl = new URL(challenge.params.realm);
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    const wanted = challenge.params.scope ?? scope;
    if (wanted) tokenUrl.searchParams.set('scope', wanted);
    const basic = this.basicAuthorization();
    const response = await this.requestUrl(tokenUrl.toString(), basic ? { headers: { authorization: basic } } : {});
    const text = await response.text();
    if (response.status !== 200) throw new TokenRequestError(response.status, text);
    const body = JSON.parse(text) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new TokenRequestError(response.status, 'no token in the answer');
    return `Bearer ${token}`;
  }
}

interface Challenge {
  scheme: string;
  params: Record<string, string | undefined>;
}

function parseChallenge(header: string): Challenge | undefined {
  const match = /^(\w+)\s*(.*)$/.exec(header.trim());
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
    if (key !== undefined && value !== undefined) params[key.toLowerCase()] = value;
  }
  return { scheme: match[1].toLowerCase(), params };
}
