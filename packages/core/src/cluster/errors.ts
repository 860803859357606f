// Errors from the Kubernetes API, reduced to what callers branch on (status code, reason,
// retry-after) and a message a person can act on. Bodies are parsed as metav1.Status when they are one.

export class KubeApiError extends Error {
  /** The Retry-After the server asked for (429, and 500s during a rolling restart), in seconds. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    options?: { retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
}

function statusBody(text: string): StatusBody {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** The error for a non-2xx answer, from its metav1.Status body when it has one. */
export function apiError(status: number, body: string, retryAfter?: string): KubeApiError {
  const parsed = statusBody(body);
  const message =
    parsed.message || (status === 401 ? 'Unauthorized: the kubeconfig credentials were rejected' : `HTTP ${status}`);
  const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
  return new KubeApiError(
    status,
    parsed.reason ?? '',
    message,
    Number.isFinite(seconds) ? { retryAfterSeconds: seconds } : undefined,
  );
}

/** The API server did not answer at all (DNS, refused connection, TLS, timeout). */
export class KubeUnreachableError extends Error {
  constructor(
    readonly server: string | undefined,
    detail: string,
    cause?: unknown,
  ) {
    super(`cannot reach the Kubernetes API${server ? ` at ${server}` : ''}: ${detail}`, { cause });
    this.name = 'KubeUnreachableError';
  }
}

/** The cluster serves no ImageStreams: neither istream's CRD nor OpenShift's API. */
export class ImageStreamApiMissingError extends Error {
  constructor(readonly server: string) {
    super(
      `the cluster at ${server} does not serve image.openshift.io ImageStreams: run "kubectl istream install" first`,
    );
    this.name = 'ImageStreamApiMissingError';
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 410;
}
