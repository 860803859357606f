// Kubernetes access shared by the CLI and the controller:
//
//   const connection = connectCluster({ kubeconfig, context, namespace }, process.env);  // as kubectl finds it
//   const streams = imageStreamClient(connection);
//   await streams.apiKind()                       -> 'crd' | 'openshift' | 'absent' (discovery, cached)
//   await streams.get(ns, name) / list(ns)        -> ImageStream | undefined / ImageStream[]
//   await streams.update(ns, name, (current) => applyImportResults(...))   // resourceVersion, 409 -> re-read, re-apply
//   await streams.pullSecrets(ns)                 -> PullSecretData[] for the registry client's secretCredentials
//   await streams.importOnServer(ns, isi)         // OpenShift only: the API server imports and writes status
//   await applyObject(connection, manifest)       -> { outcome: 'created' | 'configured' | 'unchanged', object }
//
// Errors: KubeApiError (HTTP answers, with status and reason), KubeUnreachableError,
// ImageStreamApiMissingError, KubeconfigError.
export * from './errors.js';
export * from './kubeconfig.js';
export * from './secrets.js';
export * from './streams.js';
export * from './apply.js';
export * from './request-event.js';
