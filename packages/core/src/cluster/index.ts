// Kubernetes access shared by the CLI, the controller and the editor; the only code that talks to
// the Kubernetes API or builds its URLs:
//
//   const connection = connectCluster({ kubeconfig, context, namespace }, process.env,
//     { onRequest: (e) => log(`${e.method} ${e.url} ${e.status} in ${e.durationMs} ms`) });  // -v=6
//
// ImageStreams (both the CRD and OpenShift's API):
//   const streams = imageStreamClient(connection);
//   await streams.apiKind()                       -> 'crd' | 'openshift' | 'absent' (discovery, cached)
//   await streams.get(ns, name) / list(ns)        -> ImageStream | undefined / ImageStream[]
//   await streams.update(ns, name, (current) => applyImportResults(...))   // resourceVersion, 409 -> re-read, re-apply
//   await streams.pullSecrets(ns)                 -> PullSecretData[] for the registry client's secretCredentials
//   await streams.importOnServer(ns, isi)         // OpenShift only: the API server imports and writes status
//   await applyObject(connection, manifest)       -> { outcome: 'created' | 'configured' | 'unchanged', object }
//
// Any other object, as plain JSON that keeps fields istream does not model:
//   const api = kubeClient(connection);           // one per connection: keep-alive pool, reports to onRequest
//   await api.call<KubeObject>(resourcePath('v1', 'configmaps', ns, name))
//   await api.call(path, { method: 'PATCH', contentType: 'application/merge-patch+json', body, query: { dryRun: 'All' } })
//   await retryOnConflict(async () => { read; change; write })    // client-go's retry.RetryOnConflict
//   const informer = startInformer<KubeObject>(api, resourcePath('v1', 'configmaps'), { onChange, onDelete })
//
// Errors: KubeApiError (HTTP answers: status, reason, retryAfterSeconds; isNotFound/isConflict),
// KubeUnreachableError, ImageStreamApiMissingError, KubeconfigError.
export * from './errors.js';
export * from './kubeconfig.js';
export * from './object.js';
export * from './paths.js';
export * from './client.js';
export * from './retry.js';
export * from './informer.js';
export * from './secrets.js';
export * from './streams.js';
export * from './apply.js';
export * from './json-patch.js';
export * from './events.js';
export * from './service-cidrs.js';
export * from './request-event.js';
