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

export interface RegistryConfigOptions {
  addr: string;
  secret: string;
  tls?: RegistryTls;
  auth?: RegistryHtpasswdAuth | RegistryTokenAuth;
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
    storage: { inmemory: {}, delete: { enabled: true } },
    http,
  };
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
