// Where registry credentials come from: docker's config.json (with credential helpers) and
// Kubernetes pull secrets, behind one interface the client asks per registry and repository.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config `identitytoken`, or a helper answering username `<token>`). */
  identityToken?: string;
  /** A bearer token to send as is (docker config `registrytoken`). */
  registryToken?: string;
}

export interface FoundCredential {
  credential: RegistryCredential;
  /** Where it came from, for messages: `docker config /root/.docker/config.json`, `secret ns/pull`. Never the secret. */
  source: string;
}

export interface CredentialSource {
  /** Credentials for `repository` (a path such as `team/app`) on `registry` (a reference's domain, e.g. `quay.io`, `127.0.0.1:5000`). */
  lookup(registry: string, repository: string): Promise<FoundCredential | undefined>;
  /** When lookup found nothing for `registry`: where this source looked and how to add a credential there. */
  explainMissing?(registry: string): string;
}

/** One `auths` entry as docker and Kubernetes write it. */
interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** The key docker writes for Docker Hub, and passes to credential helpers. */
const dockerHubServerUrl = 'https://index.docker.io/v1/';

interface KeyringEntry {
  host: string;
  port: string;
  path: string;
  credential: RegistryCredential;
  source: string;
}

/**
 * Matches `auths` keys as the kubelet keyring does: the scheme and a `/v1` or `/v2` suffix are
 * ignored, `*` matches one DNS label, ports must be equal, and a key with a path applies to the
 * repositories under it; the longest path wins. Docker Hub's names all mean docker.io.
 */
export class Keyring {
  private readonly entries: KeyringEntry[] = [];

  add(key: string, entry: AuthEntry, source: string): void {
    const credential = credentialFromEntry(entry);
    if (credential === undefined) return;
    const { host, port, path } = splitKey(key);
    this.entries.push({ host, port, path, credential, source });
  }

  lookup(registry: string, repository: string): FoundCredential | undefined {
    const target = splitKey(registry);
    const matches = this.entries.filter(
      (e) =>
        e.port === target.port &&
        hostMatches(e.host, target.host) &&
        (e.path === '' || repository === e.path || repository.startsWith(`${e.path}/`)),
    );
    matches.sort(
      (a, b) => b.path.length - a.path.length || Number(a.host.includes('*')) - Number(b.host.includes('*')),
    );
    const best = matches[0];
    return best && { credential: best.credential, source: best.source };
  }
}

function splitKey(key: string): { host: string; port: string; path: string } {
  let rest = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  rest = rest.replace(/\/v[12]$/, '');
  const slash = rest.indexOf('/');
  const hostPort = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const portMatch = /^(.*?)(?::(\d+))?$/.exec(hostPort);
  const host = portMatch?.[1] ?? hostPort;
  return { host: dockerHubAliases.has(host) ? 'docker.io' : host, port: portMatch?.[2] ?? '', path };
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return pattern === host;
  const want = pattern.split('.');
  const have = host.split('.');
  return want.length === have.length && want.every((label, i) => label === '*' || label === have[i]);
}

function credentialFromEntry(entry: AuthEntry): RegistryCredential | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  let { username, password } = entry;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const credential: RegistryCredential = {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(entry.identitytoken ? { identityToken: entry.identitytoken } : {}),
    ...(entry.registrytoken ? { registryToken: entry.registrytoken } : {}),
  };
  return Object.keys(credential).length > 0 ? credential : undefined;
}

/** A pull secret's data, decoded from base64 and parsed: `.dockerconfigjson` or the older `.dockercfg`. */
export interface PullSecretData {
  /** For messages, e.g. `secret team/pull-secret`. */
  name: string;
  dockerConfigJson?: unknown;
  dockerCfg?: unknown;
}

/**
 * Credentials from Kubernetes pull secrets, matched as the kubelet does; the first secret that
 * matches wins. `namespace`, where the secrets were listed, lets a failure say where to add one.
 */
export function secretCredentials(
  secrets: readonly PullSecretData[],
  options: { namespace?: string } = {},
): CredentialSource {
  const keyrings = secrets.map((secret) => {
    const keyring = new Keyring();
    const auths = authsOf(secret.dockerConfigJson, 'auths') ?? authsOf(secret.dockerCfg);
    for (const [key, entry] of Object.entries(auths ?? {})) keyring.add(key, entry, secret.name);
    return keyring;
  });
  return {
    lookup: async (registry, repository) => {
      for (const keyring of keyrings) {
        const found = keyring.lookup(registry, repository);
        if (found) return found;
      }
      return undefined;
    },
    ...(options.namespace !== undefined
      ? { explainMissing: (registry: string) => missingPullSecret(registry, options.namespace!) }
      : {}),
  };
}

function missingPullSecret(registry: string, namespace: string): string {
  return (
    `no pull Secret in namespace ${namespace} has credentials for ${registry}; add one with ` +
    `"kubectl create secret docker-registry NAME --docker-server=${registry} --docker-username=USER --docker-password=PASSWORD -n ${namespace}"`
  );
}

function authsOf(json: unknown, field?: string): Record<string, AuthEntry> | undefined {
  const holder = field === undefined ? json : (json as Record<string, unknown> | undefined)?.[field];
  return typeof holder === 'object' && holder !== null ? (holder as Record<string, AuthEntry>) : undefined;
}

export interface DockerConfigOptions {
  /** Environment for DOCKER_CONFIG, HOME and PATH (credential helpers); default process.env. */
  env?: NodeJS.ProcessEnv;
}

interface HelperResult {
  exitCode: number;
  stdout: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * Credentials as `docker` finds them: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`;
 * `credHelpers[host]`, else `credsStore`, run as `docker-credential-NAME get`; else `auths`.
 * A missing file means no credentials; an unreadable one is an error naming the file.
 */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  const path = join(dir, 'config.json');
  const source = `docker config ${path}`;
  let loaded: Promise<{ config: DockerConfigFile; keyring: Keyring }> | undefined;

  const load = async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, keyring: new Keyring() };
      throw new Error(`cannot read ${source}: ${(e as Error).message}`);
    }
    let config: DockerConfigFile;
    try {
      config = JSON.parse(text) as DockerConfigFile;
    } catch (e) {
      throw new Error(`cannot read ${source}: invalid JSON (${(e as Error).message})`);
    }
    const keyring = new Keyring();
    for (const [key, entry] of Object.entries(config.auths ?? {})) keyring.add(key, entry, source);
    return { config, keyring };
  };

  return {
    lookup: async (registry, repository) => {
      loaded ??= load();
      const { config, keyring } = await loaded;
      const host = splitKey(registry);
      const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => {
        const key = splitKey(k);
        return key.host === host.host && key.port === host.port;
      });
      const helper = helperKey !== undefined ? config.credHelpers?.[helperKey] : config.credsStore;
      if (helper) {
        const serverUrl = host.host === 'docker.io' ? dockerHubServerUrl : registry;
        const found = await helperCredential(helper, serverUrl, env);
        if (found) return found;
      }
      return keyring.lookup(registry, repository);
    },
  };
}

async function helperCredential(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
): Promise<FoundCredential | undefined> {
  const program = `docker-credential-${helper}`;
  const { exitCode, stdout } = await execHelper(helper, serverUrl, env);
  if (exitCode !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new Error(
      `credential helper ${program} failed for ${serverUrl} (exit ${exitCode}): ${stdout.trim().split('\n')[0]?.slice(0, 200) ?? ''}`,
    );
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(stdout) as typeof answer;
  } catch {
    throw new Error(`credential helper ${program} printed something other than JSON for ${serverUrl}`);
  }
  if (!answer.Secret) return undefined;
  const credential: RegistryCredential =
    answer.Username === '<token>'
      ? { identityToken: answer.Secret }
      : { username: answer.Username ?? '', password: answer.Secret };
  return { credential, source: `credential helper ${program}` };
}

function execHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { env, timeout: 30_000 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`cannot run credential helper docker-credential-${helper}: ${error.message}`));
        return;
      }
      resolve({ exitCode: typeof error?.code === 'number' ? error.code : 0, stdout: String(stdout) });
    });
    child.stdin?.end(serverUrl);
  });
}

/** The first source that has a credential for the registry. */
export function chainCredentials(...sources: CredentialSource[]): CredentialSource {
  return {
    lookup: async (registry, repository) => {
      for (const source of sources) {
        const found = await source.lookup(registry, repository);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** One username and password for one registry (flags, tests). */
export function staticCredentials(
  registry: string,
  credential: RegistryCredential,
  source = 'given credentials',
): CredentialSource {
  const keyring = new Keyring();
  keyring.add(
    registry,
    {
      ...(credential.username ? { username: credential.username } : {}),
      ...(credential.password ? { password: credential.password } : {}),
      ...(credential.identityToken ? { identitytoken: credential.identityToken } : {}),
      ...(credential.registryToken ? { registrytoken: credential.registryToken } : {}),
    },
    source,
  );
  return { lookup: async (r, repository) => keyring.lookup(r, repository) };
}
