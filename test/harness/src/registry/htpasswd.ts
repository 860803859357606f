import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Distribution checks the bcrypt hash on every request; the lowest cost keeps pushes of
// hundreds of fixtures fast, and these accounts guard nothing.
const BCRYPT_COST = '4';

/** Writes an htpasswd file with one bcrypt entry, the only hash Distribution accepts. */
export async function writeHtpasswd(file: string, username: string, password: string): Promise<void> {
  const { stdout } = await run('htpasswd', ['-B', '-C', BCRYPT_COST, '-b', '-n', username, password]);
  await writeFile(file, stdout.trim() + '\n', { mode: 0o600 });
}
