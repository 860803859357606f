// kubectl's `-v 6`: one stderr line per registry request (method, URL, status, time), never a
// header or body, so no credential can appear.
import type { Command } from 'commander';
import type { RequestEvent } from '@istream/core/registry';
import type { IOStreams } from './io.js';

/** The level at which kubectl logs each HTTP request. */
const REQUEST_LOG_LEVEL = 6;

/** The global `-v` of the command being run. */
export function verbosityOf(command: Command): number {
  return Number(command.optsWithGlobals<{ v?: string }>().v ?? 0);
}

/** The registry client's `onRequest` for this verbosity: a logger at 6 and above, else none. */
export function requestLogger(io: IOStreams, verbosity: number | undefined): { onRequest?: (event: RequestEvent) => void } {
  if ((verbosity ?? 0) < REQUEST_LOG_LEVEL) return {};
  return {
    onRequest: (e) => io.err.write(
      `${e.method} ${e.url} ${e.status || 'no answer'} in ${Math.round(e.durationMs)}ms${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}\n`),
  };
}
