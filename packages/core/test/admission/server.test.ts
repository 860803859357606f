// The admission server's start-up as a caller sees it: whoever waits for it to listen learns why it
// never will, instead of waiting forever once the rest of the controller has stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdmissionServer } from '../../src/admission/server.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';

test('listening rejects with the reason the server could not start, and start() fails with it', async () => {
  const refusal = new Error('Secret istream-system/istream-admission-tls exists but was not created by istream');
  const server = new AdmissionServer({
    bindAddress: '127.0.0.1:0',
    streams: () => undefined,
    synced: () => Promise.resolve(),
    tls: { reconcile: () => Promise.reject(refusal) },
    rotationCheckMs: 3_600_000,
    clock: () => new Date(),
    log: { info: () => undefined, warning: () => undefined, error: () => undefined },
    metrics: new ControllerMetrics(),
  });
  const started = server.start(new AbortController().signal);
  await assert.rejects(server.listening, refusal);
  await assert.rejects(started, refusal);
});
