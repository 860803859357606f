// The worker's chunk that holds the Kubernetes client (see lazy-chunks.ts): everything that reads
// the cluster.
export { resolveKubeContext } from './kube-context.js';
export { clusterStreamTags } from './cluster-streams.js';
