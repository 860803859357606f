import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidReferenceError,
  familiarString,
  isImageReference,
  parseImageReference,
  referenceString,
  withDigest,
  withTag,
} from '@istream/core/reference';

const sha = `sha256:${'ab'.repeat(32)}`;

// [input, fully-qualified, familiar] - the normalisations docker/distribution's ParseNormalizedNamed makes.
const valid: Array<[string, string, string]> = [
  ['ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['ubuntu:22.04', 'docker.io/library/ubuntu:22.04', 'ubuntu:22.04'],
  ['library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['docker.io/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['index.docker.io/ubuntu:1', 'docker.io/library/ubuntu:1', 'ubuntu:1'],
  ['index.docker.io/library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
  ['bitnami/redis:7', 'docker.io/bitnami/redis:7', 'bitnami/redis:7'],
  ['docker.io/library/foo/bar', 'docker.io/library/foo/bar', 'library/foo/bar'],
  ['localhost/app', 'localhost/app', 'localhost/app'],
  ['localhost:5000/team/app:tag', 'localhost:5000/team/app:tag', 'localhost:5000/team/app:tag'],
  [`127.0.0.1:5000/app@${sha}`, `127.0.0.1:5000/app@${sha}`, `127.0.0.1:5000/app@${sha}`],
  [`quay.io/openshift/cli:4.14@${sha}`, `quay.io/openshift/cli:4.14@${sha}`, `quay.io/openshift/cli:4.14@${sha}`],
  ['[::1]:5000/app', '[::1]:5000/app', '[::1]:5000/app'],
  // An uppercase first component cannot be a Docker Hub namespace, so distribution takes it as a host.
  ['Registry/app', 'Registry/app', 'Registry/app'],
  ['example.com/a__b/c.d/e-f/g--h_i', 'example.com/a__b/c.d/e-f/g--h_i', 'example.com/a__b/c.d/e-f/g--h_i'],
  [
    'registry.example.com:443/ns/app:v1.2.3-rc_1',
    'registry.example.com:443/ns/app:v1.2.3-rc_1',
    'registry.example.com:443/ns/app:v1.2.3-rc_1',
  ],
  [`app:${'t'.repeat(128)}`, `docker.io/library/app:${'t'.repeat(128)}`, `app:${'t'.repeat(128)}`],
];

for (const [input, full, familiar] of valid) {
  test(`parses "${input.length > 60 ? `${input.slice(0, 60)}...` : input}"`, () => {
    const ref = parseImageReference(input);
    assert.equal(referenceString(ref), full);
    assert.equal(familiarString(ref), familiar);
    assert.equal(isImageReference(input), true);
    // Normalising is idempotent: the fully-qualified and familiar forms name the same image.
    assert.deepEqual(parseImageReference(full), ref);
    assert.deepEqual(parseImageReference(familiar), ref);
  });
}

test('splits domain, path, tag and digest', () => {
  assert.deepEqual(parseImageReference(`localhost:5000/a/b:v1@${sha}`), {
    domain: 'localhost:5000',
    path: 'a/b',
    tag: 'v1',
    digest: sha,
  });
  assert.deepEqual(parseImageReference('nginx'), { domain: 'docker.io', path: 'library/nginx' });
});

// [input, the reason the error must give]
const invalid: Array<[string, string]> = [
  ['', 'the reference is empty'],
  ['Foo:bar', 'repository name must be lowercase'],
  ['quay.io/Team/app', 'repository name must be lowercase'],
  ['ubuntu:', 'the tag after ":" is empty'],
  ['ubuntu:-rc', 'invalid tag "-rc"'],
  [`ubuntu:${'t'.repeat(129)}`, `invalid tag "${'t'.repeat(129)}"`],
  ['ubuntu@sha256:abc', 'invalid digest "sha256:abc"'],
  [`ubuntu@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm "md5"'],
  [`ubuntu@sha256:${'AB'.repeat(32)}`, 'must be lowercase hexadecimal'],
  [`ubuntu@sha256:${'a'.repeat(63)}`, 'invalid digest'],
  ['a//b', 'empty component'],
  ['quay.io/app/', 'empty component'],
  ['quay.io/app_/x', 'invalid repository path component "app_"'],
  ['-app', 'invalid repository path component "-app"'],
  ['foo bar', 'invalid repository path component "foo bar"'],
  ['host_name:5000/app', 'invalid registry host "host_name:5000"'],
  ['localhost:port/app', 'invalid registry host "localhost:port"'],
  ['a'.repeat(64), 'image ID, not a repository name'],
  [`quay.io/${'a'.repeat(250)}`, 'must not be more than 255 characters'],
];

for (const [input, reason] of invalid) {
  test(`rejects "${input.length > 60 ? `${input.slice(0, 60)}...` : input}": ${reason.slice(0, 50)}`, () => {
    assert.throws(
      () => parseImageReference(input),
      (e: unknown) => {
        assert.ok(e instanceof InvalidReferenceError);
        assert.ok(e.message.startsWith(`invalid reference "${input}": `), e.message);
        assert.ok(e.message.includes(reason), `"${e.message}" should say "${reason}"`);
        return true;
      },
    );
    assert.equal(isImageReference(input), false);
  });
}

test('the message for an uppercase Docker Hub name matches the documented wording', () => {
  assert.throws(() => parseImageReference('Foo:bar'), {
    message: 'invalid reference "Foo:bar": repository name must be lowercase',
  });
});

test('withTag and withDigest validate what they add', () => {
  const ref = parseImageReference(`ubuntu:22.04@${sha}`);
  assert.equal(familiarString(withTag(ref, '24.04')), 'ubuntu:24.04');
  assert.equal(familiarString(withDigest(parseImageReference('ubuntu:22.04'), sha)), `ubuntu:22.04@${sha}`);
  assert.throws(() => withTag(ref, '.bad'), InvalidReferenceError);
  assert.throws(() => withDigest(ref, 'sha256:xyz'), /invalid digest "sha256:xyz"/);
});
