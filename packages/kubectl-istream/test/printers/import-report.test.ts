// import-image's report where the real registry cannot put it: a repository import in which one
// tag fails (oc reports it as `repository tag X failed` and still exits 0), docker/go-units'
// size rounding, and an image that repeats a layer (OpenShift counts it once in the size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TagImportResult } from '@istream/core/imagestream';
import { reportImport } from '../../src/import-output.js';
import { bufferIO } from '../../src/io.js';
import { describeImportedImage, humanSize } from '../../src/printers/describe-image.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

test('humanSize rounds as docker/go-units HumanSize does', () => {
  assert.deepEqual([0, 999, 1000, 1_234_567, 27_090_000, 999_950, 3_500_000_000].map(humanSize), [
    '0B',
    '999B',
    '1kB',
    '1.235MB',
    '27.09MB',
    '1000kB',
    '3.5GB',
  ]);
});

test('a repository import whose tag failed: `repository tag X failed`, the stream "imported", exit 0', () => {
  const request = (tag: string) => ({
    tag,
    from: `quay.io/team/app:${tag}`,
    importPolicy: {},
    referencePolicy: { type: 'Source' as const },
  });
  const results: TagImportResult[] = [
    {
      request: request('1'),
      outcome: { ok: true, image: digest('a'), dockerImageReference: `quay.io/team/app@${digest('a')}` },
    },
    { request: request('2'), outcome: { ok: false, reason: 'NotFound', message: 'not found' } },
  ];
  const io = bufferIO();
  reportImport(io, 'app', undefined, results, { dryRun: false, now: new Date(), repository: true });
  assert.equal(io.stderr(), 'error: repository tag 2 failed: not found\n');
  assert.throws(
    () => reportImport(bufferIO(), 'app', undefined, results, { dryRun: false, now: new Date() }),
    /imported completed with errors/,
    'the same failure in an import of named tags fails the command',
  );
});

test('the image size counts the config and each distinct layer once', () => {
  const text = describeImportedImage(
    {
      name: 'app:1',
      dockerImageReference: `quay.io/team/app@${digest('a')}`,
      digest: digest('a'),
      created: undefined,
      details: {
        kind: 'image',
        configSize: 1_000,
        layers: [
          { digest: digest('1'), size: 2_000_000 },
          { digest: digest('2'), size: 500 },
          { digest: digest('1'), size: 2_000_000 },
        ],
        config: { architecture: 'arm64', config: { Entrypoint: ['/init'], Env: ['A=1', 'B=2'] } },
      },
    },
    new Date(),
  );
  assert.match(
    text,
    /\nImage Size:\t2\.002MB in 3 layers\nLayers:\t\t2MB\tsha256:1+\n\t\t500B\tsha256:2+\n\t\t2MB\tsha256:1+\n/,
  );
  assert.match(
    text,
    /\nArch:\t\tarm64\nEntrypoint:\t\/init\nWorking Dir:\t<none>\n/,
    'no Command line after an Entrypoint',
  );
  assert.match(text, /\nEnvironment:\tA=1\n\t\tB=2\n$/);
});
