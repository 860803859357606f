export { type KubeBinaries, KUBE_VERSION, ensureKubeBinaries, kubeCacheDir, runGo } from './binaries.js';
export type { ClusterInstance } from './instance.js';
export {
  type CommandResult,
  type Kubectl,
  type KubectlOptions,
  type KubectlResult,
  kubectlFor,
  runCommand,
} from './kubectl.js';
export type { Log } from './log.js';
export {
  type ClusterState,
  attachCluster,
  clusterState,
  sandboxStateEnv,
  sharedCluster,
  sharedRealNode,
  stopClusterFromState,
} from './shared.js';
export { type StartClusterOptions, type StartedCluster, startCluster } from './start.js';
export {
  type NodeRegistry,
  type NodeState,
  type NodeTaint,
  type StartNodeOptions,
  type StartedNode,
  REAL_NODE_KEY,
  realNodePlacement,
  requireServiceRouting,
  startNode,
  trustRegistry,
} from './node.js';
