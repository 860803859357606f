// The other senders, each with a payload built from its documented format and authenticated the
// way it authenticates: Harbor (its "Auth Header" as Authorization), Docker Hub and Quay (which
// sign nothing: the token is in the webhook URL), GitHub registry_package (X-Hub-Signature-256,
// HMAC-SHA256 of the body) and CloudEvents (ACR's ImagePushed through Event Grid, with a header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { CLOUDEVENTS_BATCH_MEDIA_TYPE, CLOUDEVENTS_MEDIA_TYPE } from '../../src/events/index.js';
import { optIn, startReceiver, stream, type ReceiverUnderTest } from './receiver-support.js';

const token = 'shared-secret-7';
const digest = `sha256:${'ab'.repeat(32)}`;

async function post(
  r: ReceiverUnderTest,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${r.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const asked = (r: ReceiverUnderTest): string[] =>
  r.asked
    .flat()
    .map((f) => `${f.stream}:${f.tag}`)
    .sort();

async function receiverFollowing(t: Parameters<typeof startReceiver>[0], from: string): Promise<ReceiverUnderTest> {
  const r = await startReceiver(t, token);
  r.putStream(stream('app', [{ name: 'prod', from }], optIn));
  r.putStream(stream('other', [{ name: 'prod', from: `${from.split(':').slice(0, -1).join(':')}:other` }], optIn));
  return r;
}

test('Harbor PUSH_ARTIFACT with its Auth Header: the pushed tag of resource_url; pulls ask nothing; a wrong header is 401', async (t) => {
  const r = await receiverFollowing(t, 'harbor.example.com/library/nginx:1.25');
  const push = {
    type: 'PUSH_ARTIFACT',
    occur_at: 1733058000,
    operator: 'admin',
    event_data: {
      resources: [{ digest, tag: '1.25', resource_url: 'harbor.example.com/library/nginx:1.25' }],
      repository: {
        date_created: 1733050000,
        name: 'nginx',
        namespace: 'library',
        repo_full_name: 'library/nginx',
        repo_type: 'private',
      },
    },
  };
  assert.equal((await post(r, '/harbor', push, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await post(r, '/harbor', push)).status, 401);
  assert.deepEqual(r.asked, []);
  assert.deepEqual((await post(r, '/harbor', push, { authorization: `Bearer ${token}` })).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  assert.deepEqual(asked(r), ['app:prod']);
  const pull = { ...push, type: 'PULL_ARTIFACT' };
  assert.deepEqual((await post(r, '/harbor', pull, { authorization: `Bearer ${token}` })).body, {
    events: 0,
    duplicates: 0,
    imports: 0,
    recorded: 0,
  });
  const broken = await post(
    r,
    '/harbor',
    { type: 'PUSH_ARTIFACT', event_data: { resources: [{ tag: '1' }] } },
    { authorization: `Bearer ${token}` },
  );
  assert.equal(broken.status, 400);
  assert.match(String(broken.body.error), /event_data\.resources\[0\]\.resource_url is missing/);
});

test('Docker Hub: the token in the webhook URL, repository.repo_name and push_data.tag on docker.io', async (t) => {
  const r = await receiverFollowing(t, 'svendowideit/testhook:latest');
  const hook = {
    callback_url:
      'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
    push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
    repository: {
      comment_count: 0,
      date_created: 1417494799,
      description: '',
      is_official: false,
      is_private: true,
      is_trusted: true,
      name: 'testhook',
      namespace: 'svendowideit',
      owner: 'svendowideit',
      repo_name: 'svendowideit/testhook',
      repo_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/',
      star_count: 0,
      status: 'Active',
    },
  };
  assert.equal((await post(r, '/dockerhub', hook)).status, 401);
  assert.equal((await post(r, `/dockerhub?token=${token}x`, hook)).status, 401);
  assert.equal(
    (await post(r, '/dockerhub', hook, { authorization: `Bearer ${token}` })).status,
    401,
    'Docker Hub sends no header of ours: only the URL counts',
  );
  assert.deepEqual((await post(r, `/dockerhub?token=${token}`, hook)).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  assert.deepEqual(asked(r), ['app:prod']);
  assert.equal((await post(r, `/dockerhub?token=${token}`, { push_data: { tag: 'x' } })).status, 400);
});

test('Quay Repository Push: the token in the URL, each of updated_tags at docker_url (list or older object form)', async (t) => {
  const r = await receiverFollowing(t, 'quay.io/dgangaia/test:latest');
  const push = {
    name: 'repository',
    repository: 'dgangaia/test',
    namespace: 'dgangaia',
    docker_url: 'quay.io/dgangaia/test',
    homepage: 'https://quay.io/repository/dgangaia/repository',
    updated_tags: ['latest', 'other'],
  };
  assert.equal((await post(r, '/quay?token=guess', push)).status, 401);
  assert.deepEqual((await post(r, `/quay?token=${token}`, push)).body, {
    events: 2,
    duplicates: 0,
    imports: 2,
    recorded: 0,
  });
  assert.deepEqual(asked(r), ['app:prod', 'other:prod']);
  const older = {
    ...push,
    updated_tags: { latest: 'b750fe79269d2ec9a3c593ef05b4332b1d1a02a62b4accb2c21d589ff2f5f2dc' },
  };
  // Quay claims no digest: the same tag again may be the next push, so it asks again.
  assert.deepEqual((await post(r, `/quay?token=${token}`, older)).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  const broken = await post(r, `/quay?token=${token}`, { ...push, updated_tags: 'latest' });
  assert.equal(broken.status, 400);
  assert.match(String(broken.body.error), /updated_tags is neither a list nor an object/);
});

test('GitHub registry_package: X-Hub-Signature-256 over the exact body; a forged or re-signed-with-another-secret body is 401; a replay is a duplicate', async (t) => {
  const r = await receiverFollowing(t, 'ghcr.io/octo-org/app:v2');
  const event = {
    action: 'published',
    registry_package: {
      id: 1,
      name: 'app',
      namespace: 'octo-org',
      ecosystem: 'CONTAINER',
      package_type: 'CONTAINER',
      html_url: 'https://github.com/orgs/octo-org/packages/container/package/app',
      package_version: {
        id: 2,
        version: digest,
        name: digest,
        package_url: 'ghcr.io/octo-org/app:v2',
        container_metadata: { tag: { name: 'v2', digest }, labels: {}, manifest: {} },
      },
      registry: {
        about_url: 'https://docs.github.com/packages',
        name: 'GitHub CONTAINER registry',
        type: 'CONTAINER',
        url: 'https://ghcr.io/octo-org',
        vendor: 'GitHub Inc',
      },
    },
    repository: { full_name: 'octo-org/app' },
    sender: { login: 'octocat' },
  };
  const body = JSON.stringify(event);
  const sign = (text: string, secret = token): string =>
    `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
  const headers = (signature: string): Record<string, string> => ({
    'x-github-event': 'registry_package',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-hub-signature-256': signature,
  });
  assert.equal((await post(r, '/github', body, headers(sign(body, 'another-secret')))).status, 401);
  const tampered = body.replace('"v2"', '"v3"');
  assert.equal((await post(r, '/github', tampered, headers(sign(body)))).status, 401, 'a signature of another body');
  assert.equal((await post(r, '/github', body, { 'x-github-event': 'registry_package' })).status, 401, 'unsigned');
  assert.equal((await post(r, '/github', body, headers('sha1=0000'))).status, 401);
  assert.deepEqual(r.asked, []);
  assert.deepEqual((await post(r, '/github', body, headers(sign(body)))).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  assert.deepEqual(
    (await post(r, '/github', body, headers(sign(body)))).body,
    { events: 1, duplicates: 1, imports: 0, recorded: 0 },
    'a replay within the window',
  );
  assert.deepEqual(asked(r), ['app:prod']);
  const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  assert.deepEqual((await post(r, '/github', ping, { ...headers(sign(ping)), 'x-github-event': 'ping' })).body, {
    events: 0,
    duplicates: 0,
    imports: 0,
    recorded: 0,
  });
  const broken = JSON.stringify({ action: 'published', registry_package: {} });
  assert.equal((await post(r, '/github', broken, headers(sign(broken)))).status, 400);
});

test('CloudEvents: ACR ImagePushed through Event Grid, single and batch, with the token header; other types ask nothing', async (t) => {
  const r = await receiverFollowing(t, 'demo.azurecr.io/aci-helloworld:v1');
  const pushed = {
    id: '831e1650-001e-001b-66ab-eeb76e069631',
    specversion: '1.0',
    type: 'Microsoft.ContainerRegistry.ImagePushed',
    source: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/demo',
    subject: 'aci-helloworld:v1',
    time: '2018-04-25T21:39:47.6549614Z',
    data: {
      id: '31c51664-e5bd-416a-a5df-e5206bc47ed0',
      timestamp: '2018-04-25T21:39:47.276585742Z',
      action: 'push',
      target: {
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        size: 3023,
        digest,
        length: 3023,
        repository: 'aci-helloworld',
        tag: 'v1',
      },
      request: {
        id: '7c66f28b-de19-40a4-821c-6f5f6c0003a4',
        host: 'demo.azurecr.io',
        method: 'PUT',
        useragent: 'docker/18.03.0-ce',
      },
    },
  };
  const auth = { authorization: `Bearer ${token}` };
  assert.equal((await post(r, '/cloudevents', pushed, {}, CLOUDEVENTS_MEDIA_TYPE)).status, 401);
  assert.deepEqual((await post(r, '/cloudevents', pushed, auth, CLOUDEVENTS_MEDIA_TYPE)).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  const deleted = { ...pushed, id: 'x', type: 'Microsoft.ContainerRegistry.ImageDeleted' };
  const other = {
    ...pushed,
    id: 'y',
    data: { ...pushed.data, target: { ...pushed.data.target, tag: 'other', digest: undefined } },
  };
  assert.deepEqual((await post(r, '/cloudevents', [deleted, other], auth, CLOUDEVENTS_BATCH_MEDIA_TYPE)).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  assert.deepEqual(asked(r), ['app:prod', 'other:prod']);
  const notCloudEvent = await post(r, '/cloudevents', { type: 'x' }, auth, CLOUDEVENTS_MEDIA_TYPE);
  assert.equal(notCloudEvent.status, 400);
  assert.match(String(notCloudEvent.body.error), /not a CloudEvent 1\.0/);
  assert.equal(
    (await post(r, '/cloudevents', pushed, auth, 'application/json')).status,
    400,
    'binary mode is not read',
  );
});

test('an unknown path is 404 naming the senders', async (t) => {
  const r = await startReceiver(t, token);
  const answer = await post(r, '/ecr', {});
  assert.equal(answer.status, 404);
  assert.match(String(answer.body.error), /\/distribution, \/harbor, \/cloudevents, \/dockerhub, \/quay, \/github/);
});
