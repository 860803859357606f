// The controller imports from a registry on 6668, one of the ports the WHATWG fetch spec blocks
// ("bad port"), and rolls the triggered Deployment to what it imported.
import { test } from 'node:test';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import {
  applyTriggeredDeployment,
  cliImports,
  clusterWithCrd,
  containerImage,
  ok,
  runController,
  waitFor,
} from './support.js';

test('the controller imports a spec tag from a registry on port 6668 and rolls the Deployment', async (t) => {
  const registry = await startRegistry({ mode: 'plain', port: 6668 });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('port-6668');
  const controller = await runController(cluster.kubeconfig, ns, {
    imports: cliImports(cluster.kubeconfig),
  });
  defer(t, () => controller.stop());

  const floating = `${registry.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const stream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: ns },
    spec: {
      tags: [
        { name: '8', from: { kind: 'DockerImage', name: floating }, generation: 1, importPolicy: { insecure: true } },
      ],
    },
  };
  await ok(cluster, ['apply', '-f', '-'], { input: JSON.stringify(stream) });
  await applyTriggeredDeployment(cluster, ns, 'myapp', { stream: 'ubi:8' }, floating);
  const aRef = fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository);
  await waitFor(
    `myapp at ${aRef}`,
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === aRef,
    30_000,
  );
});
