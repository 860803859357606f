import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '@istream/test-harness';
import { parse } from 'yaml';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

const scratch = scratchDir();

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/set-triggers/${name}`, import.meta.url));
const DEPLOYMENT = fixture('deployment.yaml');
const WORKLOADS = fixture('workloads.yaml');
const RELEASE = fixture('release.yaml');
const SEED =
  '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image"}]';

async function cli(args: string[], stdin = '') {
  const io = bufferIO(stdin);
  const code = await runCli(['set-triggers', ...args], { io, env: {} });
  return { code, out: io.stdout(), err: io.stderr() };
}

/** Runs `set-triggers --local -f FILE ... -o yaml` and returns the new file (in a temp dir). */
async function edit(file: string, ...args: string[]): Promise<string> {
  const r = await cli(['--local', '-f', file, ...args, '-o', 'yaml']);
  assert.equal(r.err, '');
  assert.equal(r.code, 0);
  const out = join(mkdtempSync(join(scratch, 'set-triggers-')), 'out.yaml');
  writeFileSync(out, r.out);
  return out;
}

const annotationOf = (file: string, doc = 0): unknown =>
  (
    readFileSync(file, 'utf8')
      .split(/^---$/m)
      .map((d) => parse(d))[doc] as { metadata: { annotations?: Record<string, string> } }
  ).metadata.annotations?.['image.openshift.io/triggers'];

test("the seed walkthrough: the annotation is oc's bytes, and the rest of the file is untouched", async () => {
  const original = readFileSync(DEPLOYMENT, 'utf8');
  const out = readFileSync(await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp'), 'utf8');
  const expected = original.replace(
    'metadata:\n  name: myapp',
    `metadata:\n  annotations:\n    image.openshift.io/triggers: '${SEED}'\n  name: myapp`,
  );
  assert.equal(out, expected);
});

test("list mode prints oc's table: the config trigger, then one row per container trigger", async () => {
  const file = await edit(
    await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp'),
    '--from-image',
    'tools/base:1',
    '-c',
    'setup,sidecar',
    '--manual',
  );
  const r = await cli(['--local', '-f', file]);
  assert.equal(
    r.out,
    [
      'NAME               TYPE    VALUE                   AUTO',
      'deployments/myapp  config                          true',
      'deployments/myapp  image   ubi:8 (myapp)           true',
      'deployments/myapp  image   tools/base:1 (setup)    false',
      'deployments/myapp  image   tools/base:1 (sidecar)  false',
      '',
    ].join('\n'),
  );
});

test("an init container is written in oc's containers[...] form; a new stream replaces a container's old trigger in place", async () => {
  const first = await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp,setup');
  assert.equal(
    annotationOf(first),
    '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image"},' +
      '{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"setup\\")].image"}]',
  );
  const second = await edit(first, '--from-image', 'ubi:9', '-c', 'myapp');
  assert.equal(
    annotationOf(second),
    '[{"from":{"kind":"ImageStreamTag","name":"ubi:9"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image"},' +
      '{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"setup\\")].image"}]',
  );
});

test("--manual pauses every trigger and the Deployment (oc's config trigger); --auto undoes both", async () => {
  const manual = await edit(await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp'), '--manual');
  const text = readFileSync(manual, 'utf8');
  assert.equal(annotationOf(manual), SEED.replace(/}]$/, ',"paused":true}]'));
  assert.match(text, /^spec:\n {2}paused: true\n {2}replicas: 2\n/m);
  const auto = readFileSync(await edit(manual, '--auto'), 'utf8');
  assert.match(auto, /^spec:\n {2}paused: false\n {2}replicas: 2\n/m);
  assert.equal(parse(auto).metadata.annotations['image.openshift.io/triggers'], SEED);
});

test("--remove drops one stream's triggers; --remove-all writes null and pauses the Deployment, as oc does", async () => {
  const two = await edit(
    await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp'),
    '--from-image',
    'base:1',
    '-c',
    'sidecar',
  );
  const removed = await edit(two, '--remove', '--from-image', 'base:1');
  assert.equal(annotationOf(removed), SEED);
  const none = await edit(two, '--remove-all');
  assert.equal(annotationOf(none), 'null');
  assert.equal(parse(readFileSync(none, 'utf8')).spec.paused, true);
});

test("StatefulSet, DaemonSet and CronJob get their kind's fieldPath; a foreign namespace is kept, the own one left out; -o json prints every object of the file", async () => {
  const r = await cli(['--local', '-f', WORKLOADS, '--from-image', 'data/pg:16', '-o', 'json']);
  assert.equal(r.code, 0, r.err);
  const objects = r.out
    .split(/\n(?=\{)/)
    .map((o) => JSON.parse(o) as { kind: string; metadata: { annotations?: Record<string, string> } });
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.annotations?.['image.openshift.io/triggers']]),
    [
      [
        'StatefulSet',
        '[{"from":{"kind":"ImageStreamTag","name":"pg:16"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"db\\")].image"}]',
      ],
      [
        'DaemonSet',
        '[{"from":{"kind":"ImageStreamTag","name":"pg:16","namespace":"data"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"agent\\")].image"}]',
      ],
      [
        'CronJob',
        '[{"from":{"kind":"ImageStreamTag","name":"pg:16","namespace":"data"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"job\\")].image"}]',
      ],
      ['Pod', undefined],
    ],
  );
});

test('success lines, -o name, --dry-run=client and stdin', async () => {
  const text = readFileSync(DEPLOYMENT, 'utf8');
  assert.equal(
    (await cli(['--local', '-f', '-', '--from-image', 'ubi:8', '-c', 'myapp'], text)).out,
    'deployment.apps/myapp triggers updated\n',
  );
  assert.equal(
    (await cli(['--local', '-f', DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp', '-o', 'name'])).out,
    'deployment.apps/myapp\n',
  );
  assert.equal(
    (await cli(['-f', DEPLOYMENT, '--local', '--from-image', 'ubi:8', '-c', 'myapp', '--dry-run=client'])).out,
    'deployment.apps/myapp triggers updated (dry run)\n',
  );
  const again = await edit(DEPLOYMENT, '--from-image', 'ubi:8', '-c', 'myapp');
  assert.equal(
    (await cli(['--local', '-f', again, '--from-image', 'ubi:8', '-c', 'myapp'])).out,
    '',
    'no change, nothing printed (as oc)',
  );
});

const refusals: [string, string[], string][] = [
  [
    'unknown container',
    ['--from-image', 'ubi:8', '-c', 'myapp,nope,web'],
    'error: deployments/myapp not all container names exist: nope, web (accepts: myapp, setup, sidecar)\n',
  ],
  [
    'a registry',
    ['--from-image', 'quay.io/ubi:8'],
    'error: the value of --from-image must point to an image stream tag on this server\n',
  ],
  [
    'a digest',
    ['--from-image', 'ubi@sha256:0123456789012345678901234567890123456789012345678901234567890123'],
    'error: the value of --from-image must point to an image stream tag on this server\n',
  ],
  ['no tag', ['--from-image', 'ubi'], 'error: the value of --from-image must include the tag you wish to pull from\n'],
  [
    'not a reference',
    ['--from-image', 'UBI:8'],
    'error: the value of --from-image does not appear to be a valid reference to an image: repository name must be lowercase\n',
  ],
  [
    'several containers and no -c',
    ['--from-image', 'ubi:8'],
    'error: deployments/myapp you must specify --containers when setting --from-image\n',
  ],
  ['--auto and --manual', ['--auto', '--manual'], 'error: you must specify at most one of --auto or --manual\n'],
  [
    '--remove and --remove-all',
    ['--remove', '--remove-all'],
    'error: you must specify either --remove or --remove-all\n',
  ],
  [
    '--remove-all with more',
    ['--remove-all', '--from-config'],
    'error: --remove-all may not be used with any other flag\n',
  ],
  ['--remove alone', ['--remove'], 'error: --remove requires a flag defining a trigger type to be specified\n'],
  [
    'two trigger types',
    ['--from-config', '--from-image', 'ubi:8'],
    'error: you may only set one trigger type at a time\n',
  ],
];
for (const [name, args, message] of refusals) {
  test(`refusal: ${name}`, async () => {
    const r = await cli(['--local', '-f', DEPLOYMENT, ...args]);
    assert.deepEqual([r.code, r.out, r.err], [1, '', message]);
  });
}

test("a Pod does not support triggers: oc's refusal, and <error> in the list", async () => {
  const dir = mkdtempSync(join(scratch, 'set-triggers-'));
  const pod = join(dir, 'pod.yaml');
  writeFileSync(pod, readFileSync(WORKLOADS, 'utf8').split('---\n')[3] ?? '');
  const r = await cli(['--local', '-f', pod, '--from-image', 'ubi:8', '-c', 'c']);
  assert.deepEqual([r.code, r.err], [1, 'error: pods/lonely does not support triggers\n']);
  const list = await cli(['--local', '-f', pod]);
  assert.equal(list.out, 'NAME         TYPE     VALUE  AUTO\npods/lonely  <error>         false\n');
});

test('a broken annotation: listed as <error> with the reason; edits refuse; --remove-all repairs it; quoting style kept', async () => {
  const dir = mkdtempSync(join(scratch, 'set-triggers-'));
  const file = join(dir, 'broken.yaml');
  const broken = SEED.replace(/}]$/, ',"paused":"false"}]');
  writeFileSync(
    file,
    readFileSync(DEPLOYMENT, 'utf8').replace(
      'metadata:\n',
      `metadata:\n  annotations:\n    image.openshift.io/triggers: ${JSON.stringify(broken)}\n`,
    ),
  );
  const list = await cli(['--local', '-f', file]);
  assert.equal(list.out, 'NAME               TYPE     VALUE  AUTO\ndeployments/myapp  <error>         false\n');
  assert.match(list.err, /^warning: deployments\/myapp: .*"paused" must be the JSON boolean false without quotes/);
  const refused = await cli(['--local', '-f', file, '--from-image', 'ubi:8', '-c', 'myapp']);
  assert.equal(refused.code, 1);
  assert.match(
    refused.err,
    /^error: deployments\/myapp: the image.openshift.io\/triggers annotation cannot be used: .*fix it, or replace it with --remove-all\n$/,
  );
  const repaired = readFileSync(await edit(file, '--remove-all'), 'utf8');
  assert.match(repaired, /^ {4}image\.openshift\.io\/triggers: "null"\n/m, 'the double-quoted style stays');
});

test('entries with another from.kind or an apiVersion are kept and listed, and --auto writes them back repaired, as oc does', async () => {
  const dir = mkdtempSync(join(scratch, 'set-triggers-'));
  const file = join(dir, 'odd.yaml');
  const path = (c: string) => `spec.template.spec.containers[?(@.name==\\"${c}\\")].image`;
  const odd =
    `[{"from":{"kind":"DockerImage","name":"ubi:8"},"fieldPath":"${path('myapp')}"},` +
    `{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"tools","apiVersion":"image.openshift.io/v1"},"fieldPath":"${path('sidecar')}","paused":true}]`;
  writeFileSync(
    file,
    readFileSync(DEPLOYMENT, 'utf8').replace(
      'metadata:\n',
      `metadata:\n  annotations:\n    image.openshift.io/triggers: '${odd}'\n`,
    ),
  );
  const list = await cli(['--local', '-f', file]);
  assert.deepEqual([list.code, list.err], [0, '']);
  assert.equal(
    list.out,
    [
      'NAME               TYPE    VALUE                   AUTO',
      'deployments/myapp  config                          true',
      'deployments/myapp  image   ubi:8 (myapp)           true',
      'deployments/myapp  image   tools/base:1 (sidecar)  false',
      '',
    ].join('\n'),
  );
  assert.equal(
    annotationOf(await edit(file, '--auto')),
    `[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"${path('myapp')}"},` +
      `{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"tools"},"fieldPath":"${path('sidecar')}"}]`,
  );
});

test('--local -o yaml keeps flow maps, block scalars and empty annotations in their style', async () => {
  const dir = mkdtempSync(join(scratch, 'set-triggers-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const pod = '  template: {spec: {containers: [{name: a, image: b}]}}\n';
  const seedA = SEED.replace('myapp', 'a');

  const flow = write(
    'flow.yaml',
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, labels: {x: y}}\nspec:\n${pod}`,
  );
  assert.equal(
    readFileSync(await edit(flow, '--from-image', 'ubi:8'), 'utf8'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, labels: {x: y}, annotations: {image.openshift.io/triggers: '${seedA}'}}\nspec:\n${pod}`,
  );

  const folded = write(
    'folded.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    image.openshift.io/triggers: >-\n' +
      `      [{"from":{"kind":"ImageStreamTag","name":"old:1"},\n      "fieldPath":"spec.template.spec.containers[?(@.name==\\"a\\")].image"}]\n    other: x  # kept\nspec:\n${pod}`,
  );
  assert.equal(
    readFileSync(await edit(folded, '--from-image', 'ubi:8', '-c', 'a'), 'utf8'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    image.openshift.io/triggers: '${seedA}'\n    other: x  # kept\nspec:\n${pod}`,
  );

  const empty = write(
    'empty.yaml',
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\nspec:\n${pod}`,
  );
  assert.equal(
    readFileSync(await edit(empty, '--from-image', 'ubi:8'), 'utf8'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\n  annotations:\n    image.openshift.io/triggers: '${seedA}'\nspec:\n${pod}`,
  );
});

test('--local -o yaml prints every document of the file byte for byte but the new annotation, and prints the file unchanged when nothing changes', async () => {
  const original = readFileSync(RELEASE, 'utf8');
  const once = readFileSync(await edit(RELEASE, '--from-image', 'ubi:8'), 'utf8');
  const web = SEED.replace('myapp', 'web');
  assert.equal(
    once,
    original.replace(
      'metadata:\n  name: web\n',
      `metadata:\n  annotations:\n    image.openshift.io/triggers: '${web}'\n  name: web\n`,
    ),
    'the ConfigMap, the comments, the quoting and the worker that needed no change are all kept',
  );
  assert.equal(
    readFileSync(await edit(await edit(RELEASE, '--from-image', 'ubi:8'), '--from-image', 'ubi:8'), 'utf8'),
    once,
    'nothing to change: the whole file again, not an empty output',
  );
  const json = await cli(['--local', '-f', RELEASE, '--from-image', 'ubi:8', '-o', 'json']);
  const objects = json.out
    .split(/\n(?=\{)/)
    .map((o) => JSON.parse(o) as { kind: string; metadata: { name: string; annotations?: Record<string, string> } });
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.name, o.metadata.annotations?.['image.openshift.io/triggers']]),
    [
      ['ConfigMap', 'settings', undefined],
      ['Deployment', 'web', web],
      ['Deployment', 'worker', SEED.replace('myapp', 'worker')],
    ],
  );
});

test('--local -o yaml edits several objects of one List document in place', async () => {
  const dir = mkdtempSync(join(scratch, 'set-triggers-'));
  const item = (name: string) =>
    `- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: ${name}  # ${name}\n  spec:\n    template: {spec: {containers: [{name: c, image: x}]}}\n`;
  const file = join(dir, 'list.yaml');
  writeFileSync(file, `apiVersion: v1\nkind: List\nitems:\n${item('a')}${item('b')}`);
  const annotated = (name: string) =>
    item(name).replace(
      `  metadata:\n`,
      `  metadata:\n    annotations:\n      image.openshift.io/triggers: '${SEED.replace('myapp', 'c')}'\n`,
    );
  assert.equal(
    readFileSync(await edit(file, '--from-image', 'ubi:8'), 'utf8'),
    `apiVersion: v1\nkind: List\nitems:\n${annotated('a')}${annotated('b')}`,
  );
});
