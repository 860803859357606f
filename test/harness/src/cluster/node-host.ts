// What a real node changes on the host outside its directory, and how to undo it: cgroups under a
// root of its own, its CNI bridge and the NAT rule that gives it the API server, kube-proxy's
// chains, the kernel settings the kubelet insists on, mounts (pod volumes,
// rootfs overlays, network namespaces) and the processes containerd forks (shims and containers,
// which leave containerd's process group). Synchronous, so that an 'exit' hook can run it too.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeLayout } from './node-config.js';

/** What cleaning up after a node needs to know; JSON-able, as the sandbox's state file records it. */
export interface NodeHostState {
  dir: string;
  /** The kubelet's cgroupRoot, created in every cgroup hierarchy. */
  cgroupRoot: string;
  bridge: string;
  containerdSocket: string;
  /** The `kubernetes` Service as the node's pods reach it: DNATed from the bridge to the API server. */
  apiServerService?: ServiceDnat;
  /**
   * The kube-proxy binary, when this node runs the host's kube-proxy (`claimServiceProxy`):
   * cleanup runs its `--cleanup`, which removes every KUBE-* chain and jump it added.
   */
  kubeProxy?: string;
}

export interface ServiceDnat {
  /** `10.96.0.1:443` */
  service: string;
  /** The API server on loopback, `127.0.0.1:PORT`. */
  to: string;
}

/** The kubelet sets these at start (pkg/kubelet/cm setupKernelTunables) and never resets them. */
const kubeletSysctls = [
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
];

/**
 * The host's values before the first of the nodes running at once started: a node started while
 * another runs sees the kubelet's values, so the record is shared (in tmpdir, beside the node
 * directories) and the last node to stop restores it.
 */
const savedSysctls = join(tmpdir(), 'istream-host-sysctls.json');
const nodeDirPrefix = 'istream-node-';

export function nodeDirTemplate(): string {
  return join(tmpdir(), nodeDirPrefix);
}

export function saveHostSysctls(): void {
  if (existsSync(savedSysctls)) return;
  const values = Object.fromEntries(
    kubeletSysctls.map((name) => [name, readFileSync(`/proc/sys/${name}`, 'utf8').trim()]),
  );
  writeFileSync(savedSysctls, JSON.stringify(values, null, 2) + '\n');
}

function restoreHostSysctlsIfLastNode(): void {
  const others = readdirSync(tmpdir()).filter((name) => name.startsWith(nodeDirPrefix));
  if (others.length > 0 || !existsSync(savedSysctls)) return;
  const values = JSON.parse(readFileSync(savedSysctls, 'utf8')) as Record<string, string>;
  for (const [name, value] of Object.entries(values)) writeFileSync(`/proc/sys/${name}`, value);
  rmSync(savedSysctls);
}

interface Mount {
  mountPoint: string;
  fsType: string;
}

/** /proc/self/mountinfo, with the octal escapes of mount points decoded. */
function mounts(): Mount[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-');
      const mountPoint = fields[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      );
      return { mountPoint, fsType: fields[separator + 1]! };
    });
}

function cgroupHierarchies(): string[] {
  return mounts()
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => m.mountPoint);
}

/** The kubelet refuses a cgroupRoot that does not exist in every hierarchy. */
export function createCgroupRoot(cgroupRoot: string): void {
  for (const hierarchy of cgroupHierarchies()) mkdirSync(join(hierarchy, cgroupRoot), { recursive: true });
}

/** The first non-loopback IPv4 address: the kubelet refuses a loopback node IP. */
export function hostAddress(): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (name.startsWith(BRIDGE_PREFIX)) continue;
    const address = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (address) return address.address;
  }
  throw new Error(
    'the real node needs a non-loopback IPv4 address on this host (the kubelet refuses 127.0.0.1), and there is none',
  );
}

export const BRIDGE_PREFIX = 'istr';

/** A /24 under 10.244.0.0/16 that no interface of this host uses yet. */
export function freePodSubnet(): string {
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((a) => /^10\.244\.(\d+)\./.exec(a?.address ?? '')?.[1])
      .filter(Boolean),
  );
  const free = Array.from({ length: 254 }, (_, i) => String(i + 1)).filter((n) => !used.has(n));
  const pick = free[Math.floor(Math.random() * free.length)];
  if (!pick) throw new Error("no free /24 under 10.244.0.0/16 for the real node's pods");
  return `10.244.${pick}.0/24`;
}

function serviceDnatRule(bridge: string, dnat: ServiceDnat): string[] {
  const [ip, port] = dnat.service.split(':');
  return [
    'PREROUTING',
    '-i',
    bridge,
    '-d',
    `${ip}/32`,
    '-p',
    'tcp',
    '--dport',
    port!,
    '-j',
    'DNAT',
    '--to-destination',
    dnat.to,
  ];
}

/**
 * In-cluster clients on the node (a controller pod) find the API server at the `kubernetes`
 * Service, but it listens on loopback, and kube-proxy cannot route there: an EndpointSlice may not
 * name a loopback address, so the API server keeps the Service without endpoints
 * (`--endpoint-reconciler-type=none`). So the host creates the node's bridge itself (the CNI
 * plugin adopts it), lets packets from it reach 127.0.0.1 (`route_localnet`, on this bridge only)
 * and DNATs the Service's address to the API server; the CNI config routes the Service CIDR into
 * the bridge. kube-proxy leaves an endpoint-less Service alone in the nat table, so the rule
 * applies; its REJECT for such a Service (filter table) sees the packet after the DNAT.
 */
export function routeApiServerService(bridge: string, dnat: ServiceDnat): void {
  execFileSync('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
  execFileSync('ip', ['link', 'set', bridge, 'up']);
  writeFileSync(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1');
  execFileSync('iptables', ['-t', 'nat', '-A', ...serviceDnatRule(bridge, dnat)]);
}

function removeServiceDnat(bridge: string, dnat: ServiceDnat): void {
  try {
    execFileSync('iptables', ['-t', 'nat', '-D', ...serviceDnatRule(bridge, dnat)], { stdio: 'ignore' });
  } catch {
    // Not there: the node stopped before adding it, or a cleanup already ran.
  }
}

/**
 * The node running the host's kube-proxy writes its directory here. kube-proxy owns fixed chain
 * names (KUBE-SERVICES, KUBE-POSTROUTING, ...) in the host's tables, and two (two nodes of two
 * clusters, whose Service ranges are the same) would rewrite and delete each other's rules.
 */
const serviceProxyOwner = join(tmpdir(), 'istream-kube-proxy-owner');

/** A claim this young counts even before its kube-proxy runs: the node starts it right after. */
const claimGraceMs = 60_000;

/**
 * Makes the node in `dir` the one that runs kube-proxy on this host, unless another running node
 * is: then returns that node's directory. An owner whose kube-proxy is gone (a node killed before
 * its cleanup) is replaced; the new kube-proxy rewrites the chains it left.
 */
export function claimServiceProxy(dir: string): string | undefined {
  const claim = `${serviceProxyOwner}.${process.pid}`;
  writeFileSync(claim, dir);
  try {
    for (;;) {
      try {
        // link() creates the name with its content at once, or fails if another node holds it.
        linkSync(claim, serviceProxyOwner);
        return undefined;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner();
      if (owner && ownerAlive(owner)) return owner;
      rmSync(serviceProxyOwner, { force: true });
    }
  } finally {
    rmSync(claim, { force: true });
  }
}

function ownerAlive(owner: string): boolean {
  if (!existsSync(owner)) return false;
  const config = `--config=${nodeLayout(owner).kubeProxyConfig}`;
  const running = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(config);
      } catch {
        return false;
      }
    });
  if (running) return true;
  try {
    return Date.now() - statSync(serviceProxyOwner).mtimeMs < claimGraceMs;
  } catch {
    return false;
  }
}

function readOwner(): string | undefined {
  try {
    return readFileSync(serviceProxyOwner, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes kube-proxy's chains (it must have stopped) and gives up the host's kube-proxy. */
function releaseServiceProxy(state: NodeHostState & { kubeProxy: string }): string | undefined {
  let failure: string | undefined;
  try {
    execFileSync(state.kubeProxy, ['--cleanup'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    failure = `${state.kubeProxy} --cleanup failed (${(err as Error).message.split('\n')[0]}): ${stderr.slice(-2000)}`;
  }
  if (readOwner() === state.dir) rmSync(serviceProxyOwner, { force: true });
  return failure;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

/** Every process in the node's cgroups: its containers. */
function cgroupProcesses(cgroupRoot: string): number[] {
  const pids: number[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    const procs = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    pids.push(...procs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  for (const hierarchy of cgroupHierarchies()) walk(join(hierarchy, cgroupRoot));
  return [...new Set(pids)];
}

/** containerd's shims, which run in process groups of their own; they name the node's socket. */
function shimProcesses(containerdSocket: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.includes(containerdSocket) && args.some((arg) => arg.endsWith('containerd-shim-runc-v2'));
      } catch {
        return false;
      }
    });
}

const shimSocketDir = '/run/containerd/s/';

/**
 * The sockets the shims listen on: containerd 1.6 puts them in /run/containerd/s whatever its
 * config says, and a killed shim leaves its socket behind.
 */
function shimSockets(shims: number[]): string[] {
  const inodes = new Set(
    shims
      .flatMap((pid) => {
        try {
          return readdirSync(`/proc/${pid}/fd`).map(
            (fd) => /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`))?.[1],
          );
        } catch {
          return [];
        }
      })
      .filter(Boolean),
  );
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => inodes.has(fields[6]) && fields[7]?.startsWith(shimSocketDir))
    .map((fields) => fields[7]!);
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function removeCgroups(cgroupRoot: string): void {
  const removeTree = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) removeTree(join(dir, entry.name));
    rmdirSync(dir);
  };
  for (const hierarchy of cgroupHierarchies()) removeTree(join(hierarchy, cgroupRoot));
}

const processExitWaitMs = 5000;

/**
 * Undoes everything of a node whose containerd, kubelet and kube-proxy are already stopped: kills
 * its shims and containers, unmounts what is mounted under its directory, removes its cgroups,
 * kube-proxy's chains and its bridge, deletes the directory and, when it was the last node,
 * restores the kernel settings.
 */
export function cleanUpNodeHost(state: NodeHostState): void {
  const sockets = shimSockets(shimProcesses(state.containerdSocket));
  const deadline = Date.now() + processExitWaitMs;
  for (;;) {
    const leftovers = [...shimProcesses(state.containerdSocket), ...cgroupProcesses(state.cgroupRoot)];
    if (leftovers.length === 0) break;
    if (Date.now() > deadline) throw new Error(`processes of the real node would not die: ${leftovers.join(', ')}`);
    for (const pid of leftovers) signal(pid, 'SIGKILL');
    sleepSync(100);
  }
  const ours = mounts()
    .map((m) => m.mountPoint)
    .filter((point) => point === state.dir || point.startsWith(`${state.dir}/`))
    .sort((a, b) => b.length - a.length);
  // Lazy: a mount still busy for a moment is detached now and freed when the last user goes.
  for (const point of ours) execFileSync('umount', ['-l', point]);
  removeCgroups(state.cgroupRoot);
  const proxyFailure = state.kubeProxy ? releaseServiceProxy({ ...state, kubeProxy: state.kubeProxy }) : undefined;
  if (state.apiServerService) removeServiceDnat(state.bridge, state.apiServerService);
  if (existsSync(`/sys/class/net/${state.bridge}`)) execFileSync('ip', ['link', 'delete', state.bridge]);
  for (const socket of sockets) rmSync(socket, { force: true });
  rmSync(state.dir, { recursive: true, force: true });
  restoreHostSysctlsIfLastNode();
  // The directories go too, once no other containerd uses them.
  for (const dir of ['/run/containerd/s', '/run/containerd/fifo', '/run/containerd']) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty (another containerd) or not there.
    }
  }
  if (proxyFailure) throw new Error(proxyFailure);
}
