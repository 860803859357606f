export { EventReceiver, senders, type EventReceiverOptions, type ReceiptSummary } from './receiver.js';
export { DISTRIBUTION_EVENTS_MEDIA_TYPE, distributionHints } from './distribution.js';
export { MalformedEventError, type RegistryHint } from './hints.js';
export { REGISTRY_EVENTS_ANNOTATION, RepositoryIndex, type FollowedTag } from './repository-index.js';
export { SharedToken } from './token.js';
export { EventTokenError, loadEventToken, type EventTokenSource } from './token-source.js';
export { CLOUDEVENTS_BATCH_MEDIA_TYPE, CLOUDEVENTS_MEDIA_TYPE } from './cloudevents.js';
export {
  IMPORT_REQUESTS_ANNOTATION,
  importRequests,
  recordImportRequests,
  withImportRequests,
  withoutServedRequests,
  type ImportRequests,
} from './import-requests.js';
