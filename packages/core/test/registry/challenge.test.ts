import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from '@istream/core/registry';

test('reads a Bearer challenge with realm, service and scope', () => {
  assert.deepEqual(
    parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
    ),
    [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/ubuntu:pull',
        },
      },
    ],
  );
});

test('reads a Basic challenge and several challenges in one header', () => {
  assert.deepEqual(parseChallenges('Basic realm="istream test registry"'), [
    { scheme: 'basic', params: { realm: 'istream test registry' } },
  ]);
  assert.deepEqual(parseChallenges('Basic realm="a, b", Bearer realm="https://x/token", error="insufficient_scope"'), [
    { scheme: 'basic', params: { realm: 'a, b' } },
    { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
  ]);
});

test('unquotes escapes and accepts unquoted values and odd spacing', () => {
  assert.deepEqual(parseChallenges('bearer  Realm = "https://x/t?a=\\"b\\"" , service=svc'), [
    { scheme: 'bearer', params: { realm: 'https://x/t?a="b"', service: 'svc' } },
  ]);
  assert.deepEqual(parseChallenges(''), []);
});
