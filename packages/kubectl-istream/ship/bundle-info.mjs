// The version and commit written into bundles and images: what build-info.ts otherwise reads
// beside itself (package.json, and dist/build-info.json that scripts/bootstrap.sh writes).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function bundledBuildInfo() {
  const built = readJson(join(pkgDir, 'dist/build-info.json'));
  return {
    version: readJson(join(pkgDir, 'package.json')).version,
    gitCommit: built?.gitCommit ?? 'unknown',
    gitTreeState: built?.gitTreeState ?? 'unknown',
  };
}

/** The commit's time (or $SOURCE_DATE_EPOCH): every file's mtime in images and archives. */
export function sourceDate() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: pkgDir, encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}
