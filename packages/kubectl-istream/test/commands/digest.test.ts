import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushFixtures, startRegistry, type Fixtures, type RegistryInstance } from '@istream/test-harness';
import { runDigest, type DigestJson } from '../../src/commands/digest.js';
import { CliError } from '../../src/errors.js';
import { createFactory } from '../../src/factory.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

describe('kubectl istream digest (plain HTTP registry)', () => {
  let registry: RegistryInstance;
  let fixtures: Fixtures;
  let home: string;
  before(async () => {
    registry = await startRegistry({ mode: 'plain' });
    fixtures = await pushFixtures(registry);
    home = await mkdtemp(join(tmpdir(), 'istream-digest-'));
  });
  after(async () => {
    await registry.stop();
    await rm(home, { recursive: true, force: true });
  });
  const deps = () => ({ io: bufferIO(), env: { HOME: home } });

  test('prints the digest of a tag', async () => {
    const d = deps();
    await runDigest({ reference: fixtures.reference(fixtures.dockerSchema2), insecure: true }, createFactory(d));
    assert.equal(d.io.stdout(), `${fixtures.dockerSchema2.digest}\n`);
    assert.equal(d.io.stderr(), '');
  });

  test("-o json lists an index's platforms; --platform gives the child", async () => {
    const index = fixtures.ociIndex;
    const d = deps();
    await runDigest({ reference: fixtures.reference(index), insecure: true, output: 'json' }, createFactory(d));
    assert.deepEqual(JSON.parse(d.io.stdout()) as DigestJson, {
      reference: fixtures.reference(index),
      digest: index.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      platforms: [
        { platform: 'linux/amd64', digest: index.amd64.digest, mediaType: index.amd64.mediaType },
        { platform: 'linux/arm64/v8', digest: index.arm64.digest, mediaType: index.arm64.mediaType },
      ],
    });
    const arm = deps();
    await runDigest(
      { reference: fixtures.reference(index), insecure: true, output: 'json', platform: 'linux/arm64' },
      createFactory(arm),
    );
    const armJson = JSON.parse(arm.io.stdout()) as DigestJson;
    assert.equal(armJson.digest, index.arm64.digest);
    assert.equal(armJson.mediaType, index.arm64.mediaType);
    assert.deepEqual(armJson.index, { digest: index.digest, mediaType: index.mediaType });
    const child = deps();
    await runCli(
      ['digest', '--insecure', '--platform', 'linux/arm64', fixtures.reference(fixtures.dockerManifestList)],
      child,
    );
    assert.equal(child.io.stdout(), `${fixtures.dockerManifestList.arm64.digest}\n`);
  });

  test('-o json of a single image gives its platform from the config', async () => {
    const d = deps();
    await runDigest(
      { reference: fixtures.reference(fixtures.dockerSchema2), insecure: true, output: 'json' },
      createFactory(d),
    );
    const json = JSON.parse(d.io.stdout()) as DigestJson;
    assert.deepEqual(json.platforms, [
      { platform: 'linux/amd64', digest: fixtures.dockerSchema2.digest, mediaType: fixtures.dockerSchema2.mediaType },
    ]);
  });

  // [what is wrong, arguments, the error line]
  const failures: Array<[string, () => string[], () => string]> = [
    [
      'an invalid reference',
      () => ['Foo:bar'],
      () => 'error: invalid reference "Foo:bar": repository name must be lowercase',
    ],
    [
      'a missing tag',
      () => ['--insecure', `${fixtures.host}/docker/schema2:nope`],
      () => `error: tag nope not found in ${fixtures.host}/docker/schema2`,
    ],
    [
      'an invalid platform',
      () => ['--insecure', '--platform', 'linux', fixtures.reference(fixtures.ociIndex)],
      () => 'error: invalid platform "linux": use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8',
    ],
    [
      'a platform the index lacks',
      () => ['--insecure', '--platform', 'linux/s390x', fixtures.reference(fixtures.ociIndex)],
      () =>
        `error: ${fixtures.reference(fixtures.ociIndex)} has no image for linux/s390x; it has linux/amd64, linux/arm64/v8`,
    ],
    [
      'plain HTTP without --insecure',
      () => [fixtures.reference(fixtures.dockerSchema2)],
      () =>
        `error: TLS connection to registry ${fixtures.host} failed: the registry does not speak HTTPS (it answered in plain HTTP); use --insecure to allow plain HTTP`,
    ],
    [
      'an unknown host',
      () => ['registry.nonexistent.invalid/app:1'],
      () => 'error: cannot reach registry registry.nonexistent.invalid: unknown host registry.nonexistent.invalid',
    ],
  ];
  for (const [name, args, message] of failures) {
    test(`fails clearly on ${name}`, async () => {
      const d = deps();
      assert.equal(await runCli(['digest', ...args()], d), 1);
      assert.equal(d.io.stderr(), `${message()}\n`);
      assert.equal(d.io.stdout(), '');
    });
  }

  test('-v 6 logs each registry request to stderr', async () => {
    const d = deps();
    assert.equal(await runCli(['-v', '6', 'digest', '--insecure', fixtures.reference(fixtures.dockerSchema2)], d), 0);
    assert.match(
      d.io.stderr(),
      new RegExp(`^HEAD http://${fixtures.host}/v2/docker/schema2/manifests/1\\.0 200 in \\d+ms$`, 'm'),
    );
  });
});

describe('kubectl istream digest (TLS registry with basic auth)', () => {
  let registry: RegistryInstance;
  let fixtures: Fixtures;
  let dockerConfig: string;
  before(async () => {
    registry = await startRegistry({ mode: 'tls-basic' });
    fixtures = await pushFixtures(registry);
    dockerConfig = await mkdtemp(join(tmpdir(), 'istream-digest-tls-'));
    const auth = Buffer.from(`${registry.username ?? ''}:${registry.password ?? ''}`).toString('base64');
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  });
  after(async () => {
    await registry.stop();
    await rm(dockerConfig, { recursive: true, force: true });
  });

  test('uses NODE_EXTRA_CA_CERTS and the docker config', async () => {
    const d = { io: bufferIO(), env: { DOCKER_CONFIG: dockerConfig, NODE_EXTRA_CA_CERTS: registry.caFile } };
    await runDigest({ reference: fixtures.reference(fixtures.floating.A) }, createFactory(d));
    assert.equal(d.io.stdout(), `${fixtures.floating.A.digest}\n`);
  });

  test('without credentials: a 401 that says how to log in', async () => {
    const d = {
      io: bufferIO(),
      env: { DOCKER_CONFIG: join(dockerConfig, 'absent'), NODE_EXTRA_CA_CERTS: registry.caFile },
    };
    await assert.rejects(
      runDigest({ reference: fixtures.reference(fixtures.floating.A) }, createFactory(d)),
      (e: unknown) => {
        assert.ok(e instanceof CliError);
        assert.equal(
          e.message,
          `authentication required for ubi8/ubi at ${registry.host}: no credentials for ${registry.host} ` +
            `were found (run "docker login ${registry.host}", or give the namespace a pull secret for it)`,
        );
        return true;
      },
    );
  });
});

// 6666 is one of the ports the WHATWG fetch spec blocks ("bad port"); registries do run there.
describe('kubectl istream digest (registry on port 6666)', () => {
  let registry: RegistryInstance;
  let fixtures: Fixtures;
  let dockerConfig: string;
  before(async () => {
    registry = await startRegistry({ mode: 'tls-basic', port: 6666 });
    fixtures = await pushFixtures(registry);
    dockerConfig = await mkdtemp(join(tmpdir(), 'istream-digest-6666-'));
    const auth = Buffer.from(`${registry.username ?? ''}:${registry.password ?? ''}`).toString('base64');
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
  });
  after(async () => {
    await registry.stop();
    await rm(dockerConfig, { recursive: true, force: true });
  });

  test('resolves a tag and an index child on a port fetch() refuses', async () => {
    const env = { DOCKER_CONFIG: dockerConfig, NODE_EXTRA_CA_CERTS: registry.caFile };
    assert.equal(registry.host, '127.0.0.1:6666');
    const tag = { io: bufferIO(), env };
    assert.equal(await runCli(['digest', fixtures.reference(fixtures.floating.A)], tag), 0, tag.io.stderr());
    assert.equal(tag.io.stdout(), `${fixtures.floating.A.digest}\n`);
    const child = { io: bufferIO(), env };
    assert.equal(
      await runCli(['digest', '--platform', 'linux/arm64', fixtures.reference(fixtures.ociIndex)], child),
      0,
      child.io.stderr(),
    );
    assert.equal(child.io.stdout(), `${fixtures.ociIndex.arm64.digest}\n`);
  });
});
