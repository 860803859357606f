// Admission for streams and the workloads that name them, served by the controller on every replica:
//
//   lookupImages(request, (ns, name) => caches.stream(ns, name))  -> JSONPatch pinning `myapp:latest`
//   imageStreamStrategy(next, old, now)                          -> OpenShift's generations and tag order
//   new AdmissionServer({ bindAddress, streams, tls: new TlsRotator({...}), ... })   // a manager Runnable
//   admissionWebhookConfiguration({ ... })                       -> what `install` applies
export * from './review.js';
export * from './image-lookup.js';
export * from './strategy.js';
export * from './certificates.js';
export * from './tls-rotator.js';
export * from './server.js';
export * from './configuration.js';
