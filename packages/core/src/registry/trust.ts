// Which certificate authorities a registry's TLS certificate may chain to: the system bundle (or
// Node's bundled roots), NODE_EXTRA_CA_CERTS, and the per-registry directories of containers and docker.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

export interface TrustOptions {
  /** Directories holding `HOST[:PORT]/*.crt` CA files. */
  certDirs?: readonly string[];
  /** System CA bundles; the first one that exists is used. */
  systemCaFiles?: readonly string[];
  /** A PEM file of extra CAs (NODE_EXTRA_CA_CERTS of the environment the client was given). */
  extraCaFile?: string;
}

export const defaultCertDirs = ['/etc/containers/certs.d', '/etc/docker/certs.d'] as const;
export const defaultSystemCaFiles = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/cert.pem', // macOS, BSD
] as const;

export interface HostTrust {
  /** Undefined: Node's default context (bundled roots and the NODE_EXTRA_CA_CERTS it loaded at start) is enough. */
  secureContext?: SecureContext;
  /** The per-registry files that were found, for error messages. */
  hostFiles: string[];
}

/**
 * The TLS context for connections to `host` (`name` or `name:port`). Parsing a CA bundle costs
 * ~100 ms, so a context is built only when the host has its own files, the extra CA file is not
 * the one Node loaded at start, or `withSystemBundle` asks for the system store (after Node's
 * roots failed to verify a certificate).
 */
export async function hostTrust(
  host: string,
  options: TrustOptions = {},
  withSystemBundle = false,
): Promise<HostTrust> {
  const hostFiles: string[] = [];
  const hostCas: string[] = [];
  for (const dir of options.certDirs ?? defaultCertDirs) {
    const hostDir = join(dir, host);
    const names = await readdir(hostDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.crt')).sort()) {
      hostCas.push(await readFile(join(hostDir, name), 'utf8'));
      hostFiles.push(join(hostDir, name));
    }
  }
  const extraIsLoaded = options.extraCaFile === undefined || options.extraCaFile === process.env.NODE_EXTRA_CA_CERTS;
  if (hostFiles.length === 0 && extraIsLoaded && !withSystemBundle) return { hostFiles };

  const ca = [(await firstReadable(options.systemCaFiles ?? defaultSystemCaFiles)) ?? rootCertificates.join('\n')];
  if (options.extraCaFile) {
    const extra = await readFile(options.extraCaFile, 'utf8').catch(() => {
      throw new Error(`cannot read the CA file ${options.extraCaFile} (NODE_EXTRA_CA_CERTS)`);
    });
    ca.push(extra);
  }
  ca.push(...hostCas);
  return { secureContext: createSecureContext({ ca }), hostFiles };
}

async function firstReadable(files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // try the next location
    }
  }
  return undefined;
}
