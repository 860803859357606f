import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidPlatformError,
  formatPlatform,
  parsePlatform,
  platformMatches,
  selectLegacy,
  selectPlatform,
  type IndexEntry,
} from '@istream/core/registry';

const entry = (digit: string, os: string, architecture: string, variant?: string): IndexEntry => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${digit.repeat(64)}`,
  size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

test('parses and formats os/arch[/variant]', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('Linux/AMD64'), { os: 'linux', architecture: 'amd64' });
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
  for (const bad of ['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/amd 64']) {
    assert.throws(() => parsePlatform(bad), InvalidPlatformError, bad);
  }
  assert.throws(() => parsePlatform('linux'), {
    message: 'invalid platform "linux": use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8',
  });
});

// [wanted, offered, match?] - containerd's normalisation: arm64 means arm64/v8, aarch64 is arm64, ...
const matches: Array<[string, string, boolean]> = [
  ['linux/arm64', 'linux/arm64/v8', true],
  ['linux/arm64/v8', 'linux/arm64', true],
  ['linux/aarch64', 'linux/arm64/v8', true],
  ['linux/x86_64', 'linux/amd64', true],
  ['linux/arm', 'linux/arm/v7', true],
  ['linux/arm', 'linux/arm/v6', false],
  ['linux/amd64', 'linux/arm64', false],
  ['windows/amd64', 'linux/amd64', false],
];
for (const [want, have, expected] of matches) {
  test(`${want} ${expected ? 'matches' : 'does not match'} ${have}`, () => {
    assert.equal(platformMatches(parsePlatform(want), parsePlatform(have)), expected);
  });
}

test('selectPlatform picks the matching child or nothing', () => {
  const entries = [entry('a', 'linux', 'amd64'), entry('b', 'linux', 'arm64', 'v8')];
  assert.equal(selectPlatform(entries, parsePlatform('linux/arm64'))?.digest, entries[1]?.digest);
  assert.equal(selectPlatform(entries, parsePlatform('linux/s390x')), undefined);
});

test('selectLegacy follows OpenShift: preferred os/arch, then linux/amd64, then the first', () => {
  const amd = entry('a', 'linux', 'amd64');
  const arm = entry('b', 'linux', 'arm64', 'v8');
  const ppc = entry('c', 'linux', 'ppc64le');
  assert.equal(selectLegacy([arm, amd, ppc]), amd, 'no preference: linux/amd64');
  assert.equal(selectLegacy([amd, arm, ppc], { architecture: 'arm64' }), arm, 'prefer-arch, variant ignored');
  assert.equal(
    selectLegacy([amd, arm], { os: 'windows', architecture: 'arm64' }),
    amd,
    'an absent preference falls back to linux/amd64',
  );
  assert.equal(selectLegacy([ppc, arm]), ppc, 'no amd64: the first');
  assert.equal(selectLegacy([]), undefined);
});
