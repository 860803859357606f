// What the status bar shows about the kube context; answered by the worker's cluster chunk.
export type KubeContext =
  | { kind: 'context'; name: string; namespace: string; server: string; reachable: true; streamTags: number }
  | { kind: 'context'; name: string; namespace: string; server: string; reachable: false; reason: string }
  | { kind: 'none'; reason: string };

/** Without cluster lookups the Kubernetes client is never loaded. */
export const clusterOff: KubeContext = { kind: 'none', reason: 'cluster lookups are off (istream.cluster.enabled)' };
