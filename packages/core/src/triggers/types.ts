/** The annotation OpenShift's image trigger controller reads on workloads. */
export const TRIGGER_ANNOTATION = 'image.openshift.io/triggers';

/** One entry of the annotation, with the values Go's decoder would hold ('' for absent strings). */
export interface ObjectFieldTrigger {
  from: { kind: string; name: string; namespace: string; apiVersion: string };
  fieldPath: string;
  paused: boolean;
}

/** Which container a fieldPath selects, as OpenShift's fixed grammar reads it. */
export type ContainerSelector =
  /** `containers[?(@.name=="N")]` or `initContainers[...]`: looks in init containers first, then containers. */
  | { by: 'name'; name: string; init: boolean }
  /** `containers[I]` or `initContainers[I]`. */
  | { by: 'index'; index: number; init: boolean };

/** A container of the object's pod template. */
export interface ContainerRef {
  name: string;
  init: boolean;
  index: number;
}

/** The image stream tag an annotation entry follows. */
export interface TriggerSource {
  /** Position in the annotation array. */
  index: number;
  /** `from.namespace` as written; undefined means the object's namespace. */
  namespace: string | undefined;
  /** `from.name` as written: `STREAM:TAG`. */
  name: string;
  stream: string;
  /** The tag; `STREAM:` means `latest`, as in OpenShift. */
  tag: string;
}

/**
 * An annotation entry OpenShift acts on: from an `ImageStreamTag` with a tag, at a container
 * path inside the kind's pod template. It fires when the tag moves, unless `paused`.
 */
export interface EffectiveTrigger extends TriggerSource {
  fieldPath: string;
  paused: boolean;
  selector: ContainerSelector;
  /** The container it updates, when the object was given and has it. */
  container: ContainerRef | undefined;
}

/**
 * An annotation entry as `oc set triggers` reads it: any `from` (its name and namespace are all it
 * keeps, so a wrong kind or an apiVersion is rewritten away on the next write), at a fieldPath
 * that names a container of the object.
 */
export interface ListedTrigger {
  index: number;
  from: ObjectFieldTrigger['from'];
  paused: boolean;
  container: ContainerRef;
}

export type ProblemSeverity = 'error' | 'warning';

/** Stable kebab-case codes: the linter, the controller's Events and the CLI all use them. */
export type ProblemCode =
  | 'invalid-json'
  | 'not-an-array'
  | 'trigger-not-an-object'
  | 'wrong-type'
  | 'paused-not-boolean'
  | 'duplicate-field-path'
  | 'unknown-key'
  | 'non-canonical-key'
  | 'from-kind-not-imagestreamtag'
  | 'from-api-version-set'
  | 'from-name-missing-tag'
  | 'field-path-missing'
  | 'field-path-outside-template'
  | 'field-path-invalid'
  | 'field-path-loose-selector'
  | 'container-not-found'
  | 'unsupported-kind';

export interface TriggerProblem {
  code: ProblemCode;
  severity: ProblemSeverity;
  /** What is wrong, what OpenShift does about it, and the fix. */
  message: string;
  /**
   * Where in the annotation value: array index and keys as spelled in the text, e.g. `[0, 'paused']`;
   * `[]` is the whole value. Points at a member's value, or at its key when `target` is 'key'.
   */
  path: (string | number)[];
  target: 'key' | 'value';
  /** The same place as UTF-16 offsets into the annotation value, end exclusive. */
  span: { start: number; end: number };
}

/** What reading an annotation value gives: what OpenShift would do and everything wrong with it. */
export interface TriggerReading {
  /**
   * False when OpenShift drops the whole annotation (invalid JSON, a wrong type such as
   * `"paused":"false"`, a duplicate fieldPath): then no trigger of the object ever fires.
   */
  accepted: boolean;
  /** The entries OpenShift acts on, in annotation order (paused ones included); empty if not accepted. */
  triggers: EffectiveTrigger[];
  /**
   * Unpaused entries whose fieldPath OpenShift cannot follow (unparsable, or no such container):
   * while one of their tags resolves, OpenShift fails the whole update of the object.
   */
  blocking: TriggerSource[];
  /** The entries `oc set triggers` lists and writes back; empty if not accepted. */
  listed: ListedTrigger[];
  problems: TriggerProblem[];
}

/** The parts of a Kubernetes object the trigger code looks at. */
export interface WorkloadObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> | null };
  spec?: unknown;
}
