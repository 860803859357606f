// One cross-process lock for the harness's slow one-time work (building Kubernetes, installing
// code-server): two test processes may start it at the same moment, and only one must do it.
import { open, readFile, rm, stat } from 'node:fs/promises';

const pollMs = 1000;
const emptyLockGraceMs = 10_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds the lock at `path`, and whether it is stale: its owner died, or it stayed empty
 * (the owner died between creating and writing it).
 */
async function inspectLock(path: string): Promise<{ owner: number | undefined; stale: boolean }> {
  const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => ''), stat(path).catch(() => undefined)]);
  const pid = Number(text.trim());
  const owner = Number.isInteger(pid) && pid > 0 ? pid : undefined;
  if (!info) return { owner, stale: false };
  return { owner, stale: owner ? !processAlive(owner) : Date.now() - info.mtimeMs > emptyLockGraceMs };
}

/**
 * Holds the lock file `path` (it contains our pid) while `work` runs; a stale lock is taken over.
 * `onWait` is told once who holds it when we have to wait.
 */
export async function withLockFile<T>(
  path: string,
  onWait: (owner: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  let announced = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const { owner, stale } = await inspectLock(path);
    if (stale) {
      // Two waiters may both take over a dead owner's lock and work at once; that only wastes
      // CPU, as callers rename every artifact into place whole.
      await rm(path, { force: true });
      continue;
    }
    if (!announced) {
      onWait(owner ? `process ${owner}` : 'another process');
      announced = true;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
