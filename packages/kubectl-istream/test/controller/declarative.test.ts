// Streams written with nothing but kubectl apply/patch behave as on OpenShift while the controller
// runs outside the cluster (no admission): the controller applies OpenShift's stream strategy
// itself, imports, and triggered workloads follow.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defer, freeLoopbackPort, pushFixtures, scratchDir, startRegistry } from '@istream/test-harness';
import { importStatusGraceMs } from '@istream/core/controller';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import {
  cliImports,
  clusterWithCrd,
  containerImage,
  deployment,
  getJson,
  installCrd,
  ok,
  runController,
  triggerAnnotation,
  waitFor,
  type Cluster,
} from './support.js';

const scratch = scratchDir();

interface TagEvent {
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
}
interface Stream {
  metadata: { generation: number; creationTimestamp: string; annotations?: Record<string, string> };
  spec: {
    lookupPolicy?: { local: boolean };
    tags?: Array<{
      name: string;
      generation?: number;
      from?: { kind: string; name: string };
      importPolicy?: object;
      referencePolicy?: object;
    }>;
  };
  status?: {
    tags?: Array<{
      tag: string;
      items: TagEvent[] | null;
      conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    }>;
  };
}

const readStream = (cluster: Cluster, ns: string, name: string): Promise<Stream> =>
  getJson<Stream>(cluster, ns, `imagestream/${name}`);
const items = (stream: Stream, tag: string): TagEvent[] => stream.status?.tags?.find((t) => t.tag === tag)?.items ?? [];
const specTag = (stream: Stream, tag: string) => stream.spec.tags?.find((t) => t.name === tag);
const tagIndex = (stream: Stream, tag: string): number => stream.spec.tags?.findIndex((t) => t.name === tag) ?? -1;

async function apply(cluster: Cluster, ns: string, object: object): Promise<string> {
  return ok(cluster, ['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(object) });
}

function imageStream(name: string, spec: object): object {
  return { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name }, spec };
}

/** The shared cluster with this tree's CRD: defaults and validation are what is under test here. */
async function currentCrd(): Promise<Cluster> {
  const cluster = await clusterWithCrd();
  await installCrd(cluster);
  // An updated CRD is Established at once, but its new schema reaches the handlers a moment later.
  const invalid = JSON.stringify(imageStream('probe', { dockerImageRepository: 'quay.io/team/app:1' }));
  await waitFor(
    "the CRD's validation in effect",
    async () =>
      (await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { namespace: 'default', input: invalid }))
        .code !== 0,
  );
  return cluster;
}

async function setup(t: TestContext, prefix: string) {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await currentCrd();
  const ns = await cluster.createNamespace(prefix);
  const controller = await runController(cluster.kubeconfig, ns, { imports: cliImports(cluster.kubeconfig) });
  defer(t, () => controller.stop());
  return { registry, fixtures, cluster, ns };
}

test('kubectl apply of a stream with no generations imports within 10 s; a patched from.name, and generation 0 after the tag moved, re-import and roll', async (t) => {
  const { fixtures, cluster, ns } = await setup(t, 'decl-import');
  const floating = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const schema2 = fixtures.reference(fixtures.dockerSchema2);
  const insecure = { insecure: true };
  // The manifest as a user keeps it in git, applied again below.
  const manifest = imageStream('app', {
    tags: [{ name: '8', from: { kind: 'DockerImage', name: floating }, importPolicy: insecure }],
  });
  const applied = Date.now();
  await apply(cluster, ns, manifest);
  const imported = await waitFor(
    'the digest in status.tags',
    async () => {
      const s = await readStream(cluster, ns, 'app');
      return items(s, '8')[0]?.image === fixtures.floating.A.digest ? s : undefined;
    },
    10_000,
  );
  assert.ok(Date.now() - applied < 10_000);
  // What OpenShift stores: the tag's generation is the stream's at the change, the item answers it.
  const generation = specTag(imported, '8')?.generation;
  assert.equal(generation, imported.metadata.generation);
  assert.deepEqual(
    items(imported, '8').map((i) => [i.dockerImageReference, i.generation]),
    [[fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository), generation]],
  );
  assert.equal(imported.status?.tags?.find((l) => l.tag === '8')?.conditions, undefined);

  await apply(
    cluster,
    ns,
    deployment('web', [{ name: 'web', image: 'app:8' }], triggerAnnotation([{ stream: 'app:8', container: 'web' }])),
  );
  const aRef = fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository);
  await waitFor('web at A', async () => (await containerImage(cluster, ns, 'deployment/web', 'web')) === aRef);

  // kubectl patch keeps the stored generation: only the changed source tells the controller.
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'app',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: `/spec/tags/${tagIndex(imported, '8')}/from/name`, value: schema2 }]),
    ],
    { namespace: ns },
  );
  const repointed = await waitFor('the new source prepended', async () => {
    const s = await readStream(cluster, ns, 'app');
    return items(s, '8')[0]?.image === fixtures.dockerSchema2.digest ? s : undefined;
  });
  assert.deepEqual(
    items(repointed, '8').map((i) => i.image),
    [fixtures.dockerSchema2.digest, fixtures.floating.A.digest],
  );
  assert.equal(items(repointed, '8')[0]?.generation, specTag(repointed, '8')?.generation);
  assert.ok((specTag(repointed, '8')?.generation ?? 0) > (generation ?? 0));
  const schema2Ref = fixtures.digestReference(fixtures.dockerSchema2);
  await waitFor(
    'web rolled to the new source',
    async () => (await containerImage(cluster, ns, 'deployment/web', 'web')) === schema2Ref,
  );

  // Back to the floating tag, then the registry moves it: "generation: 0" asks for a new import.
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'app',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: `/spec/tags/${tagIndex(repointed, '8')}/from/name`, value: floating }]),
    ],
    { namespace: ns },
  );
  await waitFor('web back at A', async () => (await containerImage(cluster, ns, 'deployment/web', 'web')) === aRef);
  await fixtures.moveFloatingTag('B');
  const beforeReset = await readStream(cluster, ns, 'app');
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'app',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: `/spec/tags/${tagIndex(beforeReset, '8')}/generation`, value: 0 }]),
    ],
    { namespace: ns },
  );
  const reimported = await waitFor('B imported', async () => {
    const s = await readStream(cluster, ns, 'app');
    return items(s, '8')[0]?.image === fixtures.floating.B.digest ? s : undefined;
  });
  assert.ok(
    (specTag(reimported, '8')?.generation ?? 0) > (specTag(beforeReset, '8')?.generation ?? 0),
    'generation 0 was replaced by a new one',
  );
  const bRef = fixtures.digestReference(fixtures.floating.B, fixtures.floating.repository);
  await waitFor('web at B', async () => (await containerImage(cluster, ns, 'deployment/web', 'web')) === bRef);

  // Re-applying the unchanged manifest (JSON merge patch drops the generations) imports nothing.
  const settled = await readStream(cluster, ns, 'app');
  await apply(cluster, ns, manifest);
  // Within the grace after the last import's stamp the controller waits for a status that may be on its way.
  const after = await waitFor(
    'the generation restored, as OpenShift keeps it',
    async () => {
      const s = await readStream(cluster, ns, 'app');
      return specTag(s, '8')?.generation === undefined ? undefined : s;
    },
    importStatusGraceMs + 10_000,
  );
  assert.equal(specTag(after, '8')?.generation, specTag(settled, '8')?.generation);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(items(await readStream(cluster, ns, 'app'), '8'), items(settled, '8'), 'nothing imported');
});

test("reference tags, ImageStreamTag and ImageStreamImage sources applied with kubectl get their status item at once; OpenShift's defaults read back; importMode re-imports", async (t) => {
  const { fixtures, cluster, ns } = await setup(t, 'decl-refs');
  const schema2 = fixtures.reference(fixtures.dockerSchema2);
  await apply(
    cluster,
    ns,
    imageStream('tools', {
      tags: [
        { name: 'src', from: { kind: 'DockerImage', name: schema2 }, importPolicy: { insecure: true } },
        { name: 'pinned', from: { kind: 'DockerImage', name: 'registry.example.com/team/tool:1.0' }, reference: true },
        { name: 'alias', from: { kind: 'ImageStreamTag', name: 'src' } },
      ],
    }),
  );
  const stream = await waitFor('items for all three tags', async () => {
    const s = await readStream(cluster, ns, 'tools');
    return ['src', 'pinned', 'alias'].every((tag) => items(s, tag).length > 0) ? s : undefined;
  });
  const generation = stream.metadata.generation;
  assert.deepEqual(
    items(stream, 'pinned').map((i) => [i.dockerImageReference, i.image, i.generation]),
    [['registry.example.com/team/tool:1.0', '', specTag(stream, 'pinned')?.generation]],
  );
  assert.equal(
    items(stream, 'pinned')[0]?.created,
    stream.metadata.creationTimestamp,
    "a new stream's items carry its creation time",
  );
  assert.equal(items(stream, 'alias')[0]?.image, fixtures.dockerSchema2.digest, 'the alias follows its target');
  assert.ok(stream.spec.tags?.every((tag) => (tag.generation ?? 0) > 0 && (tag.generation ?? 0) <= generation));
  // Read back as OpenShift serves it.
  assert.deepEqual(stream.spec.lookupPolicy, { local: false });
  for (const tag of stream.spec.tags ?? []) {
    assert.deepEqual(tag.referencePolicy, { type: 'Source' }, tag.name);
    assert.deepEqual(
      tag.importPolicy,
      tag.name === 'src' ? { insecure: true, importMode: 'Legacy' } : { importMode: 'Legacy' },
      tag.name,
    );
  }
  // An ImageStreamImage source added later gets the image it names at once.
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'tools',
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'add',
          path: '/spec/tags/-',
          value: { name: 'exact', from: { kind: 'ImageStreamImage', name: `tools@${fixtures.dockerSchema2.digest}` } },
        },
      ]),
    ],
    { namespace: ns },
  );
  const exact = await waitFor(
    'the ImageStreamImage item',
    async () => items(await readStream(cluster, ns, 'tools'), 'exact')[0],
  );
  assert.equal(exact.image, fixtures.dockerSchema2.digest);
  assert.equal(exact.dockerImageReference, items(stream, 'src')[0]?.dockerImageReference);
  // A changed import mode is a tag change: the manifest list itself instead of its amd64 child.
  const list = fixtures.dockerManifestList;
  await apply(
    cluster,
    ns,
    imageStream('multi', {
      tags: [
        { name: '1', from: { kind: 'DockerImage', name: fixtures.reference(list) }, importPolicy: { insecure: true } },
      ],
    }),
  );
  const legacy = await waitFor('the Legacy import', async () => {
    const s = await readStream(cluster, ns, 'multi');
    return items(s, '1')[0]?.image === list.amd64.digest ? s : undefined;
  });
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'multi',
      '--type=json',
      '-p',
      JSON.stringify([
        {
          op: 'replace',
          path: `/spec/tags/${tagIndex(legacy, '1')}/importPolicy/importMode`,
          value: 'PreserveOriginal',
        },
      ]),
    ],
    { namespace: ns },
  );
  await waitFor(
    'the list imported whole',
    async () => items(await readStream(cluster, ns, 'multi'), '1')[0]?.image === list.digest,
  );
  // Status items carry only openshift/api's fields.
  for (const list of stream.status?.tags ?? []) {
    for (const item of list.items ?? [])
      assert.deepEqual(Object.keys(item).sort(), ['created', 'dockerImageReference', 'generation', 'image']);
  }
});

test("a spec.dockerImageRepository stream applied with kubectl imports its first 50 tags by OpenShift's priority", async (t) => {
  const { fixtures, cluster, ns } = await setup(t, 'decl-repo');
  const repository = `${fixtures.host}/${fixtures.manyTags.repository}`;
  await apply(cluster, ns, {
    ...imageStream('many', { dockerImageRepository: repository }),
    metadata: { name: 'many', annotations: { 'openshift.io/image.insecureRepository': 'true' } },
  });
  const stream = await waitFor(
    'the repository imported',
    async () => {
      const s = await readStream(cluster, ns, 'many');
      return (s.status?.tags?.length ?? 0) > 0 ? s : undefined;
    },
    30_000,
  );
  const tags = (stream.status?.tags ?? []).map((l) => l.tag);
  assert.equal(tags.length, 50);
  assert.ok(tags.includes('latest') && tags.includes('3.6.8'), tags.join(' '));
  assert.ok(!tags.includes('1.0.0'), 'the oldest versions are beyond the cap');
  const latest = fixtures.manyTags.images.find((i) => i.tag === 'latest');
  assert.equal(items(stream, 'latest')[0]?.image, latest?.digest);
  assert.ok(
    stream.metadata.annotations?.['openshift.io/image.dockerRepositoryCheck'],
    'the repository is recorded as checked',
  );
});

test("invalid specs are refused with OpenShift's messages", async () => {
  const cluster = await currentCrd();
  const ns = await cluster.createNamespace('decl-invalid');
  const refused = async (spec: object): Promise<string> => {
    const result = await cluster.kubectl(['apply', '-f', '-'], {
      namespace: ns,
      input: JSON.stringify(imageStream('bad', spec)),
    });
    assert.notEqual(result.code, 0, `accepted: ${JSON.stringify(spec)}`);
    return result.stderr;
  };
  assert.match(
    await refused({
      tags: [{ name: 'a', from: { kind: 'ImageStreamTag', name: 'other:1' }, importPolicy: { scheduled: true } }],
    }),
    /spec\.tags\[0\]\.importPolicy\.scheduled: Invalid value: .*only tags pointing to Docker repositories may be scheduled for background import/,
  );
  assert.match(
    await refused({ dockerImageRepository: 'quay.io/team/app:1' }),
    /spec\.dockerImageRepository: Invalid value: .*the repository name may not contain a tag/,
  );
  assert.match(
    await refused({ dockerImageRepository: `quay.io/team/app@sha256:${'a'.repeat(64)}` }),
    /spec\.dockerImageRepository: Invalid value: .*the repository name may not contain an ID/,
  );
  assert.match(
    await refused({ tags: [{ name: 'a', from: { kind: 'Image', name: 'x' } }] }),
    /spec\.tags\[0\]\.from\.kind: Required value: valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'/,
  );
  assert.match(
    await refused({ tags: [{ name: 'a', from: { kind: 'DockerImage', name: '' } }] }),
    /spec\.tags\[0\]\.from\.name: Required value/,
  );
  // A registry port in a repository is not a tag.
  await apply(cluster, ns, imageStream('fine', { dockerImageRepository: 'registry.example.com:5000/team/app' }));
});

test('by default the controller refuses to import from loopback: the tag records a Forbidden import and the registry is never asked', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await currentCrd();
  const ns = await cluster.createNamespace('decl-loopback');
  let asked = 0;
  const controller = await runController(cluster.kubeconfig, ns, {
    imports: {
      allowedRegistries: undefined,
      openSession: async (namespace) => {
        const session = await cliImports(cluster.kubeconfig).openSession(namespace);
        return {
          source: {
            resolve: (reference, options) => {
              asked++;
              return session.source.resolve(reference, options);
            },
            listTags: (reference, options) => {
              asked++;
              return session.source.listTags(reference, options);
            },
          },
          close: () => session.close(),
        };
      },
    },
  });
  defer(t, () => controller.stop());
  const floating = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  await apply(
    cluster,
    ns,
    imageStream('probe', {
      tags: [{ name: '8', from: { kind: 'DockerImage', name: floating }, importPolicy: { insecure: true } }],
    }),
  );
  const condition = await waitFor('the refusal in status', async () => {
    const s = await readStream(cluster, ns, 'probe');
    return s.status?.tags?.find((l) => l.tag === '8')?.conditions?.[0];
  });
  assert.equal(condition.status, 'False');
  assert.equal(condition.reason, 'Forbidden');
  assert.match(
    condition.message ?? '',
    new RegExp(
      `registry "${fixtures.host.replace(/[.]/g, '\\.')}" is an internal address \\(127\\.0\\.0\\.1\\): .*--allowed-registries-file`,
    ),
  );
  assert.deepEqual(items(await readStream(cluster, ns, 'probe'), '8'), []);
  assert.equal(asked, 0, 'the registry was never asked');
});

const cliBin = fileURLToPath(new URL('../../../bin/kubectl-istream', import.meta.url));

test('kubectl istream controller with an allowedRegistriesForImport file imports a stream applied with kubectl within 10 s', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await currentCrd();
  const ns = await cluster.createNamespace('decl-process');
  // OpenShift's cluster image config, as an operator would copy it.
  const config = join(mkdtempSync(join(scratch, 'istream-allowed-')), 'image-config.yaml');
  writeFileSync(
    config,
    `apiVersion: config.openshift.io/v1\nkind: Image\nmetadata:\n  name: cluster\nspec:\n  allowedRegistriesForImport:\n  - domainName: ${fixtures.host}\n    insecure: true\n`,
  );
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const child = spawn(
    process.execPath,
    [
      cliBin,
      'controller',
      '--namespace',
      ns,
      '--kubeconfig',
      cluster.kubeconfig,
      '--metrics-bind-address',
      address,
      '--allowed-registries-file',
      config,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const withStderr = (e: Error): never => {
    throw new Error(`${e.message}\n${stderr}`);
  };
  defer(t, () => {
    child.kill('SIGTERM');
  });
  await waitFor(
    'the controller ready',
    async () => (await fetch(`http://${address}/readyz`).catch(() => undefined))?.ok,
  );
  const floating = `${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const applied = Date.now();
  await apply(
    cluster,
    ns,
    imageStream('app', {
      tags: [{ name: '8', from: { kind: 'DockerImage', name: floating }, importPolicy: { insecure: true } }],
    }),
  );
  await waitFor(
    'the digest in status.tags',
    async () => items(await readStream(cluster, ns, 'app'), '8')[0]?.image === fixtures.floating.A.digest,
    10_000,
  ).catch(withStderr);
  assert.ok(Date.now() - applied < 10_000);
  // The controller batches its log lines (50 ms), so the line may follow the status it reports.
  await waitFor('the import in the log', () => /imported stream=\S+\/app tag=8 /.test(stderr), 2_000).catch(withStderr);
});

test('a bad allowed-registries file is refused before the controller starts, naming the file and the problem', async () => {
  const dir = mkdtempSync(join(scratch, 'istream-allowed-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- insecure: true\n');
  const cases: Array<[string, RegExp]> = [
    [
      bad,
      new RegExp(
        `^error: --allowed-registries-file ${bad.replace(/[.]/g, '\\.')}: entry 1: domainName must be a non-empty string\n$`,
      ),
    ],
    [join(dir, 'missing.yaml'), /^error: --allowed-registries-file: cannot read \S+missing\.yaml: ENOENT\n$/],
  ];
  for (const [file, expected] of cases) {
    const io = bufferIO();
    assert.notEqual(
      await runCli(['controller', '--allowed-registries-file', file, '--kubeconfig', '/nonexistent'], { io, env: {} }),
      0,
    );
    assert.match(io.stderr(), expected);
  }
});
