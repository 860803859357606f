// image.openshift.io/v1 ImageStream, with OpenShift's field names and JSON shapes (openshift/api
// image/v1 types.go), so that the same object reads the same on OpenShift and on a plain cluster.

export const IMAGE_GROUP = 'image.openshift.io';
export const IMAGE_VERSION = 'v1';
export const IMAGE_API_VERSION = `${IMAGE_GROUP}/${IMAGE_VERSION}` as const;
export const IMAGE_STREAM_KIND = 'ImageStream' as const;
export const IMAGE_STREAM_PLURAL = 'imagestreams';
/** The tag used when none is given, as everywhere in Docker and OpenShift. */
export const DEFAULT_TAG = 'latest';
/** Set by OpenShift's import on every stream it changes: the time of the last import. */
export const REPOSITORY_CHECK_ANNOTATION = 'openshift.io/image.dockerRepositoryCheck';
/** Per-tag annotations that choose the child of a manifest list in Legacy import mode. */
export const PREFER_ARCH_ANNOTATION = 'importer.image.openshift.io/prefer-arch';
export const PREFER_OS_ANNOTATION = 'importer.image.openshift.io/prefer-os';

export type ImportMode = 'Legacy' | 'PreserveOriginal';
export type ReferencePolicyType = 'Source' | 'Local';
export type TagSourceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';

export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
}

export interface TagImportPolicy {
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: ImportMode;
}

export interface TagReferencePolicy {
  type: ReferencePolicyType | '';
}

export interface TagReference {
  name: string;
  annotations?: Record<string, string> | null;
  from?: ObjectReference;
  reference?: boolean;
  /** The stream generation when this spec tag last changed; 0 asks for a new import. */
  generation?: number | null;
  importPolicy?: TagImportPolicy;
  referencePolicy?: TagReferencePolicy;
}

export interface ImageLookupPolicy {
  local: boolean;
}

export interface ImageStreamSpec {
  lookupPolicy?: ImageLookupPolicy;
  dockerImageRepository?: string;
  tags?: TagReference[];
}

export interface TagEvent {
  /** RFC 3339, second precision, as Kubernetes serialises metav1.Time. */
  created: string;
  dockerImageReference: string;
  /** The manifest digest (`sha256:...`); empty for a reference tag that was never imported. */
  image: string;
  generation: number;
}

export interface TagEventCondition {
  type: 'ImportSuccess';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  generation: number;
}

export interface NamedTagEventList {
  tag: string;
  items: TagEvent[] | null;
  conditions?: TagEventCondition[];
}

export interface ImageStreamStatus {
  dockerImageRepository: string;
  publicDockerImageRepository?: string;
  tags?: NamedTagEventList[];
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ImageStream {
  apiVersion: typeof IMAGE_API_VERSION;
  kind: typeof IMAGE_STREAM_KIND;
  metadata: ObjectMeta;
  spec: ImageStreamSpec;
  status?: ImageStreamStatus;
}

export function newImageStream(name: string, namespace?: string): ImageStream {
  return {
    apiVersion: IMAGE_API_VERSION,
    kind: IMAGE_STREAM_KIND,
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec: { lookupPolicy: { local: false } },
  };
}
