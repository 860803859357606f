// Admission latency: 1,000 Pod creates naming `myapp:latest` per backend, measured in one run and
// interleaved request by request: no admission (a namespace that did not opt in), the
// controller's webhook (real kube-apiserver -> HTTPS -> the admission server), the
// MutatingAdmissionPolicy backend (CEL in the API server), and two floors that answer a fixed patch:
// a minimal Go webhook (floor-webhook.go), the least any webhook costs on this machine, and a
// minimal Node one (floor-webhook.mjs), the least a webhook in istream's runtime costs. Every
// webhook server runs in a process of its own (webhook-process.mjs for istream's), as in the cluster.
// Registry requests are counted by a listener standing in for the stream's registry: admission
// must make none. Results go into BENCHMARKS.md, section "Admission".
//
// Usage: node bench/admission/run.mjs [--pods 1000] [--no-write] [--webhook-cpu-prof DIR]
// Uses the sandbox named by ISTREAM_SANDBOX_STATE when set, else starts its own control plane.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const podsArg = args.indexOf('--pods');
const pods = podsArg >= 0 ? Number(args[podsArg + 1]) : 1000;
const write = !args.includes('--no-write');
const profileArg = args.indexOf('--webhook-cpu-prof');
/** Where the webhook process writes a V8 CPU profile when it stops. */
const webhookProfileDir = profileArg >= 0 ? args[profileArg + 1] : undefined;
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const { apiserverMetric, benchProcess, kubectlOk, quantile, recordSection, withDeadline } = await import(
  join(root, 'bench/support/benchmarks.mjs')
);
const { runGo, sharedCluster } = await import(join(root, 'test/harness/dist/src/cluster/index.js'));
const { freeLoopbackPort } = await import(join(root, 'test/harness/dist/src/free-port.js'));
const { imageStreamCrd } = await import(join(root, 'packages/kubectl-istream/dist/src/install-manifests.js'));
const { connectCluster, KubeClient } = await import(join(root, 'packages/core/dist/src/cluster/index.js'));
const { startController } = await import(join(root, 'packages/core/dist/src/controller/index.js'));
const admission = await import(join(root, 'packages/core/dist/src/admission/index.js'));

const suffix = Math.random().toString(16).slice(2, 8);

/** The stream's registry: counts every request made to it (there must be none). */
const registryRequests = [];
const registry = createServer((req, res) => {
  registryRequests.push(`${req.method} ${req.url}`);
  res.writeHead(404).end();
});
await new Promise((r) => registry.listen(0, '127.0.0.1', r));
const registryHost = `127.0.0.1:${registry.address().port}`;
const digest = `sha256:${'5e'.repeat(32)}`;
const pinned = `${registryHost}/team/myapp@${digest}`;

/** Pointed at this bench's namespace only: the cluster may be shared. */
function narrowed(object, ns) {
  const copy = JSON.parse(JSON.stringify(object));
  const onlyHere = { key: 'kubernetes.io/metadata.name', operator: 'In', values: [ns] };
  copy.metadata.name = `${copy.metadata.name}-${suffix}`;
  for (const w of copy.webhooks ?? []) w.namespaceSelector.matchExpressions.push(onlyHere);
  if (copy.kind.endsWith('PolicyBinding')) {
    copy.spec.policyName = `${copy.spec.policyName}-${suffix}`;
    copy.spec.matchResources.namespaceSelector.matchExpressions.push(onlyHere);
  } else if (copy.kind.endsWith('Policy')) {
    copy.spec.matchConstraints.namespaceSelector.matchExpressions.push(onlyHere);
  }
  return copy;
}

/** A webhook server as its own process; resolves once it answers. */
async function startWebhookProcess(argv, command) {
  const webhook = benchProcess(argv, /^ready$/m, command);
  try {
    await withDeadline(webhook.ready, 60_000, () => `webhook process not ready after 60 s:\n${webhook.log()}`);
  } catch (error) {
    await webhook.stop();
    throw error;
  }
  return webhook;
}

/** The floor's binary and serving certificate (its CA goes into its webhook configuration). */
async function prepareFloor(dir) {
  const binary = join(dir, 'floor-webhook');
  log('building the floor webhook (Go, standard library only)');
  await runGo(['build', '-o', binary, join(root, 'bench/admission/floor-webhook.go')], dir);
  const ca = await admission.createCertificateAuthority('istream-bench-floor', new Date());
  const serving = await admission.issueServingCertificate(ca, ['127.0.0.1'], new Date());
  writeFileSync(join(dir, 'tls.crt'), serving.certPem);
  writeFileSync(join(dir, 'tls.key'), serving.keyPem, { mode: 0o600 });
  return { binary, caPem: ca.certPem, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
}

/** The two floors by mode (also their configurations' suffix): each one's webhook name in the API server's metrics. */
const floors = {
  floor: 'image-lookup-floor.istream.io',
  'node-floor': 'image-lookup-node-floor.istream.io',
};
const modes = ['none', 'webhook', 'policy', ...Object.keys(floors)];
const floorDir = mkdtempSync(join(tmpdir(), 'istream-bench-floor-'));
const cluster = await sharedCluster({ log });
const created = [];
const controllers = [];
const namespaces = [];
try {
  const floor = await prepareFloor(floorDir);
  await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(imageStreamCrd()));
  await kubectlOk(cluster, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/imagestreams.image.openshift.io',
  ]);
  const ns = {};
  for (const mode of modes) {
    ns[mode] = await cluster.createNamespace(`bench-admission-${mode}`);
    namespaces.push(ns[mode]);
    if (mode !== 'none')
      await kubectlOk(cluster, [
        'label',
        'namespace',
        ns[mode],
        `${admission.IMAGE_LOOKUP_LABEL}=${admission.IMAGE_LOOKUP_LABEL_VALUE}`,
      ]);
    const stream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'myapp', namespace: ns[mode] },
      spec: {
        lookupPolicy: { local: true },
        tags: [{ name: 'latest', from: { kind: 'DockerImage', name: `${registryHost}/team/myapp:latest` } }],
      },
    };
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(stream));
    const status = {
      dockerImageRepository: '',
      tags: [
        {
          tag: 'latest',
          items: [
            {
              created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              dockerImageReference: pinned,
              image: digest,
              generation: 1,
            },
          ],
        },
      ],
    };
    await kubectlOk(cluster, [
      'patch',
      'imagestream',
      'myapp',
      '-n',
      ns[mode],
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
  }
  const home = await cluster.createNamespace('bench-admission-home');
  namespaces.push(home);
  const apply = async (objects, namespace) => {
    const items = objects.map((o) => narrowed(o, namespace));
    created.push(...items.map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`));
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  };

  const [port, metricsPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const floorPorts = {};
  for (const mode of Object.keys(floors)) floorPorts[mode] = await freeLoopbackPort();
  await apply(
    [
      admission.admissionWebhookConfiguration({
        endpoint: { url: `https://127.0.0.1:${port}` },
        istreamNamespace: home,
      }),
    ],
    ns.webhook,
  );
  // The floors are called exactly as istream's lookup webhook is (rules, namespace selector, CEL
  // match conditions, TLS, HTTP/1.1): only the server behind each differs.
  for (const [mode, webhookName] of Object.entries(floors)) {
    const floorConfiguration = admission.admissionWebhookConfiguration({
      endpoint: { url: `https://127.0.0.1:${floorPorts[mode]}` },
      istreamNamespace: home,
      caBundle: floor.caPem,
    });
    floorConfiguration.metadata.name = `${admission.ADMISSION_CONFIGURATION_NAME}-${mode}`;
    floorConfiguration.webhooks = [{ ...floorConfiguration.webhooks[0], name: webhookName }];
    await apply([floorConfiguration], ns[mode]);
  }
  const policies = admission.lookupPolicies(home);
  await apply(policies, ns.policy);
  const connection = () => connectCluster({ kubeconfig: cluster.kubeconfig }, {});
  const webhook = await startWebhookProcess([
    ...(webhookProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${webhookProfileDir}`] : []),
    join(root, 'bench/admission/webhook-process.mjs'),
    JSON.stringify({
      kubeconfig: cluster.kubeconfig,
      namespace: ns.webhook,
      port,
      metricsPort,
      secret: { namespace: home, name: 'istream-admission-tls' },
      configuration: `${admission.ADMISSION_CONFIGURATION_NAME}-${suffix}`,
    }),
  ]);
  controllers.push(webhook);
  const floorArgs = (mode) => [`127.0.0.1:${floorPorts[mode]}`, floor.certFile, floor.keyFile, pinned];
  controllers.push(await startWebhookProcess(floorArgs('floor'), floor.binary));
  controllers.push(
    await startWebhookProcess([join(root, 'bench/admission/floor-webhook.mjs'), ...floorArgs('node-floor')]),
  );
  const policy = await startController({
    connection: connection(),
    namespace: ns.policy,
    metricsBindAddress: '0',
    lookupPolicies: policies
      .filter((p) => p.kind === 'MutatingAdmissionPolicy')
      .map((p) => `${p.metadata.name}-${suffix}`),
  });
  controllers.push(policy);
  await policy.leading;

  const api = new KubeClient(connection().kubeConfig);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'bench-' },
    spec: { containers: [{ name: 'app', image: 'myapp:latest' }] },
  };
  const create = async (namespace) => {
    const start = performance.now();
    const stored = await api.call(`/api/v1/namespaces/${namespace}/pods`, {
      method: 'POST',
      body: pod,
      query: { dryRun: 'All' },
    });
    return { ms: performance.now() - start, image: stored.spec.containers[0].image };
  };
  const expected = Object.fromEntries(modes.map((mode) => [mode, mode === 'none' ? 'myapp:latest' : pinned]));
  // Until every backend answers (caBundle and policy table propagated), then a warm-up.
  for (const mode of modes.filter((m) => m !== 'none')) {
    const deadline = Date.now() + 60_000;
    // Refused meanwhile, by an installed guard policy, is also "not yet".
    while ((await create(ns[mode]).catch(() => ({}))).image !== pinned) {
      if (Date.now() > deadline) throw new Error(`${mode}: admission did not resolve myapp:latest within 60 s`);
      await sleep(250);
    }
  }
  for (let i = 0; i < 50; i++) for (const mode of modes) await create(ns[mode]);
  const metrics = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const answered = async () =>
    Number(
      /^istream_admission_reviews_total\{(?=[^}]*webhook="image-lookup")(?=[^}]*outcome="patched")[^}]*\} (\S+)$/m.exec(
        await metrics(),
      )?.[1] ?? NaN,
    );
  const reviewsBefore = await answered();
  // The API server's own timing of its calls to each webhook, from its metrics: how many took 5 ms or less.
  const apiserverCalls = async () => {
    const buckets = await apiserverMetric(cluster, 'apiserver_admission_webhook_admission_duration_seconds_bucket');
    const bucket = (webhookName, le) =>
      buckets
        .filter(({ labels }) => labels.name === webhookName && labels.le === le)
        .reduce((sum, { value }) => sum + value, 0);
    const of = (webhookName) => ({ within5ms: bucket(webhookName, '0.005'), all: bucket(webhookName, '+Inf') });
    return {
      webhook: of(admission.IMAGE_LOOKUP_WEBHOOK_NAME),
      ...Object.fromEntries(Object.entries(floors).map(([mode, webhookName]) => [mode, of(webhookName)])),
    };
  };
  const callsBefore = await apiserverCalls();
  const loadAtStart = loadavg()[0];
  const samples = Object.fromEntries(modes.map((m) => [m, []]));
  const wrong = [];
  log(`${pods} dry-run Pod creates per backend, interleaved`);
  for (let i = 0; i < pods; i++) {
    for (const mode of modes) {
      const { ms, image } = await create(ns[mode]);
      samples[mode].push(ms);
      if (image !== expected[mode]) wrong.push(`${mode}: ${image}`);
    }
  }
  const reviews = (await answered()) - reviewsBefore;
  const callsAfter = await apiserverCalls();
  /** "N of M calls (P%)" that the API server timed at 5 ms or less, for one webhook. */
  const callsWithin5ms = (mode) => {
    const all = callsAfter[mode].all - callsBefore[mode].all;
    const within = callsAfter[mode].within5ms - callsBefore[mode].within5ms;
    return `${within} of ${all} calls (${((within / all) * 100).toFixed(1)}%)`;
  };
  // The server's own share, from its histogram (warm-up included): the mean and the bucket under 1 ms.
  const exposition = await metrics();
  const series = (name) =>
    Number(new RegExp(`^istream_admission_duration_seconds${name} (\\S+)$`, 'm').exec(exposition)?.[1] ?? NaN);
  const serverMeanMs = (series('_sum') / series('_count')) * 1000;
  const serverUnder1ms = series('_bucket\\{le="0.001"\\}') / series('_count');
  if (wrong.length > 0) throw new Error(`${wrong.length} pods not admitted as expected, e.g. ${wrong[0]}`);

  const sortedQuantiles = (list) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) };
  };
  const stats = Object.fromEntries(Object.entries(samples).map(([mode, list]) => [mode, sortedQuantiles(list)]));
  // Each round creates one pod per backend back to back, so a round's difference to "none" is the
  // added latency under the same machine load; its quantiles are less noisy than a difference of quantiles.
  const paired = (mode) => sortedQuantiles(samples[mode].map((v, i) => v - samples.none[i]));
  const ms = (v) => `${v.toFixed(2)} ms`;
  const row = (mode, label) => {
    const s = stats[mode];
    const added =
      mode === 'none'
        ? '- | - | -'
        : `${ms(paired(mode).p50)} | ${ms(paired(mode).p99)} | ${ms(s.p99 - stats.none.p99)}`;
    return `| ${label} | ${pods} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${added} |`;
  };
  const table = [
    '| backend | pods | p50 | p99 | max | added p50 (paired) | added p99 (paired) | p99 minus no admission p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('none', 'no admission'),
    row('webhook', 'webhook (HTTPS to the controller)'),
    row('policy', 'MutatingAdmissionPolicy (CEL)'),
    row('floor', 'floor: minimal Go webhook (HTTPS, fixed patch)'),
    row('node-floor', 'Node floor: minimal Node webhook (HTTPS, fixed patch)'),
  ].join('\n');
  const addedP99 = (mode) => stats[mode].p99 - stats.none.p99;
  const section = `## Admission

Time for the API server to admit a Pod naming \`myapp:latest\`: ${pods} server-side dry-run creates
(\`POST /api/v1/namespaces/NS/pods?dryRun=All\`, every admission step runs, nothing is stored) per
backend, one at a time and interleaved request by request, from an in-process client. "No
admission" is a namespace without the opt-in label; the webhook is the controller's admission
server (its own process, as in the cluster; TLS with its own CA, answering from the informer cache); the policy is the
MutatingAdmissionPolicy backend with the table the controller keeps; the floor is the least any
webhook costs here: a Go server (\`bench/admission/floor-webhook.go\`, net/http, HTTP/1.1 over TLS
as controller-runtime serves by default) in its own process that decodes the review and answers a
fixed patch, registered with the same rules and match conditions as istream's. The Node floor
(\`bench/admission/floor-webhook.mjs\`) does the same in node:https, istream's runtime, with no
controller beside it: the webhook's distance to it is istream's own server and process. Each
webhook, floor and policy pod came back pinned to the stream's digest.

Registry requests during the run: ${registryRequests.length} (a listener stands in for the stream's registry
and counts every request). Webhook reviews answered (and patched): ${reviews}. The admission
server's own time per review (istream_admission_duration_seconds, request to answer written):
mean ${serverMeanMs.toFixed(3)} ms, ${(serverUnder1ms * 100).toFixed(1)}% under 1 ms. Real control plane (kube-apiserver v1.36.3,
etcd) on loopback, ${cpus().length} cores shared with other work (1-minute load average ${loadAtStart.toFixed(1)} at the
start); ${new Date().toISOString().slice(0, 10)}.

Goal: p99 added latency under 5 ms for the webhook, read two ways. The API server's own timing of
its calls to the webhook (apiserver_admission_webhook_admission_duration_seconds, whose first
bucket ends at 5 ms): ${callsWithin5ms('webhook')} took 5 ms or less; of its calls to the floor,
${callsWithin5ms('floor')}; to the Node floor, ${callsWithin5ms('node-floor')}. End to end, the webhook's
p99 create time minus no admission's is ${ms(addedP99('webhook'))}, the floor's ${ms(addedP99('floor'))}, the Node
floor's ${ms(addedP99('node-floor'))}. The per-round ("paired") column is the p99 of the
difference of two creates made back to back; it adds the jitter of both, which is why the policy,
which makes no call, shows ${ms(paired('policy').p99)} there.

Command: \`node bench/admission/run.mjs\` (after \`npm run build\`).

${table}
`;
  process.stdout.write(`\n${section}`);
  if (write) log(`wrote ${recordSection('Admission', section)}`);
} finally {
  await Promise.all(controllers.map((c) => c.stop()));
  rmSync(floorDir, { recursive: true, force: true });
  if (created.length > 0) await cluster.kubectl(['delete', ...created, '--ignore-not-found']);
  if (namespaces.length > 0) await cluster.kubectl(['delete', 'namespace', ...namespaces, '--wait=false']);
  registry.close();
  await cluster.stop();
}
