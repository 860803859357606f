// Trigger latency: from an image stream status write (what an import does) to every annotated
// Deployment's pod template showing the new image, with 1 to 10,000 annotated Deployments (and as
// many unannotated ones beside them) on a real control plane (kwok nodes). The controller runs as
// `kubectl istream controller`, a separate process, so its RSS is its own; its time from start to
// first reconcile is measured too. Results go into BENCHMARKS.md, section "Trigger latency".
//
// Usage: node bench/trigger-latency/run.mjs [--sizes 1,100,1000,10000] [--unannotated-per-annotated 1]
//   [--controller-heap-mib N (0: Node's default)] [--controller-cpu-prof DIR] [--peer-cpu-prof DIR]
//   [--rounds-file FILE] [--no-write]
// On the test sandbox: ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/trigger-latency/run.mjs
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('../..', import.meta.url));
const {
  apiserverMetric,
  benchDeployment,
  benchProcess,
  cpuSecondsOf,
  inParallel,
  kubectlOk,
  pidsByCommand,
  quantile,
  recordSection,
  withDeadline,
} = await import(join(root, 'bench/support/benchmarks.mjs'));
const { controllerProcess } = await import(join(root, 'bench/support/controller.mjs'));
const args = process.argv.slice(2);
const sizesArg = args.indexOf('--sizes');
const sizes = (sizesArg >= 0 ? args[sizesArg + 1] : '1,100,1000,10000').split(',').map(Number);
const ratioArg = args.indexOf('--unannotated-per-annotated');
const unannotatedPerAnnotated = ratioArg >= 0 ? Number(args[ratioArg + 1]) : 1;
const { CONTROLLER_HEAP_MIB, imageStreamCrd } = await import(
  join(root, 'packages/kubectl-istream/dist/src/install-manifests.js')
);
// V8's old-space cap for the controller: by default the one `install` gives it beside its memory
// limit; 0 leaves Node's default (sized to the machine's memory, so V8 grows the heap with the
// allocation rate).
const heapArg = args.indexOf('--controller-heap-mib');
const controllerHeapMiB = heapArg >= 0 ? Number(args[heapArg + 1]) : CONTROLLER_HEAP_MIB;
const profileArg = args.indexOf('--controller-cpu-prof');
const controllerProfileDir = profileArg >= 0 ? args[profileArg + 1] : undefined;
const peerProfileArg = args.indexOf('--peer-cpu-prof');
/** Where the peer writes V8 CPU profiles, to set its CPU per roll beside the controller's. */
const peerProfileDir = peerProfileArg >= 0 ? args[peerProfileArg + 1] : undefined;
const roundsArg = args.indexOf('--rounds-file');
/**
 * Where to write every round as JSON: its writer, whether it counted, each Deployment's time, the
 * API server's requests (apiserver_request_total) over the round and its settle time and over the
 * round alone, and the CPU seconds each process used in the round and in the settle time after
 * it. For telling where in a round one writer loses to the other, and what else the cluster was doing.
 */
const roundsFile = roundsArg >= 0 ? args[roundsArg + 1] : undefined;
const rounds = [];
const write = !args.includes('--no-write');
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const { sharedCluster } = await import(join(root, 'test/harness/dist/src/cluster/index.js'));
const { connectCluster, KubeClient, startInformer } = await import(
  join(root, 'packages/core/dist/src/cluster/index.js')
);

/** apiserver_request_total by `VERB group/resource[/subresource] code` (leases left out: every component renews them). */
async function apiserverRequests(cluster) {
  const counts = {};
  for (const { labels: l, value } of await apiserverMetric(cluster, 'apiserver_request_total')) {
    if (l.resource === 'leases') continue;
    const resource = [l.group, l.resource, l.subresource].filter(Boolean).join('/');
    counts[`${l.verb} ${resource} ${l.code}`] = value;
  }
  return counts;
}

/**
 * The control plane's processes on this machine (the sandbox's or the bench's own), whose CPU a
 * round costs, by /proc/PID/comm, which holds 15 characters (kube-controller-manager is 'kube-controller').
 */
const clusterCommands = ['kube-apiserver', 'etcd', 'kube-controller', 'kube-scheduler', 'kwok'];

/** CPU seconds used so far by the writer, this bench and each control plane process (summed per command). */
function cpuSnapshot(writer, clusterPids) {
  const own = process.cpuUsage();
  const snapshot = { writer: writer.cpuSeconds() ?? 0, bench: (own.user + own.system) / 1e6 };
  for (const [command, pids] of Object.entries(clusterPids))
    snapshot[command] = pids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  return snapshot;
}

const cpuSpent = (before, after) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, Number((after[k] - before[k]).toFixed(2))]));

const digest = (n) => `sha256:${n.toString(16).padStart(64, '0')}`;
const ref = (n) => `registry.bench/team/app@${digest(n)}`;

/** The controller's default worker count: the peer keeps as many writes in flight. */
const writesInFlight = 16;

/** Requests in flight while creating Deployments: the apiserver's default max-requests-inflight is 400. */
const createsInFlight = 32;

async function measure(cluster, api, size) {
  const ns = await cluster.createNamespace(`bench-${size}`);
  const item = (n, i) => ({
    created: new Date(Date.now() - i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    dockerImageReference: ref(n),
    image: digest(n),
    generation: 1,
  });
  let history = [item(1, 0)];
  await kubectlOk(
    cluster,
    ['apply', '-n', ns, '-f', '-'],
    JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', namespace: ns },
      spec: { tags: [{ name: 'v', from: { kind: 'DockerImage', name: 'registry.bench/team/app:v' }, generation: 1 }] },
    }),
  );
  const statusPath = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app/status`;
  const writeStatus = async () => {
    const current = await api.call(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/app`);
    current.status = { dockerImageRepository: '', tags: [{ tag: 'v', items: history }] };
    await api.call(statusPath, { method: 'PUT', body: current });
  };
  await writeStatus();
  const triggers = JSON.stringify([
    {
      from: { kind: 'ImageStreamTag', name: 'app:v' },
      fieldPath: 'spec.template.spec.containers[?(@.name=="app")].image',
    },
  ]);
  const annotated = Array.from({ length: size }, (_, i) => `app-${i}`);
  const unannotated = Array.from({ length: size * unannotatedPerAnnotated }, (_, i) => `other-${i}`);
  const createStarted = performance.now();
  const collection = `/apis/apps/v1/namespaces/${ns}/deployments`;
  await inParallel(annotated, createsInFlight, (name) =>
    api.call(collection, {
      method: 'POST',
      body: benchDeployment(name, { 'image.openshift.io/triggers': triggers }),
    }),
  );
  await inParallel(unannotated, createsInFlight, (name) =>
    api.call(collection, { method: 'POST', body: benchDeployment(name) }),
  );
  log(
    `${size} + ${unannotated.length} Deployments created in ${((performance.now() - createStarted) / 1000).toFixed(0)} s`,
  );

  const seen = new Map();
  let waiting;
  // The bench's own cache keeps names and images only, so its process stays small too.
  const informer = startInformer(
    api,
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    {
      onChange: (d) => {
        if (waiting && d.image === waiting.image && !seen.has(d.metadata.name)) {
          seen.set(d.metadata.name, performance.now() - waiting.t0);
          if (seen.size === 1) waiting.first?.();
          if (seen.size === size) waiting.done();
        }
      },
      onDelete: () => undefined,
    },
    {
      transform: (d) => ({
        metadata: {
          name: d.metadata.name,
          namespace: d.metadata.namespace,
          resourceVersion: d.metadata.resourceVersion,
        },
        image: d.spec.template.spec.containers[0].image,
      }),
    },
  );
  await informer.synced();

  const startController = () =>
    controllerProcess(cluster, ns, {
      nodeOptions: [
        ...(controllerHeapMiB ? [`--max-old-space-size=${controllerHeapMiB}`] : []),
        ...(controllerProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${controllerProfileDir}`] : []),
      ],
    });
  const startPeer = () =>
    benchProcess(
      [
        ...(peerProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${peerProfileDir}`] : []),
        join(root, 'bench/trigger-latency/peer-process.mjs'),
        JSON.stringify({
          kubeconfig: cluster.kubeconfig,
          namespace: ns,
          stream: 'app',
          tag: 'v',
          deployments: annotated,
          writesInFlight,
        }),
      ],
      /^ready$/m,
    );
  // This machine rolls some 50-200 Deployments a second: allow 100 ms each, and 2 minutes at least.
  const roundTimeoutMs = Math.max(120_000, size * 100);
  // Each round starts on a settled cluster, as stream moves (minutes apart) do: the deployment
  // controller's ReplicaSet churn and the controller's Events for the last round are over.
  // One Deployment's churn is over within ~0.2 s; the shorter wait buys the samples a p99 needs.
  const settleMs = size === 1 ? 1_000 : Math.max(2_000, size * 10);
  let n = 1;
  /** Moves the stream to its next item and resolves with each Deployment's time to show it. */
  const round = async (writer) => {
    n += 1;
    seen.clear();
    history = [item(n, 0), ...history].slice(0, 10);
    const done = new Promise((resolve) => {
      waiting = { image: ref(n), t0: 0, done: resolve };
    });
    waiting.t0 = performance.now();
    await writeStatus();
    await withDeadline(
      done,
      roundTimeoutMs,
      () => `round ${n}: ${seen.size}/${size} updated after ${roundTimeoutMs / 1000} s\n${writer.log()}`,
    );
    return [...seen.values()];
  };
  const running = new Set();
  try {
    // The first item is applied as the controller starts (a resync, not a stream change): wait it
    // out, timing the start: from spawning the process to its first and its last write.
    const spawnedAt = performance.now();
    let controller = startController();
    running.add(controller);
    let firstReconcileMs;
    const settled = new Promise((resolve) => {
      waiting = {
        image: ref(1),
        t0: spawnedAt,
        first: () => {
          firstReconcileMs = performance.now() - spawnedAt;
        },
        done: resolve,
      };
    });
    await withDeadline(
      settled,
      Math.max(300_000, size * 200),
      () => `initial sync incomplete: ${seen.size}/${size}\n${controller.log()}`,
    );
    const allReconciledMs = performance.now() - spawnedAt;
    await controller.ready;

    // Controller and peer take turns, a block of rounds each, so slow spells of this shared machine
    // fall on both; each stops before the other starts, so only one of them writes.
    // At one Deployment a round is one sample: 150 of them make the p99 more than the slowest one,
    // and more, shorter blocks spread the machine's slow spells more evenly over both writers.
    const blocks = size === 1 ? 6 : size >= 10_000 ? 2 : 3;
    const clusterPids = roundsFile ? pidsByCommand(clusterCommands) : {};
    /** One round and the settle time after it, recorded for --rounds-file. */
    const roundAndSettle = async (writerName, writer, counted) => {
      const before = roundsFile ? await apiserverRequests(cluster) : undefined;
      const cpuAtStart = roundsFile ? cpuSnapshot(writer, clusterPids) : undefined;
      const startedAtUs = Number(process.hrtime.bigint() / 1000n);
      const times = await round(writer);
      const endedAtUs = Number(process.hrtime.bigint() / 1000n);
      const perDeploymentMs = Object.fromEntries(seen);
      const cpuAtEnd = roundsFile ? cpuSnapshot(writer, clusterPids) : undefined;
      const atEnd = roundsFile ? await apiserverRequests(cluster) : undefined;
      await sleep(settleMs);
      if (before) {
        const cpuAfterSettle = cpuSnapshot(writer, clusterPids);
        const after = await apiserverRequests(cluster);
        const since = (from, to) =>
          Object.fromEntries(
            Object.entries(to)
              .map(([key, count]) => [key, count - (from[key] ?? 0)])
              .filter(([, delta]) => delta > 0),
          );
        rounds.push({
          size,
          writer: writerName,
          counted,
          perDeploymentMs,
          // CLOCK_MONOTONIC in microseconds, the clock of V8's CPU profiles (--cpu-prof): a profile's
          // samples in this window are the writer's work in this round.
          monotonicUs: { start: startedAtUs, end: endedAtUs },
          requests: since(before, after),
          // What of those the API server had answered by the round's end: Events of the round
          // before that reach into this one show here.
          requestsInRound: since(before, atEnd),
          cpuSeconds: { round: cpuSpent(cpuAtStart, cpuAtEnd), settle: cpuSpent(cpuAtEnd, cpuAfterSettle) },
        });
      }
      return times;
    };
    const roundsPerBlock = size === 1 ? 25 : size <= 100 ? 10 : size <= 1000 ? 2 : 1;
    /**
     * One writer's block. A process's first stream change runs code V8 has not compiled yet: up to
     * 1,000 Deployments the block starts with a round that is not counted, for both writers alike.
     */
    const measureBlock = async (writerName, writer, into) => {
      if (size <= 1000) await roundAndSettle(writerName, writer, false);
      for (let r = 0; r < roundsPerBlock; r++) into.push(...(await roundAndSettle(writerName, writer, true)));
    };
    const samples = [];
    const peerSamples = [];
    let peakMiB = 0;
    let rssMiB = 0;
    for (let block = 0; block < blocks; block++) {
      if (block > 0) {
        controller = startController();
        running.add(controller);
        await controller.ready;
      }
      await measureBlock('controller', controller, samples);
      const memory = controller.memoryMiB();
      peakMiB = Math.max(peakMiB, memory.peak);
      rssMiB = Math.max(rssMiB, memory.rss);
      await controller.stop();
      running.delete(controller);

      const peer = startPeer();
      running.add(peer);
      await peer.ready;
      await measureBlock('peer', peer, peerSamples);
      await peer.stop();
      running.delete(peer);
    }
    samples.sort((a, b) => a - b);
    peerSamples.sort((a, b) => a - b);
    return {
      size,
      unannotated: unannotated.length,
      firstReconcileMs,
      allReconciledMs,
      rounds: blocks * roundsPerBlock,
      samples: samples.length,
      p50: quantile(samples, 0.5),
      p99: quantile(samples, 0.99),
      max: samples.at(-1),
      peerP50: quantile(peerSamples, 0.5),
      peerP99: quantile(peerSamples, 0.99),
      rssMiB,
      peakMiB,
    };
  } finally {
    await Promise.all([...running].map((p) => p.stop()));
    await informer.stop();
    await kubectlOk(cluster, ['delete', 'namespace', ns, '--wait=false']);
  }
}

const loadAtStart = loadavg()[0];
const cluster = await sharedCluster({ log });
const results = [];
try {
  await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(imageStreamCrd()));
  await kubectlOk(cluster, ['wait', '--for=condition=Established', 'crd/imagestreams.image.openshift.io']);
  const api = new KubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}).kubeConfig);
  for (const size of sizes) {
    log(`${size} Deployments`);
    const r = await measure(cluster, api, size);
    log(
      `${size}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (peer ${r.peerP50.toFixed(1)} / ${r.peerP99.toFixed(1)} ms), RSS ${r.rssMiB.toFixed(0)} MiB`,
    );
    results.push(r);
  }
  api.close();
} finally {
  await cluster.stop();
  if (roundsFile) writeFileSync(roundsFile, JSON.stringify(rounds));
}

const table = [
  '| Deployments (annotated + unannotated) | rounds | samples | p50 | p99 | max | peer p50 | peer p99 | p99 / peer p99 | controller RSS (peak) | first reconcile after start | all reconciled after start |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.size} + ${r.unannotated} | ${r.rounds} | ${r.samples} | ${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.max.toFixed(0)} ms | ` +
      `${r.peerP50.toFixed(0)} ms | ${r.peerP99.toFixed(0)} ms | ${(r.p99 / r.peerP99).toFixed(2)} | ${r.rssMiB.toFixed(0)} MiB (${r.peakMiB.toFixed(0)} MiB) | ` +
      `${(r.firstReconcileMs / 1000).toFixed(1)} s | ${(r.allReconciledMs / 1000).toFixed(1)} s |`,
  ),
].join('\n');
const section = `## Trigger latency

From an ImageStream status write (what an import does) to each annotated Deployment's pod template
showing the new image, observed through a watch. One stream, N Deployments with one trigger each
and, beside them in the same namespace, ${unannotatedPerAnnotated} times as many without triggers (the controller
watches and caches those too), replicas 0 and no old ReplicaSets kept (the template write is
measured, not pod churn); \`kubectl istream controller\` as its own process; each round prepends
one item to the tag's history. Real control plane (kube-apiserver, etcd, kube-controller-manager,
kwok) on loopback, shared with the other test runs of the machine; ${cpus().length} cores shared with other work
(1-minute load average ${loadAtStart.toFixed(1)} at the start); ${new Date().toISOString().slice(0, 10)}. Every template write also makes
the deployment controller create a ReplicaSet (and delete the old one), so the apiserver does
several writes per trigger.
The peer (\`peer-process.mjs\`), measured in the same run on the same Deployments and the same
stream writes, timed the same way, is the least any image-change controller must do: a process
that watches the stream and, when its tag moves, patches each named template's image with as many
requests in flight as the controller has workers (16); no trigger annotations read, no workload
cache, no Events, no logs. Kubernetes has no batch write, so rolling N Deployments is N writes
(and the ReplicaSet writes they cause) whoever makes them. Controller and peer take turns in
blocks of rounds (3 blocks each; 6 of 25 rounds at 1, 2 at 10,000; only one of them runs at a time), so slow
spells of this shared machine fall on both; up to 1,000 Deployments each block starts with one
round that is not counted (a fresh process's first change runs code V8 has not compiled yet),
for both alike; each round starts after a settle time (1 s at 1 Deployment, else 2 s or 10 ms
per Deployment), as stream moves minutes apart do, so the ReplicaSet churn and Events of the last
round are over.
The controller runs ${controllerHeapMiB ? `with the V8 heap cap \`install\` gives it (\`--max-old-space-size=${controllerHeapMiB}\`, beside its memory limit)` : "with Node's default heap (sized to the machine's memory)"}.
Start: from spawning the controller to the first, and to the last, Deployment showing the stream's
image (the first item is applied at start, as a resync). Goals: p99 / peer p99 within 1.1 at every
size, controller RSS under 300 MiB at 10,000 + 10,000.

Command: \`ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/trigger-latency/run.mjs\`
(after \`npm run build\`; without the variable it starts its own control plane).

${table}
`;
process.stdout.write(`\n${section}`);
if (write) log(`wrote ${recordSection('Trigger latency', section)}`);
