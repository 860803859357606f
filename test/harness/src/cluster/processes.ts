// Control-plane processes, each in its own process group with its output in a log file, so that
// stopping kills exactly what we started (and anything it forked) and nothing else.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatElapsed } from './log.js';

export interface ComponentProcess {
  name: string;
  /** What it was started with, so that it can be started again as it was. */
  binary: string;
  args: string[];
  /** Also the process group id (the process leads its own group). */
  pid: number;
  logFile: string;
  /** Settles when the process exits, with a description of how. */
  exited: Promise<string>;
  running(): boolean;
}

export function startComponent(name: string, binary: string, args: string[], logDir: string): ComponentProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  let alive = true;
  try {
    // detached: a new process group; unref + file stdio: the test process can exit while it runs.
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${binary}`);
    const exited = new Promise<string>((resolve) => {
      child.on('error', (err) => {
        alive = false;
        resolve(`failed to start: ${err.message}`);
      });
      child.on('exit', (code, signal) => {
        alive = false;
        resolve(signal ? `killed by ${signal}` : `exited ${code}`);
      });
    });
    return { name, binary, args, pid: child.pid, logFile, exited, running: () => alive };
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL for any group still there after `graceMs`. */
export async function stopGroups(pids: number[], graceMs = 5000): Promise<void> {
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(groupAlive) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const pid of pids.filter(groupAlive)) signalGroup(pid, 'SIGKILL');
}

/** For 'exit' handlers, where nothing asynchronous runs any more. */
export function killGroupsNow(pids: number[]): void {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
}

export async function logTail(component: ComponentProcess, lines = 30): Promise<string> {
  const text = await readFile(component.logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

const pollMs = 250;

/** Polls `ready` until it holds; fails at once if a component exits meanwhile. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  components: ComponentProcess[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = components.find((c) => !c.running());
    if (dead) throw new Error(`${dead.name} ${await dead.exited} while waiting for ${what}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${formatElapsed(timeoutMs)} waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
