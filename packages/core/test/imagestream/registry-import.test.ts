// The importer and the stream rules against a real registry (token auth, plain HTTP on loopback).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness/registry/index';
import { RegistryClient, secretCredentials } from '../../src/registry/index.js';
import {
  applyImportResults,
  importTags,
  newImageStream,
  planRepositoryImport,
  prioritizeTags,
  registryImageSource,
  statusTag,
  type ImageSource,
  type ImageStream,
  type TagImportRequest,
} from '../../src/imagestream/index.js';

let registry: RegistryInstance;
let fixtures: Fixtures;
let client: RegistryClient;
let source: ImageSource;

before(async () => {
  registry = await startRegistry({ mode: 'token' });
  fixtures = await pushFixtures(registry);
  client = new RegistryClient({});
  source = registryImageSource(client);
});

after(async () => {
  await client?.close();
  await registry?.stop();
});

const request = (
  tag: string,
  from: string,
  importMode: 'Legacy' | 'PreserveOriginal' = 'Legacy',
): TagImportRequest => ({
  tag,
  from,
  importPolicy: { insecure: true, importMode },
  referencePolicy: { type: 'Source' },
});

test('the seed flow at stream level: import, move the tag, import again, import unchanged', async () => {
  const { repository, tag, A, B } = fixtures.floating;
  const from = `${fixtures.host}/${repository}:${tag}`;
  const first = applyImportResults(
    newImageStream('ubi', 'demo'),
    await importTags(source, [request('8', from)]),
    new Date(),
    true,
  ).stream;
  first.metadata.resourceVersion = '1';
  assert.deepEqual(
    statusTag(first, '8')?.items?.map((i) => i.dockerImageReference),
    [`${fixtures.host}/${repository}@${A.digest}`],
  );

  await fixtures.moveFloatingTag('B');
  const moved = applyImportResults(first, await importTags(source, [request('8', from)]), new Date());
  assert.deepEqual(
    statusTag(moved.stream, '8')?.items?.map((i) => [i.image, i.generation]),
    [
      [B.digest, 2],
      [A.digest, 1],
    ],
  );
  const again = applyImportResults(moved.stream, await importTags(source, [request('8', from)]), new Date());
  assert.equal(again.changed, false);
  await fixtures.moveFloatingTag('A');
});

test('manifest lists: Legacy records the linux/amd64 child, PreserveOriginal the index', async () => {
  for (const index of [fixtures.ociIndex, fixtures.dockerManifestList]) {
    const from = fixtures.reference(index);
    const [legacy, preserve] = await importTags(source, [request('l', from), request('p', from, 'PreserveOriginal')]);
    assert.deepEqual(legacy!.outcome, {
      ok: true,
      image: index.amd64.digest,
      dockerImageReference: `${fixtures.host}/${index.repository}@${index.amd64.digest}`,
    });
    assert.deepEqual(preserve!.outcome, {
      ok: true,
      image: index.digest,
      dockerImageReference: `${fixtures.host}/${index.repository}@${index.digest}`,
    });
  }
});

test('failures carry OpenShift reasons: 404 NotFound, 401 Unauthorized; history is kept', async () => {
  const missing = `${fixtures.host}/${fixtures.floating.repository}:no-such-tag`;
  const privateRef = fixtures.reference(fixtures.private);
  const [notFound, unauthorized] = await importTags(source, [request('x', missing), request('y', privateRef)]);
  assert.deepEqual(notFound!.outcome, {
    ok: false,
    reason: 'NotFound',
    message: `dockerimage.image.openshift.io "${missing}" not found`,
  });
  const denied = `you may not have access to the container image "${privateRef}"`;
  const host = fixtures.host;
  assert.deepEqual(unauthorized!.outcome, {
    ok: false,
    reason: 'Unauthorized',
    message: denied,
    detail:
      `authentication required for private/app at ${host}: no credentials for ${host} were found ` +
      `(run "docker login ${host}", or give the namespace a pull secret for it)`,
  });

  const withSecret = registryImageSource(
    new RegistryClient({
      credentials: secretCredentials([
        {
          name: 'secret ns/pull',
          dockerConfigJson: {
            auths: { [fixtures.host]: { username: registry.username, password: registry.password } },
          },
        },
      ]),
    }),
  );
  const [allowed] = await importTags(withSecret, [request('y', privateRef)]);
  assert.equal(allowed!.outcome.ok && allowed!.outcome.image, fixtures.private.digest);

  // The detail (the CLI prints it after OpenShift's message) tells a missing Secret from a refused one.
  const noSecret = registryImageSource(
    new RegistryClient({ credentials: secretCredentials([], { namespace: 'demo' }) }),
  );
  assert.deepEqual((await importTags(noSecret, [request('y', privateRef)]))[0]!.outcome, {
    ok: false,
    reason: 'Unauthorized',
    message: denied,
    detail:
      `authentication required for private/app at ${host}: no pull Secret in namespace demo has credentials for ${host}; ` +
      `add one with "kubectl create secret docker-registry NAME --docker-server=${host} --docker-username=USER --docker-password=PASSWORD -n demo"`,
  });
  const wrongSecret = registryImageSource(
    new RegistryClient({
      credentials: secretCredentials(
        [
          {
            name: 'secret demo/pull',
            dockerConfigJson: { auths: { [host]: { username: registry.username, password: 'wrong-3b1c' } } },
          },
        ],
        { namespace: 'demo' },
      ),
    }),
  );
  assert.deepEqual((await importTags(wrongSecret, [request('y', privateRef)]))[0]!.outcome, {
    ok: false,
    reason: 'Unauthorized',
    message: denied,
    detail:
      `authentication required for private/app at ${host}: the token service rejected the credentials from secret demo/pull ` +
      '(wrong username or password?), and anonymous access is not allowed',
  });

  const stream: ImageStream = applyImportResults(newImageStream('p', 'demo'), [allowed!], new Date(), true).stream;
  stream.metadata.resourceVersion = '1';
  const failed = applyImportResults(
    stream,
    [{ request: request('y', privateRef), outcome: unauthorized!.outcome }],
    new Date(),
  ).stream;
  assert.deepEqual(statusTag(failed, 'y')?.items, statusTag(stream, 'y')?.items);
  assert.equal(statusTag(failed, 'y')?.conditions?.[0]?.reason, 'Unauthorized');
});

test('--all takes the first 50 tags by priority from the 200+ tag repository', async () => {
  const { repository, tags } = fixtures.manyTags;
  const plan = await planRepositoryImport(source, `${fixtures.host}/${repository}`, {
    importPolicy: { insecure: true },
    referencePolicy: { type: 'Source' },
  });
  assert.equal(plan.requests.length, 50);
  assert.deepEqual(
    plan.requests.map((r) => r.tag),
    prioritizeTags(tags).slice(0, 50),
  );
  assert.equal(plan.requests[0]!.tag, 'latest');
  assert.equal(plan.additionalTags.length, tags.length - 50);
});
