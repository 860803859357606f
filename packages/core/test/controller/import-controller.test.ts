// The import controller's queue and informer wiring, with fake caches, a fake registry and a fake
// stream writer: a stream change with a new spec generation imports the tag once, records the
// result through the conflict-safe update, counts and logs it; requests another replica recorded
// on the stream are imported and removed. Real imports are the cluster tests'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream, StreamChange } from '../../src/imagestream/index.js';
import { IMPORT_REQUESTS_ANNOTATION, importRequests } from '../../src/events/index.js';
import { ImportController } from '../../src/controller/import-controller.js';
import { createLogger } from '../../src/controller/log.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { StreamObject } from '../../src/controller/shared-informers.js';
import { FakeCaches, until } from './fake-caches.js';

const digest = `sha256:${'d4'.repeat(32)}`;

function stream(generation: number): StreamObject {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: 'app', generation },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' }, generation }] },
    status: { dockerImageRepository: '', tags: [] },
  } as unknown as ImageStream & StreamObject;
}

/**
 * A running import controller over fake caches; its writes land in the caches as a watch would
 * deliver them. `beforeWrite` changes the stored stream between the controller's read and its write.
 */
function startImports(beforeWrite: (stored: ImageStream) => ImageStream = (s) => s) {
  const caches = new FakeCaches();
  const resolved: string[] = [];
  const written: ImageStream[] = [];
  const lines: string[] = [];
  const metrics = new ControllerMetrics();
  const controller = new ImportController({
    caches,
    metrics,
    log: createLogger((l) => lines.push(l)),
    mayRead: async () => false,
    openSession: async () => ({
      source: {
        resolve: async (reference) => {
          resolved.push(reference);
          return { kind: 'ok' as const, value: { digest } };
        },
        listTags: async () => ({ kind: 'ok' as const, value: undefined }),
      },
      close: async () => undefined,
    }),
    update: async (
      _ns: string,
      name: string,
      change: (current: ImageStream | undefined) => StreamChange | undefined,
    ) => {
      const stored = caches.stream('app', name);
      const next = change(stored && beforeWrite(stored))?.stream;
      if (next) {
        written.push(next);
        caches.putStream(next as StreamObject);
      }
      return next;
    },
  });
  const scope = new AbortController();
  const running = controller.start(scope.signal);
  const stop = async () => {
    scope.abort();
    await running;
  };
  return { caches, resolved, written, lines, metrics, stop };
}

test('a spec generation the status has not answered is imported once and recorded; the answered stream is left alone', async () => {
  const { caches, resolved, written, lines, metrics, stop } = startImports();
  caches.putStream(stream(1));
  await until('the import recorded', () => written.length === 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(resolved, ['reg.test/ubi:8'], 'one registry lookup: the recorded status answers the generation');
  assert.equal(written[0]?.status?.tags?.[0]?.items?.[0]?.dockerImageReference, `reg.test/ubi@${digest}`);
  assert.equal(metrics.imports.get({ kind: 'spec', result: 'success' }), 1);
  assert.ok(
    lines.some((l) =>
      l.includes(
        ` info imported stream=app/ubi tag=8 from=reg.test/ubi:8 kind=spec digest=${digest} image=reg.test/ubi@${digest}`,
      ),
    ),
    lines.join('\n'),
  );
  await stop();
});

test('requests another replica recorded on the stream are imported as event imports and removed in the same write; one renewed meanwhile is imported again', async () => {
  let renewals = 1;
  // A standby records the same tag again between the import's read and its write, once.
  const { caches, resolved, written, metrics, stop } = startImports((stored) => {
    if (renewals === 0 || !stored.metadata.annotations?.[IMPORT_REQUESTS_ANNOTATION]) return stored;
    renewals--;
    const renewed = structuredClone(stored);
    renewed.metadata.annotations = {
      [IMPORT_REQUESTS_ANNOTATION]: '{"8":"2026-12-01T18:00:05.000Z","gone":"2026-12-01T18:00:00.000Z"}',
    };
    return renewed;
  });
  caches.putStream(stream(1));
  await until('the spec import recorded', () => written.length === 1);
  const requested = structuredClone(written[0]!) as StreamObject;
  requested.metadata!.annotations = {
    ...requested.metadata!.annotations,
    [IMPORT_REQUESTS_ANNOTATION]: '{"8":"2026-12-01T18:00:00.000Z","gone":"2026-12-01T18:00:00.000Z"}',
  };
  caches.putStream(requested);
  await until(
    'the requests served and removed',
    () => written.length >= 3 && Object.keys(importRequests(written.at(-1)!)).length === 0,
  );
  assert.deepEqual(
    importRequests(written[1]!),
    { '8': '2026-12-01T18:00:05.000Z' },
    'the renewed request outlived the import that read the older one; the tag the spec lacks was dropped',
  );
  assert.equal(resolved.length, 3, 'the spec import, the recorded request, the renewed request');
  assert.equal(metrics.imports.get({ kind: 'event', result: 'success' }), 2);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(resolved.length, 3, 'no request left, no further import');
  await stop();
});
