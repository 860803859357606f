import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureOutcome, importTags, planRepositoryImport, type ImageSource } from '../../src/imagestream/index.js';

// A stand-in for the registry client port: these tests are about how answers and errors become
// tag outcomes; the real registry is exercised in the CLI tests.
function source(
  digests: Record<string, string>,
  tags: string[] = [],
): ImageSource & { asked: Array<[string, string]> } {
  const asked: Array<[string, string]> = [];
  return {
    asked,
    async resolve(reference, options) {
      asked.push([reference, options.importMode]);
      const digest = digests[reference];
      if (digest === undefined) return { kind: 'not-found', message: 'manifest unknown' };
      return { kind: 'ok', value: { digest } };
    },
    async listTags(_reference, { onPage }) {
      onPage(tags);
      return { kind: 'ok', value: undefined };
    },
  };
}

test('each request becomes an outcome; failures carry OpenShift reason and message', async () => {
  const results = await importTags(source({ 'reg:5000/a:1': 'sha256:1' }), [
    {
      tag: '1',
      from: 'reg:5000/a:1',
      importPolicy: { importMode: 'PreserveOriginal' },
      referencePolicy: { type: 'Source' },
    },
    { tag: '2', from: 'reg:5000/a:2', importPolicy: {}, referencePolicy: { type: 'Source' } },
  ]);
  assert.deepEqual(
    results.map((r) => r.outcome),
    [
      { ok: true, image: 'sha256:1', dockerImageReference: 'reg:5000/a@sha256:1' },
      { ok: false, reason: 'NotFound', message: 'dockerimage.image.openshift.io "reg:5000/a:2" not found' },
    ],
  );
});

test('error kinds map to the wording users know from oc describe', () => {
  assert.deepEqual(failureOutcome('r:1', { kind: 'unauthorized', message: 'x' }), {
    ok: false,
    reason: 'Unauthorized',
    message: 'you may not have access to the container image "docker.io/library/r:1"',
    detail: 'x',
  });
  assert.deepEqual(
    failureOutcome('nohost.invalid/r:1', { kind: 'other', message: 'getaddrinfo ENOTFOUND nohost.invalid' }),
    {
      ok: false,
      reason: 'InternalError',
      message: 'Internal error occurred: nohost.invalid/r:1: getaddrinfo ENOTFOUND nohost.invalid',
    },
  );
});

test("failures name the reference as OpenShift's importer normalises it; an invalid one stays as typed", () => {
  const notFound = (reference: string) =>
    failureOutcome(reference, { kind: 'not-found', message: 'manifest unknown' }).message;
  assert.equal(notFound('nginx'), 'dockerimage.image.openshift.io "docker.io/library/nginx:latest" not found');
  assert.equal(
    notFound('index.docker.io/bitnami/redis:7'),
    'dockerimage.image.openshift.io "docker.io/bitnami/redis:7" not found',
  );
  assert.equal(
    notFound(`quay.io/x/y:1@sha256:${'a'.repeat(64)}`),
    `dockerimage.image.openshift.io "quay.io/x/y@sha256:${'a'.repeat(64)}" not found`,
  );
  assert.equal(
    failureOutcome('Bad/Name', { kind: 'invalid-reference', message: 'repository name must be lowercase' }).message,
    'from.name: Invalid value: "Bad/Name": invalid name: repository name must be lowercase',
  );
});

test('a repository import plans the prioritised tags from <repository>:<tag>', async () => {
  const plan = await planRepositoryImport(
    source({}, ['1.0', 'latest', 'zzz']),
    'reg:5000/many',
    { importPolicy: {}, referencePolicy: { type: 'Source' } },
    2,
  );
  assert.deepEqual(
    plan.requests.map((r) => [r.tag, r.from]),
    [
      ['latest', 'reg:5000/many:latest'],
      ['1.0', 'reg:5000/many:1.0'],
    ],
  );
  assert.deepEqual(plan.additionalTags, ['zzz']);
});
