import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  MediaType,
  allManifestFixtures,
  fixtureSet,
  sha256Digest,
  type ManifestFixture,
} from '../src/registry/index.js';
import { fixturePlan } from '../src/registry/fixture-set.js';
import { deterministicGzip } from '../src/registry/gzip.js';
import { buildImage } from '../src/registry/image-builder.js';

/** Runs a command with `input` on its stdin and resolves with its stdout bytes; rejects if it fails. */
function runWithInput(command: string, args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'buffer' }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
}

interface Descriptor {
  mediaType: string;
  digest: string;
  platform?: { architecture: string; os: string; variant?: string };
}

function parse<T>(fixture: ManifestFixture): T {
  return JSON.parse(fixture.bytes.toString('utf8')) as T;
}

describe('fixture bytes', () => {
  test('are the same on every machine (golden digests)', () => {
    // Pinned on purpose: a zlib, Node or platform dependency in the builders changes these, and
    // then every test that names a fixture digest by value would disagree between machines. The
    // runnable images embed Debian 12's busybox-static, whose version the builder checks.
    const set = fixtureSet();
    assert.equal(set.floating.A.digest, 'sha256:1598705642daf3e140331008fbacbb72f1931330c8f579b7f31bc93b30fdbbdd');
    assert.equal(set.floating.B.digest, 'sha256:b8a7d4866f6d3515a7138f1a99a6caa83ebb345e3e88ca644c7c54df2557b052');
    const all = allManifestFixtures(set)
      .map((fixture) => fixture.digest)
      .join('\n');
    assert.equal(
      sha256Digest(Buffer.from(all)),
      'sha256:37c6fc57573c308351f4269f2149e273796cf2b44841d04dba0f9cfb5020152d',
    );
  });

  test("a runnable image's layer has busybox executable, its applets as symlinks and /bin/bash handing over to sh", async () => {
    const layer = fixturePlan().floatingImages.A.blobs[1]!;
    const listing = (await runWithInput('tar', ['-tvzf', '-', '--utc', '--numeric-owner'], layer.bytes)).toString(
      'utf8',
    );
    const entries = listing
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .filter((fields) => fields[5]!.startsWith('bin/'));
    assert.deepEqual(
      entries.map((f) => [f[0], f[1], f.slice(5).join(' ')]),
      [
        ['drwxr-xr-x', '0/0', 'bin/'],
        ['-rwxr-xr-x', '0/0', 'bin/busybox'],
        ...['sh', 'ls', 'cat', 'sleep'].map((applet) => ['lrwxrwxrwx', '0/0', `bin/${applet} -> busybox`]),
        ['-rwxr-xr-x', '0/0', 'bin/bash'],
      ],
    );
    const busybox = gunzipSync(layer.bytes).subarray(1024, 1028);
    assert.deepEqual(busybox, Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'bin/busybox is an ELF binary');
  });

  test('a layer is a gzip tar that GNU tar lists with root ownership and a fixed mtime', async () => {
    const image = buildImage({
      format: 'docker',
      platform: { architecture: 'amd64', os: 'linux' },
      created: '2019-07-16T13:42:09Z',
      files: [
        { path: 'root/' },
        { path: 'root/buildinfo/' },
        { path: 'root/buildinfo/Dockerfile-x', content: 'FROM scratch\n' },
      ],
      labels: {},
      createdBy: 'test',
    });
    const layer = image.blobs.find((blob) => blob.mediaType === MediaType.dockerLayerGzip)!;
    const listing = (await runWithInput('tar', ['-tvzf', '-', '--utc', '--numeric-owner'], layer.bytes)).toString(
      'utf8',
    );
    assert.deepEqual(
      listing
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)),
      [
        ['drwxr-xr-x', '0/0', '0', '2019-01-01', '00:00', 'root/'],
        ['drwxr-xr-x', '0/0', '0', '2019-01-01', '00:00', 'root/buildinfo/'],
        ['-rw-r--r--', '0/0', '13', '2019-01-01', '00:00', 'root/buildinfo/Dockerfile-x'],
      ],
    );
    const config = JSON.parse(image.blobs[0]!.bytes.toString('utf8')) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(config.rootfs.diff_ids, [sha256Digest(gunzipSync(layer.bytes))]);
  });

  test('deterministic gzip round-trips data larger than one stored block, also through gzip(1)', async () => {
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const gz = deterministicGzip(data);
    assert.deepEqual(gunzipSync(gz), data);
    assert.deepEqual(deterministicGzip(data), gz);
    assert.deepEqual(await runWithInput('gzip', ['-dc'], gz), data);
  });
});

describe('fixture set', () => {
  const set = fixtureSet();

  test('images A and B of the floating tag differ in build-info file and created time', () => {
    const { A, B } = fixturePlan().floatingImages;
    const [configA, configB] = [A, B].map(
      (image) =>
        JSON.parse(image.blobs[0]!.bytes.toString('utf8')) as {
          created: string;
          config: { Labels: Record<string, string> };
        },
    );
    assert.equal(configA!.created, '2019-07-16T13:42:09Z');
    assert.equal(configB!.created, '2019-08-27T12:16:38Z');
    assert.equal(configA!.config.Labels.release, '122');
    assert.equal(configB!.config.Labels.release, '154');
    const layerText = (image: typeof A): string => gunzipSync(image.blobs[1]!.bytes).toString('latin1');
    assert.ok(layerText(A).includes('root/buildinfo/Dockerfile-ubi8-8.0-122'));
    assert.ok(layerText(B).includes('root/buildinfo/Dockerfile-ubi8-8.0-154'));
    assert.equal(set.floating.A.tag, '8.0-122');
    assert.equal(set.floating.B.tag, '8.0-154');
    assert.equal(`${set.floating.repository}:${set.floating.tag}`, 'ubi:8');
  });

  test('the OCI index and the Docker manifest list each list linux/amd64 and linux/arm64/v8 images of their own kind', () => {
    for (const [index, mediaType, childType] of [
      [set.ociIndex, MediaType.ociIndex, MediaType.ociManifest],
      [set.dockerManifestList, MediaType.dockerManifestList, MediaType.dockerManifest],
    ] as const) {
      assert.equal(index.mediaType, mediaType);
      const { manifests } = parse<{ manifests: Descriptor[] }>(index);
      assert.deepEqual(
        manifests.map((m) => [m.mediaType, m.digest, m.platform]),
        [
          [childType, index.amd64.digest, { architecture: 'amd64', os: 'linux' }],
          [childType, index.arm64.digest, { architecture: 'arm64', os: 'linux', variant: 'v8' }],
        ],
      );
    }
    assert.equal(set.dockerSchema2.mediaType, MediaType.dockerManifest);
  });
});
