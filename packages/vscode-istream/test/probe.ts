// Reads what the test-only probe extension (fixtures/probe-extension) reports from inside the
// extension host: VS Code's diagnostics with exact ranges, and event-loop stalls.
import { readFile } from 'node:fs/promises';
import type { Range } from '@istream/core/language';

export interface ProbeDiagnostic {
  code: string;
  severity: string;
  message: string;
  range: Range;
}

export interface ProbeReport {
  /** Milliseconds since the epoch; the probe rewrites the report every 250 ms. */
  writtenAt: number;
  /** [when the stall ended, how long the event loop was blocked in ms], stalls over 100 ms only. */
  stalls: Array<[number, number]>;
  /** The istream diagnostics VS Code holds, by file path. */
  diagnostics: Record<string, ProbeDiagnostic[]>;
}

export async function readProbe(path: string): Promise<ProbeReport> {
  return JSON.parse(await readFile(path, 'utf8')) as ProbeReport;
}

export async function waitForProbe(
  path: string,
  until: (report: ProbeReport) => boolean,
  timeoutMs = 30_000,
): Promise<ProbeReport> {
  const deadline = Date.now() + timeoutMs;
  let last: ProbeReport | undefined;
  while (Date.now() < deadline) {
    last = await readProbe(path).catch(() => undefined);
    if (last && until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the probe's report never matched within ${timeoutMs} ms; last report: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}
