// `npm run demo`: replays the seed article ("Using Red Hat OpenShift image streams with Kubernetes
// deployments") on a sandbox: a real registry on loopback, a real control plane with kwok nodes,
// and the real `kubectl istream` commands. Every step prints the command and its real output, and
// is checked; the last line reads `walkthrough: OK` only when every check held. Everything started
// here is stopped at the end, also on failure or Ctrl-C, so the demo can be run again at once.
// A shown command is exactly what ran: the line is made from the arguments given to the program,
// kubectl is the sandbox's, and `kubectl istream` goes through it, finding the plugin on PATH as
// it does for a user who put packages/kubectl-istream/bin there.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pluginDir = join(root, 'packages/kubectl-istream/bin');
const harness = join(root, 'test/harness/dist/src');

const failures = [];
const cleanups = [];
const log = (line) => process.stderr.write(`  ... ${line}\n`);

function heading(text) {
  process.stdout.write(`\n== ${text}\n`);
}

function check(what, ok, detail = '') {
  process.stdout.write(`   check: ${what}: ${ok ? 'ok' : `FAILED${detail ? ` (${detail})` : ''}`}\n`);
  if (!ok) failures.push(what);
  return ok;
}

function indent(text) {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The command line as a POSIX shell needs it typed to pass exactly these arguments. */
function shellLine(args) {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

/** Runs `kubectl ARGS` (PATH finds the sandbox's kubectl), prints `$ kubectl ARGS` and its output, returns stdout. */
function run(args, { env, input } = {}) {
  const display = shellLine(['kubectl', ...args]);
  // Standard input is shown as the here-document that would pass it.
  process.stdout.write(`$ ${display}${input === undefined ? '\n' : ` <<'EOF'\n${input}\nEOF\n`}`);
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const shown = (out + err).trim();
      if (shown) process.stdout.write(`${indent(shown)}\n`);
      if (code !== 0) reject(new Error(`${display} exited ${code}: ${err.trim()}`));
      else resolve(out);
    });
    child.stdin.end(input ?? '');
  });
}

async function waitFor(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The harness's sandbox (registries with fixtures, control plane); the demo uses the plain registry. */
async function startEnvironment(dir) {
  const { startSandbox } = await import(join(harness, 'sandbox.js'));
  const sandbox = await startSandbox({ dir, log });
  return { cluster: sandbox.cluster, registry: sandbox.registries.plain, stop: () => sandbox.stop() };
}

async function main() {
  process.stdout.write('istream demo: the seed walkthrough on a sandbox (registry + Kubernetes control plane)\n');
  log('starting the sandbox (the first run builds Kubernetes from source and takes a while)');
  const work = await mkdtemp(join(tmpdir(), 'istream-demo-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  const env = await startEnvironment(work);
  cleanups.push(() => env.stop());
  const { cluster, registry } = env;
  const { pushFixtures } = await import(join(harness, 'index.js'));
  const kubeEnv = {
    ...process.env,
    KUBECONFIG: cluster.kubeconfig,
    PATH: [pluginDir, dirname(cluster.kubectlPath), dirname(process.execPath), process.env.PATH].join(delimiter),
  };
  const kubectl = (args, opts = {}) => run(args, { env: kubeEnv, ...opts });
  const istream = (args, opts = {}) => run(['istream', ...args], { env: kubeEnv, ...opts });
  // For the checks, never shown.
  const silentJson = async (args) => {
    const out = await new Promise((resolve, reject) => {
      const c = spawn('kubectl', args, { env: kubeEnv });
      let o = '';
      c.stdout.on('data', (d) => {
        o += d;
      });
      c.on('close', (code) =>
        code === 0 ? resolve(o) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}`)),
      );
    });
    return JSON.parse(out);
  };

  heading('1. Push image A (ubi8 8.0-122) to the floating tag');
  const fixtures = await pushFixtures(registry);
  const repo = `${registry.host}/${fixtures.floating.repository}`;
  const floating = `${repo}:${fixtures.floating.tag}`;
  const aRef = fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository);
  const bRef = fixtures.digestReference(fixtures.floating.B, fixtures.floating.repository);
  process.stdout.write(
    `  ${floating} -> ${fixtures.floating.A.digest}   (image A, pushed over the registry's HTTP API)\n`,
  );

  heading('2. Install istream and create the Deployment from the floating tag');
  // The sandbox's nodes run no containers, so the controller runs here as a local process
  // (`kubectl istream controller`) and install sets up the CRD and RBAC only.
  await kubectl(['plugin', 'list']);
  await istream(['install', '--no-controller']);
  const nsName = `demo-${Date.now().toString(36)}`;
  await kubectl(['create', 'namespace', nsName]);
  await kubectl(['config', 'set-context', '--current', `--namespace=${nsName}`]);
  await waitFor('the default ServiceAccount', () => silentJson(['get', 'serviceaccount', 'default', '-o', 'json']));
  // The pods run for real on the sandbox's real node (containerd + kubelet), not on a kwok node.
  const { realNodePlacement } = await import(join(harness, 'cluster/index.js'));
  const myapp = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'myapp', labels: { app: 'myapp' } },
    spec: {
      selector: { matchLabels: { app: 'myapp' } },
      replicas: 1,
      template: {
        metadata: { labels: { app: 'myapp' } },
        spec: {
          ...realNodePlacement,
          containers: [
            {
              name: 'myapp',
              image: floating,
              command: ['/bin/bash', '-c', 'while true; do ls /root/buildinfo/; sleep 30; done'],
            },
          ],
        },
      },
    },
  };
  await kubectl(['create', '-f', '-'], { input: JSON.stringify(myapp, null, 2) });

  // kubectl execs the plugin in its own place, so the signal that stops this process stops the controller.
  const controllerArgs = ['istream', 'controller', '--namespace', nsName, '--metrics-bind-address', '127.0.0.1:0'];
  process.stdout.write(`$ ${shellLine(['kubectl', ...controllerArgs])} &\n`);
  const controller = spawn('kubectl', controllerArgs, { env: kubeEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let controllerLog = '';
  controller.stderr.on('data', (d) => {
    controllerLog += d;
  });
  const controllerExited = new Promise((resolve) => controller.on('exit', (code, signal) => resolve(code ?? signal)));
  cleanups.unshift(async () => {
    if (controller.exitCode === null) {
      controller.kill('SIGTERM');
      await controllerExited;
    }
  });
  await waitFor('the controller to sync', async () => controllerLog.includes('caches synced'), 30_000);
  process.stdout.write(`${indent(controllerLog)}\n`);

  const templateImage = async () =>
    (await silentJson(['get', 'deployment', 'myapp', '-o', 'json'])).spec.template.spec.containers[0].image;
  const currentItem = async () =>
    (await silentJson(['get', 'imagestream', 'ubi', '-o', 'json'])).status.tags.find((t) => t.tag === '8').items[0]
      .dockerImageReference;
  const replicaSets = async () => (await silentJson(['get', 'replicasets', '-l', 'app=myapp', '-o', 'json'])).items;
  const rolledOut = async (image, label) => {
    const seen = await waitFor(
      `myapp at ${label}`,
      async () => ((await templateImage()) === image ? image : undefined),
      60_000,
    ).catch(() => undefined);
    check(`the Deployment's template image is ${label}`, seen === image, `it is ${await templateImage()}`);
    await kubectl(['rollout', 'status', 'deployment/myapp', '--timeout=90s']).catch((e) =>
      check('rollout completes', false, e.message),
    );
    const settled = await waitFor(
      'old ReplicaSets scaled to 0',
      async () => {
        const active = (await replicaSets()).filter((rs) => rs.spec.replicas > 0 || (rs.status.replicas ?? 0) > 0);
        return active.length === 1 && active[0].spec.template.spec.containers[0].image === image;
      },
      60_000,
    ).catch(() => false);
    check('exactly one ReplicaSet runs it; the older ones are scaled to 0', settled);
    // The container's own output: the build-info file of the image it really runs.
    const [file, name] = image === bRef ? ['Dockerfile-ubi8-8.0-154', 'B'] : ['Dockerfile-ubi8-8.0-122', 'A'];
    const pod = await waitFor(
      `a running myapp pod of ${label}`,
      async () =>
        (await silentJson(['get', 'pods', '-l', 'app=myapp', '-o', 'json'])).items.find(
          (p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' && p.spec.containers[0].image === image,
        ),
      120_000,
    ).catch(() => undefined);
    const silentLogs = (name) =>
      new Promise((resolve) => {
        const c = spawn(cluster.kubectlPath, ['logs', name], { env: kubeEnv });
        let o = '';
        c.stdout.on('data', (d) => {
          o += d;
        });
        c.on('close', () => resolve(o));
      });
    // Running is reported once the process started, which may be before it printed.
    await waitFor(
      'its first log line',
      async () => (pod ? (await silentLogs(pod.metadata.name)).trim() : 'no pod'),
      30_000,
    ).catch(() => '');
    const log = pod ? await kubectl(['logs', pod.metadata.name]).catch((e) => e.message) : 'no running pod';
    check(`the container's log shows ${file} (image ${name})`, log.split('\n')[0] === file, log.trim());
  };
  await rolledOut(floating, 'the floating tag');
  await kubectl(['get', 'deployment']);
  await kubectl(['get', 'pods']);

  heading('3. Create the image stream from the registry');
  // The sandbox registry speaks plain HTTP on loopback: the stream is marked insecure.
  await istream(['import-image', 'ubi', '--confirm', '--all', '--insecure', '--from', repo]);
  await istream(['get', 'istag']);
  check("the stream's current image for ubi:8 is A", (await currentItem()) === aRef, await currentItem());

  heading("4. Add the image-change trigger: the Deployment is pinned to A's digest");
  await istream(['set-triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp']);
  await kubectl([
    'get',
    'deployment',
    'myapp',
    '-o',
    'jsonpath={.metadata.annotations.image\\.openshift\\.io/triggers}',
  ]);
  await rolledOut(await currentItem(), "A's digest (the stream's current item)");
  await kubectl([
    'get',
    'pods',
    '-o',
    'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,STATUS:.status.phase',
  ]);

  heading('5. Push image B (ubi8 8.0-154) over the same tag');
  await fixtures.moveFloatingTag('B');
  process.stdout.write(`  ${floating} -> ${fixtures.floating.B.digest}   (image B)\n`);
  check('nothing moves before the stream is updated', (await templateImage()) === aRef);

  heading("6. Update the image stream: the Deployment rolls to B's digest");
  await istream(['import-image', 'ubi', '--confirm', '--all']);
  await istream(['get', 'istag']);
  check("the stream's current image for ubi:8 is B", (await currentItem()) === bRef, await currentItem());
  await rolledOut(bRef, "B's digest");
  await kubectl([
    'get',
    'pods',
    '-o',
    'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,STATUS:.status.phase',
  ]);

  heading('7. The stream keeps the history, newest first');
  const described = await istream(['describe', 'is', 'ubi']);
  check(
    'describe marks B as current and lists A below it',
    described.includes(`* ${bRef}`) && described.indexOf(aRef) > described.indexOf(bRef),
  );

  heading('8. Roll back: pin ubi:8 to the previous image; the Deployment follows');
  await istream(['rollback', 'ubi:8']);
  check("the stream's current image for ubi:8 is A again", (await currentItem()) === aRef, await currentItem());
  await rolledOut(aRef, "A's digest again");
  await istream(['describe', 'is', 'ubi']);

  heading("9. The Deployment's events: one scale-up and one scale-down per rollout");
  // The apiserver folds repeats of one event into a count (scaling A's ReplicaSet up again on
  // rollback repeats its first message), so counts are summed, in order of first occurrence.
  await kubectl([
    'get',
    'events',
    '--field-selector=involvedObject.name=myapp',
    '--sort-by=.metadata.creationTimestamp',
    '-o',
    'custom-columns=TYPE:.type,REASON:.reason,COUNT:.count,FROM:.source.component,MESSAGE:.message',
  ]);
  const events = (await silentJson(['get', 'events', '--field-selector=involvedObject.name=myapp', '-o', 'json']))
    .items;
  const total = (pattern) =>
    events
      .filter((e) => e.reason === 'ScalingReplicaSet' && pattern.test(e.message))
      .reduce((n, e) => n + (e.count ?? 1), 0);
  check(
    'four rollouts show as ReplicaSet scale events (4 up, 3 down)',
    total(/Scaled up/) === 4 && total(/Scaled down/) === 3,
    `${total(/Scaled up/)} up, ${total(/Scaled down/)} down`,
  );
  check(
    'the controller recorded an Event for each trigger change',
    events.filter((e) => e.reason === 'ImageTriggered').length >= 3,
  );
}

let exitCode = 0;
const cleanup = async () => {
  for (const step of cleanups.splice(0)) {
    try {
      await step();
    } catch (e) {
      process.stderr.write(`cleanup: ${e.message}\n`);
    }
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}
try {
  await main();
} catch (e) {
  failures.push(e.message);
  process.stdout.write(`\nerror: ${e.message}\n`);
} finally {
  await cleanup();
}
if (failures.length === 0) {
  process.stdout.write('\nwalkthrough: OK\n');
} else {
  process.stdout.write(`\nwalkthrough: FAILED (${failures.length}: ${failures.join('; ')})\n`);
  exitCode = 1;
}
process.exit(exitCode);
