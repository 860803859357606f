// Faults a real registry does not produce on demand: wrong digests, 429 storms, 5xx, resets,
// silence. Each test serves them from a small node:http double (fake-server.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  DigestMismatchError,
  RateLimitedError,
  RegistryClient,
  RegistryTimeoutError,
  RegistryUnreachableError,
  mediaTypes,
  parsePlatform,
  retryAfterMs,
} from '@istream/core/registry';
import { serveFake } from './fake-server.js';
import { defer } from '@istream/test-harness';

const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const fastRetries = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: mediaTypes.ociManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('{}'), size: 2 },
  layers: [],
});

test('a manifest body that does not hash to Docker-Content-Digest is refused, never returned', async (t) => {
  const claimed = sha256('what the registry says it is');
  const server = await serveFake((_req, res) => {
    res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': claimed });
    res.end(manifest);
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  await assert.rejects(client.manifest(`${server.host}/app:v1`), (e: unknown) => {
    assert.ok(e instanceof DigestMismatchError);
    assert.equal(e.code, 'digest-mismatch');
    assert.equal(
      e.message,
      `registry ${server.host} served the manifest v1 of app whose content has digest ${sha256(manifest)}, ` +
        `not ${claimed}; refusing to use it`,
    );
    return true;
  });
});

test('an index fetched by digest for a platform must hash to that digest', async (t) => {
  const index = JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [] });
  const headDigest = sha256('a different index');
  const server = await serveFake((_req, res) => {
    res.writeHead(200, { 'content-type': mediaTypes.ociIndex, 'docker-content-digest': headDigest });
    res.end(index);
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  await assert.rejects(
    client.resolve(`${server.host}/app:multi`, { platform: parsePlatform('linux/arm64') }),
    DigestMismatchError,
  );
  assert.deepEqual(
    server.requests.slice(-1),
    [`GET /v2/app/manifests/${headDigest}`],
    'the body is asked for by the HEAD digest',
  );
});

test('a 429 storm ends in RateLimitedError after the bounded attempts', async (t) => {
  const server = await serveFake((_req, res) => {
    res.writeHead(429, { 'retry-after': '0' });
    res.end();
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true, retry: fastRetries });
  defer(t, () => client.close());
  await assert.rejects(client.resolve(`${server.host}/app:v1`), (e: unknown) => {
    assert.ok(e instanceof RateLimitedError);
    assert.match(
      e.message,
      new RegExp(
        `^registry ${server.host} is rate limiting requests \\(429 Too Many Requests\\): still refused after 3 attempts`,
      ),
    );
    return true;
  });
  assert.equal(server.requests.filter((r) => r.startsWith('HEAD')).length, 3);
  assert.equal(client.requestCounts()[server.host]?.retries, 2);
});

test('Retry-After is honoured, and one longer than the limit fails at once', async (t) => {
  let calls = 0;
  const server = await serveFake((req, res) => {
    calls++;
    if (req.url?.includes('/long/')) {
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    } else if (calls === 1) {
      res.writeHead(429, { 'retry-after': '1' });
      res.end();
    } else {
      res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': sha256(manifest) });
      res.end();
    }
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true, retry: fastRetries });
  defer(t, () => client.close());
  const started = Date.now();
  assert.equal((await client.resolve(`${server.host}/app:v1`)).digest, sha256(manifest));
  assert.ok(Date.now() - started >= 1000, 'waited the second the registry asked for');
  const before = server.requests.length;
  await assert.rejects(client.resolve(`${server.host}/long/app:v1`), /asks to wait 3600s \(Retry-After\)/);
  assert.equal(server.requests.length - before, 1);
});

test('a Retry-After pauses every request to that registry, not only the refused one', async (t) => {
  const arrivals: number[] = [];
  let refusedAt = 0;
  const server = await serveFake((_req, res) => {
    arrivals.push(Date.now());
    if (arrivals.length === 2) {
      refusedAt = Date.now();
      res.writeHead(429, { 'retry-after': '1' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': sha256(manifest) }).end();
  });
  defer(t, () => server.close());
  // One request at a time: while the refused one waits for its retry, the next would otherwise go out.
  const client = new RegistryClient({ insecure: true, retry: fastRetries, maxConcurrencyPerRegistry: 1 });
  defer(t, () => client.close());
  const results = await client.resolveTags(`${server.host}/app`, ['a', 'b', 'c', 'd']);
  assert.ok(results.every((r) => r.result?.digest === sha256(manifest)));
  assert.equal(arrivals.length, 5);
  const during = arrivals.filter((at) => at > refusedAt && at < refusedAt + 950);
  assert.deepEqual(during, [], 'nothing was sent while the registry asked to wait');
});

test('5xx answers and connection resets are retried', async (t) => {
  let calls = 0;
  const server = await serveFake((req, res) => {
    calls++;
    if (calls === 1) {
      req.socket.destroy(); // a reset mid-request
    } else if (calls === 2) {
      res.writeHead(503);
      res.end();
    } else {
      res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': sha256(manifest) });
      res.end();
    }
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true, retry: { ...fastRetries, attempts: 4 } });
  defer(t, () => client.close());
  assert.equal((await client.resolve(`${server.host}/app:v1`)).digest, sha256(manifest));
  assert.equal(calls, 3);
});

test('a registry that never answers times out with a clear error', async (t) => {
  const server = await serveFake(() => {
    /* never answers */
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true, timeoutMs: 300 });
  defer(t, () => client.close());
  await assert.rejects(client.resolve(`${server.host}/app:v1`), (e: unknown) => {
    assert.ok(e instanceof RegistryTimeoutError);
    assert.match(e.message, /HEAD manifest app:v1 at registry 127\.0\.0\.1:\d+ timed out after 0\.3s/);
    return true;
  });
});

test('an unknown host and a refused connection say so', async (t) => {
  const client = new RegistryClient();
  defer(t, () => client.close());
  await assert.rejects(client.resolve('registry.nonexistent.invalid/app:v1'), (e: unknown) => {
    assert.ok(e instanceof RegistryUnreachableError);
    assert.equal(
      e.message,
      'cannot reach registry registry.nonexistent.invalid: unknown host registry.nonexistent.invalid',
    );
    return true;
  });
  const closed = await serveFake(() => {});
  await closed.close();
  await assert.rejects(client.resolve(`${closed.host}/app:v1`), /^RegistryUnreachableError: .*connection refused/);
});

test('Retry-After accepts seconds and HTTP dates', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs('120', now), 120_000);
  assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  assert.equal(retryAfterMs('soon', now), undefined);
  assert.equal(retryAfterMs(null, now), undefined);
});
