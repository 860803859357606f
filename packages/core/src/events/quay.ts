// Quay repository notifications, "Repository Push" event (Red Hat Quay's "Repository
// Notifications" chapter): `{"repository": "ns/name", "docker_url": "quay.io/ns/name",
// "updated_tags": ["latest"], ...}`; older Quay sent updated_tags as an object keyed by tag.
// Quay webhooks carry no signature: the token travels in the webhook URL.
import { isObject, MalformedEventError, optionalString, type RegistryHint } from './hints.js';
import { referenceHint } from './reference-hint.js';

export function quayHints(body: unknown): RegistryHint[] {
  if (!isObject(body)) throw new MalformedEventError('not a Quay notification: not a JSON object');
  const url = optionalString(body.docker_url, 'docker_url');
  if (url === undefined) throw new MalformedEventError('docker_url is missing');
  const updated = body.updated_tags;
  // Build events and others name no updated_tags: nothing moved.
  if (updated === undefined) return [];
  const tags = Array.isArray(updated) ? updated : isObject(updated) ? Object.keys(updated) : undefined;
  if (tags === undefined) throw new MalformedEventError('updated_tags is neither a list nor an object');
  return tags
    .map((tag: unknown, i) => {
      const name = optionalString(tag, `updated_tags[${i}]`);
      return name === undefined ? undefined : referenceHint(url, 'docker_url', name);
    })
    .filter((hint): hint is RegistryHint => hint !== undefined);
}
