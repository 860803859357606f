// `npm run peer -- record controller`: OpenShift's image trigger controller, built from
// ISTREAM_PEER_OCM_SRC, runs against the sandbox cluster on the scenario of
// _controller-scenario.mjs; the pod templates it leaves after each phase are written to
// packages/core/test/fixtures/peer/trigger-controller.json, which `npm test` replays against
// istream's controller. Needs `npm run build` (the scenario's cluster code and the rollback
// command are istream's built test support and CLI) and a running sandbox.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTriggerController, ocmSource, sourceIdentity } from './_controller-build.mjs';
import { scenario as buildScenario } from './_controller-scenario.mjs';

/** What OpenShift's controller manager is configured with when the integrated registry is installed. */
const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000';
export const VECTORS = 'packages/core/test/fixtures/peer/trigger-controller.json';

async function importBuilt(root, path) {
  const file = join(root, path);
  if (!existsSync(file)) throw new Error(`${path} is missing: run npm run build first`);
  return import(pathToFileURL(file).href);
}

function sandboxCluster(env) {
  const stateFile = env.ISTREAM_SANDBOX_STATE || join(homedir(), '.cache', 'istream', 'sandbox', 'state.json');
  if (!existsSync(stateFile)) {
    throw new Error(
      `no sandbox state at ${stateFile}: start one with npm run sandbox -- up, or set ISTREAM_SANDBOX_STATE`,
    );
  }
  return JSON.parse(readFileSync(stateFile, 'utf8')).cluster;
}

function startController(binary, kubeconfig, namespace, logFile) {
  const out = createWriteStream(logFile);
  const child = spawn(binary, ['--kubeconfig', kubeconfig, '--namespace', namespace, '-v=4'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A recording another controller took part in; it is thrown away and made again. */
class Interference extends Error {}

/** Fails the recording when an istream controller (another process on the shared cluster) acted. */
function assertOnlyOpenShiftActed(phase) {
  const touched = Object.entries(phase.annotations).filter(([, a]) =>
    Object.keys(a).some((k) => k.startsWith('istream.io/')),
  );
  if (touched.length > 0 || phase.events.length > 0) {
    throw new Interference(
      `something besides OpenShift's controller wrote the scenario (${[...touched.map(([n]) => n), ...phase.events].slice(0, 5).join(', ')}...): ` +
        'an istream controller watching all namespaces runs on this cluster',
    );
  }
}

/** One run of the scenario under OpenShift's controller, in fresh namespaces; returns the phases. */
async function recordOnce({ cluster, runs, runCommand, root, binary, log }) {
  const kubectl = cluster.kubectl;
  const scenario = buildScenario();
  const names = {
    ns: await cluster.createNamespace('peer-ctrl'),
    other: await cluster.createNamespace('peer-ctrl-other'),
    denied: await cluster.createNamespace('peer-ctrl-denied'),
  };
  log(
    `scenario: ${scenario.workloads.length} workloads, ${scenario.streams.length} streams in ${Object.values(names).join(', ')}`,
  );
  const cli = join(root, 'packages', 'kubectl-istream', 'bin', 'kubectl-istream');
  const rollback = async (namespace, tag) => {
    const r = await runCommand(process.execPath, [
      cli,
      'rollback',
      tag,
      '-n',
      namespace,
      '--kubeconfig',
      cluster.kubeconfig,
    ]);
    if (r.code !== 0) throw new Error(`kubectl istream rollback ${tag} -n ${namespace}: ${r.stderr.trim()}`);
  };
  const logDir = join(dirname(binary), 'logs');
  mkdirSync(logDir, { recursive: true });
  let controller;
  const phases = [];
  try {
    await runs.createScenario(kubectl, scenario, names);
    controller = startController(binary, cluster.kubeconfig, names.ns, join(logDir, `${names.ns}.log`));
    let before = JSON.stringify(runs.createdTemplates(scenario));
    for (const [i, phase] of scenario.phases.entries()) {
      if (i > 0) await runs.runPhase(kubectl, scenario, phase, names, rollback);
      // Every phase of the scenario moves some workload: wait until the controller has acted.
      const moved = (snap) => JSON.stringify(snap.workloads) !== before;
      const snap = await runs.settledSnapshot(kubectl, scenario, names, moved);
      if (!moved(snap)) throw new Error(`${phase.name}: OpenShift's controller changed no workload within the timeout`);
      before = JSON.stringify(snap.workloads);
      assertOnlyOpenShiftActed(snap);
      phases.push({ name: phase.name, ...snap });
      log(`${phase.name}: settled`);
    }
  } finally {
    await controller?.stop();
    for (const ns of Object.values(names)) await kubectl(['delete', 'namespace', ns, '--wait=false']);
  }
  return { scenario, phases };
}

export async function record({ root, log }) {
  const source = ocmSource(process.env);
  const { attachCluster } = await importBuilt(root, 'test/harness/dist/src/cluster/shared.js');
  const runs = await importBuilt(root, 'packages/kubectl-istream/dist/test/peer/trigger-scenario.js');
  const { imageStreamCrd } = await importBuilt(root, 'packages/kubectl-istream/dist/src/install-manifests.js');
  const { runCommand, kubectlOk } = await importBuilt(root, 'test/harness/dist/src/cluster/kubectl.js');
  const cluster = attachCluster(sandboxCluster(process.env));
  const binary = await buildTriggerController({ root, source, log });
  const peer = { ...(await sourceIdentity(source)), internalRegistryHostname: INTERNAL_REGISTRY };

  await kubectlOk(cluster.kubectl, ['apply', '-f', '-'], { input: JSON.stringify(imageStreamCrd()) });
  await kubectlOk(cluster.kubectl, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/imagestreams.image.openshift.io',
  ]);

  let recorded;
  for (let attempt = 1; !recorded; attempt++) {
    try {
      recorded = await recordOnce({ cluster, runs, runCommand, root, binary, log });
    } catch (e) {
      if (!(e instanceof Interference) || attempt === 3) throw e;
      log(`${e.message}; recording again (attempt ${attempt + 1} of 3)`);
    }
  }
  const text = `${JSON.stringify({ peer, ...recorded }, null, 1)}\n`;
  const out = join(root, VECTORS);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  log(`wrote ${VECTORS} (${text.length} bytes, sha256 ${createHash('sha256').update(text).digest('hex')})`);
}
