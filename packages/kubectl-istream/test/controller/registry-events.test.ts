// Push, not poll: a real Distribution registry sends its notifications to the controller's event
// receiver, and a push to a followed tag rolls a triggered Deployment with no import command and
// no scheduled import. The event is only a hint: a forged one, even with the right token, writes
// nothing the registry does not say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defer, freeLoopbackPort, pushFixtures, scratchDir, startRegistry } from '@istream/test-harness';
import { IMPORT_REQUESTS_ANNOTATION, startController } from '@istream/core/controller';
import { connectCluster } from '@istream/core/cluster';
import { runController as runControllerCommand } from '../../src/commands/controller.js';
import { createFactory } from '../../src/factory.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import {
  applyTriggeredDeployment,
  cli,
  cliImports,
  clusterWithCrd,
  containerImage,
  eventFollowingStream,
  getJson,
  importCount,
  loopbackRegistries,
  ok,
  runController,
  waitFor,
} from './support.js';

const scratch = scratchDir();

const eventImports = (metrics: string, result: string): number => importCount(metrics, 'event', result);
const scheduledImports = (metrics: string): number => importCount(metrics, 'scheduled');

interface StreamStatus {
  metadata: { annotations?: Record<string, string> };
  status?: { tags?: Array<{ tag: string; items?: Array<{ image: string }> }> };
}

/** One push event as Distribution sends it, for `repository:tag` on `host`. */
const distributionPush = (host: string, repository: string, tag: string, digest: string) => ({
  events: [{ action: 'push', target: { repository, tag, digest }, request: { host } }],
});

test('a push to a followed tag rolls its Deployment through Distribution notifications; a forged event with the right token writes nothing', async (t) => {
  const token = randomBytes(16).toString('hex');
  await writeFile(join(scratch, 'token'), `${token}\n`);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('reg-events');
  // Hours between scheduled imports: only the event can explain a prompt import.
  const controller = await runController(cluster.kubeconfig, ns, {
    imports: cliImports(cluster.kubeconfig),
    importIntervalMs: 3_600_000,
    events: { bindAddress: '127.0.0.1:0', token: { file: join(scratch, 'token') } },
  });
  defer(t, () => controller.stop());
  const receiver = await controller.events!.listening;
  const registry = await startRegistry({
    mode: 'plain',
    notify: { url: `http://${receiver}/distribution`, headers: { Authorization: `Bearer ${token}` } },
  });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const { A, B } = fixtures.floating;
  const source = `${registry.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;

  const stream = eventFollowingStream('ubi', source);
  await ok(cluster, ['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(stream) });
  await applyTriggeredDeployment(cluster, ns, 'app', { stream: 'ubi:8' }, 'placeholder');
  await waitFor('app at A (the spec import)', async () =>
    (await containerImage(cluster, ns, 'deployment/app', 'app'))?.endsWith(A.digest),
  );

  const metrics = async () => (await fetch(`http://${controller.metricsAddress}/metrics`)).text();
  const pushed = Date.now();
  await fixtures.moveFloatingTag('B');
  await waitFor(
    'app at B (the push event)',
    async () => (await containerImage(cluster, ns, 'deployment/app', 'app'))?.endsWith(B.digest),
    15_000,
  );
  const rolledInMs = Date.now() - pushed;
  t.diagnostic(`push to rolled Deployment: ${rolledInMs} ms`);
  assert.ok(eventImports(await metrics(), 'success') >= 1, 'the tag was imported because of the event');
  assert.equal(scheduledImports(await metrics()), 0, 'no scheduled import ran');

  // Right token, a digest the registry never had: the controller asks the registry, which still says B.
  const forged = `sha256:${'f0'.repeat(32)}`;
  const before = eventImports(await metrics(), 'success');
  const answer = await fetch(`http://${receiver}/distribution`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
    body: JSON.stringify(distributionPush(registry.host, fixtures.floating.repository, fixtures.floating.tag, forged)),
  });
  assert.equal(answer.status, 202);
  assert.deepEqual(await answer.json(), { events: 1, duplicates: 0, imports: 1, recorded: 0 });
  await waitFor('the forged event re-resolved by HEAD', async () => eventImports(await metrics(), 'success') > before);
  const status = await getJson<StreamStatus>(cluster, ns, 'imagestream/ubi');
  const items = status.status?.tags?.find((tag) => tag.tag === '8')?.items?.map((i) => i.image);
  assert.equal(items?.[0], B.digest, 'the tag still names what the registry says');
  assert.ok(!items?.includes(forged), 'the payload digest was never written');
  assert.ok((await containerImage(cluster, ns, 'deployment/app', 'app'))?.endsWith(B.digest));
});

test('kubectl istream controller --events-token-secret: the token from a Secret gates the receiver; a missing token file stops the start naming it', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('reg-events-cli');
  const token = randomBytes(16).toString('hex');
  await ok(cluster, ['create', 'secret', 'generic', 'events', `--from-literal=token=${token}`], { namespace: ns });
  const io = bufferIO();
  const factory = createFactory({
    io,
    env: process.env,
    flags: () => ({ verbosity: 0, kubeconfig: cluster.kubeconfig, namespace: ns }),
  });
  const stop = new AbortController();
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const done = runControllerCommand(
    { metricsBindAddress: '0', eventsBindAddress: address, eventsTokenSecret: `${ns}/events`, signal: stop.signal },
    factory,
  );
  defer(t, async () => {
    stop.abort();
    await done;
  });
  const post = (authorization: string) =>
    fetch(`http://${address}/distribution`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
      body: JSON.stringify({ events: [] }),
    }).then((r) => r.status);
  assert.equal(await waitFor('the receiver', () => post('Bearer wrong').catch(() => undefined)), 401, io.stderr());
  assert.equal(await post(`Bearer ${token}`), 202);

  const missing = bufferIO();
  const code = await runCli(
    [
      'controller',
      '--events-bind-address',
      '127.0.0.1:0',
      '--events-token-file',
      '/nonexistent/token',
      '-n',
      ns,
      '--kubeconfig',
      cluster.kubeconfig,
    ],
    { io: missing, env: process.env },
  );
  assert.equal(code, 1);
  assert.match(missing.stderr(), /error: cannot read the registry event token file \/nonexistent\/token: .*ENOENT/);
});

test('a replica that does not lead records the event on the stream and answers 202; the next leader imports it and removes the request', async (t) => {
  const token = randomBytes(16).toString('hex');
  await writeFile(join(scratch, 'standby-token'), `${token}\n`);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('reg-events-standby');
  // Another holder's Lease, renewed for an hour: no replica started here may lead until it goes.
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'istream-controller' },
      spec: { holderIdentity: 'elsewhere', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now },
    }),
  });
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const { A, B, repository, tag } = fixtures.floating;
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(eventFollowingStream('ubi', `${registry.host}/${repository}:${tag}`)),
  });
  await applyTriggeredDeployment(cluster, ns, 'app', { stream: 'ubi:8' }, 'placeholder');
  // Imported by hand, so the only import left for the controller is the one the event asks for.
  await cli(['import-image', 'ubi:8', '-n', ns, '--kubeconfig', cluster.kubeconfig]);

  const standby = await startController({
    connection: connectCluster({ kubeconfig: cluster.kubeconfig }, {}),
    namespace: ns,
    leaderElection: { namespace: ns, identity: 'standby', retryPeriodMs: 300 },
    metricsBindAddress: '127.0.0.1:0',
    imports: { allowedRegistries: loopbackRegistries, ...cliImports(cluster.kubeconfig) },
    importIntervalMs: 3_600_000,
    events: { bindAddress: '127.0.0.1:0', token: { file: join(scratch, 'standby-token') } },
  });
  defer(t, () => standby.stop());
  const receiver = await standby.events!.listening;
  await fixtures.moveFloatingTag('B');
  const answer = await fetch(`http://${receiver}/distribution`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
    body: JSON.stringify(distributionPush(registry.host, repository, tag, B.digest)),
  });
  assert.equal(answer.status, 202, 'accepted although no replica here leads');
  assert.deepEqual(await answer.json(), { events: 1, duplicates: 0, imports: 1, recorded: 1 });
  const recorded = await getJson<StreamStatus>(cluster, ns, 'imagestream/ubi');
  assert.deepEqual(Object.keys(JSON.parse(recorded.metadata.annotations?.[IMPORT_REQUESTS_ANNOTATION] ?? '{}')), ['8']);
  assert.equal(
    recorded.status?.tags?.find((s) => s.tag === '8')?.items?.[0]?.image,
    A.digest,
    'nothing imported yet: no replica leads',
  );

  // The other holder goes; this replica takes the Lease and serves the request waiting in the stream.
  const freed = Date.now();
  await ok(cluster, ['delete', 'lease', 'istream-controller'], { namespace: ns });
  await standby.leading;
  await waitFor(
    'app at B (the recorded event)',
    async () => (await containerImage(cluster, ns, 'deployment/app', 'app'))?.endsWith(B.digest),
    15_000,
  );
  t.diagnostic(`Lease freed to Deployment rolled by the recorded event: ${Date.now() - freed} ms`);
  const metrics = await (await fetch(`http://${standby.metricsAddress}/metrics`)).text();
  assert.equal(eventImports(metrics, 'success'), 1, 'imported once, as an event import');
  assert.equal(scheduledImports(metrics), 0, 'no scheduled import ran');
  await waitFor('the request removed', async () => {
    const s = await getJson<StreamStatus>(cluster, ns, 'imagestream/ubi');
    return s.metadata.annotations?.[IMPORT_REQUESTS_ANNOTATION] === undefined;
  });
});
