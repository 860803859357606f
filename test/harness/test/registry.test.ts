import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { fetch } from 'undici';
import {
  MANIFEST_ACCEPT,
  PRIVATE_REPOSITORY_PREFIX,
  REGISTRY_MODES,
  RegistryHttp,
  TokenRequestError,
  allManifestFixtures,
  fixtureSet,
  pushFixtures,
  sha256Digest,
  skopeoInspectDigests,
  startRegistry,
  type Fixtures,
  type ManifestFixture,
  type RegistryInstance,
} from '../src/registry/index.js';
import { mapConcurrently } from '../src/registry/concurrency.js';

interface ManifestAnswer {
  headStatus: number;
  headDigest: string | undefined;
  getStatus: number;
  contentType: string | undefined;
  body: Buffer;
}

/** HEAD and GET of a manifest (by tag, else by digest) with all four manifest types accepted. */
async function fetchManifest(http: RegistryHttp, fixture: ManifestFixture): Promise<ManifestAnswer> {
  const path = `/v2/${fixture.repository}/manifests/${fixture.tag ?? fixture.digest}`;
  const request = { scope: `repository:${fixture.repository}:pull`, headers: { accept: MANIFEST_ACCEPT } };
  const head = await http.request('HEAD', path, request);
  await head.discard();
  const get = await http.request('GET', path, request);
  return {
    headStatus: head.status,
    headDigest: head.header('docker-content-digest'),
    getStatus: get.status,
    contentType: get.header('content-type'),
    body: await get.bytes(),
  };
}

function floatingTagFixture(fixtures: Fixtures, image: 'A' | 'B'): ManifestFixture {
  const { repository, tag } = fixtures.floating;
  return { ...fixtures.floating[image], repository, tag };
}

function basicHeader(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

for (const mode of REGISTRY_MODES) {
  describe(`registry harness in ${mode} mode`, () => {
    let registry: RegistryInstance;
    let fixtures: Fixtures;
    let http: RegistryHttp;
    let startAndPushSeconds = 0;

    before(async () => {
      const started = performance.now();
      registry = await startRegistry({ mode });
      fixtures = await pushFixtures(registry);
      startAndPushSeconds = (performance.now() - started) / 1000;
      http = new RegistryHttp(registry);
    });
    after(async () => {
      await http?.close();
      await registry?.stop();
    });

    test('every fixture: HEAD Docker-Content-Digest equals sha256 of the GET body and the expected digest', async (t) => {
      t.diagnostic(`registry start + all fixtures pushed (${mode}): ${startAndPushSeconds.toFixed(2)} s`);
      const expected = [...allManifestFixtures(fixtures), floatingTagFixture(fixtures, 'A')];
      const answers = await mapConcurrently(expected, 4, (fixture) => fetchManifest(http, fixture));
      expected.forEach((fixture, i) => {
        const answer = answers[i]!;
        const name = fixtures.reference(fixture);
        assert.equal(answer.headStatus, 200, name);
        assert.equal(answer.getStatus, 200, name);
        assert.equal(answer.headDigest, sha256Digest(answer.body), name);
        assert.equal(answer.headDigest, fixture.digest, name);
        assert.equal(answer.contentType, fixture.mediaType, name);
        assert.deepEqual(answer.body, fixture.bytes, name);
      });
    });

    test('skopeo reports the same digests and reads the same manifest bytes', async () => {
      const sample = [
        fixtures.floating.A,
        fixtures.floating.B,
        floatingTagFixture(fixtures, 'A'),
        fixtures.ociIndex,
        fixtures.ociIndex.amd64,
        fixtures.ociIndex.arm64,
        fixtures.dockerSchema2,
        fixtures.dockerManifestList,
        fixtures.dockerManifestList.amd64,
        fixtures.dockerManifestList.arm64,
        fixtures.manyTags.images[0]!,
        fixtures.manyTags.images.at(-1)!,
        fixtures.private,
      ];
      const seen = await mapConcurrently(sample, 2, (fixture) =>
        skopeoInspectDigests(registry, fixtures.reference(fixture)),
      );
      sample.forEach((fixture, i) => {
        assert.deepEqual(seen[i], { reported: fixture.digest, raw: fixture.digest }, fixtures.reference(fixture));
      });
    });

    test('the many-tags repository lists all 210 tags', async () => {
      const { repository, tags } = fixtures.manyTags;
      assert.equal(tags.length, 210);
      assert.ok(tags.includes('latest'));
      const response = await http.request('GET', `/v2/${repository}/tags/list`, {
        scope: `repository:${repository}:pull`,
      });
      assert.equal(response.status, 200);
      const listed = await response.json<{ tags: string[] }>();
      assert.deepEqual([...listed.tags].sort(), [...tags].sort());
      const distinct = new Set(fixtures.manyTags.images.map((image) => image.digest));
      assert.equal(distinct.size, 209, 'every version is its own image; latest repeats the highest');
    });

    test('moveFloatingTag re-points ubi:8 from image A to image B and back', async () => {
      const { repository, tag } = fixtures.floating;
      const path = `/v2/${repository}/manifests/${tag}`;
      const headDigest = async (): Promise<string | undefined> => {
        const response = await http.request('HEAD', path, {
          scope: `repository:${repository}:pull`,
          headers: { accept: MANIFEST_ACCEPT },
        });
        await response.discard();
        return response.header('docker-content-digest');
      };
      assert.equal(await headDigest(), fixtures.floating.A.digest);

      const moved = await fixtures.moveFloatingTag('B');
      assert.deepEqual(
        { repository: moved.repository, tag: moved.tag, digest: moved.digest },
        { repository, tag, digest: fixtures.floating.B.digest },
      );
      assert.equal(await headDigest(), fixtures.floating.B.digest);
      // The pods of the seed print /root/buildinfo: B's layer must name build 154.
      const manifest = JSON.parse(fixtures.floating.B.bytes.toString('utf8')) as {
        layers: { digest: string }[];
        config: { digest: string };
      };
      const layer = await http.request('GET', `/v2/${repository}/blobs/${manifest.layers[0]!.digest}`, {
        scope: `repository:${repository}:pull`,
      });
      const tar = gunzipSync(await layer.bytes()).toString('latin1');
      assert.ok(tar.includes('root/buildinfo/Dockerfile-ubi8-8.0-154'));
      assert.ok(!tar.includes('Dockerfile-ubi8-8.0-122'));

      await fixtures.moveFloatingTag('A');
      assert.equal(await headDigest(), fixtures.floating.A.digest);
    });

    if (mode === 'plain') {
      test('anyone may pull and push without an account', async () => {
        const anonymous = new RegistryHttp({ url: registry.url });
        try {
          const upload = await anonymous.request('POST', '/v2/scratch/blobs/uploads/');
          await upload.discard();
          assert.equal(upload.status, 202);
        } finally {
          await anonymous.close();
        }
      });
    }

    if (mode === 'tls-basic') {
      test('pulling needs the account, and a wrong password gets 401', async () => {
        const path = `/v2/${fixtures.dockerSchema2.repository}/manifests/${fixtures.dockerSchema2.tag}`;
        const anonymous = new RegistryHttp({ url: registry.url, caPem: registry.caPem });
        const wrong = new RegistryHttp({
          url: registry.url,
          caPem: registry.caPem,
          username: registry.username,
          password: 'wrong',
        });
        try {
          const statusOf = async (client: RegistryHttp): Promise<[number, string | undefined]> => {
            const response = await client.request('HEAD', path, { headers: { accept: MANIFEST_ACCEPT } });
            await response.discard();
            return [response.status, response.header('www-authenticate')?.split(' ')[0]];
          };
          assert.deepEqual(await statusOf(anonymous), [401, 'Basic']);
          assert.deepEqual(await statusOf(wrong), [401, 'Basic']);
          assert.deepEqual(await statusOf(http), [200, undefined]);
        } finally {
          await anonymous.close();
          await wrong.close();
        }
      });
    }

    if (mode === 'token') {
      describe('token flow', () => {
        let anonymous: RegistryHttp;
        before(() => {
          anonymous = new RegistryHttp({ url: registry.url });
        });
        after(() => anonymous.close());

        test('anonymous users pull public repositories, also with skopeo', async () => {
          const answer = await fetchManifest(anonymous, fixtures.dockerSchema2);
          assert.equal(answer.headStatus, 200);
          assert.equal(answer.headDigest, fixtures.dockerSchema2.digest);
          const seen = await skopeoInspectDigests(registry, fixtures.reference(fixtures.ociIndex), { anonymous: true });
          assert.equal(seen.reported, fixtures.ociIndex.digest);
        });

        test(`anonymous users may not pull ${PRIVATE_REPOSITORY_PREFIX} repositories; the account may`, async () => {
          assert.ok(fixtures.private.repository.startsWith(PRIVATE_REPOSITORY_PREFIX));
          const refused = await fetchManifest(anonymous, fixtures.private);
          assert.equal(refused.headStatus, 401);
          const allowed = await fetchManifest(http, fixtures.private);
          assert.equal(allowed.headDigest, fixtures.private.digest);
        });

        test('pushing needs the account', async () => {
          const refused = await anonymous.request('POST', '/v2/scratch/blobs/uploads/', {
            scope: 'repository:scratch:pull,push',
          });
          await refused.discard();
          assert.equal(refused.status, 401);
          assert.match(refused.header('www-authenticate') ?? '', /error="insufficient_scope"/);
          const accepted = await http.request('POST', '/v2/scratch/blobs/uploads/', {
            scope: 'repository:scratch:pull,push',
          });
          await accepted.discard();
          assert.equal(accepted.status, 202);
          // The registry's challenge lists the actions in Go map order, "pull,push" or "push,pull".
          const grants = registry.tokenRequests!().filter((r) =>
            r.scopes.some((scope) => scope.startsWith('repository:scratch:')),
          );
          assert.deepEqual(
            grants.map((r) => [r.account ?? 'anonymous', [...(r.granted[0]?.actions ?? [])].sort()]),
            [
              ['anonymous', ['pull']],
              [registry.username, ['pull', 'push']],
            ],
          );
        });

        test('only the account may list the catalog', async () => {
          const catalog = async (client: RegistryHttp): Promise<number> => {
            const response = await client.request('GET', '/v2/_catalog', { scope: 'registry:catalog:*' });
            await response.discard();
            return response.status;
          };
          assert.equal(await catalog(anonymous), 401);
          assert.equal(await catalog(http), 200);
        });

        test('the OAuth2 password grant issues a token the registry accepts', async () => {
          const scope = `repository:${fixtures.private.repository}:pull`;
          const form = new URLSearchParams({
            grant_type: 'password',
            service: registry.tokenService!,
            scope,
            client_id: 'istream-tests',
            username: registry.username!,
            password: registry.password!,
          });
          const granted = await fetch(registry.tokenRealm!, { method: 'POST', body: form });
          assert.equal(granted.status, 200);
          const { access_token: token } = (await granted.json()) as { access_token: string };
          const response = await fetch(
            `${registry.url}/v2/${fixtures.private.repository}/manifests/${fixtures.private.tag}`,
            {
              method: 'HEAD',
              headers: { authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT },
            },
          );
          assert.equal(response.headers.get('docker-content-digest'), fixtures.private.digest);
        });

        test('a wrong password gets 401 from the token server, in both flows', async () => {
          const tokenUrl = `${registry.tokenRealm}?service=${registry.tokenService}&scope=repository:ubi:pull`;
          const viaGet = await fetch(tokenUrl, {
            headers: { authorization: basicHeader(registry.username!, 'wrong') },
          });
          assert.equal(viaGet.status, 401);
          const form = new URLSearchParams({
            grant_type: 'password',
            service: registry.tokenService!,
            scope: 'repository:ubi:pull',
            username: registry.username!,
            password: 'wrong',
          });
          const viaPost = await fetch(registry.tokenRealm!, { method: 'POST', body: form });
          assert.equal(viaPost.status, 401);

          const wrong = new RegistryHttp({ url: registry.url, username: registry.username, password: 'wrong' });
          try {
            await assert.rejects(
              fetchManifest(wrong, fixtures.dockerSchema2),
              (err: unknown) => err instanceof TokenRequestError && err.status === 401,
            );
          } finally {
            await wrong.close();
          }
        });
      });
    }
  });
}

test('fixtures are deterministic: two fresh registries hold the same digests, the ones computed without a registry', async () => {
  const registries = await Promise.all([startRegistry({ mode: 'plain' }), startRegistry({ mode: 'plain' })]);
  try {
    const pushed = await Promise.all(registries.map((registry) => pushFixtures(registry)));
    const digestsIn = async (registry: RegistryInstance, fixtures: Fixtures): Promise<string[]> => {
      const http = new RegistryHttp(registry);
      try {
        const answers = await mapConcurrently(allManifestFixtures(fixtures), 4, (fixture) =>
          fetchManifest(http, fixture),
        );
        return answers.map((answer) => answer.headDigest ?? 'missing');
      } finally {
        await http.close();
      }
    };
    const [first, second] = await Promise.all(registries.map((registry, i) => digestsIn(registry, pushed[i]!)));
    assert.deepEqual(first, second);
    assert.deepEqual(
      first,
      allManifestFixtures(fixtureSet()).map((fixture) => fixture.digest),
    );
  } finally {
    await Promise.all(registries.map((registry) => registry.stop()));
  }
});
