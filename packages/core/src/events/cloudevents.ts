// CloudEvents 1.0 in structured mode (`application/cloudevents+json`, one event; or
// `application/cloudevents-batch+json`, a list): the attributes and `data` in one JSON object.
// Read: Azure Container Registry's Microsoft.ContainerRegistry.ImagePushed through Event Grid
// (Event Grid's "Azure Container Registry as an Event Grid source"), whose data is a Distribution
// event (`action`, `target.repository`, `target.tag`, `request.host`); other types are ignored.
// Event Grid sends configured delivery headers, where the shared token goes.
import { distributionHints } from './distribution.js';
import { isObject, MalformedEventError, type RegistryHint } from './hints.js';

export const CLOUDEVENTS_MEDIA_TYPE = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_MEDIA_TYPE = 'application/cloudevents-batch+json';

const imagePushedTypes = new Set(['Microsoft.ContainerRegistry.ImagePushed']);

export function cloudEventHints(body: unknown, registry: string | undefined): RegistryHint[] {
  const events = Array.isArray(body) ? body : [body];
  return events.flatMap((event: unknown, i) => {
    const field = Array.isArray(body) ? `[${i}]` : 'the event';
    if (
      !isObject(event) ||
      event.specversion !== '1.0' ||
      typeof event.type !== 'string' ||
      typeof event.id !== 'string'
    ) {
      throw new MalformedEventError(`${field} is not a CloudEvent 1.0 (specversion, id, type)`);
    }
    if (imagePushedTypes.has(event.type)) return distributionHints({ events: [event.data] }, registry);
    return [];
  });
}
