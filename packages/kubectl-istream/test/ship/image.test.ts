// The controller image: reproducible, one index for amd64 and arm64, non-root, and what it runs.
// Built the way `npm run image` builds it (layer compression is cached across builds, the layers'
// tar streams are rebuilt and hashed every time).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImageLayout, OciLayout } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'istream-image-test-'));
// Two OCI layouts of about 100 MB each.
after(() => rmSync(dir, { recursive: true, force: true }));
const first = new OciLayout(join(dir, 'first'));
const second = new OciLayout(join(dir, 'second'));
const firstDigest = buildImageLayout(first.dir);
const secondDigest = buildImageLayout(second.dir);

test('two builds of the same commit give the same index digest', () => {
  assert.match(firstDigest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(secondDigest, firstDigest);
  assert.equal(first.index().digest, firstDigest);
  assert.deepEqual(readFileSync(join(second.dir, 'index.json')), readFileSync(join(first.dir, 'index.json')));
});

test('the index has a linux/amd64 and a linux/arm64 image, each built for its platform', () => {
  const platforms = first.index().manifests.map((m) => m.platform);
  assert.deepEqual(platforms, [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ]);
  for (const [architecture, elfMachine] of [
    ['amd64', 'Advanced Micro Devices X86-64'],
    ['arm64', 'AArch64'],
  ] as const) {
    const { config, layers } = first.image(architecture);
    assert.equal(config.architecture, architecture);
    // The node binary in the image is the platform's own, per its ELF header.
    const node = execFileSync('tar', ['-xzOf', layers[0]!, 'usr/local/bin/node'], { maxBuffer: 512 * 1024 * 1024 });
    const machine = node.readUInt16LE(18);
    assert.equal(
      machine,
      architecture === 'amd64' ? 0x3e : 0xb7,
      `${architecture}: ELF machine of node (${elfMachine})`,
    );
  }
});

test('the config runs the controller as a non-root user', () => {
  for (const architecture of ['amd64', 'arm64']) {
    const { config } = first.image(architecture);
    const [uid, gid] = (config.config.User ?? '').split(':').map(Number);
    assert.ok(
      Number.isInteger(uid) && uid! > 0 && Number.isInteger(gid) && gid! > 0,
      `User ${config.config.User} is numeric and not root`,
    );
    assert.deepEqual(config.config.Cmd, ['controller']);
    assert.match(config.config.Entrypoint!.join(' '), /^\/usr\/local\/bin\/node \S+\/kubectl-istream\.mjs$/);
  }
});

test('every layer entry is owned by root with one fixed mtime, in sorted order', () => {
  const { layers } = first.image('amd64');
  for (const layer of layers) {
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', layer], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    assert.deepEqual([...new Set(listing.map((f) => f[1]))], ['0/0'], 'owners');
    assert.equal(new Set(listing.map((f) => `${f[3]} ${f[4]}`)).size, 1, 'mtimes');
    const paths = listing.map((f) => f[5]!.replace(/\/$/, ''));
    assert.deepEqual(paths, [...paths].sort(), 'order');
    // Symlinks are lrwxrwxrwx by nature; their targets' modes are what counts.
    const writable = listing.filter((f) => !f[0]!.startsWith('l') && /^.{5}w|^.{8}w/.test(f[0]!));
    assert.deepEqual(
      writable.map((f) => f[5]),
      [],
      'nothing writable by group or others',
    );
  }
});
