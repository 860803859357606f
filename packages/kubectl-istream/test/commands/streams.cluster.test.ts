// import-image, tag, get and describe against a real registry and a real API server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { prioritizeTags, type ImageStream } from '@istream/core/imagestream';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import {
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness/registry/index';
import type { ClusterInstance } from '@istream/test-harness/cluster/index';
import { runCli } from '../../src/program.js';
import { bufferIO } from '../../src/io.js';

const scratch = scratchDir();

let cluster: ClusterInstance;
let registry: RegistryInstance;
let fixtures: Fixtures;
let namespace: string;
const home = mkdtempSync(join(scratch, 'istream-cli-home-'));

async function cli(...args: string[]) {
  return run(false, args);
}

/** As `cli`, with standard error a terminal (where progress lines go). */
async function cliOnTerminal(...args: string[]) {
  return run(true, args);
}

async function run(terminal: boolean, args: string[]) {
  const io = bufferIO();
  const streams = { ...io, err: { ...io.err, isTTY: terminal } };
  const code = await runCli([...args, '--kubeconfig', cluster.kubeconfig, '-n', namespace], {
    io: streams,
    env: { HOME: home, PATH: process.env.PATH },
  });
  return { code, out: io.stdout(), err: io.stderr() };
}

async function stream(name: string): Promise<ImageStream> {
  const { code, out, err } = await cli('get', 'is', name, '-o', 'json');
  assert.equal(code, 0, err);
  return JSON.parse(out) as ImageStream;
}

const items = (s: ImageStream, tag: string) => s.status?.tags?.find((t) => t.tag === tag)?.items ?? [];

before(async () => {
  cluster = await sharedCluster();
  registry = await startRegistry({ mode: 'token' });
  fixtures = await pushFixtures(registry);
  namespace = await cluster.createNamespace('istream-streams');
  const installed = await cli('install', '--no-controller');
  assert.equal(installed.code, 0, installed.err);
});

after(async () => {
  await registry?.stop();
});

test('the seed flow: one item, the tag moves, two items newest first, re-import adds nothing', async () => {
  const { repository, tag, A, B } = fixtures.floating;
  const from = `${fixtures.host}/${repository}:${tag}`;
  const first = await cli('import-image', 'ubi:8', '--from', from, '--confirm', '--insecure');
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /^imagestream\.image\.openshift\.io\/ubi imported\n\nName:\t+ubi\n/);
  let s = await stream('ubi');
  assert.deepEqual(
    items(s, '8').map((i) => [i.dockerImageReference, i.image, i.generation]),
    [[`${fixtures.host}/${repository}@${A.digest}`, A.digest, 1]],
  );
  assert.equal(s.metadata.generation, 1);

  await fixtures.moveFloatingTag('B');
  const second = await cli('import-image', 'ubi:8');
  assert.equal(second.code, 0, second.err);
  s = await stream('ubi');
  assert.deepEqual(
    items(s, '8').map((i) => [i.image, i.generation]),
    [
      [B.digest, 2],
      [A.digest, 1],
    ],
  );
  assert.equal(s.metadata.generation, 2);
  assert.equal(s.spec.tags?.find((t) => t.name === '8')?.generation, 2);

  const described = await cli('describe', 'is', 'ubi');
  assert.equal(described.code, 0, described.err);
  assert.match(
    described.out,
    new RegExp(
      `\\n8\\n  tagged from ${from.replace(/[.]/g, '\\.')}\\n    will use insecure HTTPS or HTTP connections\\n\\n  \\* \\S+@${B.digest}\\n      \\S.* ago\\n    \\S+@${A.digest}\\n`,
    ),
  );

  const again = await cli('import-image', 'ubi:8');
  assert.equal(again.code, 0, again.err);
  const unchanged = await stream('ubi');
  assert.equal(unchanged.metadata.resourceVersion, s.metadata.resourceVersion, 'nothing was written');

  const table = await cli('get', 'istag');
  assert.match(
    table.out,
    new RegExp(`^NAME\\s+IMAGE REFERENCE\\s+UPDATED\\nubi:8\\s+${fixtures.host}/${repository}@${B.digest}\\s+\\S`),
  );

  const everywhere = await cli('get', 'is', '-A');
  assert.equal(everywhere.code, 0, everywhere.err);
  assert.match(everywhere.out, /^NAMESPACE\s+NAME\s+IMAGE REPOSITORY\s+TAGS\s+UPDATED\n/);
  assert.match(everywhere.out, new RegExp(`\\n${namespace}\\s+ubi\\s+8\\s`));
  const everyTag = await cli('get', 'istag', '--all-namespaces');
  assert.match(
    everyTag.out,
    new RegExp(
      `^NAMESPACE\\s+NAME\\s+IMAGE REFERENCE\\s+UPDATED\\n(.*\\n)*${namespace}\\s+ubi:8\\s+${fixtures.host}/${repository}@${B.digest}\\s`,
    ),
  );
  const named = await cli('get', 'is', 'ubi', '-A');
  assert.deepEqual(
    [named.code, named.err],
    [1, 'error: a resource cannot be retrieved by name across all namespaces\n'],
  );
});

test('--all imports 50 tags by priority and reports the rest', async () => {
  const { repository, tags } = fixtures.manyTags;
  const result = await cli(
    'import-image',
    'many',
    '--from',
    `${fixtures.host}/${repository}`,
    '--all',
    '--confirm',
    '--insecure',
  );
  assert.equal(result.code, 0, result.err);
  const expected = prioritizeTags(tags);
  const s = await stream('many');
  assert.deepEqual(s.status?.tags?.map((t) => t.tag).sort(), expected.slice(0, 50).sort());
  assert.match(
    result.out,
    new RegExp(
      `info: The remote repository contained ${tags.length - 50} additional tags which were not imported: ${expected[50]!.replace(/[.]/g, '\\.')}, `,
    ),
  );
  assert.equal(result.err, '', 'no progress line outside a terminal');

  const again = await cliOnTerminal('import-image', 'many', '--all');
  assert.equal(again.code, 0, again.err);
  const clearLine = '\r\u001b[K';
  assert.ok(again.err.endsWith(`\rImporting 50/50 tags...${clearLine}`), JSON.stringify(again.err.slice(-60)));
  assert.match(
    again.err,
    /^\rImporting 1\/50 tags\.\.\.(\rImporting \d+\/50 tags\.\.\.)*\rImporting 50\/50 tags\.\.\./,
  );
});

test('import-image REGISTRY/REPO:TAG --confirm creates the stream named after the repository, with that tag, as oc does', async () => {
  const image = fixtures.dockerSchema2;
  const spec = `${fixtures.host}/${image.repository}:${image.tag!}`;
  const result = await cli('import-image', spec, '--confirm', '--insecure');
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /^imagestream\.image\.openshift\.io\/schema2 imported\n/);
  const s = await stream('schema2');
  assert.deepEqual(
    s.spec.tags?.map((t) => [t.name, t.from?.name]),
    [[image.tag, spec]],
  );
  assert.equal(items(s, image.tag!)[0]?.image, image.digest);

  const whole = await cli('import-image', 'whole', '--from', spec, '--all', '--confirm', '--insecure');
  assert.deepEqual(
    [whole.code, whole.err],
    [
      1,
      `error: The ImageStreamImport "whole" is invalid: spec.repository.from.name: Invalid value: "${spec}": ` +
        'you must specify an image repository, not a tag or ID\n',
    ],
  );
  assert.equal((await cli('get', 'is', 'whole')).code, 1, 'no stream was created');
});

test('--all leaves a tag pinned by rollback where it is and says how to resume it', async () => {
  const { repository, tag, A, B } = fixtures.floating;
  await fixtures.moveFloatingTag('A');
  const first = await cli(
    'import-image',
    'whole',
    '--from',
    `${fixtures.host}/${repository}`,
    '--all',
    '--confirm',
    '--insecure',
  );
  assert.equal(first.code, 0, first.err);
  const created = await stream('whole');
  assert.equal(
    created.spec.dockerImageRepository,
    `${fixtures.host}/${repository}`,
    'the repository is recorded, as oc does',
  );
  assert.equal(created.metadata.annotations?.['openshift.io/image.insecureRepository'], 'true', 'so is --insecure');
  await fixtures.moveFloatingTag('B');
  assert.equal((await cli('import-image', 'whole', '--all')).code, 0);
  assert.deepEqual(
    items(await stream('whole'), tag).map((i) => i.image),
    [B.digest, A.digest],
  );

  const rolledBack = await cli('rollback', `whole:${tag}`);
  assert.equal(rolledBack.code, 0, rolledBack.err);
  const again = await cli('import-image', 'whole', '--all');
  assert.equal(again.code, 0, again.err);
  assert.match(
    again.err,
    new RegExp(
      `^info: tag ${tag} is pinned to ${A.digest} by a rollback and was not imported; ` +
        `to follow the repository again: kubectl istream rollback --resume whole:${tag}\n$`,
    ),
  );
  assert.equal(items(await stream('whole'), tag)[0]?.image, A.digest, 'the pin holds');
  const one = await cli('import-image', `whole:${tag}`);
  assert.equal(one.code, 1);
  assert.equal(
    one.err,
    `error: tag "${tag}" is pinned to ${A.digest} by a rollback, so it is not imported; ` +
      `to follow its source again: kubectl istream rollback --resume whole:${tag}\n`,
  );
});

test('PreserveOriginal keeps the index digest; Legacy picks linux/amd64', async () => {
  for (const index of [fixtures.ociIndex, fixtures.dockerManifestList]) {
    const from = fixtures.reference(index);
    const name = index === fixtures.ociIndex ? 'oci' : 'list';
    const legacy = await cli(
      'import-image',
      `${name}:legacy`,
      '--from',
      from,
      '--confirm',
      '--insecure',
      '--import-mode',
      'Legacy',
    );
    assert.equal(legacy.code, 0, legacy.err);
    const preserve = await cli(
      'import-image',
      `${name}:preserve`,
      '--from',
      from,
      '--insecure',
      '--import-mode',
      'PreserveOriginal',
    );
    assert.equal(preserve.code, 0, preserve.err);
    const s = await stream(name);
    assert.equal(items(s, 'legacy')[0]?.image, index.amd64.digest);
    assert.equal(items(s, 'preserve')[0]?.image, index.digest);
    assert.equal(s.spec.tags?.find((t) => t.name === 'preserve')?.importPolicy?.importMode, 'PreserveOriginal');
  }
});

test('a private repository: no Secret and a refused Secret say which, and the right Secret imports', async () => {
  const from = fixtures.reference(fixtures.private);
  const host = fixtures.host;
  const denied = await cli('import-image', 'secret:1', '--from', from, '--confirm', '--insecure');
  assert.equal(denied.code, 1);
  assert.equal(
    denied.err,
    `error: tag 1 failed: you may not have access to the container image "${from}": ` +
      `authentication required for private/app at ${host}: no pull Secret in namespace ${namespace} has credentials for ${host}; ` +
      `add one with "kubectl create secret docker-registry NAME --docker-server=${host} --docker-username=USER --docker-password=PASSWORD -n ${namespace}"\n` +
      'error: imported completed with errors\n',
  );
  assert.equal((await cli('get', 'is', 'secret')).code, 1, 'no stream was created');

  const pullSecret = async (password: string) => {
    await cluster.kubectl(['delete', 'secret', 'pull', '--ignore-not-found'], { namespace });
    const created = await cluster.kubectl(
      [
        'create',
        'secret',
        'docker-registry',
        'pull',
        `--docker-server=${host}`,
        `--docker-username=${registry.username}`,
        `--docker-password=${password}`,
      ],
      { namespace },
    );
    assert.equal(created.code, 0, created.stderr);
  };
  const wrongPassword = 'not-the-password-7f3a';
  await pullSecret(wrongPassword);
  const refused = await cli('import-image', 'secret:1', '--from', from, '--confirm', '--insecure');
  assert.equal(refused.code, 1);
  assert.equal(
    refused.err,
    `error: tag 1 failed: you may not have access to the container image "${from}": ` +
      `authentication required for private/app at ${host}: the token service rejected the credentials from secret ${namespace}/pull ` +
      '(wrong username or password?), and anonymous access is not allowed\nerror: imported completed with errors\n',
  );

  await pullSecret(registry.password!);
  const allowed = await cli('import-image', 'secret:1', '--from', from, '--confirm', '--insecure');
  assert.equal(allowed.code, 0, allowed.err);
  assert.equal(items(await stream('secret'), '1')[0]?.image, fixtures.private.digest);
  const printed = [denied, refused, allowed].map((r) => r.out + r.err).join('');
  assert.ok(!printed.includes(registry.password!) && !printed.includes(wrongPassword), 'no credential printed');
});

test('a partial failure prints the stream, one error per failed tag and oc\'s final "imported completed with errors"', async () => {
  const good = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const missing = `${fixtures.host}/${fixtures.floating.repository}:nope`;
  assert.equal((await cli('tag', good, 'partial:ok', '--insecure')).code, 0);
  assert.equal((await cli('tag', missing, 'partial:bad', '--insecure')).code, 1);
  const result = await cli('import-image', 'partial', '--all', '--insecure');
  assert.equal(result.code, 1);
  assert.match(result.out, /^imagestream\.image\.openshift\.io\/partial imported with errors\n\nName:\s+partial\n/);
  assert.equal(
    result.err,
    `error: tag bad failed: dockerimage.image.openshift.io "${missing}" not found\nerror: imported completed with errors\n`,
  );
  const { A, B } = fixtures.floating;
  assert.ok(
    [A.digest, B.digest].includes(items(await stream('partial'), 'ok')[0]?.image ?? ''),
    'the tag that could be imported was',
  );
});

test('import-image --dry-run=server on the CRD is refused, never run as a client dry run', async () => {
  const from = fixtures.reference(fixtures.floating.A);
  const dryRun = await cli(
    'import-image',
    'serverdry:1',
    '--from',
    from,
    '--confirm',
    '--insecure',
    '--dry-run=server',
  );
  assert.equal(dryRun.code, 1);
  assert.equal(dryRun.out, '');
  assert.equal(
    dryRun.err,
    'error: --dry-run=server needs OpenShift, whose API server runs the import; this cluster serves ImageStreams ' +
      "through istream's CRD, where import-image resolves the images itself: use --dry-run=client to resolve them and " +
      'print the stream without writing it\n',
  );
  const client = await cli(
    'import-image',
    'serverdry:1',
    '--from',
    from,
    '--confirm',
    '--insecure',
    '--dry-run=client',
  );
  assert.equal(client.code, 0, client.err);
  assert.match(client.out, /^imagestream\.image\.openshift\.io\/serverdry imported \(dry run\)\n/);
  assert.equal((await cli('get', 'is', 'serverdry')).code, 1, 'neither dry run created the stream');
});

test('bad input: a clear message, a non-zero exit and the history unchanged', async () => {
  const before = await stream('ubi');
  const host = fixtures.host;
  const cases: Array<[string[], RegExp]> = [
    [
      ['import-image', 'nothere:1', '--from', `${host}/ubi8/ubi:8`, '--insecure'],
      /^error: no image stream named "nothere" exists, pass --confirm to create and import\n$/,
    ],
    [
      ['import-image', 'ubi:8', '--from', 'registry.example/Ubi:8'],
      /^error: invalid --from "registry\.example\/Ubi:8": invalid reference/,
    ],
    [
      ['import-image', 'ubi:8', '--from', `${host}/other:1`],
      /^error: the tag "8" points to "\S+" - use the 'tag' command if you want to change the source to "\S+"\n$/,
    ],
    [
      ['tag', `${host}/${fixtures.floating.repository}:missing`, 'ubi:gone', '--insecure'],
      /^error: tag gone failed: dockerimage\.image\.openshift\.io "\S+:missing" not found\n$/,
    ],
    [
      ['tag', 'nohost.invalid/x:1', 'ubi:far'],
      /^error: tag far failed: Internal error occurred: nohost\.invalid\/x:1: /,
    ],
    [['tag', `${host}/x:1`, 'ubi:bad!'], /^error: invalid tag name "bad!"/],
  ];
  for (const [args, expected] of cases) {
    const { code, err } = await cli(...args);
    assert.equal(code, 1, args.join(' '));
    assert.match(err, expected, args.join(' '));
  }
  const after = await stream('ubi');
  assert.deepEqual(items(after, '8'), items(before, '8'), 'the history of ubi:8 is unchanged');
  const described = await cli('describe', 'is', 'ubi');
  assert.match(
    described.out,
    /\n {2}! error: Import failed \(NotFound\): dockerimage\.image\.openshift\.io "\S+:missing" not found\n/,
  );

  const unknownHost = await cli('import-image', 'far:1', '--from', 'nohost.invalid/x:1', '--confirm');
  assert.equal(unknownHost.code, 1);
  assert.match(
    unknownHost.err,
    /^error: tag 1 failed: Internal error occurred: nohost\.invalid\/x:1: cannot reach registry nohost\.invalid.*\nerror: imported completed with errors\n$/,
  );
  assert.equal((await cli('get', 'is', 'far')).code, 1);
});

test('tag: aliases follow their target, copies across streams do not, cycles are refused', async () => {
  assert.equal((await cli('tag', 'ubi:8', 'ubi:prod', '--alias')).out, 'Tag ubi:prod set up to track ubi:8.\n');
  const copied = await cli('tag', 'ubi:8', 'app:live');
  assert.equal(copied.code, 0, copied.err);
  const ubi = await stream('ubi');
  const current = items(ubi, '8')[0]!;
  // As oc: the copy names the image, and from.namespace only when another namespace needs it.
  assert.equal(copied.out, `Tag app:live set to ubi@${current.image}.\n`);
  assert.deepEqual((await stream('app')).spec.tags?.find((t) => t.name === 'live')?.from, {
    kind: 'ImageStreamImage',
    name: `ubi@${current.image}`,
  });
  const elsewhere = await cluster.createNamespace('istream-streams-other');
  const across = await cli('tag', 'ubi:8', `${elsewhere}/copy:1`);
  assert.equal(across.out, `Tag ${elsewhere}/copy:1 set to ubi@${current.image}.\n`, across.err);
  const everywhere = JSON.parse((await cli('get', 'is', '-A', '-o', 'json')).out) as { items: ImageStream[] };
  const acrossStream = everywhere.items.find((i) => i.metadata.namespace === elsewhere && i.metadata.name === 'copy');
  assert.deepEqual(acrossStream?.spec.tags?.[0]?.from, {
    kind: 'ImageStreamImage',
    name: `ubi@${current.image}`,
    namespace,
  });
  const source = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const scheduled = await cli('tag', source, `${elsewhere}/sched:1`, '--scheduled', '--insecure');
  assert.equal(scheduled.out, `Tag ${elsewhere}/sched:1 set to ${source} periodically.\n`, scheduled.err);
  assert.equal(
    (await cli('tag', source, 'sched:1', '--scheduled', '--insecure')).out,
    `Tag sched:1 set to import ${source} periodically.\n`,
  );
  assert.equal(items(ubi, 'prod')[0]?.image, current.image);
  assert.equal(items(await stream('app'), 'live')[0]?.dockerImageReference, current.dockerImageReference);

  assert.equal((await cli('tag', 'ubi:prod', 'ubi:stage', '--alias')).code, 0);
  const cycle = await cli('tag', 'ubi:stage', 'ubi:prod', '--alias');
  assert.equal(cycle.code, 1);
  assert.match(
    cycle.err,
    /^error: tag "prod" on image stream "ubi" would form a reference cycle: prod -> stage -> prod/,
  );
  assert.equal((await stream('ubi')).spec.tags?.find((t) => t.name === 'prod')?.from?.name, 'ubi:8', 'unchanged');

  const deleted = await cli('tag', '-d', 'ubi:stage');
  assert.equal(deleted.out, `Deleted tag ${namespace}/ubi:stage.\n`);
  const missing = await cli('tag', '-d', 'ubi:stage');
  assert.deepEqual(
    [missing.code, missing.err],
    [1, 'error: imagestreamtags.image.openshift.io "ubi:stage" not found\n'],
  );
  const noStream = await cli('tag', '-d', 'nostream:1');
  assert.deepEqual([noStream.code, noStream.err], [1, 'error: imagestreams.image.openshift.io "nostream" not found\n']);
  const after = await stream('ubi');
  assert.equal(
    after.spec.tags?.some((t) => t.name === 'stage'),
    false,
  );
  assert.equal(
    after.status?.tags?.some((t) => t.tag === 'stage'),
    false,
  );
  assert.equal(
    (await cli('get', 'istag', 'ubi:prod', '-o', 'name')).out,
    'imagestreamtag.image.openshift.io/ubi:prod\n',
  );
});

test('concurrent imports into one stream both land (conflicts are retried, not overwritten)', async () => {
  const host = fixtures.host;
  const [a, b] = await Promise.all([
    cli('import-image', 'both:a', '--from', fixtures.reference(fixtures.dockerSchema2), '--confirm', '--insecure'),
    cli(
      'import-image',
      'both:b',
      '--from',
      `${host}/${fixtures.floating.repository}:${fixtures.floating.tag}`,
      '--confirm',
      '--insecure',
    ),
  ]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const s = await stream('both');
  assert.deepEqual(
    s.status?.tags?.map((t) => t.tag),
    ['a', 'b'],
  );
});

test('get -o jsonpath and -o custom-columns print what kubectl prints for the same streams; -o json hides managedFields', async () => {
  const { repository, tag } = fixtures.floating;
  for (const name of ['tpl-a', 'tpl-b']) {
    const imported = await cli(
      'import-image',
      `${name}:1`,
      '--from',
      `${fixtures.host}/${repository}:${tag}`,
      '--confirm',
      '--insecure',
    );
    assert.equal(imported.code, 0, imported.err);
  }
  // kubectl reads istream's CRD itself, so its own jsonpath printer is the reference.
  const kubectl = async (...args: string[]) => {
    const r = await cluster.kubectl(['get', 'imagestreams.image.openshift.io', ...args], { namespace });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const templates = [
    '{.items[*].metadata.name}',
    '{range .items[*]}{.metadata.name}{"\\t"}{.status.tags[*].tag}{"\\n"}{end}',
    '{.kind} {.items[?(@.metadata.name=="tpl-b")].status.tags[0].items[0].image}',
    '{.items[0].spec.tags[0].from}',
  ];
  for (const template of templates) {
    const ours = await cli('get', 'is', '-o', `jsonpath=${template}`);
    assert.deepEqual([ours.code, ours.err, ours.out], [0, '', await kubectl('-o', `jsonpath=${template}`)], template);
  }
  const one = await cli('get', 'is', 'tpl-a', '-o', 'jsonpath={.metadata.name}@{.status.tags[0].items[0].image}');
  assert.equal(
    one.out,
    await kubectl('tpl-a', '-o', 'jsonpath={.metadata.name}@{.status.tags[0].items[0].image}'),
    'a named object is not wrapped in a List',
  );
  const columns = 'NAME:.metadata.name,TAGS:.spec.tags[*].name,FROM:.spec.tags[0].from.name,NONE:.metadata.labels';
  assert.equal(
    (await cli('get', 'is', '-o', `custom-columns=${columns}`)).out,
    await kubectl('-o', `custom-columns=${columns}`),
  );

  const json = await cli('get', 'is', 'tpl-a', '-o', 'json');
  assert.deepEqual(JSON.parse(json.out), JSON.parse(await kubectl('tpl-a', '-o', 'json')));
  assert.doesNotMatch(json.out, /managedFields/);
  const withFields = JSON.parse(
    (await cli('get', 'is', 'tpl-a', '-o', 'json', '--show-managed-fields')).out,
  ) as ImageStream & { metadata: { managedFields?: unknown[] } };
  assert.deepEqual(withFields, JSON.parse(await kubectl('tpl-a', '-o', 'json', '--show-managed-fields')));
  assert.ok((withFields.metadata.managedFields ?? []).length > 0);

  const tags = await cli('get', 'istag', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.image.metadata.name');
  const image = (await stream('tpl-a')).status?.tags?.[0]?.items?.[0]?.image ?? '';
  assert.match(tags.out, new RegExp(`^NAME +IMAGE\\n(.*\\n)*tpl-a:1 +${image}\\ntpl-b:1 +${image}\\n`));
});
