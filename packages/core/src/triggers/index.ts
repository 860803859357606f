// The `image.openshift.io/triggers` annotation, pure (no I/O): read it exactly as OpenShift does
// and report what it does silently, write it byte-identical to `oc set triggers`, and apply
// resolved stream tags to a workload as OpenShift's trigger controller does.

export { TRIGGER_ANNOTATION } from './types.js';
export type {
  ContainerRef,
  ContainerSelector,
  EffectiveTrigger,
  ObjectFieldTrigger,
  ProblemCode,
  ProblemSeverity,
  TriggerProblem,
  TriggerReading,
  TriggerSource,
  ListedTrigger,
  WorkloadObject,
} from './types.js';

/** Read and validate an annotation value (optionally against its workload object). */
export { readTriggers } from './read.js';
/** The same, remembered across calls (the controller reads each annotation several times per roll). */
export { readTriggersOf } from './reading-memo.js';
/** Write an annotation value as `oc set triggers` does. */
export { formatTriggers, type TriggerToWrite } from './write.js';
/** Pod template paths, fieldPath generation and parsing, container lookup. */
export {
  containerFieldPath,
  findContainer,
  listContainers,
  parseFieldPath,
  podSpecOf,
  podSpecPath,
  type FieldPathReading,
} from './field-path.js';
/** The kinds OpenShift triggers: core/workloads' table. */
export { isTriggerableKind, type TriggerableKind } from '../workloads/index.js';
/** What a stream tag resolves to now (DESIGN 3.2; core/imagestream's rule) and applying that to a workload. */
export { resolveTag as resolveStreamTag } from '../imagestream/resolve.js';
export { applyTriggers, type ApplyResult, type ImageChange, type TagResolver } from './apply.js';
