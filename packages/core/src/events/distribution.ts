// CNCF Distribution's notifications (docs/notifications.md of distribution/distribution): the
// registry POSTs an envelope `{"events": [...]}` with media type
// application/vnd.docker.distribution.events.v1+json to each configured endpoint, with the
// endpoint's configured headers (where the shared token goes).
import { isObject, MalformedEventError, optionalString, type RegistryHint } from './hints.js';

export const DISTRIBUTION_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/**
 * The pushes of tags in a Distribution envelope. Pushes by digest alone (an index's children, a
 * blob) move no tag and are left out, as are pulls and deletes. `registry` names the registry
 * when the endpoint URL says which (`?registry=`); otherwise each event's `request.host`, the host
 * the pusher addressed, does.
 */
export function distributionHints(body: unknown, registry: string | undefined): RegistryHint[] {
  if (!isObject(body) || !Array.isArray(body.events))
    throw new MalformedEventError('not a Distribution envelope: no "events" array');
  const hints: RegistryHint[] = [];
  body.events.forEach((event: unknown, i) => {
    const field = `events[${i}]`;
    if (!isObject(event) || typeof event.action !== 'string' || !isObject(event.target)) {
      throw new MalformedEventError(`${field} has no "action" and "target"`);
    }
    const repository = optionalString(event.target.repository, `${field}.target.repository`);
    if (repository === undefined) throw new MalformedEventError(`${field}.target.repository is missing`);
    const tag = optionalString(event.target.tag, `${field}.target.tag`);
    const host =
      registry ?? (isObject(event.request) ? optionalString(event.request.host, `${field}.request.host`) : undefined);
    if (event.action !== 'push' || tag === undefined) return;
    if (host === undefined)
      throw new MalformedEventError(`${field}.request.host is missing and the URL names no ?registry=`);
    hints.push({
      registry: host,
      repository,
      tag,
      claimedDigest: optionalString(event.target.digest, `${field}.target.digest`),
    });
  });
  return hints;
}
