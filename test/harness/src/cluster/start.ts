// Starts a real control plane on loopback: etcd, kube-apiserver (RBAC, ServiceAccount tokens),
// kube-controller-manager, kube-scheduler, and kwok faking the nodes so pods become Running.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { type KubeBinaries, ensureKubeBinaries } from './binaries.js';
import { type ClusterInstance, clusterOperations } from './instance.js';
import { kubectlFor, kubectlOk } from './kubectl.js';
import { writeKubeconfig } from './kubeconfig.js';
import { type Log, formatElapsed } from './log.js';
import { createClusterPki } from './pki.js';
import { freeLoopbackPort } from '../free-port.js';
import { type ComponentProcess, killGroupsNow, logTail, startComponent, stopGroups, waitUntil } from './processes.js';

export interface StartClusterOptions {
  log: Log;
  /** Fake nodes kwok manages (default 2). */
  nodes?: number;
}

/** A started cluster also exposes what `clusterState` records for other processes. */
export interface StartedCluster extends ClusterInstance {
  /** Process group ids of the components, in start order. */
  pids: number[];
  /**
   * Stops kube-apiserver (SIGTERM, SIGKILL after 5 s) and starts it again with the same
   * arguments and port; resolves once /readyz answers. A fault for clients to survive: their
   * connections and watches break, the data in etcd stays.
   */
  restartApiServer(): Promise<void>;
}

/** The Service CIDR, and the `kubernetes` Service's address in it (the first). */
export const serviceRange = '10.96.0.0/24';
export const serviceIp = '10.96.0.1';
const kwokNodeAnnotation = 'kwok.x-k8s.io/node';
const startTimeoutMs = 120_000;
const stopGraceMs = 1000;
// On SIGTERM kube-apiserver stops listening and clears its lease at once, but keeps open watches
// until its 60 s request timeout; clients see the same broken connections when it is killed sooner.
const apiServerStopGraceMs = 5000;

export async function startCluster({ log, nodes = 2 }: StartClusterOptions): Promise<StartedCluster> {
  const bins = await ensureKubeBinaries({ log });
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'istream-cluster-'));
  const components: ComponentProcess[] = [];
  // A test process that exits without calling stop() must not leave a control plane behind.
  const killOnExit = () => {
    killGroupsNow(components.map((c) => c.pid));
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);
  // Once only: signalling the groups again later could hit recycled pids.
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      process.off('exit', killOnExit);
      // Nothing of a throwaway cluster is worth a long graceful shutdown.
      await stopGroups(
        [...components].reverse().map((c) => c.pid),
        stopGraceMs,
      );
      await rm(dir, { recursive: true, force: true });
    })());
  try {
    const instance = await bootControlPlane(bins, dir, components, nodes, log);
    log(`cluster ready at ${instance.server} in ${formatElapsed(Date.now() - started)} (logs in ${dir})`);
    const restartApiServer = async () => {
      log('restarting kube-apiserver');
      await restartComponent('kube-apiserver', components, dir, apiServerStopGraceMs);
      await waitForApiServer(instance.server, instance.caPem, components);
    };
    return {
      ...instance,
      dir,
      stop,
      restartApiServer,
      // A getter: a restarted component has a new pid.
      get pids() {
        return components.map((c) => c.pid);
      },
    };
  } catch (err) {
    const tails = await Promise.all(
      components.map(async (c) => `--- ${c.name} (${c.logFile}) ---\n${await logTail(c)}`),
    );
    await stop();
    throw new Error(`cluster failed to start: ${(err as Error).message}\n${tails.join('\n')}`, { cause: err });
  }
}

async function bootControlPlane(
  bins: KubeBinaries,
  dir: string,
  components: ComponentProcess[],
  nodeCount: number,
  log: Log,
): Promise<Omit<ClusterInstance, 'stop' | 'dir'>> {
  const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedulerPort, kwokPort] = await Promise.all(
    Array.from({ length: 6 }, () => freeLoopbackPort()),
  );
  const start = (name: string, binary: string, args: string[]) => {
    const component = startComponent(name, binary, args, dir);
    components.push(component);
    return component;
  };

  // etcd needs no certificates: it boots while openssl works.
  log('starting etcd');
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  start('etcd', bins.etcd, [
    '--name=istream',
    `--data-dir=${join(dir, 'etcd-data')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${etcdPeerUrl}`,
    `--initial-advertise-peer-urls=${etcdPeerUrl}`,
    `--initial-cluster=istream=${etcdPeerUrl}`,
    '--listen-metrics-urls=',
    // A test cluster lives for minutes: durability is not worth the fsyncs on a busy machine.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ]);
  const pki = await createClusterPki(dir, serviceIp);
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigOf = async (name: string, cert: { cert: string; key: string }) => {
    const path = join(dir, `${name}.kubeconfig`);
    await writeKubeconfig(path, {
      name,
      server,
      caPem: pki.caPem,
      user: { clientCertificate: cert.cert, clientKey: cert.key },
    });
    return path;
  };
  const [adminKubeconfig, kcmKubeconfig, schedulerKubeconfig] = await Promise.all([
    kubeconfigOf('admin', pki.admin),
    kubeconfigOf('kube-controller-manager', pki.controllerManager),
    kubeconfigOf('kube-scheduler', pki.scheduler),
  ]);
  const waitFor = (what: string, ready: () => Promise<boolean>) => waitUntil(what, ready, components, startTimeoutMs);

  log(`starting kube-apiserver (${server})`);
  // kube-apiserver retries etcd until it answers, so there is no waiting for etcd.
  start('kube-apiserver', bins.kubeApiserver, [
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${dir}`,
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.ca.cert}`,
    '--authorization-mode=Node,RBAC',
    // A real node (startNode) registers its host address; kwok nodes have no kubelet to reach.
    `--kubelet-client-certificate=${pki.kubeletClient.cert}`,
    `--kubelet-client-key=${pki.kubeletClient.key}`,
    '--kubelet-preferred-address-types=InternalIP',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccount.pub}`,
    `--service-account-signing-key-file=${pki.serviceAccount.key}`,
    `--service-cluster-ip-range=${serviceRange}`,
    // The `kubernetes` Service cannot point at a loopback address, and nothing in-cluster dials it.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ]);
  await waitForApiServer(server, pki.caPem, components);

  log('starting kube-controller-manager, kube-scheduler and kwok');
  start('kube-controller-manager', bins.kubeControllerManager, [
    `--kubeconfig=${kcmKubeconfig}`,
    `--authentication-kubeconfig=${kcmKubeconfig}`,
    `--authorization-kubeconfig=${kcmKubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    `--cert-dir=${dir}`,
    '--leader-elect=false',
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki.serviceAccount.key}`,
    `--root-ca-file=${pki.ca.cert}`,
    `--cluster-signing-cert-file=${pki.ca.cert}`,
    `--cluster-signing-key-file=${pki.ca.key}`,
    `--service-cluster-ip-range=${serviceRange}`,
    // No cloud provider here: its controllers would only log that they do nothing.
    '--controllers=*,-service-lb-controller,-node-route-controller,-cloud-node-lifecycle-controller',
    '--profiling=false',
  ]);
  start('kube-scheduler', bins.kubeScheduler, [
    `--kubeconfig=${schedulerKubeconfig}`,
    `--authentication-kubeconfig=${schedulerKubeconfig}`,
    `--authorization-kubeconfig=${schedulerKubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${schedulerPort}`,
    '--leader-elect=false',
    '--profiling=false',
  ]);
  start('kwok', bins.kwok, [
    `--kubeconfig=${adminKubeconfig}`,
    `--config=${bins.kwokStages}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation}=fake`,
    `--server-address=127.0.0.1:${kwokPort}`,
  ]);

  const kubectl = kubectlFor(bins.kubectl, adminKubeconfig);
  const nodeNames = Array.from({ length: nodeCount }, (_, i) => `kwok-node-${i}`);
  await kubectlOk(kubectl, ['apply', '-f', '-'], { input: JSON.stringify(fakeNodes(nodeNames)) });
  await waitFor('the default ServiceAccount and Ready fake nodes', async () => {
    const sa = await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
    if (sa.code !== 0) return false;
    const ready = await kubectl([
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]);
    return ready.code === 0 && ready.stdout.split('\n').filter((s) => s === 'True').length === nodeCount;
  });

  return {
    kubeconfig: adminKubeconfig,
    server,
    caPem: pki.caPem,
    kubectlPath: bins.kubectl,
    kubectl,
    ...clusterOperations({ kubectl, server, caPem: pki.caPem, workDir: dir }),
  };
}

/** Nodes as kwokctl makes them, minus its NoSchedule taint: ordinary pods should land on them. */
function fakeNodes(names: string[]): object {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: names.map((name) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { [kwokNodeAnnotation]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/hostname': name,
          'node-role.kubernetes.io/agent': '',
          type: 'kwok',
        },
      },
    })),
  };
}

/** Stops the component named `name` and starts it again in its place, with the same binary and arguments. */
async function restartComponent(
  name: string,
  components: ComponentProcess[],
  dir: string,
  graceMs: number,
): Promise<void> {
  const index = components.findIndex((c) => c.name === name);
  const old = components[index];
  if (!old) throw new Error(`no ${name} in this cluster`);
  await stopGroups([old.pid], graceMs);
  // Its port is free only once the process is gone. Polled, not `await old.exited`: the child is
  // unref'd, so a process with nothing else pending would exit while waiting on it.
  while (old.running()) await new Promise((r) => setTimeout(r, 50));
  components[index] = startComponent(old.name, old.binary, old.args, dir);
}

async function waitForApiServer(server: string, caPem: string, components: ComponentProcess[]): Promise<void> {
  const tls = new Agent({ connect: { ca: caPem } });
  try {
    await waitUntil(
      'kube-apiserver /readyz',
      async () => {
        const res = await fetch(`${server}/readyz`, { dispatcher: tls }).catch(() => undefined);
        if (!res) return false;
        await res.text();
        return res.status === 200;
      },
      components,
      startTimeoutMs,
    );
  } finally {
    await tls.close();
  }
}
