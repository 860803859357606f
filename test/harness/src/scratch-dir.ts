import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A folder for one test file's scratch files, removed when the file's tests end (each test file
 * runs in its own process, so this is node:test's root `after`). Call it at module level.
 */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'istream-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
