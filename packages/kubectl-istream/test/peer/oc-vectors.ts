// The recorded answers of OpenShift's `oc` (scripts/peer/oc.mjs writes them) and running istream's
// CLI on the same inputs, for the replay tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import type { Answer } from './oc-answer.js';

export interface RecordedCase extends Answer {
  /** inputHash of the case oc answered. */
  h: string;
}

export interface SetTriggersVectors<C extends RecordedCase = RecordedCase> {
  seed: number;
  /** `oc version --client` of the oc that answered. */
  oc: string;
  cases: C[];
}

export function readVectors<T>(name: string): T {
  const path = fileURLToPath(new URL(`../../../test/fixtures/peer/${name}`, import.meta.url));
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as T;
}

/** `kubectl istream ARGS` in-process, as a script would see it. */
export async function istream(args: string[], env: NodeJS.ProcessEnv) {
  const io = bufferIO();
  const code = await runCli(args, { io, env });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
