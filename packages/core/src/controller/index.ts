export { startController } from './controller.js';
export type { ControllerOptions, LeaderElectionConfig, RunningController, StopReason } from './controller.js';
export { parseBindAddress } from './health-server.js';
export { WorkQueue } from './workqueue.js';
export { workloadKinds } from './workload-kinds.js';
export type { WorkloadKind } from './workload-kinds.js';
export { parseDuration } from './duration.js';
export type { ImportSettings } from './controller.js';
