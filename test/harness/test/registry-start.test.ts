import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import { startRegistry, RegistryStartError } from '../src/registry/index.js';
import { runRegistryProcess } from '../src/registry/registry-process.js';

describe('startRegistry', () => {
  test('plain: serves the v2 API over HTTP without auth, and stop() frees the port and the directory', async () => {
    const registry = await startRegistry({ mode: 'plain' });
    try {
      assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(registry.url, `http://${registry.host}`);
      const response = await fetch(`${registry.url}/v2/`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
      assert.ok(existsSync(registry.dir));
    } finally {
      await registry.stop();
    }
    assert.equal(existsSync(registry.dir), false);
    await assert.rejects(fetch(`${registry.url}/v2/`), /fetch failed/);
    await registry.stop();
  });

  test('tls-basic: serves HTTPS with the test CA and asks for the htpasswd account', async () => {
    const registry = await startRegistry({ mode: 'tls-basic' });
    const dispatcher = new Agent({ connect: { ca: registry.caPem } });
    try {
      assert.equal(registry.url, `https://${registry.host}`);
      assert.ok(registry.caFile && existsSync(registry.caFile));
      await assert.rejects(
        fetch(`${registry.url}/v2/`),
        /fetch failed/,
        'the system trust store must not trust the test CA',
      );

      const anonymous = await fetch(`${registry.url}/v2/`, { dispatcher });
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm=/);

      const basic = (password: string): string =>
        'Basic ' + Buffer.from(`${registry.username}:${password}`).toString('base64');
      const signedIn = await fetch(`${registry.url}/v2/`, {
        dispatcher,
        headers: { authorization: basic(registry.password!) },
      });
      assert.equal(signedIn.status, 200);
      const wrong = await fetch(`${registry.url}/v2/`, {
        dispatcher,
        headers: { authorization: basic('wrong-password') },
      });
      assert.equal(wrong.status, 401);
    } finally {
      await dispatcher.close();
      await registry.stop();
    }
  });

  test('token: challenges with the token server realm and service', async () => {
    const registry = await startRegistry({ mode: 'token' });
    try {
      const response = await fetch(`${registry.url}/v2/`);
      assert.equal(response.status, 401);
      const challenge = response.headers.get('www-authenticate') ?? '';
      assert.ok(challenge.startsWith('Bearer '), challenge);
      assert.ok(challenge.includes(`realm="${registry.tokenRealm}"`), challenge);
      assert.ok(challenge.includes(`service="${registry.tokenService}"`), challenge);
    } finally {
      await registry.stop();
    }
    await assert.rejects(fetch(registry.tokenRealm!), /fetch failed/, 'stop() also stops the token server');
  });

  test('a registry that cannot start fails with its own log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'istream-registry-broken-'));
    const dispatcher = new Agent();
    try {
      const configFile = join(dir, 'config.yml');
      await writeFile(configFile, 'version: 0.1\nstorage: {nosuchdriver: {}}\nhttp: {addr: "127.0.0.1:0"}\n');
      const error = await runRegistryProcess({ configFile, probeUrl: 'http://127.0.0.1:1/v2/', dispatcher }).then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(error instanceof RegistryStartError, String(error));
      assert.match(error.message, /docker-registry exited/);
      assert.match(error.registryLog, /nosuchdriver/);
    } finally {
      await dispatcher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
