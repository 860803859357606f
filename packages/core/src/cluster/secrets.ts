// Registry credentials from a namespace's pull secrets (kubernetes.io/dockerconfigjson and the
// older kubernetes.io/dockercfg), which is where OpenShift's import looks for them. Decoding only:
// matching a registry to an entry is the registry client's job (secretCredentials).
import { Buffer } from 'node:buffer';
import type { PullSecretData } from '../registry/index.js';

export interface SecretLike {
  type?: string;
  data?: Record<string, string>;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
}

/** Set to "true" on a Secret that OpenShift's import must never send to a registry. */
export const EXCLUDE_SECRET_ANNOTATION = 'openshift.io/image.excludeSecret';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

function decodeJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The pull secrets among `secrets`, sorted by name (the order credentials are tried in), decoded;
 * those annotated `openshift.io/image.excludeSecret: "true"` are left out, as OpenShift's import does.
 */
export function pullSecretData(secrets: readonly SecretLike[]): PullSecretData[] {
  return secrets
    .filter((s) => s.type === DOCKER_CONFIG_JSON_TYPE || s.type === DOCKER_CFG_TYPE)
    .filter((s) => s.metadata?.annotations?.[EXCLUDE_SECRET_ANNOTATION] !== 'true')
    .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1))
    .map((s) => {
      const name = `secret ${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
      return s.type === DOCKER_CONFIG_JSON_TYPE
        ? { name, dockerConfigJson: decodeJson(s.data?.['.dockerconfigjson']) }
        : { name, dockerCfg: decodeJson(s.data?.['.dockercfg']) };
    });
}
