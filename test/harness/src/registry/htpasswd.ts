import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes an htpasswd file with one bcrypt entry, the only hash Distribution accepts. */
export async function writeHtpasswd(file: string, username: string, password: string): Promise<void> {
  const { stdout } = await run('htpasswd', ['-B', '-b', '-n', username, password]);
  await writeFile(file, stdout.trim() + '\n', { mode: 0o600 });
}
