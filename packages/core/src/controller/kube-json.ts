import { Agent, request, type RequestOptions } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/** A failed API call, with the HTTP status and the apiserver's Status reason. */
export class KubeApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof KubeApiError && error.status === status;
}

export interface KubeJsonRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  contentType?: string;
}

/**
 * Plain JSON calls to the apiserver with the kubeconfig's credentials over one keep-alive
 * connection pool. The controller reads and writes objects as JSON exactly as they arrive, so
 * the fields it does not know survive an update untouched (a typed round trip would drop them).
 */
export class KubeJson {
  private readonly agents = new Map<string, Agent | HttpAgent>();

  constructor(readonly kubeConfig: KubeConfig) {}

  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server.replace(/\/$/, '');
  }

  async call<T>(path: string, req: KubeJsonRequest = {}): Promise<T> {
    const url = new URL(this.server + path);
    const opts: RequestOptions = { method: req.method ?? 'GET', headers: {} };
    // Fills in credentials (token, client cert, exec plugin output) fresh for each call, so
    // rotating tokens keep working; the connection pool below is ours and long-lived.
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    if (payload) {
      headers['content-type'] = req.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const secure = url.protocol === 'https:';
    const agent = this.agentFor(url.host, secure, opts);
    const send = secure ? request : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const r = send(url, { method: opts.method, headers, agent, servername: opts.servername }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          const st = (parsed ?? {}) as { reason?: string; message?: string };
          const retryAfter = Number(res.headers['retry-after']);
          reject(new KubeApiError(status, st.reason ?? '', `${opts.method} ${path}: ${status} ${st.message ?? text.slice(0, 200)}`,
            Number.isFinite(retryAfter) ? retryAfter : undefined));
        });
      });
      r.on('error', reject);
      r.setTimeout(30_000, () => r.destroy(new Error(`${opts.method} ${path}: no answer in 30 s`)));
      r.end(payload);
    });
  }

  private agentFor(host: string, secure: boolean, opts: RequestOptions): Agent | HttpAgent {
    let agent = this.agents.get(host);
    if (!agent) {
      agent = secure
        ? new Agent({ keepAlive: true, maxSockets: 16, ca: opts.ca, cert: opts.cert, key: opts.key,
          rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername })
        : new HttpAgent({ keepAlive: true, maxSockets: 16 });
      this.agents.set(host, agent);
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
