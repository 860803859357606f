import { open, readFile, rm } from 'node:fs/promises';

const pollMs = 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Holds the lock file `path` (it contains our pid) while `work` runs, so that two test processes
 * never install into one directory at once. A lock left behind by a dead process is taken over.
 */
export async function withInstallLock<T>(path: string, onWait: (owner: string) => void, work: () => Promise<T>): Promise<T> {
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
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (!announced) {
      onWait(owner > 0 ? `process ${owner}` : 'another process');
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
