import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwtEs256, type JwtSigner } from './jwt.js';
import { grantAccess, parseScopes, type AccessEntry } from './token-access.js';

const TOKEN_LIFETIME_SECONDS = 300;
// Distribution rejects tokens "not yet valid"; back-dating covers small clock differences.
const NOT_BEFORE_SLACK_SECONDS = 60;

export interface TokenServerOptions {
  issuer: string;
  service: string;
  signer: JwtSigner;
  username: string;
  password: string;
}

/** What the token server was asked for and what it answered, for tests of token caching. */
export interface TokenRequestRecord {
  flow: 'get' | 'oauth2-password';
  scopes: string[];
  account?: string;
  status: number;
  granted: AccessEntry[];
}

export interface TokenServer {
  /** The `realm` URL the registry sends in its `WWW-Authenticate: Bearer` challenge. */
  realm: string;
  requests(): readonly TokenRequestRecord[];
  stop(): Promise<void>;
}

interface TokenRequest {
  flow: TokenRequestRecord['flow'];
  service: string | null;
  scopes: string[];
  credentials?: { username: string; password: string };
}

/**
 * A Docker-token-spec server for the registry's bearer auth: `GET /token?service=&scope=` with
 * optional Basic credentials, and the OAuth2 `POST /token` password grant.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const records: TokenRequestRecord[] = [];
  const server = createServer((req, res) => {
    readTokenRequest(req)
      .then((request) => {
        if (!request) return sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'only /token is served' }] });
        const answer = answerTokenRequest(request, options);
        records.push({
          flow: request.flow,
          scopes: request.scopes,
          ...(request.credentials ? { account: request.credentials.username } : {}),
          status: answer.status,
          granted: answer.granted,
        });
        sendJson(res, answer.status, answer.body, answer.headers);
      })
      .catch((err: unknown) => sendJson(res, 400, { errors: [{ code: 'BAD_REQUEST', message: String(err) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests: () => records,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readTokenRequest(req: IncomingMessage): Promise<TokenRequest | undefined> {
  const url = new URL(req.url ?? '/', 'http://token-server.invalid');
  if (url.pathname !== '/token') return undefined;
  if (req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'password') throw new Error('only grant_type=password is supported');
    return {
      flow: 'oauth2-password',
      service: form.get('service'),
      scopes: form.getAll('scope'),
      credentials: { username: form.get('username') ?? '', password: form.get('password') ?? '' },
    };
  }
  const credentials = basicCredentials(req.headers.authorization);
  return {
    flow: 'get',
    service: url.searchParams.get('service'),
    scopes: url.searchParams.getAll('scope'),
    ...(credentials ? { credentials } : {}),
  };
}

interface TokenAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  granted: AccessEntry[];
}

function answerTokenRequest(request: TokenRequest, options: TokenServerOptions): TokenAnswer {
  if (request.service !== options.service) {
    const message = `unknown service ${JSON.stringify(request.service)}; this server issues tokens for ${options.service}`;
    return { status: 400, body: { errors: [{ code: 'DENIED', message }] }, granted: [] };
  }
  const { credentials } = request;
  if (credentials && (credentials.username !== options.username || credentials.password !== options.password)) {
    return {
      status: 401,
      body: { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] },
      headers: { 'WWW-Authenticate': 'Basic realm="istream test token server"' },
      granted: [],
    };
  }
  const granted = grantAccess(parseScopes(request.scopes), credentials !== undefined);
  const now = Math.floor(Date.now() / 1000);
  const token = signJwtEs256(
    {
      iss: options.issuer,
      sub: credentials?.username ?? '',
      aud: options.service,
      exp: now + TOKEN_LIFETIME_SECONDS,
      nbf: now - NOT_BEFORE_SLACK_SECONDS,
      iat: now,
      jti: randomUUID(),
      access: granted,
    },
    options.signer,
  );
  const body = {
    token,
    access_token: token,
    expires_in: TOKEN_LIFETIME_SECONDS,
    issued_at: new Date(now * 1000).toISOString(),
  };
  return { status: 200, body, granted };
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
