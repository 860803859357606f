// One control plane per test run: the test runner's sandbox starts it and names it in the file
// that ISTREAM_SANDBOX_STATE points to; a test file run on its own starts a private one.
import { readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { kubeCacheDir } from './binaries.js';
import { type ClusterInstance, clusterOperations } from './instance.js';
import { kubectlFor } from './kubectl.js';
import type { Log } from './log.js';
import { type NodeState, startNode } from './node.js';
import { stopGroups } from './processes.js';
import { type StartedCluster, startCluster } from './start.js';

/** What a process needs to use (or stop) a cluster another process started. JSON-able. */
export interface ClusterState {
  kubeconfig: string;
  server: string;
  caPem: string;
  kubectlPath: string;
  dir: string;
  pids: number[];
}

export function clusterState(cluster: StartedCluster): ClusterState {
  const { kubeconfig, server, caPem, kubectlPath, dir, pids } = cluster;
  return { kubeconfig, server, caPem, kubectlPath, dir, pids };
}

/** Uses a running cluster; stop() leaves it running (its owner stops it). */
export function attachCluster(state: ClusterState): ClusterInstance {
  const kubectl = kubectlFor(state.kubectlPath, state.kubeconfig);
  return {
    kubeconfig: state.kubeconfig,
    dir: state.dir,
    server: state.server,
    caPem: state.caPem,
    kubectlPath: state.kubectlPath,
    kubectl,
    ...clusterOperations({ kubectl, server: state.server, caPem: state.caPem, workDir: state.dir }),
    stop: async () => {},
  };
}

/**
 * Stops a cluster from another process (`sandbox down`): only process groups whose leader is still
 * one of our cached binaries, so a recycled pid is never hit.
 */
export async function stopClusterFromState(state: ClusterState): Promise<void> {
  const ours = state.pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(kubeCacheDir());
    } catch {
      return false;
    }
  });
  await stopGroups([...ours].reverse());
  rmSync(state.dir, { recursive: true, force: true });
}

export const sandboxStateEnv = 'ISTREAM_SANDBOX_STATE';

let shared: Promise<ClusterInstance> | undefined;

/**
 * The cluster of this test run. Tests share it, so each works in its own namespace
 * (`createNamespace`) and never stops it; stop() is a no-op.
 */
export function sharedCluster(options: { log?: Log } = {}): Promise<ClusterInstance> {
  shared ??= openSharedCluster(options.log ?? ((line) => process.stderr.write(`cluster: ${line}\n`)));
  return shared;
}

/** The sandbox of this run, if the test runner started one. */
interface SharedState {
  cluster?: ClusterState;
  node?: NodeState;
  nodeError?: string;
}

async function sandboxState(): Promise<(SharedState & { path: string }) | undefined> {
  const path = process.env[sandboxStateEnv];
  if (!path) return undefined;
  return { path, ...(JSON.parse(await readFile(path, 'utf8')) as SharedState) };
}

async function openSharedCluster(log: Log): Promise<ClusterInstance> {
  const state = await sandboxState();
  if (state?.cluster) return attachCluster(state.cluster);
  const cluster = await startCluster({ log });
  // The children are unref'd, so the loop drains when the tests are done: stop gracefully then.
  // Exits that skip 'beforeExit' (process.exit, signals) hit startCluster's 'exit' hook instead.
  process.once('beforeExit', () => void cluster.stop());
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => process.exit(code));
  }
  return { ...cluster, stop: async () => {} };
}

let sharedNode: Promise<NodeState> | undefined;

/**
 * The real node of this test run (the sandbox's, or one started on the shared cluster when a test
 * file runs on its own). Pods get there with `realNodePlacement`; a test that pulls from a
 * registry of its own makes the node trust it with `trustRegistry`.
 */
export function sharedRealNode(options: { log?: Log } = {}): Promise<NodeState> {
  sharedNode ??= openSharedNode(options.log ?? ((line) => process.stderr.write(`node: ${line}\n`)));
  return sharedNode;
}

async function openSharedNode(log: Log): Promise<NodeState> {
  const state = await sandboxState();
  if (state?.node) return state.node;
  if (state?.nodeError)
    throw new Error(`the sandbox of ${state.path} could not start its real node: ${state.nodeError}`);
  if (state?.cluster) {
    throw new Error(
      `the sandbox of ${state.path} has no real node (started with node: false, or by an older harness): restart it`,
    );
  }
  const cluster = await sharedCluster({ log });
  const node = await startNode({ cluster, log });
  process.once('beforeExit', () => void node.stop());
  return node;
}
