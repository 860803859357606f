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
  if (error instanceof KubeApiError) return error;
  const e = error as { code?: unknown; body?: unknown; message?: string; cause?: { code?: string } };
  if (typeof e?.code === 'number') {
    const body = statusBody(e.body);
    const message = body.message || (e.code === 401 ? 'Unauthorized: the kubeconfig credentials were rejected' : `HTTP ${e.code}`);
    return new KubeApiError(e.code, body.reason ?? '', message, { cause: error });
  }
  const code = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  const where = server ? ` at ${server}` : '';
  return new Error(`cannot reach the Kubernetes API${where}: ${code ?? e?.message ?? String(error)}`, { cause: error });
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}
