export { startController } from './controller.js';
export type {
  AdmissionOptions,
  ControllerOptions,
  EventsOptions,
  LeaderElectionConfig,
  RunningController,
  StopReason,
} from './controller.js';
export { parseBindAddress } from './health-server.js';
export { Manager, MetricsBindError } from './manager.js';
export { EventTokenError } from '../events/token-source.js';
export { IMPORT_REQUESTS_ANNOTATION } from '../events/import-requests.js';
export type { Runnable, ManagerParts } from './manager.js';
export { batchedLines, createLogger, logFormats } from './log.js';
export type { Logger, LogFormat, LogFields } from './log.js';
export { WorkQueue } from './workqueue.js';
export { workloadKinds } from './workload-kinds.js';
export type { WorkloadKind } from './workload-kinds.js';
export { parseDuration } from './duration.js';
export type { ImportSettings } from './import-controller.js';
export { importStatusGraceMs } from './imports.js';
export { parseAllowedRegistries, RegistryPolicy } from './registry-policy.js';
export type { AllowedRegistry } from './registry-policy.js';
