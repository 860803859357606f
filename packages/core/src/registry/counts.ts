// Request accounting: what the benchmark and `-v` report, per registry and per resolved tag.

export type RequestKind = 'manifest' | 'blob' | 'tags' | 'token';

export interface RequestEvent {
  /** Host the request went to (a token realm's host for `token`). */
  registry: string;
  method: string;
  kind: RequestKind;
  /** Scheme, host and path; never a query with secrets (none is ever sent) or headers. */
  url: string;
  /** 0 when no response arrived (connection error, timeout). */
  status: number;
  /** 1 for the first try, 2+ for retries. */
  attempt: number;
  durationMs: number;
}

export interface RequestCounts {
  /** Manifest, blob and tag-list requests the registry answered, by method, retries included. */
  head: number;
  get: number;
  /** Requests a token service answered. */
  token: number;
  /** Attempts that got no answer (reset, refused, TLS handshake to a plain-HTTP registry). */
  failed: number;
  /** How many of all the above were retries. */
  retries: number;
}

export function emptyCounts(): RequestCounts {
  return { head: 0, get: 0, token: 0, failed: 0, retries: 0 };
}

export function countEvent(counts: RequestCounts, event: RequestEvent): void {
  if (event.status === 0) counts.failed++;
  else if (event.kind === 'token') counts.token++;
  else if (event.method === 'HEAD') counts.head++;
  else counts.get++;
  if (event.attempt > 1) counts.retries++;
}
