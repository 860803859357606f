// Harbor webhooks, Default payload format (goharbor/harbor src/pkg/notifier/model/event.go):
// `{"type": "PUSH_ARTIFACT", "event_data": {"resources": [{"tag", "digest", "resource_url"}],
// "repository": {"namespace", "name", "repo_full_name"}}}`. Harbor sends the endpoint's
// configured "Auth Header" as the Authorization header.
import { isObject, MalformedEventError, optionalString, type RegistryHint } from './hints.js';
import { referenceHint } from './reference-hint.js';

export function harborHints(body: unknown): RegistryHint[] {
  if (!isObject(body) || typeof body.type !== 'string')
    throw new MalformedEventError('not a Harbor webhook: no "type"');
  if (body.type !== 'PUSH_ARTIFACT') return [];
  const data = body.event_data;
  if (!isObject(data) || !Array.isArray(data.resources))
    throw new MalformedEventError('event_data.resources is missing');
  return data.resources
    .map((resource: unknown, i) => {
      const field = `event_data.resources[${i}]`;
      if (!isObject(resource)) throw new MalformedEventError(`${field} is not an object`);
      // resource_url is `HOST/PROJECT/REPOSITORY:TAG` (or `@DIGEST` for an untagged push).
      const url = optionalString(resource.resource_url, `${field}.resource_url`);
      if (url === undefined) throw new MalformedEventError(`${field}.resource_url is missing`);
      return referenceHint(
        url,
        field,
        optionalString(resource.tag, `${field}.tag`),
        optionalString(resource.digest, `${field}.digest`),
      );
    })
    .filter((hint): hint is RegistryHint => hint !== undefined);
}
