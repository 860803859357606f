// The configuration files of the real node: containerd's, the registry hosts it pulls from, the
// CNI network, the kubelet's and kube-proxy's. Everything points into the node's own directory, so two nodes (or
// a system containerd) never share a socket, state, image store or log directory.
import { join } from 'node:path';

/** Where each file and directory of a node lives, all under `dir`. */
export interface NodeLayout {
  dir: string;
  containerdConfig: string;
  containerdSocket: string;
  /** containerd's `config_path`: one `<host:port>/hosts.toml` per sandbox registry. */
  registryHostsDir: string;
  cniConfigDir: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  kubeletRoot: string;
  podLogs: string;
  kubeProxyConfig: string;
  kubeProxyKubeconfig: string;
}

export function nodeLayout(dir: string): NodeLayout {
  return {
    dir,
    containerdConfig: join(dir, 'containerd.toml'),
    containerdSocket: join(dir, 'containerd.sock'),
    registryHostsDir: join(dir, 'registry-hosts'),
    cniConfigDir: join(dir, 'cni'),
    kubeletConfig: join(dir, 'kubelet.yaml'),
    kubeletKubeconfig: join(dir, 'kubelet.kubeconfig'),
    kubeletRoot: join(dir, 'kubelet'),
    podLogs: join(dir, 'pod-logs'),
    kubeProxyConfig: join(dir, 'kube-proxy.yaml'),
    kubeProxyKubeconfig: join(dir, 'kube-proxy.kubeconfig'),
  };
}

const cniPluginDir = '/usr/lib/cni';
const cri = 'plugins."io.containerd.grpc.v1.cri"';

/** containerd 1.6 (Debian 12): CRI with runc, overlayfs, the node's CNI network and registry hosts. */
export function containerdConfig(layout: NodeLayout, sandboxImage: string): string {
  const { dir } = layout;
  return `version = 2
root = ${toml(join(dir, 'containerd-root'))}
state = ${toml(join(dir, 'containerd-state'))}
# Snapshotters this machine cannot use, and the plugin that would create /opt/containerd.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt"]

[grpc]
  address = ${toml(layout.containerdSocket)}
[ttrpc]
  address = ${toml(`${layout.containerdSocket}.ttrpc`)}

[${cri}]
  sandbox_image = ${toml(sandboxImage)}
  # The default stream port (10010) would clash with a second containerd.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  disable_apparmor = true
  # root here lacks CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj below containerd's own
  # (the kubelet asks -998 for sandboxes): "failed to update /proc/self/oom_score_adj: Permission denied".
  restrict_oom_score_adj = true
  # Pod network namespaces under the state dir instead of /var/run/netns.
  netns_mounts_under_state_dir = true
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = ${toml(join(dir, 'runc'))}
  [${cri}.cni]
    bin_dir = ${toml(cniPluginDir)}
    conf_dir = ${toml(layout.cniConfigDir)}
  [${cri}.registry]
    config_path = ${toml(layout.registryHostsDir)}
`;
}

/** A sandbox registry as the node pulls from it. */
export interface NodeRegistry {
  /** `127.0.0.1:PORT`, as image references name it. */
  host: string;
  /** The CA of its TLS certificate; without one the registry speaks plain HTTP. */
  caFile?: string;
}

/** containerd's `hosts.toml` for one registry (credentials come from the pod's imagePullSecrets). */
export function registryHostsToml(registry: NodeRegistry): string {
  const url = `${registry.caFile ? 'https' : 'http'}://${registry.host}`;
  return `server = ${toml(url)}
[host.${toml(url)}]
  capabilities = ["pull", "resolve"]
${registry.caFile ? `  ca = ${toml(registry.caFile)}\n` : ''}`;
}

export interface NodeNetwork {
  /** Linux interface name, at most 15 characters. */
  bridge: string;
  /** `10.244.N.0/24` */
  subnet: string;
  /** The Service CIDR, routed through the bridge (where kube-proxy and the `kubernetes` Service's DNAT take over). */
  serviceRange: string;
  /** The node's address, routed through the bridge too: pods reach servers on the host there. */
  hostAddress: string;
}

/**
 * A bridge network: pods get an address on the node's own bridge and routes to the Services and
 * the host. No default route: nothing masquerades pod traffic to the outside.
 */
export function cniConfig(layout: NodeLayout, network: NodeNetwork): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: network.bridge,
      plugins: [
        {
          type: 'bridge',
          bridge: network.bridge,
          isGateway: true,
          ipMasq: false,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: network.subnet }]],
            routes: [{ dst: network.serviceRange }, { dst: `${network.hostAddress}/32` }],
            dataDir: join(layout.dir, 'cni-ipam'),
          },
        },
      ],
    },
    null,
    2,
  );
}

export interface KubeletSettings {
  /** The CA whose certificates the kubelet accepts (the apiserver's kubelet client certificate). */
  clientCaFile: string;
  address: string;
  port: number;
  cgroupRoot: string;
  taints: NodeTaint[];
}

export interface NodeTaint {
  key: string;
  value: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The KubeletConfiguration (YAML is a superset of JSON). */
export function kubeletConfig(layout: NodeLayout, settings: KubeletSettings): string {
  return JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      // This host mounts cgroup v1 (hybrid); Kubernetes 1.35+ refuses it unless told otherwise.
      failCgroupV1: false,
      // No systemd manages cgroups here; the cgroups live under a root of this node's own.
      cgroupDriver: 'cgroupfs',
      cgroupRoot: settings.cgroupRoot,
      failSwapOn: false,
      containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
      podLogsDir: layout.podLogs,
      address: settings.address,
      port: settings.port,
      readOnlyPort: 0,
      healthzPort: 0,
      // Only holders of a certificate from the cluster's CA (the apiserver) may call the kubelet.
      authentication: {
        x509: { clientCAFile: settings.clientCaFile },
        anonymous: { enabled: false },
        webhook: { enabled: false },
      },
      authorization: { mode: 'AlwaysAllow' },
      registerWithTaints: settings.taints,
      // The disk is shared with builds and other tests: only a nearly full one should evict pods.
      evictionHard: {
        'memory.available': '100Mi',
        'nodefs.available': '1%',
        'imagefs.available': '1%',
        'nodefs.inodesFree': '1%',
      },
      // No image garbage collection. Above 85% disk use (this machine's shared disk is there) it
      // deleted the pause image, which is imported, not pullable: every later pod then failed with
      // `failed to get sandbox image "istream.test/pause:1"`. containerd 1.6 does not pin it. The
      // images live in the node's directory and go with it.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      serializeImagePulls: false,
      // Pods start and stop within a test: report their status promptly.
      syncFrequency: '10s',
    },
    null,
    2,
  );
}

export interface KubeProxySettings {
  nodeName: string;
  /** The node's pod subnet: traffic from elsewhere to a Service is masqueraded, so replies come back. */
  podSubnet: string;
  /** A loopback `IP:PORT` for its metrics (the default port would clash with a second node's). */
  metricsBindAddress: string;
}

/**
 * kube-proxy in iptables mode (this host has iptables 1.8 with the nf_tables backend but no `nft`
 * command, which the nftables mode needs), changing nothing on the host beyond its own chains: no
 * NodePorts on loopback (they need `route_localnet` on every interface) and no conntrack sysctls
 * (a zero leaves the kernel's value alone).
 */
export function kubeProxyConfig(layout: NodeLayout, settings: KubeProxySettings): string {
  return JSON.stringify(
    {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: layout.kubeProxyKubeconfig },
      hostnameOverride: settings.nodeName,
      mode: 'iptables',
      detectLocalMode: 'ClusterCIDR',
      clusterCIDR: settings.podSubnet,
      // No health server: nothing here probes it (the metrics say when the rules are written).
      healthzBindAddress: '',
      metricsBindAddress: settings.metricsBindAddress,
      nodePortAddresses: ['primary'],
      iptables: { localhostNodePorts: false },
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
      // root here lacks CAP_SYS_RESOURCE, so the default -999 cannot be written (see containerd's
      // restrict_oom_score_adj above).
      oomScoreAdj: 0,
    },
    null,
    2,
  );
}

/** A TOML basic string. */
function toml(value: string): string {
  return JSON.stringify(value);
}
