// Registry credentials from a namespace's pull secrets (kubernetes.io/dockerconfigjson and the
// older kubernetes.io/dockercfg), which is where OpenShift's import looks for them.
import { Buffer } from 'node:buffer';

/** One `auths` entry of a Docker config: either username/password or the base64 `auth` pair. */
export interface DockerAuthEntry {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
}

/** Registry host (as written in the secret) -> credentials. Later secrets never override earlier ones. */
export type DockerAuths = Record<string, DockerAuthEntry>;

export interface SecretLike {
  type?: string;
  data?: Record<string, string>;
  metadata?: { name?: string };
}

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

function decode(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isEntry(value: unknown): value is DockerAuthEntry {
  return typeof value === 'object' && value !== null;
}

/** Merges the auths of every pull secret, in the order given; malformed secrets are skipped. */
export function dockerAuthsFromSecrets(secrets: readonly SecretLike[]): DockerAuths {
  const auths: DockerAuths = {};
  for (const secret of secrets) {
    let entries: unknown;
    if (secret.type === DOCKER_CONFIG_JSON_TYPE) entries = (decode(secret.data?.['.dockerconfigjson']) as { auths?: unknown } | undefined)?.auths;
    else if (secret.type === DOCKER_CFG_TYPE) entries = decode(secret.data?.['.dockercfg']);
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [registry, entry] of Object.entries(entries)) {
      if (isEntry(entry) && !(registry in auths)) auths[registry] = entry;
    }
  }
  return auths;
}
