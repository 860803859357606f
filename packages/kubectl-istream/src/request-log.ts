// `-v=6` and above: one stderr line per HTTP request, to the cluster in kubectl's own form (klog
// header, then the fields client-go's round tripper logs), to registries in the form `digest -v`
// has always printed.
import { STATUS_CODES } from 'node:http';
import type { KubeRequestEvent } from '@istream/core/cluster';
import type { RequestEvent } from '@istream/core/registry';
import type { Output } from './io.js';

/** kubectl logs each request's method, URL, status and time from this level up. */
export const REQUEST_LOG_LEVEL = 6;

export interface RequestLog {
  /** Undefined below the level, so clients skip the bookkeeping. */
  kube: ((event: KubeRequestEvent) => void) | undefined;
  registry: ((event: RequestEvent) => void) | undefined;
}

export function requestLog(verbosity: number, err: Output, clock: () => Date = () => new Date()): RequestLog {
  if (verbosity < REQUEST_LOG_LEVEL) return { kube: undefined, registry: undefined };
  return {
    kube: (e) => err.write(`${klogHeader(clock())}${kubeRequestLine(e)}\n`),
    registry: (e) => {
      const attempt = e.attempt > 1 ? ` (attempt ${e.attempt})` : '';
      err.write(`${e.method} ${e.url} ${e.status || 'no answer'} in ${Math.round(e.durationMs)}ms${attempt}\n`);
    },
  };
}

/**
 * klog's `Lmmdd hh:mm:ss.uuuuuu threadid file:line] `, with kubectl's round-tripper location, so
 * whatever reads kubectl's `-v=6` output reads ours.
 */
function klogHeader(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const micros = `${String(at.getMilliseconds()).padStart(3, '0')}000`;
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${micros}`;
  return `I${two(at.getMonth() + 1)}${two(at.getDate())} ${time} ${String(process.pid).padStart(7)} round_trippers.go:632] `;
}

export function kubeRequestLine(e: KubeRequestEvent): string {
  const status = e.status === undefined ? '' : `${e.status} ${STATUS_CODES[e.status] ?? ''}`.trimEnd();
  return `"Response" verb="${e.method}" url="${e.url}" status="${status}" milliseconds=${Math.round(e.durationMs)}`;
}
