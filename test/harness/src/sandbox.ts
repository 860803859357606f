// The sandbox: one real registry per auth mode with the fixtures pushed, and one real control
// plane. The test runner starts it once per run (tests attach through ISTREAM_SANDBOX_STATE), and
// `npm run sandbox -- up` keeps one running for a person.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  clusterState,
  sandboxStateEnv,
  startCluster,
  startNode,
  type ClusterState,
  type NodeState,
  type StartedCluster,
  type StartedNode,
} from './cluster/index.js';
import {
  REGISTRY_MODES,
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
  type RegistryMode,
} from './registry/index.js';

export interface RegistryState {
  mode: RegistryMode;
  host: string;
  url: string;
  caFile?: string;
  certDir?: string;
  username?: string;
  password?: string;
  tokenRealm?: string;
}

/** What the sandbox writes for other processes (tests, the demo, a person's shell). */
export interface SandboxState {
  pid: number;
  registries: Record<RegistryMode, RegistryState>;
  fixtures: Record<RegistryMode, Fixtures>;
  cluster?: ClusterState;
  /** The real node (containerd + kubelet), when the sandbox started one. */
  node?: NodeState;
  /** Why the real node did not start; the kwok nodes and everything else still work. */
  nodeError?: string;
}

export interface Sandbox {
  state: SandboxState;
  stateFile: string;
  registries: Record<RegistryMode, RegistryInstance>;
  cluster?: StartedCluster;
  node?: StartedNode;
  /** Environment for child processes: names the state file. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartSandboxOptions {
  /** Directory for the state file; created if missing. */
  dir: string;
  log: (line: string) => void;
  /** Start the control plane too (default true). */
  cluster?: boolean;
  /**
   * Start a real node in the cluster (default true), pulling from the registries: pods that select
   * and tolerate `istream.io/real-node` really run there.
   */
  node?: boolean;
}

function registryState(r: RegistryInstance): RegistryState {
  const { mode, host, url, caFile, certDir, username, password, tokenRealm } = r;
  return { mode, host, url, caFile, certDir, username, password, tokenRealm };
}

function nodeState(node: StartedNode): NodeState {
  const { name, address, dir, pids, cgroupRoot, bridge, containerdSocket, apiServerService } = node;
  const { kubeProxy, servicesNotRouted } = node;
  return {
    name,
    address,
    dir,
    pids,
    cgroupRoot,
    bridge,
    containerdSocket,
    apiServerService,
    ...(kubeProxy ? { kubeProxy } : {}),
    ...(servicesNotRouted ? { servicesNotRouted } : {}),
  };
}

export async function startSandbox(options: StartSandboxOptions): Promise<Sandbox> {
  const { log } = options;
  const started: { stop(): Promise<void> }[] = [];
  const stop = async (): Promise<void> => {
    for (const s of started.splice(0).reverse()) await s.stop().catch((e: unknown) => log(`stop: ${String(e)}`));
  };
  try {
    const registryStart = Date.now();
    const registries = {} as Record<RegistryMode, RegistryInstance>;
    const fixtures = {} as Record<RegistryMode, Fixtures>;
    await Promise.all(
      REGISTRY_MODES.map(async (mode) => {
        const registry = await startRegistry({ mode });
        started.push(registry);
        registries[mode] = registry;
        fixtures[mode] = await pushFixtures(registry);
      }),
    );
    log(`registries up with fixtures in ${((Date.now() - registryStart) / 1000).toFixed(1)} s`);

    let cluster: StartedCluster | undefined;
    if (options.cluster !== false) {
      const clusterStart = Date.now();
      cluster = await startCluster({ log });
      started.push(cluster);
      log(`cluster up in ${((Date.now() - clusterStart) / 1000).toFixed(1)} s`);
    }

    let node: StartedNode | undefined;
    let nodeError: string | undefined;
    if (cluster && options.node !== false) {
      const nodeStart = Date.now();
      const pullFrom = REGISTRY_MODES.map((mode) => ({ host: registries[mode].host, caFile: registries[mode].caFile }));
      try {
        node = await startNode({ cluster, log, registries: pullFrom });
        started.push(node);
        log(`real node up in ${((Date.now() - nodeStart) / 1000).toFixed(1)} s`);
      } catch (err) {
        // Tests that only need kwok must not fail with it; those that need it report this reason.
        nodeError = (err as Error).message;
        log(`no real node: ${nodeError}`);
      }
    }

    const state: SandboxState = {
      pid: process.pid,
      registries: Object.fromEntries(REGISTRY_MODES.map((m) => [m, registryState(registries[m])])) as Record<
        RegistryMode,
        RegistryState
      >,
      fixtures,
      ...(cluster ? { cluster: clusterState(cluster) } : {}),
      ...(node ? { node: nodeState(node) } : {}),
      ...(nodeError ? { nodeError } : {}),
    };
    await mkdir(options.dir, { recursive: true });
    const stateFile = join(options.dir, 'state.json');
    // Manifest bytes stay in this process: readers of the file need names and digests only.
    const json = JSON.stringify(state, (key, value: unknown) => (key === 'bytes' ? undefined : value), 2);
    // Renamed in whole: `sandbox up` polls this file while the daemon writes it.
    await writeFile(`${stateFile}.tmp`, json, { mode: 0o600 });
    await rename(`${stateFile}.tmp`, stateFile);
    return { state, stateFile, registries, cluster, node, env: { [sandboxStateEnv]: stateFile }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
