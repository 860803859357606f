// The import controller's queue and informer wiring, with fake caches, a fake registry and a fake
// stream writer: a stream change with a new spec generation imports the tag once, records the
// result through the conflict-safe update, counts and logs it. Real imports are the cluster tests'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream, StreamChange } from '../../src/imagestream/index.js';
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

test('a spec generation the status has not answered is imported once and recorded; the answered stream is left alone', async () => {
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
      const next = change(caches.stream('app', name))?.stream;
      if (next) {
        written.push(next);
        caches.putStream(next as StreamObject);
      }
      return next;
    },
  });
  const scope = new AbortController();
  const running = controller.start(scope.signal);
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
  scope.abort();
  await running;
});
