// One real node next to the kwok ones: Debian's containerd (with runc), a kubelet and kube-proxy
// built with the control plane, registered with the sandbox's apiserver and pulling from the
// sandbox registries.
// Tests pick it with a label and a NoSchedule taint, so pods that only need to exist stay on kwok.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKubeBinaries } from './binaries.js';
import type { Kubectl } from './kubectl.js';
import { writeKubeconfig } from './kubeconfig.js';
import { type Log, formatElapsed } from './log.js';
import {
  type NodeNetwork,
  type NodeRegistry,
  type NodeTaint,
  cniConfig,
  containerdConfig,
  kubeProxyConfig,
  kubeletConfig,
  nodeLayout,
  registryHostsToml,
} from './node-config.js';
import {
  BRIDGE_PREFIX,
  type NodeHostState,
  claimServiceProxy,
  cleanUpNodeHost,
  createCgroupRoot,
  freePodSubnet,
  hostAddress,
  nodeDirTemplate,
  routeApiServerService,
  saveHostSysctls,
} from './node-host.js';
import { PAUSE_IMAGE, pauseImageArchive } from './pause-image.js';
import { type KeyPair, clusterCaFile, issueKubeProxyCertificate, issueKubeletCertificate } from './pki.js';
import { serviceIp, serviceRange } from './start.js';
import { freeLoopbackPort } from '../free-port.js';
import { type ComponentProcess, killGroupsNow, logTail, startComponent, stopGroups, waitUntil } from './processes.js';

export type { NodeRegistry, NodeTaint } from './node-config.js';

/** The label and taint key of the real node; pods that should really run select and tolerate it. */
export const REAL_NODE_KEY = 'istream.io/real-node';

/** What a pod spec needs to land on the real node (and only there). */
export const realNodePlacement = {
  nodeSelector: { [REAL_NODE_KEY]: 'true' },
  tolerations: [{ key: REAL_NODE_KEY, operator: 'Exists', effect: 'NoSchedule' }],
} as const;

export interface StartNodeOptions {
  /** The cluster to join: its directory holds the CA the kubelet's certificate is signed with. */
  cluster: { dir: string; server: string; caPem: string; kubectl: Kubectl };
  log: Log;
  /** Default `istream-real-node`. */
  name?: string;
  /** Default `{ 'istream.io/real-node': 'true' }`. */
  labels?: Record<string, string>;
  /** Default: `istream.io/real-node=true:NoSchedule`. */
  taints?: NodeTaint[];
  /** Registries to pull from (plain HTTP, or TLS with their CA); others are not configured. */
  registries?: NodeRegistry[];
}

/** JSON-able: what another process needs to use or stop the node. */
export interface NodeState extends NodeHostState {
  name: string;
  /** The host's first non-loopback IPv4 address: the node's InternalIP, where its pods reach the host. */
  address: string;
  /** containerd's, the kubelet's and kube-proxy's process groups, in start order. */
  pids: number[];
  /** Why this node runs no kube-proxy, so that its cluster's Services (but `kubernetes`) lead nowhere. */
  servicesNotRouted?: string;
}

export interface StartedNode extends NodeState {
  stop(): Promise<void>;
}

const binaries = {
  containerd: '/usr/bin/containerd',
  ctr: '/usr/bin/ctr',
  runc: '/usr/sbin/runc',
  bridgePlugin: '/usr/lib/cni/bridge',
  // The `kubernetes` Service's NAT rule, and kube-proxy's rules (through iptables-restore).
  iptablesRestore: '/usr/sbin/iptables-restore',
};
const readyTimeoutMs = 120_000;
const kubeProxySyncTimeoutMs = 60_000;
const kubeletStopGraceMs = 5000;

function checkPrerequisites(): void {
  const missing = Object.values(binaries).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `the real node needs ${missing.join(', ')}: install Debian's containerd, runc, containernetworking-plugins and iptables (scripts/bootstrap.sh does)`,
    );
  }
  if (process.getuid?.() !== 0)
    throw new Error(
      'the real node needs root: containerd and the kubelet manage cgroups, mounts and network namespaces',
    );
}

export async function startNode(options: StartNodeOptions): Promise<StartedNode> {
  const { cluster, log } = options;
  checkPrerequisites();
  const bins = await ensureKubeBinaries({ log });
  const started = Date.now();
  const name = options.name ?? 'istream-real-node';
  const dir = await mkdtemp(nodeDirTemplate());
  const layout = nodeLayout(dir);
  const suffix = basename(dir).slice(basename(nodeDirTemplate()).length);
  const apiServerService = { service: `${serviceIp}:443`, to: new URL(cluster.server).host };
  const host: NodeHostState = {
    dir,
    cgroupRoot: `/istream-node-${suffix}`,
    bridge: `${BRIDGE_PREFIX}-${suffix}`,
    containerdSocket: layout.containerdSocket,
    apiServerService,
  };
  const components: ComponentProcess[] = [];
  const cleanUp = () => cleanUpNodeHost(host);
  const killOnExit = () => {
    killGroupsNow(components.map((c) => c.pid));
    try {
      cleanUp();
    } catch (err) {
      // An exception here would replace the exit code of the process that is ending.
      process.stderr.write(`real node ${name}: cleanup failed: ${(err as Error).message}\n`);
    }
  };
  process.on('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      process.off('exit', killOnExit);
      // Its pods stay bound to it in the apiserver; the Node object goes so no test sees it NotReady.
      await cluster.kubectl(['delete', 'node', name, '--wait=false', '--request-timeout=5s']);
      await stopGroups(
        [...components].reverse().map((c) => c.pid),
        kubeletStopGraceMs,
      );
      cleanUp();
    })());

  try {
    const address = hostAddress();
    const podSubnet = freePodSubnet();
    const [kubeletPort, kubeletCert, kubeProxyCert] = await Promise.all([
      freeLoopbackPort(),
      issueKubeletCertificate(cluster.dir, dir, name),
      issueKubeProxyCertificate(cluster.dir, dir),
      writeNodeFiles(layout, options.registries ?? [], {
        bridge: host.bridge,
        subnet: podSubnet,
        serviceRange,
        hostAddress: address,
      }),
    ]);
    await writeKubeconfig(layout.kubeletKubeconfig, {
      name,
      server: cluster.server,
      caPem: cluster.caPem,
      user: { clientCertificate: kubeletCert.cert, clientKey: kubeletCert.key },
    });
    await writeFile(
      layout.kubeletConfig,
      kubeletConfig(layout, {
        clientCaFile: clusterCaFile(cluster.dir),
        address,
        port: kubeletPort,
        cgroupRoot: host.cgroupRoot,
        taints: options.taints ?? [{ key: REAL_NODE_KEY, value: 'true', effect: 'NoSchedule' }],
      }),
    );
    createCgroupRoot(host.cgroupRoot);
    routeApiServerService(host.bridge, apiServerService);
    saveHostSysctls();

    log(`starting containerd and kubelet for node ${name} (${dir})`);
    components.push(startComponent('containerd', binaries.containerd, ['--config', layout.containerdConfig], dir));
    await waitUntil("containerd's socket", async () => existsSync(layout.containerdSocket), components, readyTimeoutMs);
    await importPauseImage(layout.containerdSocket, dir);

    const labels = options.labels ?? { [REAL_NODE_KEY]: 'true' };
    components.push(
      startComponent(
        'kubelet',
        bins.kubelet,
        [
          `--config=${layout.kubeletConfig}`,
          `--kubeconfig=${layout.kubeletKubeconfig}`,
          `--root-dir=${layout.kubeletRoot}`,
          `--cert-dir=${join(layout.kubeletRoot, 'pki')}`,
          `--hostname-override=${name}`,
          `--node-ip=${address}`,
          `--node-labels=${Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`,
        ],
        dir,
      ),
    );
    await waitUntil(
      `node ${name} Ready`,
      async () => {
        const ready = await cluster.kubectl([
          'get',
          'node',
          name,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]);
        return ready.code === 0 && ready.stdout === 'True';
      },
      components,
      readyTimeoutMs,
    );

    const proxyOwner = claimServiceProxy(dir);
    let servicesNotRouted: string | undefined;
    if (proxyOwner) {
      servicesNotRouted = `the real node of ${proxyOwner} runs this host's kube-proxy (two would rewrite each other's KUBE-* chains), so node ${name} runs none`;
      log(servicesNotRouted);
    } else {
      host.kubeProxy = bins.kubeProxy;
      const kubeProxy = await startKubeProxy({
        binary: bins.kubeProxy,
        layout,
        cluster,
        cert: kubeProxyCert,
        nodeName: name,
        podSubnet,
      });
      components.push(kubeProxy.process);
      await waitUntil(
        "kube-proxy's first sync of the Services",
        () => kubeProxySynced(kubeProxy.metrics),
        components,
        kubeProxySyncTimeoutMs,
      );
    }
    log(`node ${name} ready in ${formatElapsed(Date.now() - started)}`);
    return {
      ...host,
      name,
      address,
      pids: components.map((c) => c.pid),
      ...(servicesNotRouted ? { servicesNotRouted } : {}),
      stop,
    };
  } catch (err) {
    const tails = await Promise.all(
      components.map(async (c) => `--- ${c.name} (${c.logFile}) ---\n${await logTail(c)}`),
    );
    await stop();
    throw new Error(`real node failed to start: ${(err as Error).message}\n${tails.join('\n')}`, { cause: err });
  }
}

/**
 * Throws unless the node's kube-proxy routes its cluster's Services (ClusterIPs reach their pods,
 * from the host and from the node's pods), naming why not.
 */
export function requireServiceRouting(node: NodeState): void {
  if (node.kubeProxy) return;
  throw new Error(
    `the real node ${node.name} does not route Services: ${
      node.servicesNotRouted ?? 'it was started by a harness without kube-proxy; restart the sandbox'
    }`,
  );
}

/**
 * Lets a running node pull from one more registry: containerd reads its hosts directory on every
 * pull, so a test can trust a registry it started itself.
 */
export async function trustRegistry(node: { dir: string }, registry: NodeRegistry): Promise<void> {
  const dir = join(nodeLayout(node.dir).registryHostsDir, registry.host);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'hosts.toml'), registryHostsToml(registry));
}

async function writeNodeFiles(
  layout: ReturnType<typeof nodeLayout>,
  registries: NodeRegistry[],
  network: NodeNetwork,
): Promise<void> {
  await Promise.all([layout.cniConfigDir, layout.podLogs].map((d) => mkdir(d, { recursive: true })));
  await Promise.all([
    writeFile(layout.containerdConfig, containerdConfig(layout, PAUSE_IMAGE)),
    writeFile(join(layout.cniConfigDir, '10-istream.conflist'), cniConfig(layout, network)),
    ...registries.map((r) => trustRegistry(layout, r)),
  ]);
}

async function startKubeProxy(settings: {
  binary: string;
  layout: ReturnType<typeof nodeLayout>;
  cluster: StartNodeOptions['cluster'];
  cert: KeyPair;
  nodeName: string;
  podSubnet: string;
}): Promise<{ process: ComponentProcess; metrics: string }> {
  const { layout, cluster, nodeName } = settings;
  await writeKubeconfig(layout.kubeProxyKubeconfig, {
    name: 'kube-proxy',
    server: cluster.server,
    caPem: cluster.caPem,
    user: { clientCertificate: settings.cert.cert, clientKey: settings.cert.key },
  });
  const metrics = `127.0.0.1:${await freeLoopbackPort()}`;
  await writeFile(
    layout.kubeProxyConfig,
    kubeProxyConfig(layout, { nodeName, podSubnet: settings.podSubnet, metricsBindAddress: metrics }),
  );
  const process = startComponent('kube-proxy', settings.binary, [`--config=${layout.kubeProxyConfig}`], layout.dir);
  return { process, metrics };
}

/**
 * kube-proxy sets this gauge after each sync that wrote the rules; its health endpoints answer
 * healthy from the start, before the first one.
 */
async function kubeProxySynced(metrics: string): Promise<boolean> {
  const res = await fetch(`http://${metrics}/metrics`).catch(() => undefined);
  const text = res?.ok ? await res.text() : '';
  const synced = /^kubeproxy_sync_proxy_rules_last_timestamp_seconds\{ip_family="IPv4"\} (\S+)$/m.exec(text);
  return Number(synced?.[1] ?? 0) > 0;
}

const run = promisify(execFile);

/** The CRI's namespace: images the kubelet can use. */
async function importPauseImage(socket: string, dir: string): Promise<void> {
  const archive = join(dir, 'pause.oci.tar');
  await writeFile(archive, pauseImageArchive());
  try {
    await run(binaries.ctr, ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', archive]);
  } catch (err) {
    throw new Error(
      `ctr images import ${archive} failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
    );
  }
}
