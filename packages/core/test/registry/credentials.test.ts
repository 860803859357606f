import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigCredentials, secretCredentials } from '@istream/core/registry';

const basic = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString('base64');

async function withConfig(config: unknown, run: (env: NodeJS.ProcessEnv, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'istream-dockercfg-'));
  try {
    if (config !== undefined)
      await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    await run({ DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH ?? ''}` }, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('docker config: auths by host, Docker Hub key, path-specific keys, ports', async () => {
  await withConfig(
    {
      auths: {
        'https://index.docker.io/v1/': { auth: basic('hubuser', 'hub:pass') },
        '127.0.0.1:5000': { username: 'local', password: 'pw' },
        'quay.io': { auth: basic('general', 'g') },
        'https://quay.io/team': { auth: basic('team', 't') },
        'registry.example.com:8443': { auth: basic('port', 'p') },
      },
    },
    async (env, dir) => {
      const creds = dockerConfigCredentials({ env });
      const hub = await creds.lookup('docker.io', 'library/ubuntu');
      assert.deepEqual(
        hub?.credential,
        { username: 'hubuser', password: 'hub:pass' },
        'a colon in the password survives',
      );
      assert.equal(hub?.source, `docker config ${join(dir, 'config.json')}`);
      assert.deepEqual((await creds.lookup('127.0.0.1:5000', 'app'))?.credential, {
        username: 'local',
        password: 'pw',
      });
      assert.equal((await creds.lookup('quay.io', 'team/app'))?.credential.username, 'team', 'the longest path wins');
      assert.equal(
        (await creds.lookup('quay.io', 'teamx/app'))?.credential.username,
        'general',
        'paths match whole components',
      );
      assert.equal(await creds.lookup('registry.example.com', 'app'), undefined, 'ports must be equal');
      assert.equal(await creds.lookup('127.0.0.1:5001', 'app'), undefined);
    },
  );
});

test('docker config: no file means no credentials; a broken file is an error naming it', async () => {
  await withConfig(undefined, async (env) => {
    assert.equal(await dockerConfigCredentials({ env }).lookup('quay.io', 'x'), undefined);
  });
  await withConfig('{"auths": ', async (env, dir) => {
    await assert.rejects(dockerConfigCredentials({ env }).lookup('quay.io', 'x'), (e: Error) =>
      e.message.startsWith(`cannot read docker config ${join(dir, 'config.json')}: invalid JSON`),
    );
  });
});

// A real credential helper on PATH, speaking docker's protocol: server URL on stdin, JSON on stdout.
const helperScript = `#!/bin/sh
[ "$1" = get ] || exit 2
read server
case "$server" in
  https://index.docker.io/v1/) echo '{"ServerURL":"'$server'","Username":"hub-helper","Secret":"s1"}' ;;
  token.example.com) echo '{"ServerURL":"'$server'","Username":"<token>","Secret":"refresh"}' ;;
  quay.io) echo '{"ServerURL":"'$server'","Username":"quay-helper","Secret":"s2"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

test('docker config: credHelpers per host and credsStore, falling back to auths when the helper has nothing', async () => {
  await withConfig(
    {
      credsStore: 'istreamtest',
      credHelpers: { 'quay.io': 'istreamtest' },
      auths: { 'ghcr.io': { auth: basic('file', 'f') }, 'quay.io': {} },
    },
    async (env, dir) => {
      await writeFile(join(dir, 'docker-credential-istreamtest'), helperScript);
      await chmod(join(dir, 'docker-credential-istreamtest'), 0o755);
      const creds = dockerConfigCredentials({ env });
      assert.deepEqual(await creds.lookup('quay.io', 'x/y'), {
        credential: { username: 'quay-helper', password: 's2' },
        source: 'credential helper docker-credential-istreamtest',
      });
      assert.equal(
        (await creds.lookup('docker.io', 'library/ubuntu'))?.credential.username,
        'hub-helper',
        'Docker Hub is asked as https://index.docker.io/v1/',
      );
      assert.deepEqual(
        (await creds.lookup('token.example.com', 'x'))?.credential,
        { identityToken: 'refresh' },
        '<token> means an identity token',
      );
      assert.equal((await creds.lookup('ghcr.io', 'x'))?.credential.username, 'file', 'not found by the store: auths');
      assert.equal(await creds.lookup('other.example.com', 'x'), undefined);
    },
  );
});

test('docker config: a missing helper is a clear error', async () => {
  await withConfig({ credsStore: 'istream-absent' }, async (env) => {
    await assert.rejects(
      dockerConfigCredentials({ env }).lookup('quay.io', 'x'),
      /cannot run credential helper docker-credential-istream-absent/,
    );
  });
});

test('pull secrets: .dockerconfigjson and .dockercfg, wildcard hosts, first matching secret wins', async () => {
  const creds = secretCredentials([
    { name: 'secret team/a', dockerConfigJson: { auths: { '*.example.com': { auth: basic('wild', 'w') } } } },
    {
      name: 'secret team/b',
      dockerCfg: {
        'https://reg.example.com': { username: 'cfg', password: 'c' },
        '127.0.0.1:5000': { auth: basic('loc', 'l') },
      },
    },
  ]);
  assert.deepEqual(await creds.lookup('reg.example.com', 'app'), {
    credential: { username: 'wild', password: 'w' },
    source: 'secret team/a',
  });
  assert.equal(await creds.lookup('a.b.example.com', 'app'), undefined, '* matches one label');
  assert.deepEqual(await creds.lookup('127.0.0.1:5000', 'private/app'), {
    credential: { username: 'loc', password: 'l' },
    source: 'secret team/b',
  });
});
