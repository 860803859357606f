import { stringify } from 'yaml';

export interface RegistryTls {
  certificateFile: string;
  keyFile: string;
}

export interface RegistryHtpasswdAuth {
  kind: 'htpasswd';
  realm: string;
  htpasswdFile: string;
}

export interface RegistryTokenAuth {
  kind: 'token';
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificates the registry trusts as token signers (the `x5c` leaf must chain to one). */
  rootCertBundleFile: string;
}

/** A `notifications.endpoints` entry: where the registry POSTs its events, with which headers. */
export interface RegistryNotificationEndpoint {
  url: string;
  headers?: Record<string, string>;
}

export interface RegistryConfigOptions {
  addr: string;
  secret: string;
  tls?: RegistryTls;
  auth?: RegistryHtpasswdAuth | RegistryTokenAuth;
  notify?: RegistryNotificationEndpoint;
  /** Blobs and manifests on disk under this directory; absent: in memory. */
  storageDir?: string;
}

/** The `docker-registry serve` configuration (Distribution 2.8 schema) as YAML text. */
export function registryConfigYaml(options: RegistryConfigOptions): string {
  const http: Record<string, unknown> = { addr: options.addr, secret: options.secret };
  if (options.tls) http.tls = { certificate: options.tls.certificateFile, key: options.tls.keyFile };
  const config: Record<string, unknown> = {
    version: '0.1',
    // Access logs double every request line; the app log alone explains a failed start.
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    // Deleting manifests is on so tests can make a tag disappear, as registries allow.
    storage: {
      ...(options.storageDir ? { filesystem: { rootdirectory: options.storageDir } } : { inmemory: {} }),
      delete: { enabled: true },
    },
    http,
  };
  if (options.notify) {
    // Distribution sends each header as a list of values; a short backoff keeps retries fast in tests.
    const headers = Object.fromEntries(Object.entries(options.notify.headers ?? {}).map(([k, v]) => [k, [v]]));
    config.notifications = {
      endpoints: [{ name: 'istream', url: options.notify.url, headers, timeout: '2s', threshold: 3, backoff: '200ms' }],
    };
  }
  const auth = options.auth;
  if (auth?.kind === 'htpasswd') {
    config.auth = { htpasswd: { realm: auth.realm, path: auth.htpasswdFile } };
  } else if (auth?.kind === 'token') {
    config.auth = {
      token: { realm: auth.realm, service: auth.service, issuer: auth.issuer, rootcertbundle: auth.rootCertBundleFile },
    };
  }
  return stringify(config);
}
