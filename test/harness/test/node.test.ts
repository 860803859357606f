// The real node: pods pull fixture images by digest from each kind of sandbox registry (plain
// HTTP, TLS with the test CA and basic auth, token auth), with the account coming from an image
// pull Secret, and really run: what they print is the content of the image they were given. And
// they reach the API server where in-cluster clients look for it, the `kubernetes` Service, and
// the node's kube-proxy routes other Services to their pods, from pods and from the host.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  type ClusterInstance,
  realNodePlacement,
  requireServiceRouting,
  sharedCluster,
  sharedRealNode,
  startNode,
  trustRegistry,
} from '../src/cluster/index.js';
import { type RegistryInstance, type RegistryMode, defer, pushFixtures, startRegistry } from '../src/index.js';

interface PodStatus {
  status: {
    phase: string;
    containerStatuses?: Array<{ state: { waiting?: { reason: string; message?: string } } }>;
  };
}

/** How a pod ended up: finished (with its log) or stuck pulling its image. */
type Outcome = { phase: 'Succeeded' | 'Failed'; log: string } | { phase: 'ErrImagePull'; message: string };

const podTimeoutMs = 120_000;

async function runPod(
  cluster: ClusterInstance,
  namespace: string,
  name: string,
  spec: { image: string; command: string[]; pullSecret?: string },
): Promise<Outcome> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...realNodePlacement,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: spec.image, command: spec.command }],
      ...(spec.pullSecret ? { imagePullSecrets: [{ name: spec.pullSecret }] } : {}),
    },
  };
  const created = await cluster.kubectl(['create', '-f', '-'], { namespace, input: JSON.stringify(pod) });
  assert.equal(created.code, 0, created.stderr);
  const deadline = Date.now() + podTimeoutMs;
  for (;;) {
    const got = await cluster.kubectl(['get', 'pod', name, '-o', 'json'], { namespace });
    assert.equal(got.code, 0, got.stderr);
    const { status } = JSON.parse(got.stdout) as PodStatus;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      const log = await cluster.kubectl(['logs', name], { namespace });
      assert.equal(log.code, 0, log.stderr);
      return { phase: status.phase, log: log.stdout };
    }
    const waiting = status.containerStatuses?.[0]?.state.waiting;
    if (waiting && ['ErrImagePull', 'ImagePullBackOff'].includes(waiting.reason)) {
      return { phase: 'ErrImagePull', message: waiting.message ?? '' };
    }
    if (Date.now() > deadline)
      throw new Error(`pod ${namespace}/${name} still ${status.phase} after ${podTimeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function pullSecret(cluster: ClusterInstance, namespace: string, registry: RegistryInstance): Promise<string> {
  const created = await cluster.kubectl(
    [
      'create',
      'secret',
      'docker-registry',
      'pull',
      `--docker-server=${registry.host}`,
      `--docker-username=${registry.username!}`,
      `--docker-password=${registry.password!}`,
    ],
    { namespace },
  );
  assert.equal(created.code, 0, created.stderr);
  return 'pull';
}

/** A registry of the test's own with the fixtures, trusted by the node, and a namespace to run pods in. */
async function setUp(t: Parameters<typeof defer>[0], mode: RegistryMode) {
  const [cluster, node, registry] = await Promise.all([sharedCluster(), sharedRealNode(), startRegistry({ mode })]);
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  await trustRegistry(node, registry);
  const namespace = await cluster.createNamespace(`node-${mode}`);
  // Pods on the real node hold containers, mounts and addresses: they go with the test.
  defer(t, () => cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']));
  return { cluster, registry, fixtures, namespace };
}

describe('real node', () => {
  test('runs a multi-platform index pulled by digest from the plain HTTP registry (its amd64 image)', async (t) => {
    const { cluster, registry, fixtures, namespace } = await setUp(t, 'plain');
    const index = fixtures.runnableIndex;
    const outcome = await runPod(cluster, namespace, 'index', {
      image: `${registry.host}/${index.repository}@${index.digest}`,
      command: ['/bin/cat', '/etc/istream-fixture'],
    });
    assert.deepEqual(outcome, { phase: 'Succeeded', log: 'multiarch/runnable linux/amd64\n' });
  });

  test('pulls by digest from the TLS registry with basic auth through an image pull Secret, and not without it', async (t) => {
    const { cluster, registry, fixtures, namespace } = await setUp(t, 'tls-basic');
    const image = `${registry.host}/${fixtures.floating.A.repository}@${fixtures.floating.A.digest}`;
    // The seed article's container command: image A's build-info file names release 122.
    const command = ['/bin/bash', '-c', 'ls /root/buildinfo/'];
    const withSecret = await runPod(cluster, namespace, 'with-secret', {
      image,
      command,
      pullSecret: await pullSecret(cluster, namespace, registry),
    });
    assert.deepEqual(withSecret, { phase: 'Succeeded', log: 'Dockerfile-ubi8-8.0-122\n' });

    const without = await runPod(cluster, namespace, 'without-secret', { image, command });
    assert.equal(without.phase, 'ErrImagePull');
    assert.match((without as { message: string }).message, /401 Unauthorized|unauthorized/i);
  });

  test('pulls a private repository by digest from the token-auth registry through an image pull Secret, and not without it', async (t) => {
    const { cluster, registry, fixtures, namespace } = await setUp(t, 'token');
    const image = `${registry.host}/${fixtures.private.repository}@${fixtures.private.digest}`;
    const command = ['/bin/cat', '/etc/istream-fixture'];
    const withSecret = await runPod(cluster, namespace, 'with-secret', {
      image,
      command,
      pullSecret: await pullSecret(cluster, namespace, registry),
    });
    assert.deepEqual(withSecret, { phase: 'Succeeded', log: 'private app linux/amd64\n' });

    const without = await runPod(cluster, namespace, 'without-secret', { image, command });
    assert.equal(without.phase, 'ErrImagePull');
    assert.match((without as { message: string }).message, /401 Unauthorized|unauthorized|authorization failed/i);
  });

  test("a pod on the node's bridge reaches the API server at the kubernetes Service, where in-cluster clients look for it", async (t) => {
    const { cluster, registry, fixtures, namespace } = await setUp(t, 'plain');
    // busybox speaks no TLS the API server accepts; plain HTTP gets Go's answer from its TLS port.
    const outcome = await runPod(cluster, namespace, 'service', {
      image: `${registry.host}/${fixtures.floating.A.repository}@${fixtures.floating.A.digest}`,
      command: [
        '/bin/sh',
        '-c',
        'echo "$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"; printf \'GET /livez HTTP/1.0\\r\\n\\r\\n\' | nc -w 5 "$KUBERNETES_SERVICE_HOST" "$KUBERNETES_SERVICE_PORT"',
      ],
    });
    assert.equal(outcome.phase, 'Succeeded', JSON.stringify(outcome));
    const [service, ...answer] = (outcome as { log: string }).log.split('\n');
    assert.equal(service, '10.96.0.1:443');
    assert.match(
      answer.join('\n'),
      /^HTTP\/1\.0 400 Bad Request\r?\n[^]*Client sent an HTTP request to an HTTPS server/,
    );
  });

  test("kube-proxy routes a Service's ClusterIP to its pod on the node, from another pod and from the host", async (t) => {
    const { cluster, registry, fixtures, namespace } = await setUp(t, 'plain');
    requireServiceRouting(await sharedRealNode());
    const index = fixtures.runnableIndex;
    const image = `${registry.host}/${index.repository}@${index.digest}`;
    const server = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'server', labels: { app: 'server' } },
      spec: {
        ...realNodePlacement,
        terminationGracePeriodSeconds: 0,
        // busybox's httpd serves /etc, so GET /istream-fixture answers the image's fixture file.
        containers: [{ name: 'main', image, command: ['/bin/busybox', 'httpd', '-f', '-p', '8080', '-h', '/etc'] }],
      },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'server' },
      spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    for (const object of [server, service]) {
      const created = await cluster.kubectl(['create', '-f', '-'], { namespace, input: JSON.stringify(object) });
      assert.equal(created.code, 0, created.stderr);
    }
    const ip = await cluster.kubectl(['get', 'service', 'server', '-o', 'jsonpath={.spec.clusterIP}'], { namespace });
    assert.match(ip.stdout, /^10\.96\.0\.\d+$/);

    // The rules follow the server pod's readiness: the client retries until they are there.
    // (busybox's wget crashes in this static build; nc speaks the HTTP by hand.)
    const request = `printf 'GET /istream-fixture HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip.stdout} 80`;
    const client = await runPod(cluster, namespace, 'client', {
      image,
      command: [
        '/bin/sh',
        '-c',
        `for i in $(seq 60); do out=$(${request}) && echo "$out" && exit 0; sleep 1; done; exit 1`,
      ],
    });
    assert.equal(client.phase, 'Succeeded', JSON.stringify(client));
    assert.match(
      (client as { log: string }).log,
      /^HTTP\/1\.1 200 OK\r?\n[^]*\r?\n\r?\nmultiarch\/runnable linux\/amd64\n$/,
    );
    const fromHost = await fetch(`http://${ip.stdout}/istream-fixture`, { signal: AbortSignal.timeout(5000) });
    assert.equal(await fromHost.text(), 'multiarch/runnable linux/amd64\n');
  });

  // kube-proxy's chains have fixed names: a second one on this host would rewrite the first's.
  test('a second node on this host runs no kube-proxy, says why, and leaves the first one its chains when it stops', async () => {
    const [cluster, node] = await Promise.all([sharedCluster(), sharedRealNode()]);
    requireServiceRouting(node);
    const second = await startNode({ cluster, log: () => {}, name: 'istream-second-node' });
    try {
      assert.equal(second.kubeProxy, undefined);
      assert.match(
        second.servicesNotRouted ?? '',
        new RegExp(`the real node of ${node.dir} runs this host's kube-proxy`),
      );
      assert.throws(
        () => requireServiceRouting(second),
        /istream-second-node does not route Services: the real node of/,
      );
    } finally {
      await second.stop();
    }
    assert.match(
      execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }),
      /^-A PREROUTING .*-j KUBE-SERVICES$/m,
    );
  });

  // The pause image is imported, not pullable: garbage-collected once (this machine's disk is above
  // the default 85%), it made every later pod fail to start. The kubelet's own configz says GC is off.
  test('the kubelet never garbage-collects images, so the imported pause image stays', async () => {
    const [cluster, node] = await Promise.all([sharedCluster(), sharedRealNode()]);
    const configz = await cluster.kubectl(['get', '--raw', `/api/v1/nodes/${node.name}/proxy/configz`]);
    assert.equal(configz.code, 0, configz.stderr);
    const config = (JSON.parse(configz.stdout) as { kubeletconfig: Record<string, unknown> }).kubeletconfig;
    assert.equal(config.imageGCHighThresholdPercent, 100);
  });
});
