// CNCF Distribution notifications at the receiver: the envelope Distribution documents
// (docs/notifications.md), its shared token, and what is refused before anything is imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { DISTRIBUTION_EVENTS_MEDIA_TYPE, loadEventToken } from '../../src/events/index.js';
import type { KubeClient } from '../../src/cluster/index.js';
import { optIn, startReceiver, stream } from './receiver-support.js';

const scratch = scratchDir();

const token = 'secret-token-1';
const digest = `sha256:${'ab'.repeat(32)}`;

/** One push event as Distribution 2.8 sends it (fields from its notifications documentation). */
function pushEvent(
  repository: string,
  tag: string | undefined,
  host = 'registry.example.com:5000',
  d = digest,
): object {
  return {
    id: 'asdf-asdf-asdf-asdf-0',
    timestamp: '2026-12-01T13:00:00.000Z',
    action: 'push',
    target: {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      size: 708,
      digest: d,
      length: 708,
      repository,
      url: `https://${host}/v2/${repository}/manifests/${d}`,
      ...(tag ? { tag } : {}),
    },
    request: { id: 'asdfasdf', addr: '10.0.0.9:51000', host, method: 'PUT', useragent: 'docker/24.0' },
    actor: {},
    source: { addr: 'registry:5000', instanceID: 'abc' },
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${url}/distribution`, {
    method: 'POST',
    headers: { 'content-type': DISTRIBUTION_EVENTS_MEDIA_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

test('a tag push names exactly the opted-in stream tags that follow that repository and tag', async (t) => {
  const r = await startReceiver(t, token);
  r.putStream(
    stream(
      'app',
      [
        { name: 'prod', from: 'registry.example.com:5000/team/app:1' },
        { name: 'next', from: 'registry.example.com:5000/team/app:2' },
      ],
      optIn,
    ),
  );
  r.putStream(stream('pinned', [{ name: 'x', from: `registry.example.com:5000/team/app@${digest}` }], optIn));
  r.putStream(stream('not-opted', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }]));
  r.putStream(
    stream('per-tag', [
      { name: 'a', from: 'registry.example.com:5000/team/app:1', annotations: optIn },
      { name: 'b', from: 'registry.example.com:5000/team/app:1' },
    ]),
  );
  r.putStream(stream('other-host', [{ name: 'prod', from: 'mirror.example.com/team/app:1' }], optIn));

  const answer = await post(r.url, { events: [pushEvent('team/app', '1')] });
  assert.equal(answer.status, 202);
  assert.deepEqual(answer.body, { events: 1, duplicates: 0, imports: 2, recorded: 0 });
  assert.deepEqual(
    r.asked
      .flat()
      .map((f) => `${f.stream}:${f.tag}`)
      .sort(),
    ['app:prod', 'per-tag:a'],
  );
});

test('pulls, deletes and pushes by digest alone move no tag and ask for nothing; a deleted stream is forgotten', async (t) => {
  const r = await startReceiver(t, token);
  const app = stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn);
  r.putStream(app);
  const pull = { ...pushEvent('team/app', '1'), action: 'pull' };
  const answer = await post(r.url, { events: [pull, pushEvent('team/app', undefined)] });
  assert.equal(answer.status, 202);
  assert.deepEqual(answer.body, { events: 0, duplicates: 0, imports: 0, recorded: 0 });
  r.deleteStream(app);
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 0,
    imports: 0,
    recorded: 0,
  });
  assert.deepEqual(r.asked, []);
});

test('?registry= in the endpoint URL names the registry when pushers address it by another host', async (t) => {
  const r = await startReceiver(t, token);
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com/team/app:1' }], optIn));
  const answer = await fetch(`${r.url}/distribution?registry=registry.example.com`, {
    method: 'POST',
    headers: { 'content-type': DISTRIBUTION_EVENTS_MEDIA_TYPE, authorization: `Bearer ${token}` },
    body: JSON.stringify({ events: [pushEvent('team/app', '1', '10.1.2.3:5000')] }),
  });
  assert.equal(answer.status, 202);
  assert.deepEqual(
    r.asked.flat().map((f) => f.stream),
    ['app'],
  );
});

test('no token, a wrong token, or a token in the wrong scheme: 401 and nothing asked', async (t) => {
  const r = await startReceiver(t, token);
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const body = { events: [pushEvent('team/app', '1')] };
  const attempts: Array<Record<string, string>> = [
    {},
    { authorization: 'Bearer secret-token-2' },
    { authorization: `Basic ${token}` },
    { authorization: `Bearer ${token}x` },
  ];
  for (const headers of attempts) {
    const answer = await post(r.url, body, headers);
    assert.equal(answer.status, 401, JSON.stringify(headers));
    assert.match(String(answer.body.error), /token/);
  }
  assert.deepEqual(r.asked, []);
  assert.ok(r.log.some((l) => l.includes('bad or missing token')));
});

test('a custom token header carries the whole token; Authorization is then not enough', async (t) => {
  const r = await startReceiver(t, token, { tokenHeader: 'X-Registry-Token' });
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const body = { events: [pushEvent('team/app', '1')] };
  assert.equal((await post(r.url, body, { authorization: `Bearer ${token}` })).status, 401);
  assert.equal((await post(r.url, body, { 'x-registry-token': token })).status, 202);
  assert.equal(r.asked.length, 1);
});

test('malformed bodies: 400 naming what is wrong, and nothing asked', async (t) => {
  const r = await startReceiver(t, token);
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const cases: Array<[unknown, RegExp]> = [
    ['{"events": [', /not JSON/],
    [{ notEvents: [] }, /no "events" array/],
    [{ events: [{ action: 'push' }] }, /events\[0\] has no "action" and "target"/],
    [
      { events: [pushEvent('team/app', '1'), { action: 'push', target: { tag: '1' } }] },
      /events\[1\]\.target\.repository is missing/,
    ],
    [
      { events: [{ action: 'push', target: { repository: 'team/app', tag: 1 } }] },
      /events\[0\]\.target\.tag is not a string/,
    ],
    [{ events: [{ action: 'push', target: { repository: 'team/app', tag: '1' } }] }, /request\.host is missing/],
  ];
  for (const [body, message] of cases) {
    const answer = await post(r.url, body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.match(String(answer.body.error), message);
  }
  const wrongType = await fetch(`${r.url}/distribution`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body: '{}',
  });
  assert.equal(wrongType.status, 400);
  assert.deepEqual(r.asked, [], 'a batch with one bad event is refused whole');
});

test('duplicates within the window ask once; after it, for another digest, or for the tag moved back, again', async (t) => {
  let now = 1_000_000;
  const r = await startReceiver(t, token, { duplicateWindowMs: 10_000, now: () => now });
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const first = await post(r.url, { events: [pushEvent('team/app', '1'), pushEvent('team/app', '1')] });
  assert.deepEqual(first.body, { events: 2, duplicates: 1, imports: 1, recorded: 0 });
  now += 5_000;
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 1,
    imports: 0,
    recorded: 0,
  });
  const other = `sha256:${'cd'.repeat(32)}`;
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1', undefined, other)] })).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  // The tag moved back within the first event's window: not a repeat of it.
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  now += 10_000;
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
  assert.equal(r.asked.length, 4);
});

test('a push nothing followed is not remembered: the same push again once a stream follows the tag asks an import', async (t) => {
  const r = await startReceiver(t, token, { duplicateWindowMs: 10_000 });
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 0,
    imports: 0,
    recorded: 0,
  });
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  assert.deepEqual((await post(r.url, { events: [pushEvent('team/app', '1')] })).body, {
    events: 1,
    duplicates: 0,
    imports: 1,
    recorded: 0,
  });
});

test('a replica that does not import records the event for the leader and answers 202; when it cannot record, 503 so the sender retries, and the event is not counted as seen', async (t) => {
  let apiDown = true;
  const r = await startReceiver(t, token, {
    importing: () => false,
    recordError: () => (apiDown ? 'connect ECONNREFUSED 10.96.0.1:443' : undefined),
  });
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const refused = await post(r.url, { events: [pushEvent('team/app', '1')] });
  assert.equal(refused.status, 503);
  assert.match(String(refused.body.error), /could not record the event: connect ECONNREFUSED 10\.96\.0\.1:443; retry/);
  apiDown = false;
  const accepted = await post(r.url, { events: [pushEvent('team/app', '1')] });
  assert.equal(accepted.status, 202);
  assert.deepEqual(accepted.body, { events: 1, duplicates: 0, imports: 1, recorded: 1 });
  assert.deepEqual(r.recorded, [[{ namespace: 'ns', stream: 'app', tag: 'prod' }]]);
  assert.deepEqual(r.asked, [], 'nothing was imported on this replica');
});

test('after stop the receiver answers through its shutdown delay (a terminating pod still gets connections), then closes', async (t) => {
  const r = await startReceiver(t, token, { importing: () => false, shutdownDelayMs: 1000 });
  r.putStream(stream('app', [{ name: 'prod', from: 'registry.example.com:5000/team/app:1' }], optIn));
  const closed = r.stop();
  const during = await post(r.url, { events: [pushEvent('team/app', '1')] });
  assert.equal(during.status, 202);
  assert.equal(during.body.recorded, 1, 'recorded for the leader: this replica no longer imports');
  await closed;
  await assert.rejects(post(r.url, { events: [pushEvent('team/app', '1')] }), /fetch failed/);
});

test('the token comes from a file or a Secret key; a missing one is an error naming it', async () => {
  await writeFile(join(scratch, 'token'), `${token}\n`);
  const noApi = {} as KubeClient;
  assert.ok(
    (await loadEventToken(noApi, { file: join(scratch, 'token') })).accepts({ authorization: `Bearer ${token}` }),
  );
  await assert.rejects(
    loadEventToken(noApi, { file: join(scratch, 'absent') }),
    /cannot read the registry event token file .*absent/,
  );
  await writeFile(join(scratch, 'empty'), '\n');
  await assert.rejects(loadEventToken(noApi, { file: join(scratch, 'empty') }), /token is empty/);
  const api = {
    call: async () => ({ data: { token: Buffer.from(token).toString('base64') } }),
  } as unknown as KubeClient;
  const secret = { namespace: 'istream-system', name: 'events', key: 'token' };
  assert.ok((await loadEventToken(api, { secret })).accepts({ authorization: `Bearer ${token}` }));
  await assert.rejects(
    loadEventToken(api, { secret: { ...secret, key: 'other' } }),
    /Secret istream-system\/events has no key "other"/,
  );
});
