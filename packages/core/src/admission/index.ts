// Admission for streams and the workloads that name them, served by the controller on every replica:
//
//   lookupImages(request, verdictsFrom((ns, name) => caches.stream(ns, name)))  -> JSONPatch pinning `myapp:latest`
//   imageStreamStrategy(next, old, now)                          -> OpenShift's generations and tag order
//   admissionWebhookConfiguration({ ... }), lookupGuardPolicy(ns)  -> what `install` applies
//
// This entry point loads no Kubernetes client (install and the CLI read it); the server itself
// (server.ts, tls-rotator.ts) is started by core/controller's startController({ admission }).
export * from './review.js';
export * from './image-lookup.js';
export * from './remembered-verdicts.js';
export * from './strategy.js';
export * from './certificates.js';
export * from './configuration.js';
export type { AdmissionServer } from './server.js';
