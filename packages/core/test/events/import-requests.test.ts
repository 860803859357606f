// The hand-off of registry events from a replica that does not import to the leader, through an
// annotation on the stream: what a standby writes, and what the leader's import removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream, StreamChange } from '../../src/imagestream/index.js';
import {
  IMPORT_REQUESTS_ANNOTATION,
  importRequests,
  recordImportRequests,
  withImportRequests,
  withoutServedRequests,
} from '../../src/events/index.js';

const t1 = new Date('2026-12-01T18:00:00.000Z');
const t2 = new Date('2026-12-01T18:00:05.000Z');

function stream(name: string, annotations?: Record<string, string>): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: 'ns', resourceVersion: '7', annotations },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' } }] },
  };
}

const unchanged = (s: ImageStream): StreamChange => ({
  stream: structuredClone(s),
  changed: false,
  specChanged: false,
  statusChanged: false,
});

test('a standby adds or renews requests for the tags an event named, beside the other annotations and requests', () => {
  const first = withImportRequests(stream('ubi', { team: 'a' }), ['8'], t1);
  assert.deepEqual(first?.stream.metadata.annotations, {
    team: 'a',
    [IMPORT_REQUESTS_ANNOTATION]: '{"8":"2026-12-01T18:00:00.000Z"}',
  });
  assert.deepEqual(
    { changed: first?.changed, specChanged: first?.specChanged, statusChanged: first?.statusChanged },
    { changed: true, specChanged: true, statusChanged: false },
    'metadata goes to the main resource, never the status subresource',
  );
  const renewed = withImportRequests(first!.stream, ['9', '8'], t2);
  assert.deepEqual(importRequests(renewed!.stream), {
    '8': '2026-12-01T18:00:05.000Z',
    '9': '2026-12-01T18:00:05.000Z',
  });
  assert.equal(withImportRequests(undefined, ['8'], t1), undefined, 'a deleted stream has nothing to import');
});

test('a request value someone mangled is no request, and the next event writes a clean one', () => {
  for (const value of ['not json', '[1]', '{"8": 5}', 'null']) {
    assert.deepEqual(importRequests(stream('ubi', { [IMPORT_REQUESTS_ANNOTATION]: value })), {}, value);
  }
  const next = withImportRequests(stream('ubi', { [IMPORT_REQUESTS_ANNOTATION]: 'not json' }), ['8'], t1);
  assert.deepEqual(importRequests(next!.stream), { '8': t1.toISOString() });
});

test("the leader's import removes the requests it served, keeps one renewed since, and drops tags no longer imported", () => {
  const requests = JSON.stringify({ '8': t2.toISOString(), '9': t1.toISOString(), gone: t1.toISOString() });
  const current = stream('ubi', { [IMPORT_REQUESTS_ANNOTATION]: requests });
  // The import read 8 and 9 at t1; a standby renewed 8 at t2 before the write.
  const change = withoutServedRequests(
    unchanged(current),
    { '8': t1.toISOString(), '9': t1.toISOString() },
    (tag) => tag !== 'gone',
  );
  assert.deepEqual(importRequests(change.stream), { '8': t2.toISOString() });
  assert.equal(change.changed && change.specChanged, true);

  const served = withoutServedRequests(unchanged(change.stream), { '8': t2.toISOString() }, () => true);
  assert.equal(served.stream.metadata.annotations?.[IMPORT_REQUESTS_ANNOTATION], undefined, 'no empty annotation left');
  const nothing = withoutServedRequests(unchanged(stream('ubi')), {}, () => true);
  assert.equal(nothing.changed, false, 'a stream without requests is not written for them');
});

test('recording writes each stream once, whatever number of its tags the event named', async () => {
  const stored = new Map([
    ['ubi', stream('ubi')],
    ['app', stream('app')],
  ]);
  const writes: string[] = [];
  await recordImportRequests(
    [
      { namespace: 'ns', stream: 'ubi', tag: '8' },
      { namespace: 'ns', stream: 'app', tag: '1' },
      { namespace: 'ns', stream: 'ubi', tag: 'latest' },
    ],
    async (namespace, name, change) => {
      writes.push(`${namespace}/${name}`);
      const next = change(stored.get(name));
      if (next) stored.set(name, next.stream);
    },
    t1,
  );
  assert.deepEqual(writes.sort(), ['ns/app', 'ns/ubi']);
  assert.deepEqual(importRequests(stored.get('ubi')!), { '8': t1.toISOString(), latest: t1.toISOString() });
  await assert.rejects(
    recordImportRequests(
      [{ namespace: 'ns', stream: 'ubi', tag: '8' }],
      async () => Promise.reject(new Error('forbidden')),
      t1,
    ),
    /forbidden/,
    'a failed write reaches the receiver, which answers 503',
  );
});
