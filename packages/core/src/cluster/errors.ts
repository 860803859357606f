// Errors from the Kubernetes API, reduced to what callers branch on (status code, reason) and a
// message a person can act on. Bodies are parsed as metav1.Status when they are one.

export class KubeApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeApiError';
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as StatusBody) : {};
}

/** Converts whatever client-node threw into a KubeApiError (HTTP answers) or a connection error message. */
export function toKubeError(error: unknown, server?: string): Error {
  if (error instanceof KubeApiError || error instanceof KubeUnreachableError) return error;
  const e = error as { code?: unknown; body?: unknown; message?: string; cause?: { code?: string } };
  if (typeof e?.code === 'number') {
    const body = statusBody(e.body);
    const message = body.message || (e.code === 401 ? 'Unauthorized: the kubeconfig credentials were rejected' : `HTTP ${e.code}`);
    return new KubeApiError(e.code, body.reason ?? '', message, { cause: error });
  }
  const code = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  return new KubeUnreachableError(server, code ?? e?.message ?? String(error), error);
}

/** The API server did not answer at all (DNS, refused connection, TLS, timeout). */
export class KubeUnreachableError extends Error {
  constructor(readonly server: string | undefined, detail: string, cause: unknown) {
    super(`cannot reach the Kubernetes API${server ? ` at ${server}` : ''}: ${detail}`, { cause });
    this.name = 'KubeUnreachableError';
  }
}

/** The cluster serves no ImageStreams: neither istream's CRD nor OpenShift's API. */
export class ImageStreamApiMissingError extends Error {
  constructor(readonly server: string) {
    super(`the cluster at ${server} does not serve image.openshift.io ImageStreams: run "kubectl istream install" first`);
    this.name = 'ImageStreamApiMissingError';
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}
