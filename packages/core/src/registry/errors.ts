// Typed registry failures. Messages name the registry, repository and tag, say what to do, and
// never contain a credential, token or Authorization header.

export type RegistryErrorCode =
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'unauthorized'
  | 'denied'
  | 'not-found'
  | 'digest-mismatch'
  | 'rate-limited'
  | 'platform-not-found'
  | 'unsupported'
  | 'bad-response';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    readonly registry: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The registry host does not resolve, refuses the connection, or resets it past the retries. */
export class RegistryUnreachableError extends RegistryError {
  constructor(registry: string, detail: string) {
    super('unreachable', registry, `cannot reach registry ${registry}: ${detail}`);
    this.name = 'RegistryUnreachableError';
  }
}

/** The TLS handshake failed: an untrusted certificate, or a plain-HTTP server where HTTPS was required. */
export class RegistryTlsError extends RegistryError {
  constructor(registry: string, detail: string) {
    super('tls', registry, `TLS connection to registry ${registry} failed: ${detail}`);
    this.name = 'RegistryTlsError';
  }
}

export class RegistryTimeoutError extends RegistryError {
  constructor(registry: string, what: string, timeoutMs: number) {
    super('timeout', registry, `${what} at registry ${registry} timed out after ${timeoutMs / 1000}s`);
    this.name = 'RegistryTimeoutError';
  }
}

/** 401 after the challenge was answered, or 403. */
export class RegistryAuthError extends RegistryError {
  constructor(
    code: 'unauthorized' | 'denied',
    registry: string,
    readonly repository: string,
    detail: string,
  ) {
    super(
      code,
      registry,
      code === 'unauthorized'
        ? `authentication required for ${repository} at ${registry}: ${detail}`
        : `access to ${repository} at ${registry} denied: ${detail}`,
    );
    this.name = 'RegistryAuthError';
  }
}

export class RegistryNotFoundError extends RegistryError {
  constructor(
    registry: string,
    readonly repository: string,
    message: string,
  ) {
    super('not-found', registry, message);
    this.name = 'RegistryNotFoundError';
  }
}

/** The content does not hash to the digest it was served as; it is never used. */
export class DigestMismatchError extends RegistryError {
  constructor(
    registry: string,
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      'digest-mismatch',
      registry,
      `registry ${registry} served ${what} whose content has digest ${actual}, not ${expected}; refusing to use it`,
    );
    this.name = 'DigestMismatchError';
  }
}

export class RateLimitedError extends RegistryError {
  /** `retryAfterMs`: how long the registry asked to wait (Retry-After), when it said. */
  constructor(
    registry: string,
    detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(
      'rate-limited',
      registry,
      `registry ${registry} is rate limiting requests (429 Too Many Requests): ${detail}`,
    );
    this.name = 'RateLimitedError';
  }
}

export class PlatformNotFoundError extends RegistryError {
  constructor(
    registry: string,
    readonly reference: string,
    readonly platform: string,
    readonly available: string[],
  ) {
    super(
      'platform-not-found',
      registry,
      available.length > 0
        ? `${reference} has no image for ${platform}; it has ${available.join(', ')}`
        : `${reference} has no image for ${platform}`,
    );
    this.name = 'PlatformNotFoundError';
  }
}

export class UnsupportedManifestError extends RegistryError {
  constructor(registry: string, reference: string, mediaType: string) {
    super(
      'unsupported',
      registry,
      `${reference} is a ${mediaType || 'manifest without a media type'}, which istream does not read ` +
        '(supported: OCI image index and manifest, Docker manifest list and schema 2 manifest)',
    );
    this.name = 'UnsupportedManifestError';
  }
}

/** Any other status the registry should not have answered, with the registry's own error text. */
export class RegistryResponseError extends RegistryError {
  constructor(
    registry: string,
    readonly status: number,
    what: string,
    detail: string,
  ) {
    super('bad-response', registry, `registry ${registry} answered ${status} to ${what}${detail ? `: ${detail}` : ''}`);
    this.name = 'RegistryResponseError';
  }
}
