// Image lookup end to end: the digest the admission webhook writes into a Pod naming `myapp:latest`
// is one containerd on the sandbox's real node can pull, and the container it starts is the
// stream's image. The admission test proves the rewrite; only a real node proves it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { realNodePlacement, sharedRealNode, trustRegistry } from '@istream/test-harness/cluster/index';
import { admissionScope, admittedImage, startWithAdmission } from './admission-support.js';
import { cli, ok, waitFor } from './support.js';

test("on the real node, a Pod naming myapp:latest in an opted-in namespace is stored with the stream's digest, pulled and runs image A", async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const [fixtures, node, scope] = await Promise.all([
    pushFixtures(registry),
    sharedRealNode(),
    admissionScope(t, 'lookup-node'),
  ]);
  await trustRegistry(node, registry);
  const { cluster, ns } = scope;
  const { A } = fixtures.floating;
  const aRef = fixtures.digestReference(A);
  const flags = ['-n', ns, '--kubeconfig', cluster.kubeconfig];

  await cli([
    'import-image',
    'myapp',
    '--confirm',
    '--insecure',
    '--from',
    `${registry.host}/${A.repository}:${A.tag}`,
    ...flags,
  ]);
  await cli(['set', 'image-lookup', 'myapp', ...flags]);
  const { controller } = await startWithAdmission(scope);
  t.after(async () => {
    await controller.stop();
  });
  await waitFor(
    'the webhook to resolve myapp:latest',
    async () => (await admittedImage(scope, ns, 'myapp:latest')).image === aRef || undefined,
    30_000,
  );

  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'myapp' },
    spec: {
      ...realNodePlacement,
      restartPolicy: 'Never',
      containers: [
        {
          name: 'myapp',
          image: 'myapp:latest',
          command: ['/bin/sh', '-c', 'ls /root/buildinfo/; cat /root/buildinfo/*'],
        },
      ],
    },
  };
  await ok(cluster, ['create', '-f', '-'], { namespace: ns, input: JSON.stringify(pod) });
  assert.equal(
    await ok(cluster, ['get', 'pod', 'myapp', '-o', 'jsonpath={.spec.containers[0].image}'], { namespace: ns }),
    aRef,
  );
  // Succeeded, not only Running: containerd pulled the digest and the container ran to its end.
  const phase = await waitFor(
    'the myapp pod to finish',
    async () => {
      const p = await ok(cluster, ['get', 'pod', 'myapp', '-o', 'jsonpath={.status.phase}'], { namespace: ns });
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    },
    120_000,
  );
  const log = await ok(cluster, ['logs', 'myapp'], { namespace: ns });
  assert.equal(phase, 'Succeeded', `the container failed: ${log}`);
  assert.equal(
    log,
    [
      'Dockerfile-ubi8-8.0-122',
      'FROM scratch',
      'LABEL com.redhat.component="ubi8-container" name="ubi8" version="8.0" release="122"',
      'CMD ["/bin/bash"]',
      '',
    ].join('\n'),
    "image A's build-info file, named and printed",
  );
  const status = JSON.parse(
    await ok(cluster, ['get', 'pod', 'myapp', '-o', 'jsonpath={.status.containerStatuses[0]}'], { namespace: ns }),
  ) as { imageID: string };
  assert.ok(status.imageID.endsWith(`@${A.digest}`), `the kubelet reports running ${A.digest}, not ${status.imageID}`);
});
