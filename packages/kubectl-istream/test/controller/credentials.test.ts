// Pull Secrets as OpenShift scopes them: one annotated openshift.io/image.excludeSecret: "true" is
// never sent to a registry, by the controller's imports as by the CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { cliImports, clusterWithCrd, getJson, ok, runController, waitFor } from './support.js';

interface Stream {
  spec: { tags: Array<{ name: string }> };
  status?: {
    tags?: Array<{
      tag: string;
      items: Array<{ image: string }> | null;
      conditions?: Array<{ reason?: string; message?: string }>;
    }>;
  };
}

test('a pull Secret annotated openshift.io/image.excludeSecret: "true" is not used; without the annotation it is', async (t) => {
  const registry = await startRegistry({ mode: 'token' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('creds-exclude');
  await ok(
    cluster,
    [
      'create',
      'secret',
      'docker-registry',
      'pull',
      `--docker-server=${fixtures.host}`,
      `--docker-username=${registry.username}`,
      `--docker-password=${registry.password}`,
    ],
    { namespace: ns },
  );
  await ok(cluster, ['annotate', 'secret', 'pull', 'openshift.io/image.excludeSecret=true'], { namespace: ns });
  const controller = await runController(cluster.kubeconfig, ns, { imports: cliImports(cluster.kubeconfig) });
  defer(t, () => controller.stop());
  const from = fixtures.reference(fixtures.private);
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'private' },
      spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] },
    }),
  });
  const tagList = async () =>
    (await getJson<Stream>(cluster, ns, 'imagestream/private')).status?.tags?.find((l) => l.tag === '1');
  const refused = await waitFor('the import refused', async () => (await tagList())?.conditions?.[0]);
  assert.equal(refused.reason, 'Unauthorized');
  assert.match(refused.message ?? '', /you may not have access to the container image/);

  await ok(cluster, ['annotate', 'secret', 'pull', 'openshift.io/image.excludeSecret-'], { namespace: ns });
  const stream = await getJson<Stream>(cluster, ns, 'imagestream/private');
  const index = stream.spec.tags.findIndex((tag) => tag.name === '1');
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'private',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: `/spec/tags/${index}/generation`, value: 0 }]),
    ],
    { namespace: ns },
  );
  const imported = await waitFor('the import with the Secret', async () => {
    const list = await tagList();
    return list?.items?.[0]?.image === fixtures.private.digest ? list : undefined;
  });
  assert.equal(imported.conditions, undefined);
});
