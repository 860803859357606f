// `install --events` exposes the registry-event receiver for real: the controller image runs on
// the sandbox's real node, whose kube-proxy routes the Service `istream-registry-events` to its
// pods. A registry on the host sends its push notifications to the Service's ClusterIP, and a push
// to a followed tag rolls the triggered Deployment with no import command; a POST without the
// token gets 401 through the same Service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { requireServiceRouting, sharedRealNode, trustRegistry } from '@istream/test-harness/cluster/index';
import { EVENTS_SECRET, EVENTS_SERVICE, METRICS_PORT } from '../../src/install-manifests.js';
import {
  applyTriggeredDeployment,
  clusterWithCrd,
  containerImage,
  eventFollowingStream,
  getJson,
  importCount,
  ok,
  waitFor,
} from '../controller/support.js';
import { installOnRealNode, pushControllerImage } from './support.js';

interface Service {
  spec: { clusterIP: string; ports: Array<{ port: number }> };
}

test('install --events: registry notifications reach the controller through the Service ClusterIP and roll a Deployment; an unauthenticated POST gets 401', async (t) => {
  // On disk: the in-memory registry takes about a minute for the image's two 48 MB layers.
  const imageRegistry = await startRegistry({ mode: 'plain', storage: 'disk' });
  defer(t, () => imageRegistry.stop());
  const [node, cluster] = await Promise.all([sharedRealNode(), clusterWithCrd()]);
  requireServiceRouting(node);
  await trustRegistry(node, imageRegistry);
  const image = `${imageRegistry.host}/istream/istream-controller:events`;
  await pushControllerImage(t, image);

  const installNs = await cluster.createNamespace('istream-events');
  const appNs = await cluster.createNamespace('events-app');
  defer(t, () => cluster.kubectl(['delete', 'namespace', appNs, '--wait=false']));
  const token = randomBytes(16).toString('hex');
  await ok(cluster, ['create', 'secret', 'generic', EVENTS_SECRET, `--from-literal=token=${token}`], {
    namespace: installNs,
  });
  const installStart = Date.now();
  const pods = await installOnRealNode(t, cluster, {
    image,
    installNs,
    watchNs: appNs,
    node: node.name,
    flags: ['--events'],
  });
  const readyMs = Date.now() - installStart;

  const service = await getJson<Service>(cluster, installNs, `service/${EVENTS_SERVICE}`);
  const receiver = `http://${service.spec.clusterIP}:${service.spec.ports[0]!.port}/distribution`;
  const post = (headers: Record<string, string>) =>
    fetch(receiver, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers },
      body: JSON.stringify({ events: [] }),
      signal: AbortSignal.timeout(5000),
    }).then((r) => r.status);
  // kube-proxy writes the Service's rules once the pods are Ready endpoints.
  const routedStart = Date.now();
  assert.equal(
    await waitFor(`${receiver} to answer`, () => post({}), 30_000),
    401,
    'an unauthenticated POST through the Service',
  );
  const routedMs = Date.now() - routedStart;
  assert.equal(await post({ authorization: 'Bearer wrong' }), 401, 'a wrong token through the Service');
  assert.equal(await post({ authorization: `Bearer ${token}` }), 202, 'the token from the Secret');

  // The app registry listens on the node's address, where the controller pods reach the host;
  // its notifications go to the ClusterIP, as a registry inside the cluster would send them.
  const registry = await startRegistry({
    mode: 'plain',
    address: node.address,
    notify: { url: receiver, headers: { Authorization: `Bearer ${token}` } },
  });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const { A, B, repository, tag } = fixtures.floating;
  const stream = eventFollowingStream('ubi', `${registry.host}/${repository}:${tag}`);
  await ok(cluster, ['apply', '-f', '-'], { namespace: appNs, input: JSON.stringify(stream) });
  await applyTriggeredDeployment(cluster, appNs, 'app', { stream: 'ubi:8' }, 'placeholder');
  const imageOf = async () => containerImage(cluster, appNs, 'deployment/app', 'app');
  await waitFor('app at A (the spec import)', async () => (await imageOf())?.endsWith(A.digest), 60_000);

  const pushed = Date.now();
  await fixtures.moveFloatingTag('B');
  await waitFor('app at B (the push notification)', async () => (await imageOf())?.endsWith(B.digest), 60_000);
  const rolledMs = Date.now() - pushed;
  assert.equal(await imageOf(), fixtures.digestReference(B, repository));

  // Each pod's own metrics (by pod IP: the metrics Service would pick one replica at random).
  const metrics = await Promise.all(
    pods.map(async (p) => (await fetch(`http://${p.status.podIP}:${METRICS_PORT}/metrics`)).text()),
  );
  const total = (kind: string, result?: string) =>
    metrics.reduce((sum, text) => sum + importCount(text, kind, result), 0);
  assert.ok(total('event', 'success') >= 1, 'the tag was imported because of the notification');
  assert.equal(total('scheduled'), 0, 'no scheduled import ran');

  t.diagnostic(
    `install --events: install to 2 Ready pods ${readyMs} ms; Service routed ${routedMs} ms after; ` +
      `push to rolled Deployment through the ClusterIP ${rolledMs} ms`,
  );
});
