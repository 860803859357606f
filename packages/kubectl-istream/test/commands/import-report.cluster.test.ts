// import-image's report against a real registry and API server, as a script reading oc's output
// sees it (standard output and error merged, as `2>&1`): the stream, then one block per imported
// image in oc's DescribeImage layout, and on a partial failure the per-tag error lines first and
// oc's `imported completed with errors` last.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pushFixtures, startRegistry, type Fixtures, type RegistryInstance } from '@istream/test-harness';
import { runCli } from '../../src/program.js';
import { clusterWithCrd, type Cluster } from '../controller/support.js';

let cluster: Cluster;
let registry: RegistryInstance;
let fixtures: Fixtures;
let namespace: string;

before(async () => {
  cluster = await clusterWithCrd();
  registry = await startRegistry({ mode: 'plain' });
  fixtures = await pushFixtures(registry);
  namespace = await cluster.createNamespace('import-report');
});

after(async () => {
  await cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
  await registry.stop();
});

/** Runs the CLI with standard output and error written to one stream, in the order written. */
async function merged(...args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const write = (t: string) => {
    text += t;
  };
  const io = { out: { write, isTTY: false }, err: { write, isTTY: false }, readStdin: async () => '' };
  const code = await runCli([...args, '--kubeconfig', cluster.kubeconfig, '-n', namespace], {
    io,
    env: { PATH: process.env.PATH, HOME: '/nonexistent' },
  });
  return { code, text };
}

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The manifest's layers as the fixture pushed them: what the block's Layers lines must list, in order. */
function layerDigests(bytes: Buffer): string[] {
  return (JSON.parse(bytes.toString('utf8')) as { layers: Array<{ digest: string }> }).layers.map((l) => l.digest);
}

test("import-image prints oc's block for the imported image after the stream", async () => {
  const image = fixtures.floating.A;
  const { code, text } = await merged(
    'import-image',
    'one:1',
    '--from',
    fixtures.reference(image),
    '--confirm',
    '--insecure',
  );
  assert.equal(code, 0, text);
  const [head, block] = text.split(/\n(?=Image Name:)/);
  assert.match(head!, /^imagestream\.image\.openshift\.io\/one imported\n\nName:\t+one\n/);
  const layers = layerDigests(image.bytes);
  const expected = [
    'Image Name:\tone:1',
    `Docker Image:\t${literal(fixtures.digestReference(image))}`,
    `Name:\t\t${image.digest}`,
    'Created:\t(Less than a second|\\d+ seconds?) ago',
    'Annotations:\timage\\.openshift\\.io/dockerLayersOrder=ascending',
    `Image Size:\t\\d+(\\.\\d+)?[kMG]?B in ${layers.length} layers`,
    ...layers.map((d, i) => `${i === 0 ? 'Layers:' : ''}\t+\\d+(\\.\\d+)?[kMG]?B\t${d}`),
    'Image Created:\t\\d+ \\w+ ago',
    'Author:\t\t<none>',
    'Arch:\t\tamd64',
    'Command:\t/bin/\\w+.*',
    'Working Dir:\t<none>',
    'User:\t\t<none>',
    'Exposes Ports:\t<none>',
    'Docker Labels:\tcom\\.redhat\\.component=ubi8-container\n\t\tname=ubi8\n\t\trelease=122\n\t\tversion=8\\.0',
    'Environment:\tPATH=/usr/local/sbin:.*',
  ];
  assert.match(block!, new RegExp(`^${expected.join('\\n')}\\n\\n\\n$`));
});

test('a partial failure: the failed tag first, then the stream and the imported image, then "imported completed with errors"', async () => {
  const good = fixtures.reference(fixtures.floating.A);
  const missing = `${fixtures.host}/${fixtures.floating.A.repository}:nope`;
  assert.equal((await merged('tag', good, 'partial:ok', '--insecure')).code, 0);
  assert.equal((await merged('tag', missing, 'partial:bad', '--insecure')).code, 1);
  const { code, text } = await merged('import-image', 'partial', '--all', '--insecure');
  assert.equal(code, 1);
  const lines = text.split('\n');
  assert.equal(lines[0], `error: tag bad failed: dockerimage.image.openshift.io "${missing}" not found`);
  assert.equal(lines[1], 'imagestream.image.openshift.io/partial imported with errors');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('Image Name:')),
    ['Image Name:\tpartial:ok'],
    'one block, for the tag that was imported',
  );
  assert.ok(
    text.indexOf('Image Name:\tpartial:ok') > text.indexOf('\nTags:'),
    'the image block comes after the stream',
  );
  assert.ok(text.endsWith('\n\nerror: imported completed with errors\n'), text.slice(-200));
});
