// Push latency: from the registry answering a manifest PUT to a triggered Deployment's pod template
// showing the new digest, over N pushes of distinct images to one followed tag. Two ways, in one
// run, on the same registry, cluster, stream shape and Deployment:
//   - events: the registry's notifications reach `kubectl istream controller --events-bind-address`
//     (the stream opts in with istream.io/registry-events), no scheduled import;
//   - peer: the same controller without a receiver, the tag imported by a scheduled import
//     (`importPolicy.scheduled`) at `--peer-interval` (default 5s; OpenShift's floor is 15 minutes).
// The controller runs as its own process. Results go into BENCHMARKS.md, section "Push latency".
//
// Usage: node bench/push-latency/run.mjs [--pushes 50] [--peer-interval 5s] [--no-write]
// On the test sandbox: ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/push-latency/run.mjs
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { benchDeployment, kubectlOk, quantile, recordSection, withDeadline } = await import(
  join(root, 'bench/support/benchmarks.mjs')
);
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const pushes = Number(flag('--pushes', '50'));
const peerInterval = flag('--peer-interval', '5s');
const write = !args.includes('--no-write');
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const harness = await import(join(root, 'test/harness/dist/src/index.js'));
const { sharedCluster } = await import(join(root, 'test/harness/dist/src/cluster/index.js'));
const { sampleImage } = await import(join(root, 'test/harness/dist/src/registry/fixture-set.js'));
const { ManifestPusher } = await import(join(root, 'test/harness/dist/src/registry/push-client.js'));
const { parseDuration } = await import(join(root, 'packages/core/dist/src/controller/duration.js'));
const { startControllerProcess } = await import(join(root, 'bench/support/controller.mjs'));
const { imageStreamCrd } = await import(join(root, 'packages/kubectl-istream/dist/src/install-manifests.js'));
const { connectCluster, KubeClient, startInformer } = await import(
  join(root, 'packages/core/dist/src/cluster/index.js')
);

/** One stream tag following `repository:v`, and one Deployment triggered by it. */
async function followTag(cluster, ns, name, source, { events, scheduled }) {
  await kubectlOk(
    cluster,
    ['apply', '-n', ns, '-f', '-'],
    JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name, ...(events ? { annotations: { 'istream.io/registry-events': 'true' } } : {}) },
      spec: {
        tags: [
          {
            name: 'v',
            from: { kind: 'DockerImage', name: source },
            importPolicy: { insecure: true, ...(scheduled ? { scheduled: true } : {}) },
            referencePolicy: { type: 'Source' },
          },
        ],
      },
    }),
  );
  const triggers = JSON.stringify([
    {
      from: { kind: 'ImageStreamTag', name: `${name}:v` },
      fieldPath: 'spec.template.spec.containers[?(@.name=="app")].image',
    },
  ]);
  await kubectlOk(
    cluster,
    ['apply', '-n', ns, '-f', '-'],
    JSON.stringify(benchDeployment(name, { 'image.openshift.io/triggers': triggers }, 'placeholder')),
  );
}

/**
 * Pushes each image over the tag in turn and times, for each, the registry's answer to the
 * manifest PUT against the watch showing the Deployment's template at that digest.
 */
async function measure(pusher, images, repository, seenAt, deployment, scheduleMs) {
  const samples = [];
  for (const image of images) {
    // A push lands anywhere in the schedule's cycle, not just after the last run (which would
    // make every scheduled sample one whole interval).
    if (scheduleMs > 0) await sleep(Math.random() * scheduleMs);
    const rolled = new Promise((resolve) => seenAt.set(`${deployment}@${image.digest}`, resolve));
    await pusher.push(repository, 'v', image);
    const answered = performance.now();
    const at = await withDeadline(rolled, 120_000, () => `${deployment}: ${image.digest} not rolled after 120 s`);
    samples.push(at - answered);
    // Registries coalesce nothing, but let the Deployment's ReplicaSet settle between pushes.
    await sleep(200);
  }
  return samples.sort((a, b) => a - b);
}

const loadAtStart = loadavg()[0];
const cluster = await sharedCluster({ log });
await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(imageStreamCrd()));
await kubectlOk(cluster, ['wait', '--for=condition=Established', 'crd/imagestreams.image.openshift.io']);
const ns = await cluster.createNamespace('bench-push');
const token = randomBytes(16).toString('hex');
const tokenFile = join(mkdtempSync(join(tmpdir(), 'istream-push-token-')), 'token');
writeFileSync(tokenFile, `${token}\n`);
const receiverPort = await harness.freeLoopbackPort();
const registry = await harness.startRegistry({
  mode: 'plain',
  notify: { url: `http://127.0.0.1:${receiverPort}/distribution`, headers: { Authorization: `Bearer ${token}` } },
});
const api = new KubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}).kubeConfig);
const http = new harness.RegistryHttp(registry);
const pusher = new ManifestPusher(http);
const seenAt = new Map();
const informer = startInformer(api, `/apis/apps/v1/namespaces/${ns}/deployments`, {
  onChange: (d) => {
    const image = d.spec.template.spec.containers[0].image;
    const key = `${d.metadata.name}@${image.slice(image.indexOf('@') + 1)}`;
    const resolve = seenAt.get(key);
    if (resolve) {
      seenAt.delete(key);
      resolve(performance.now());
    }
  },
  onDelete: () => undefined,
});
const result = {};
let controller;
try {
  await informer.synced();
  // Distinct images, so every push moves the tag (the receiver folds a repeated digest within 10 s).
  const build = (phase, i) =>
    sampleImage('docker', { architecture: 'amd64', os: 'linux' }, `push-latency ${phase} ${i}`, '2024-01-01T00:00:00Z');
  const warmup = 2;
  for (const phase of ['events', 'scheduled']) {
    const repository = `bench/push-${phase}`;
    const images = Array.from({ length: pushes + warmup + 1 }, (_, i) => build(phase, i));
    // Layers and configs go up before the clock runs; the timed pushes are manifest PUTs.
    for (const image of images) await pusher.pushBlobs(repository, image);
    await pusher.push(repository, 'v', images[0]);
    const events = phase === 'events';
    controller = await startControllerProcess(
      cluster,
      ns,
      events
        ? [
            '--import-interval',
            '1h',
            '--events-bind-address',
            `127.0.0.1:${receiverPort}`,
            '--events-token-file',
            tokenFile,
          ]
        : ['--import-interval', peerInterval],
    );
    const firstRoll = new Promise((resolve) => seenAt.set(`${phase}@${images[0].digest}`, resolve));
    await followTag(cluster, ns, phase, `${registry.host}/${repository}:v`, { events, scheduled: !events });
    await withDeadline(firstRoll, 120_000, () => `${phase}: first import never rolled\n${controller.log()}`);
    log(`${phase}: ${pushes} pushes`);
    const scheduleMs = events ? 0 : parseDuration(peerInterval);
    await measure(pusher, images.slice(1, 1 + warmup), repository, seenAt, phase, scheduleMs);
    const samples = await measure(pusher, images.slice(1 + warmup), repository, seenAt, phase, scheduleMs);
    result[phase] = {
      p50: quantile(samples, 0.5),
      p99: quantile(samples, 0.99),
      max: samples.at(-1),
      n: samples.length,
    };
    log(`${phase}: p50 ${result[phase].p50.toFixed(0)} ms, p99 ${result[phase].p99.toFixed(0)} ms`);
    await controller.stop();
    controller = undefined;
  }
} finally {
  await controller?.stop();
  await informer.stop();
  await http.close();
  api.close();
  await registry.stop();
  await kubectlOk(cluster, ['delete', 'namespace', ns, '--wait=false']);
  await cluster.stop();
}

const row = (name, r) =>
  `| ${name} | ${r.n} | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.max.toFixed(0)} ms |`;
const section = `## Push latency

From the registry answering the manifest PUT of a followed tag to the triggered Deployment's pod
template showing the new digest (observed through a watch), over ${pushes} pushes of distinct images,
one at a time. CNCF Distribution 2.8 from the test harness sends its notifications to
\`kubectl istream controller --events-bind-address\` (its own process); the event names the tag, the
controller HEADs it, records the import and the trigger writes the Deployment (replicas 0). The peer,
in the same run, is the same change reaching the same controller by a scheduled import
(\`importPolicy.scheduled\`) every ${peerInterval}: far below OpenShift's 15-minute minimum, so that 50
pushes take minutes; its latency is the wait for the next run, which grows with the interval
(up to 15 minutes on OpenShift). Real control plane on loopback; ${cpus().length} cores shared with other
work (1-minute load average ${loadAtStart.toFixed(1)} at the start); ${new Date().toISOString().slice(0, 10)}.
Goal: p99 < 1 s with events.

Command: \`ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/push-latency/run.mjs\`
(after \`npm run build\`; without the variable it starts its own control plane).

| path | pushes | p50 | p99 | max |
|---|---:|---:|---:|---:|
${row('registry event', result.events)}
${row(`scheduled import every ${peerInterval} (peer)`, result.scheduled)}

p99 events / p99 peer: ${(result.events.p99 / result.scheduled.p99).toFixed(2)}.
`;
process.stdout.write(`\n${section}`);
if (write) log(`wrote ${recordSection('Push latency', section)}`);
