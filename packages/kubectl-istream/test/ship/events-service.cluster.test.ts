// `install --events` exposes the registry-event receiver for real: the controller image runs on
// the sandbox's real node, whose kube-proxy routes the Service `istream-registry-events` to its
// pods. A registry on the host sends its push notifications to the Service's ClusterIP, and a push
// to a followed tag rolls the triggered Deployment with no import command; a POST without the
// token gets 401 through the same Service. The Service picks either replica: every authenticated
// event that needs an import is accepted whichever it reaches (the standby records it on the
// stream for the leader), and so is every event sent while the leader pod is deleted and another
// replica takes the Lease.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connectCluster, kubeClient, resourcePath } from '@istream/core/cluster';
import { IMPORT_REQUESTS_ANNOTATION } from '@istream/core/controller';
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
import { type ControllerPod, installOnRealNode, pushControllerImage } from './support.js';

interface Service {
  spec: { clusterIP: string; ports: Array<{ port: number }> };
}

interface Answer {
  status?: number;
  body?: { imports?: number; recorded?: number };
  /** The connection failed (refused, reset, timed out). */
  error?: string;
}

/**
 * POSTs one Distribution push notification on a connection of its own, as a registry sends each
 * one, so kube-proxy picks a replica for every event.
 */
function notify(url: string, token: string, host: string, repository: string, tag: string, digest: string) {
  const body = JSON.stringify({ events: [{ action: 'push', target: { repository, tag, digest }, request: { host } }] });
  return new Promise<Answer>((resolve) => {
    const req = request(url, {
      method: 'POST',
      agent: false,
      timeout: 5000,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/vnd.docker.distribution.events.v1+json',
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) as Answer['body'] }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

/** A digest no event has named yet, so no event is another's duplicate and each asks for an import. */
const freshDigest = (() => {
  let n = 0;
  return () => `sha256:${(++n).toString(16).padStart(64, 'e')}`;
})();

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
  // The receiver answers JSON. Until kube-proxy has written the Service's rules, a packet to the
  // ClusterIP follows the host's default route, and what answers there (this machine's egress
  // proxy says 404 to any address on port 80) is not the receiver: such an answer is undefined.
  const postToReceiver = (headers: Record<string, string>) =>
    fetch(receiver, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers },
      body: JSON.stringify({ events: [] }),
      signal: AbortSignal.timeout(5000),
    }).then((r) => (r.headers.get('content-type') === 'application/json' ? r.status : undefined));
  const post = async (headers: Record<string, string>) => {
    const status = await postToReceiver(headers);
    assert.ok(status !== undefined, `${receiver} answered, but not as istream's receiver`);
    return status;
  };
  // kube-proxy writes the Service's rules once the pods are Ready endpoints.
  const routedStart = Date.now();
  assert.equal(
    await waitFor(`${receiver} to answer`, () => postToReceiver({}), 30_000),
    401,
    'an unauthenticated POST through the Service',
  );
  const routedMs = Date.now() - routedStart;
  assert.equal(await post({ authorization: 'Bearer wrong' }), 401, 'a wrong token through the Service');
  assert.equal(await post({ authorization: `Bearer ${token}` }), 202, 'the token from the Secret');

  // The app registry listens on the node's address, where the controller pods reach the host;
  // its notifications go to the ClusterIP, as a registry inside the cluster would send them.
  const registryLog: string[] = [];
  const registry = await startRegistry({
    mode: 'plain',
    log: (line) => registryLog.push(line),
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

  // Twenty notifications through the ClusterIP: kube-proxy sends about half to the standby.
  const event = () => notify(receiver, token, registry.host, repository, tag, freshDigest());
  const answers: Answer[] = [];
  for (let i = 0; i < 20; i++) answers.push(await event());
  assert.deepEqual(
    answers.map((a) => [a.status, a.body?.imports]),
    answers.map(() => [202, 1]),
    `every event accepted and asking for an import of the followed tag; first other answer: ${JSON.stringify(
      answers.find((a) => a.status !== 202),
    )}`,
  );
  const recorded = answers.filter((a) => a.body?.recorded === 1).length;
  assert.ok(recorded > 0 && recorded < 20, `both replicas answered (${recorded} of 20 by the standby)`);
  const requests = async () =>
    (await getJson<{ metadata: { annotations?: Record<string, string> } }>(cluster, appNs, 'imagestream/ubi')).metadata
      .annotations?.[IMPORT_REQUESTS_ANNOTATION];
  await waitFor('the leader to serve what the standby recorded', async () => (await requests()) === undefined, 30_000);

  // The leader pod goes (a drain, an upgrade): events keep coming through the Service meanwhile.
  const connection = connectCluster({ kubeconfig: cluster.kubeconfig }, {});
  const leasePath = resourcePath('coordination.k8s.io/v1', 'leases', installNs, 'istream-controller');
  const holder = async () =>
    (await kubeClient(connection).call<{ spec: { holderIdentity?: string } }>(leasePath)).spec.holderIdentity ?? '';
  const leaderPod = await waitFor('the leader', async () => {
    const identity = await holder();
    return pods.find((p: ControllerPod) => identity.startsWith(`${p.metadata.name}_`));
  });
  const during: Answer[] = [];
  let sending = true;
  const sender = (async () => {
    while (sending) {
      during.push(await event());
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const deleted = Date.now();
  await ok(cluster, ['delete', 'pod', leaderPod.metadata.name, '--wait=false'], { namespace: installNs });
  const newHolder = await waitFor(
    'another replica to take the Lease',
    async () => {
      const identity = await holder();
      return identity !== '' && !identity.startsWith(`${leaderPod.metadata.name}_`) ? identity : undefined;
    },
    30_000,
  );
  const takeoverMs = Date.now() - deleted;
  // Until the deleted pod has stopped, so events cross its shutdown and the new leader's start.
  await waitFor(
    'the deleted pod to stop',
    async () =>
      !(await getJson<{ items: ControllerPod[] }>(cluster, installNs, 'pods')).items.some(
        (p) => p.metadata.name === leaderPod.metadata.name,
      ),
    60_000,
  );
  sending = false;
  await sender;
  const refused = during.filter((a) => a.status !== 202);
  assert.deepEqual(refused, [], `every one of ${during.length} events sent through the failover was accepted`);
  await waitFor('the new leader to serve every recorded event', async () => (await requests()) === undefined, 30_000);

  // And the new leader acts on the registry's own next notification.
  const movedAgain = Date.now();
  await fixtures.moveFloatingTag('A');
  await waitFor(
    'app back at A (rolled by the new leader)',
    async () => (await imageOf())?.endsWith(A.digest),
    60_000,
  ).catch(async (error: unknown) => {
    // What each side saw: the controllers' logs and the registry's (its notification errors).
    for (const p of (await getJson<{ items: ControllerPod[] }>(cluster, installNs, 'pods')).items) {
      const log = await ok(cluster, ['logs', p.metadata.name, '--tail=20'], { namespace: installNs });
      t.diagnostic(`${p.metadata.name}:\n${log}`);
    }
    t.diagnostic(`registry:\n${registryLog.slice(-20).join('\n')}`);
    throw error;
  });
  const rolledAgainMs = Date.now() - movedAgain;

  t.diagnostic(
    `install --events: install to 2 Ready pods ${readyMs} ms; Service routed ${routedMs} ms after; ` +
      `push to rolled Deployment through the ClusterIP ${rolledMs} ms; ` +
      `20 events through the ClusterIP: 20 accepted, ${recorded} recorded by the standby for the leader; ` +
      `leader pod deleted: Lease taken by ${newHolder} in ${takeoverMs} ms, ${during.length} events sent ` +
      `until the old pod was gone, all accepted; next push rolled by the new leader in ${rolledAgainMs} ms`,
  );
});
