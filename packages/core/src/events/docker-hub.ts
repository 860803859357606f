// Docker Hub webhooks (docs.docker.com/docker-hub/repos/manage/webhooks): one kind, a push, as
// `{"callback_url", "push_data": {"tag", "pushed_at", "pusher"}, "repository": {"repo_name", ...}}`.
// Docker Hub signs nothing and sends no header of ours: the token travels in the webhook URL.
import { isObject, MalformedEventError, optionalString, type RegistryHint } from './hints.js';
import { referenceHint } from './reference-hint.js';

export function dockerHubHints(body: unknown): RegistryHint[] {
  if (!isObject(body) || !isObject(body.push_data) || !isObject(body.repository)) {
    throw new MalformedEventError('not a Docker Hub webhook: no "push_data" and "repository"');
  }
  const repository = optionalString(body.repository.repo_name, 'repository.repo_name');
  if (repository === undefined) throw new MalformedEventError('repository.repo_name is missing');
  const tag = optionalString(body.push_data.tag, 'push_data.tag');
  // repo_name is `namespace/name` on docker.io (`library/` for official images' short names).
  const hint = tag === undefined ? undefined : referenceHint(`docker.io/${repository}`, 'repository.repo_name', tag);
  return hint ? [hint] : [];
}
