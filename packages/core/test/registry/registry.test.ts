// The client against the real registry (Distribution 2.8 from the harness) in its three modes:
// every fixture's digest must equal the fixture's own and skopeo's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, copyFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  pushFixtures,
  startRegistry,
  REGISTRY_MODES,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness';
import {
  RegistryAuthError,
  RegistryClient,
  RegistryNotFoundError,
  RegistryTlsError,
  dockerConfigCredentials,
  emptyCounts,
  mediaTypes,
  parsePlatform,
  staticCredentials,
  type RegistryClientOptions,
} from '@istream/core/registry';

const run = promisify(execFile);

async function skopeoDigest(registry: RegistryInstance, reference: string, withCredentials: boolean): Promise<string> {
  const flags = registry.mode === 'tls-basic' ? ['--cert-dir', registry.certDir ?? ''] : ['--tls-verify=false'];
  if (withCredentials && registry.username) flags.push('--creds', `${registry.username}:${registry.password ?? ''}`);
  const { stdout } = await run('skopeo', ['inspect', '--format', '{{.Digest}}', ...flags, `docker://${reference}`]);
  return stdout.trim();
}

for (const mode of REGISTRY_MODES) {
  describe(`${mode} registry`, () => {
    let registry: RegistryInstance;
    let fixtures: Fixtures;
    let scratch: string;
    let certsRoot: string;
    let dockerEnv: NodeJS.ProcessEnv;
    const clients: RegistryClient[] = [];

    before(async () => {
      registry = await startRegistry({ mode });
      fixtures = await pushFixtures(registry);
      scratch = await mkdtemp(join(tmpdir(), 'istream-regclient-'));
      // containers' layout: certs.d/HOST:PORT/ca.crt
      certsRoot = join(scratch, 'certs.d');
      await mkdir(join(certsRoot, registry.host), { recursive: true });
      if (registry.caFile) await copyFile(registry.caFile, join(certsRoot, registry.host, 'ca.crt'));
      const auths = registry.username
        ? {
            [registry.host]: {
              auth: Buffer.from(`${registry.username}:${registry.password ?? ''}`).toString('base64'),
            },
          }
        : {};
      await writeFile(join(scratch, 'config.json'), JSON.stringify({ auths }));
      dockerEnv = { DOCKER_CONFIG: scratch };
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await registry.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    const client = (options: RegistryClientOptions = {}) => {
      const c = new RegistryClient({
        insecure: mode !== 'tls-basic',
        certDirs: [certsRoot],
        credentials: dockerConfigCredentials({ env: dockerEnv }),
        ...options,
      });
      clients.push(c);
      return c;
    };

    test("every fixture resolves to its own digest and to skopeo's", async () => {
      const c = client();
      const { floating, ociIndex, dockerManifestList, dockerSchema2, manyTags } = fixtures;
      const cases: Array<[string, string, string]> = [
        [`${fixtures.host}/${floating.repository}:${floating.tag}`, floating.A.digest, mediaTypes.dockerManifest],
        [fixtures.reference(floating.B), floating.B.digest, mediaTypes.dockerManifest],
        [fixtures.reference(ociIndex), ociIndex.digest, mediaTypes.ociIndex],
        [fixtures.reference(ociIndex.arm64), ociIndex.arm64.digest, mediaTypes.ociManifest],
        [fixtures.reference(dockerManifestList), dockerManifestList.digest, mediaTypes.dockerManifestList],
        [fixtures.reference(dockerManifestList.amd64), dockerManifestList.amd64.digest, mediaTypes.dockerManifest],
        [fixtures.reference(dockerSchema2), dockerSchema2.digest, mediaTypes.dockerManifest],
        [
          `${fixtures.host}/${manyTags.repository}:latest`,
          manyTags.images.at(-1)?.digest ?? '',
          mediaTypes.dockerManifest,
        ],
        [fixtures.reference(fixtures.private), fixtures.private.digest, mediaTypes.dockerManifest],
      ];
      for (const [reference, expected, mediaType] of cases) {
        const resolved = await c.resolve(reference);
        assert.equal(resolved.digest, expected, reference);
        assert.equal(resolved.mediaType, mediaType, reference);
        assert.equal(await skopeoDigest(registry, reference, true), expected, `skopeo ${reference}`);
      }
    });

    test('a single-platform tag costs one HEAD and no GET', async () => {
      const c = client();
      await c.resolve(fixtures.reference(fixtures.dockerSchema2)); // learns the registry's challenge
      const tally = emptyCounts();
      await c.resolve(fixtures.reference(fixtures.floating.A), { tally });
      // Token mode: a repository not seen before costs its one token.
      assert.deepEqual(tally, { ...emptyCounts(), head: 1, token: mode === 'token' ? 1 : 0 });
      const again = emptyCounts();
      await c.resolve(fixtures.reference(fixtures.floating.B), { tally: again });
      assert.deepEqual(again, { ...emptyCounts(), head: 1 });
    });

    test('--platform picks the child of an OCI index and of a Docker manifest list', async () => {
      const c = client();
      for (const index of [fixtures.ociIndex, fixtures.dockerManifestList]) {
        const arm = await c.resolve(fixtures.reference(index), { platform: parsePlatform('linux/arm64') });
        assert.equal(arm.digest, index.arm64.digest);
        assert.deepEqual(arm.index, { digest: index.digest, mediaType: index.mediaType });
        assert.deepEqual(arm.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
        const amd = await c.resolve(fixtures.reference(index), { platform: parsePlatform('linux/amd64') });
        assert.equal(amd.digest, index.amd64.digest);
        await assert.rejects(c.resolve(fixtures.reference(index), { platform: parsePlatform('linux/s390x') }), {
          message: `${fixtures.reference(index)} has no image for linux/s390x; it has linux/amd64, linux/arm64/v8`,
        });
      }
      await assert.rejects(
        c.resolve(fixtures.reference(fixtures.dockerSchema2), { platform: parsePlatform('linux/arm64') }),
        /has no image for linux\/arm64; it has linux\/amd64/,
      );
    });

    test('imports: Legacy takes linux/amd64, PreserveOriginal keeps the index, many tags at once', async () => {
      const c = client();
      const ref = fixtures.reference(fixtures.ociIndex);
      const legacy = await c.resolveForImport(ref);
      assert.equal(legacy.digest, fixtures.ociIndex.amd64.digest);
      assert.equal(legacy.index?.digest, fixtures.ociIndex.digest);
      assert.equal(
        (await c.resolveForImport(ref, { preferred: { architecture: 'arm64' } })).digest,
        fixtures.ociIndex.arm64.digest,
      );
      const preserved = await c.resolveForImport(ref, { importMode: 'PreserveOriginal', includeManifests: true });
      assert.equal(preserved.digest, fixtures.ociIndex.digest);
      assert.deepEqual(
        preserved.manifests?.map((m) => m.digest),
        [fixtures.ociIndex.amd64.digest, fixtures.ociIndex.arm64.digest],
      );

      // 40 of the 210 tags: with htpasswd the registry spends a bcrypt check on every request.
      const { repository, tags, images } = fixtures.manyTags;
      const results = await c.resolveTags(`${fixtures.host}/${repository}`, [...tags.slice(0, 40), 'missing']);
      assert.deepEqual(
        results.slice(0, -1).map((r) => r.result?.digest),
        images.slice(0, 40).map((i) => i.digest),
      );
      assert.ok(
        results.slice(0, -1).every((r) => r.requests.head === 1 && r.requests.get === 0),
        'one HEAD per single-platform tag',
      );
      assert.match(
        String(results.at(-1)?.error?.message),
        /^tag missing not found in 127\.0\.0\.1:\d+\/bench\/many-tags$/,
      );
    });

    test('the image config gives the created time and platform', async () => {
      const config = await client().imageConfig(fixtures.reference(fixtures.floating.B));
      assert.equal(config.created, '2019-08-27T12:16:38Z');
      assert.deepEqual(config.platform, { os: 'linux', architecture: 'amd64' });
      assert.equal(config.labels.release, '154');
    });

    test('tags/list returns every tag of the 200-tag repository', async () => {
      const { tags } = await client().listTags(`${fixtures.host}/${fixtures.manyTags.repository}`);
      assert.deepEqual([...tags].sort(), [...fixtures.manyTags.tags].sort());
    });

    test('a moved floating tag resolves to the new image', async () => {
      const c = client();
      const floating = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
      await fixtures.moveFloatingTag('B');
      assert.equal((await c.resolve(floating)).digest, fixtures.floating.B.digest);
      await fixtures.moveFloatingTag('A');
      assert.equal((await c.resolve(floating)).digest, fixtures.floating.A.digest);
    });

    test('a missing tag or repository is a clear 404', async () => {
      await assert.rejects(client().resolve(`${fixtures.host}/docker/schema2:nope`), (e: unknown) => {
        assert.ok(e instanceof RegistryNotFoundError);
        assert.equal(e.message, `tag nope not found in ${fixtures.host}/docker/schema2`);
        return true;
      });
    });

    if (mode === 'plain') {
      test('plain HTTP needs the insecure option', async () => {
        await assert.rejects(
          client({ insecure: false }).resolve(fixtures.reference(fixtures.dockerSchema2)),
          (e: unknown) => {
            assert.ok(e instanceof RegistryTlsError);
            assert.match(e.message, /does not speak HTTPS .*use --insecure to allow plain HTTP/);
            return true;
          },
        );
      });
    }

    if (mode === 'tls-basic') {
      test('an unknown CA is refused with a hint; insecure skips verification', async () => {
        await assert.rejects(
          client({ certDirs: [] }).resolve(fixtures.reference(fixtures.dockerSchema2)),
          new RegExp(
            `certificate is not trusted .*/etc/containers/certs.d/${registry.host.replace('.', '\\.')}/ca.crt`,
          ),
        );
        const insecure = await client({ certDirs: [], insecure: true }).resolve(
          fixtures.reference(fixtures.dockerSchema2),
        );
        assert.equal(insecure.digest, fixtures.dockerSchema2.digest);
      });

      test("a CA only in the system bundle is found after Node's own roots fail", async () => {
        const c = client({ certDirs: [], systemCaFiles: [registry.caFile ?? ''] });
        assert.equal(
          (await c.resolve(fixtures.reference(fixtures.dockerSchema2))).digest,
          fixtures.dockerSchema2.digest,
        );
      });

      test('no credentials and a wrong password are clear 401s that never show the password', async () => {
        const ref = fixtures.reference(fixtures.dockerSchema2);
        await assert.rejects(client({ credentials: undefined }).resolve(ref), {
          message:
            `authentication required for docker/schema2 at ${registry.host}: no credentials for ${registry.host} were found ` +
            `(run "docker login ${registry.host}", or give the namespace a pull secret for it)`,
        });
        const wrong = staticCredentials(
          registry.host,
          { username: 'istream', password: 'wrong-password-42' },
          'secret team/pull',
        );
        await assert.rejects(client({ credentials: wrong }).resolve(ref), (e: unknown) => {
          assert.ok(e instanceof RegistryAuthError);
          assert.equal(
            e.message,
            `authentication required for docker/schema2 at ${registry.host}: the registry refused the credentials ` +
              'from secret team/pull (wrong username or password, or no pull access)',
          );
          assert.ok(!e.message.includes('wrong-password-42'));
          return true;
        });
      });
    }

    if (mode === 'token') {
      test('public pulls are anonymous; private ones need credentials', async () => {
        const anonymous = client({ credentials: undefined });
        assert.equal(
          (await anonymous.resolve(fixtures.reference(fixtures.dockerSchema2))).digest,
          fixtures.dockerSchema2.digest,
        );
        await assert.rejects(anonymous.resolve(fixtures.reference(fixtures.private)), {
          message:
            `authentication required for private/app at ${registry.host}: no credentials for ${registry.host} were found ` +
            `(run "docker login ${registry.host}", or give the namespace a pull secret for it)`,
        });
        assert.equal((await client().resolve(fixtures.reference(fixtures.private))).digest, fixtures.private.digest);
      });

      test('rejected credentials fall back to anonymous, as OpenShift does, and a private repo then says why', async () => {
        const wrong = client({
          credentials: staticCredentials(
            registry.host,
            { username: 'istream', password: 'wrong-password-42' },
            'secret team/pull',
          ),
        });
        assert.equal(
          (await wrong.resolve(fixtures.reference(fixtures.dockerSchema2))).digest,
          fixtures.dockerSchema2.digest,
        );
        await assert.rejects(wrong.resolve(fixtures.reference(fixtures.private)), (e: unknown) => {
          assert.ok(e instanceof RegistryAuthError);
          assert.equal(
            e.message,
            `authentication required for private/app at ${registry.host}: the token service rejected the ` +
              'credentials from secret team/pull (wrong username or password?), and anonymous access is not allowed',
          );
          assert.ok(!e.message.includes('wrong-password-42'));
          return true;
        });
      });

      test('one token per repository scope, reused across tags', async () => {
        const before = registry.tokenRequests?.().length ?? 0;
        const c = client();
        const { repository, tags } = fixtures.manyTags;
        await c.resolveTags(`${fixtures.host}/${repository}`, tags.slice(0, 40));
        await c.resolve(fixtures.reference(fixtures.dockerSchema2));
        const requests = (registry.tokenRequests?.() ?? []).slice(before);
        assert.deepEqual(
          requests.map((r) => r.scopes),
          [[`repository:${repository}:pull`], ['repository:docker/schema2:pull']],
        );
      });
    }
  });
}
