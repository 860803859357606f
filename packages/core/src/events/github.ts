// GitHub `registry_package` webhooks for container packages (GitHub's webhook event reference and
// its REST API description): action "published", `registry_package.package_version` with
// `package_url` (`ghcr.io/OWNER/NAME:TAG`) and `container_metadata.tag.name`. GitHub signs the
// body with the webhook secret: `X-Hub-Signature-256: sha256=HEX(HMAC-SHA256(secret, body))`.
import { isObject, MalformedEventError, optionalString, type RegistryHint } from './hints.js';
import { referenceHint } from './reference-hint.js';

export function githubPackageHints(body: unknown, event: string | undefined): RegistryHint[] {
  // Pings and other events delivered to the same hook move no tag.
  if (event !== 'registry_package' && event !== 'package') return [];
  if (!isObject(body) || typeof body.action !== 'string')
    throw new MalformedEventError('not a GitHub package event: no "action"');
  const pkg = body.registry_package ?? body.package;
  if (!isObject(pkg) || !isObject(pkg.package_version))
    throw new MalformedEventError('registry_package.package_version is missing');
  if (body.action !== 'published' && body.action !== 'updated') return [];
  const version = pkg.package_version;
  const url = optionalString(version.package_url, 'registry_package.package_version.package_url');
  if (url === undefined) throw new MalformedEventError('registry_package.package_version.package_url is missing');
  const metadata = isObject(version.container_metadata) ? version.container_metadata : undefined;
  const tag = isObject(metadata?.tag) ? optionalString(metadata.tag.name, 'container_metadata.tag.name') : undefined;
  const digest = isObject(metadata?.tag)
    ? optionalString(metadata.tag.digest, 'container_metadata.tag.digest')
    : undefined;
  const hint = referenceHint(url, 'package_url', tag, digest);
  return hint ? [hint] : [];
}
