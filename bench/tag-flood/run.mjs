// A spec.dockerImageRepository import of a 9,000-tag repository (docker.io/library/node's size)
// under OpenShift's 50-tag cap: the controller's peak RSS and the requests it makes, against the
// same import of a 60-tag repository as the peer (in the same run, same registry, a fresh
// controller process each). Bounded memory means the two peaks are the same.
// Results go into BENCHMARKS.md, section "Repository import under the cap".
//
// Usage: node bench/tag-flood/run.mjs [--tags 9000] [--no-write]
// On the test sandbox: ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/tag-flood/run.mjs
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { kubectlOk, recordSection } = await import(join(root, 'bench/support/benchmarks.mjs'));
const args = process.argv.slice(2);
const tags = Number(args.includes('--tags') ? args[args.indexOf('--tags') + 1] : '9000');
const write = !args.includes('--no-write');
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const harness = await import(join(root, 'test/harness/dist/src/index.js'));
const { sharedCluster } = await import(join(root, 'test/harness/dist/src/cluster/index.js'));
const { startControllerProcess } = await import(join(root, 'bench/support/controller.mjs'));
const { imageStreamCrd } = await import(join(root, 'packages/kubectl-istream/dist/src/install-manifests.js'));

const counter = (metrics, labels) =>
  Number(
    metrics
      .split('\n')
      .find((l) => l.startsWith(`istream_registry_requests_total{${labels}} `))
      ?.split(' ')
      .at(-1) ?? 0,
  );

async function importRepository(cluster, ns, registry, flood) {
  const port = await harness.freeLoopbackPort();
  const controller = await startControllerProcess(cluster, ns, ['--metrics-bind-address', `127.0.0.1:${port}`]);
  try {
    const before = controller.memoryMiB();
    const name = flood.repository.replace(/\W/g, '-');
    const started = performance.now();
    await kubectlOk(
      cluster,
      ['apply', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name, annotations: { 'openshift.io/image.insecureRepository': 'true' } },
        spec: { dockerImageRepository: `${registry.host}/${flood.repository}` },
      }),
    );
    let imported = 0;
    for (const deadline = Date.now() + 300_000; imported === 0; await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`${flood.repository} not imported:\n${controller.log()}`);
      const stream = JSON.parse(await kubectlOk(cluster, ['get', '-n', ns, 'imagestream', name, '-o', 'json']));
      imported = stream.status?.tags?.length ?? 0;
    }
    const seconds = (performance.now() - started) / 1000;
    const metrics = await (await globalThis.fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const labels = (request) => `registry="${registry.host}",request="${request}"`;
    return {
      tags: flood.tags.length,
      imported,
      seconds,
      heads: counter(metrics, labels('head')),
      gets: counter(metrics, labels('get')),
      rssBefore: before.rss,
      peak: controller.memoryMiB().peak,
    };
  } finally {
    await controller.stop();
  }
}

const loadAtStart = loadavg()[0];
const cluster = await sharedCluster({ log });
await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(imageStreamCrd()));
await kubectlOk(cluster, ['wait', '--for=condition=Established', 'crd/imagestreams.image.openshift.io']);
const ns = await cluster.createNamespace('bench-tag-flood');
const registry = await harness.startRegistry({ mode: 'plain' });
const results = [];
try {
  const pushStarted = performance.now();
  const flood = await harness.pushTagFlood(registry, { repository: 'bench/flood', tags });
  log(`${tags} tags pushed in ${((performance.now() - pushStarted) / 1000).toFixed(0)} s`);
  const small = await harness.pushTagFlood(registry, { repository: 'bench/small', tags: 60 });
  for (const repository of [small, flood]) {
    const r = await importRepository(cluster, ns, registry, repository);
    log(`${r.tags} tags: ${r.imported} imported, ${r.heads} HEAD, ${r.gets} GET, peak ${r.peak.toFixed(0)} MiB`);
    results.push(r);
  }
} finally {
  await registry.stop();
  await kubectlOk(cluster, ['delete', 'namespace', ns, '--wait=false']);
  await cluster.stop();
}

const [peer, big] = results;
const section = `## Repository import under the cap

A \`spec.dockerImageRepository\` stream on a repository of ${tags} tags (\`latest\` and versions, three
images; \`pushTagFlood\` of the registry harness), imported by \`kubectl istream controller\` (its own
process, fresh for each import) under OpenShift's 50-tag cap, against the same import of a 60-tag
repository as the peer, in the same run on the same Distribution 2.8 registry. The tag list is read
a page at a time and only the first 50 by priority are kept (Distribution 2.8 sends all tags in
one page, about ${Math.round((tags * 7) / 1024)} KiB here). Requests from the controller's own
\`istream_registry_requests_total\`; \`repository-cap.test\` checks the same counts against the
registry's log. ${cpus().length} cores shared with other work (1-minute load average ${loadAtStart.toFixed(1)} at the start);
${new Date().toISOString().slice(0, 10)}.

Command: \`ISTREAM_SANDBOX_STATE=/root/.cache/istream/sandbox/state.json node bench/tag-flood/run.mjs\`
(after \`npm run build\`).

| repository tags | imported | HEAD | GET | import time | controller RSS before | controller peak RSS |
|---:|---:|---:|---:|---:|---:|---:|
${results
  .map(
    (r) =>
      `| ${r.tags} | ${r.imported} | ${r.heads} | ${r.gets} | ${r.seconds.toFixed(1)} s | ${r.rssBefore.toFixed(0)} MiB | ${r.peak.toFixed(0)} MiB |`,
  )
  .join('\n')}

Peak RSS ${tags} tags / 60 tags: ${(big.peak / peer.peak).toFixed(2)}.
`;
process.stdout.write(`\n${section}`);
if (write) log(`wrote ${recordSection('Repository import under the cap', section)}`);
