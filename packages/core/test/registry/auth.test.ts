// Token lifetimes and the OAuth2 refresh-token grant. The harness token server always issues
// 300-second tokens and has no refresh-token grant, so a node:http double plays registry and
// token service here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RegistryAuthError, RegistryClient, mediaTypes, staticCredentials } from '@istream/core/registry';
import { serveFake, type FakeServer } from './fake-server.js';
import { defer } from '@istream/test-harness';

const digest = `sha256:${createHash('sha256').update('manifest').digest('hex')}`;

interface TokenService {
  server: FakeServer;
  /** Bodies of POST /token requests, as received. */
  posts: string[];
}

async function tokenProtectedRegistry(lifetimeSeconds: number): Promise<TokenService> {
  const valid = new Map<string, number>(); // token -> expiry (ms)
  const posts: string[] = [];
  let issued = 0;
  const issue = (res: import('node:http').ServerResponse) => {
    const token = `tok-${++issued}`;
    valid.set(token, Date.now() + lifetimeSeconds * 1000);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: token, expires_in: lifetimeSeconds }));
  };
  const server: FakeServer = await serveFake((req, res) => {
    if (req.url?.startsWith('/token')) {
      if (req.method === 'GET') return issue(res);
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        posts.push(body);
        if (new URLSearchParams(body).get('refresh_token') === 'refresh-123') issue(res);
        else res.writeHead(401).end();
      });
      return;
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if ((valid.get(token) ?? 0) < Date.now()) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="fake"` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': digest }).end();
  });
  return { server, posts };
}

test('a cached token is reused until it expires, then renewed before the registry has to refuse it', async (t) => {
  const { server } = await tokenProtectedRegistry(1);
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  const ref = `${server.host}/team/app:v1`;
  const heads = () => server.requests.filter((r) => r.startsWith('HEAD')).length;
  const tokens = () => server.requests.filter((r) => r.startsWith('GET /token')).length;

  await client.resolve(ref);
  await client.resolve(ref);
  assert.equal(tokens(), 1, 'one token for the scope');
  assert.equal(heads(), 3, 'a 401 to learn the challenge, then one HEAD per resolve');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await client.resolve(ref);
  assert.equal(tokens(), 2, 'the expired token was replaced');
  assert.equal(heads(), 4, 'without another 401 round trip');
  assert.match(server.requests.find((r) => r.startsWith('GET /token')) ?? '', /scope=repository%3Ateam%2Fapp%3Apull/);
});

test('an identity token is exchanged with the OAuth2 refresh-token grant', async (t) => {
  const { server, posts } = await tokenProtectedRegistry(300);
  defer(t, () => server.close());
  const good = new RegistryClient({
    insecure: true,
    credentials: staticCredentials(server.host, { identityToken: 'refresh-123' }),
  });
  defer(t, () => good.close());
  assert.equal((await good.resolve(`${server.host}/team/app:v1`)).digest, digest);
  const form = new URLSearchParams(posts[0]);
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('scope'), 'repository:team/app:pull');
  assert.equal(form.get('service'), 'fake');
});

test('a refused identity token falls back to an anonymous token', async (t) => {
  // This double grants anonymous tokens for everything, so the fallback succeeds.
  const { server } = await tokenProtectedRegistry(300);
  defer(t, () => server.close());
  const client = new RegistryClient({
    insecure: true,
    credentials: staticCredentials(server.host, { identityToken: 'stale-999' }, 'docker config /x'),
  });
  defer(t, () => client.close());
  assert.equal((await client.resolve(`${server.host}/team/app:v1`)).digest, digest);
  assert.deepEqual(
    server.requests.filter((r) => r.includes('/token')).map((r) => r.split('?')[0]),
    ['POST /token', 'GET /token'],
  );
});

test('a registry 401 without a usable challenge is explained', async (t) => {
  const server = await serveFake((_req, res) => res.writeHead(401).end());
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  await assert.rejects(client.resolve(`${server.host}/team/app:v1`), (e: unknown) => {
    assert.ok(e instanceof RegistryAuthError);
    assert.equal(
      e.message,
      `authentication required for team/app at ${server.host}: the registry answered 401 with no Basic or Bearer challenge (WWW-Authenticate: missing)`,
    );
    return true;
  });
});
