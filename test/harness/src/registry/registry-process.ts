import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { onProcessExit } from './exit-cleanup.js';

const LOG_LINES_KEPT = 200;
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;

export interface RegistryProcessOptions {
  configFile: string;
  /** `/v2/` of the registry; any HTTP answer (401 included) means it serves. */
  probeUrl: string;
  dispatcher: Dispatcher;
  log?: (line: string) => void;
}

export interface RegistryProcess {
  /** The registry's recent output, for error messages. */
  recentLog(): string;
  stop(): Promise<void>;
}

export class RegistryStartError extends Error {
  constructor(
    message: string,
    readonly registryLog: string,
  ) {
    super(`${message}\n--- docker-registry log ---\n${registryLog}`);
    this.name = 'RegistryStartError';
  }

  get addressInUse(): boolean {
    return /address already in use/.test(this.registryLog);
  }
}

/** Starts `docker-registry serve CONFIG` and resolves once it answers HTTP. */
export async function runRegistryProcess(options: RegistryProcessOptions): Promise<RegistryProcess> {
  const child = spawn('docker-registry', ['serve', options.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const record = (line: string): void => {
    lines.push(line);
    if (lines.length > LOG_LINES_KEPT) lines.shift();
    options.log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) collectLines(stream, record);
  const recentLog = (): string => lines.join('\n');

  const forgetChild = onProcessExit(() => child.kill('SIGKILL'));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`could not run docker-registry: ${err.message}`));
    // 'close' rather than 'exit': by then the pipes have delivered the lines that explain an exit.
    child.once('close', (code, signal) => resolve(`docker-registry exited (${signal ?? `code ${code}`})`));
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= stopChild(child, exited).finally(forgetChild);
    return stopped;
  };

  const probing = new AbortController();
  const outcome = await Promise.race([
    waitUntilServing(options, probing.signal),
    exited.then((why) => ({ failed: why })),
  ]);
  probing.abort();
  if ('failed' in outcome) {
    await stop();
    throw new RegistryStartError(outcome.failed, recentLog());
  }
  return { recentLog, stop };
}

async function waitUntilServing(
  options: RegistryProcessOptions,
  signal: AbortSignal,
): Promise<{ serving: true } | { failed: string }> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline && !signal.aborted) {
    try {
      // request(), not fetch(): fetch refuses ports such as 6666 that a registry may be given.
      const response = await request(options.probeUrl, { dispatcher: options.dispatcher, signal });
      await response.body.dump();
      return { serving: true };
    } catch (err) {
      lastError = err instanceof Error ? String(err.cause ?? err.message) : String(err);
    }
    await sleep(20);
  }
  return { failed: `docker-registry did not answer ${options.probeUrl} within ${READY_TIMEOUT_MS} ms (${lastError})` };
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function collectLines(stream: NodeJS.ReadableStream | null, record: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) if (line !== '') record(line);
  });
  stream.on('end', () => {
    if (pending !== '') record(pending);
  });
}
