// -v=6 request lines: the cluster's in kubectl's form, the registry's as `digest -v` printed them;
// nothing below level 6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferIO } from '../../src/io.js';
import { requestLog } from '../../src/request-log.js';

const at = new Date(2026, 11, 1, 12, 34, 56, 789);
const pid = String(process.pid).padStart(7);

test("a cluster request is logged with klog's header and client-go's fields", () => {
  const io = bufferIO();
  const log = requestLog(6, io.err, () => at);
  log.kube?.({
    method: 'GET',
    url: 'https://127.0.0.1:6443/apis/image.openshift.io/v1/namespaces/x/imagestreams',
    status: 200,
    durationMs: 5.4,
  });
  log.kube?.({
    method: 'PUT',
    url: 'https://127.0.0.1:6443/apis/image.openshift.io/v1/namespaces/x/imagestreams/a',
    status: 409,
    durationMs: 12,
  });
  log.kube?.({ method: 'GET', url: 'https://127.0.0.1:1/api', status: undefined, durationMs: 0.2 });
  assert.equal(
    io.stderr(),
    [
      `I1201 12:34:56.789000 ${pid} round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:6443/apis/image.openshift.io/v1/namespaces/x/imagestreams" status="200 OK" milliseconds=5`,
      `I1201 12:34:56.789000 ${pid} round_trippers.go:632] "Response" verb="PUT" url="https://127.0.0.1:6443/apis/image.openshift.io/v1/namespaces/x/imagestreams/a" status="409 Conflict" milliseconds=12`,
      `I1201 12:34:56.789000 ${pid} round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:1/api" status="" milliseconds=0`,
      '',
    ].join('\n'),
  );
  assert.equal(io.stdout(), '');
});

test('a registry request is logged as digest -v has always printed it', () => {
  const io = bufferIO();
  const log = requestLog(7, io.err, () => at);
  log.registry?.({
    registry: 'quay.io',
    kind: 'manifest',
    method: 'HEAD',
    url: 'https://quay.io/v2/a/manifests/1',
    status: 200,
    durationMs: 31.6,
    attempt: 1,
  });
  log.registry?.({
    registry: 'quay.io',
    kind: 'manifest',
    method: 'GET',
    url: 'https://quay.io/v2/a/manifests/1',
    status: 0,
    durationMs: 3,
    attempt: 2,
  });
  assert.equal(
    io.stderr(),
    'HEAD https://quay.io/v2/a/manifests/1 200 in 32ms\nGET https://quay.io/v2/a/manifests/1 no answer in 3ms (attempt 2)\n',
  );
});

test('below -v=6 nothing is logged and the clients are given no hook', () => {
  const log = requestLog(5, bufferIO().err);
  assert.equal(log.kube, undefined);
  assert.equal(log.registry, undefined);
});
