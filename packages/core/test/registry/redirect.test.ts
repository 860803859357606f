// Registries redirect blob GETs to their storage (S3, GCS, a CDN) on another host; the
// Distribution registry of the harness keeps blobs in memory and never does, so a node:http
// double stands in for the registry and the storage (fake-server.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RegistryClient, mediaTypes, staticCredentials } from '@istream/core/registry';
import { defer } from '@istream/test-harness';
import { serveFake } from './fake-server.js';

const sha256 = (data: string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const config = JSON.stringify({
  created: '2026-01-02T03:04:05Z',
  os: 'linux',
  architecture: 'arm64',
  config: { Labels: { app: 'x' } },
});
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: mediaTypes.ociManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
  layers: [],
});
const basic = `Basic ${Buffer.from('user:secret').toString('base64')}`;

test("a blob GET redirected to storage on another host is followed, without the registry's Authorization", async (t) => {
  const storageAuthorizations: Array<string | undefined> = [];
  const storage = await serveFake((req, res) => {
    storageAuthorizations.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(config);
  });
  defer(t, () => storage.close());
  const registry = await serveFake((req, res) => {
    if (req.headers.authorization !== basic) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
      res.end();
    } else if (req.url?.includes('/manifests/')) {
      res.writeHead(200, { 'content-type': mediaTypes.ociManifest, 'docker-content-digest': sha256(manifest) });
      res.end(manifest);
    } else {
      res.writeHead(307, { location: `http://${storage.host}/bucket/blob?signature=abc` });
      res.end();
    }
  });
  defer(t, () => registry.close());
  const client = new RegistryClient({
    insecure: true,
    credentials: staticCredentials(registry.host, { username: 'user', password: 'secret' }),
  });
  defer(t, () => client.close());

  const info = await client.imageConfig(`${registry.host}/app:v1`);
  assert.deepEqual(info.platform, { os: 'linux', architecture: 'arm64' });
  assert.equal(info.created, '2026-01-02T03:04:05Z');
  assert.deepEqual(storage.requests, ['GET /bucket/blob?signature=abc']);
  assert.deepEqual(storageAuthorizations, [undefined], 'the credentials stay with the registry');
  assert.equal(client.requestCounts()[registry.host]?.get, registry.requests.length, 'a redirected GET counts once');
});
