// Builds the .vsix files the e2e tests install: the extension exactly as it ships (npm run
// package: esbuild bundle + vsce), and the test-only probe extension.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scratchDir } from '@istream/test-harness';

const run = promisify(execFile);
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const vsce = join(packageRoot, 'node_modules/.bin/vsce');
const scratch = scratchDir();

/**
 * Bundles the extension as it ships (extension.cjs, language-worker.cjs) into a new directory of
 * its own and returns it: test files run in parallel, and a worker loading out/ while another test
 * rewrites it dies on a half-written bundle. The directory goes with the test file's scratch
 * directory, also when the bundle fails.
 */
export async function bundleExtension(): Promise<string> {
  const outdir = await mkdtemp(join(scratch, 'bundle-'));
  // esbuild takes the last --outdir, so the package's own bundle script is reused as it is.
  await run('npm', ['run', '--silent', 'bundle', '--', `--outdir=${outdir}`], {
    cwd: packageRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return outdir;
}

/** Bundles and packages the extension from the current build; returns the .vsix path. */
export async function packageExtension(): Promise<string> {
  await run('npm', ['run', '--silent', 'package'], { cwd: packageRoot, maxBuffer: 16 * 1024 * 1024 });
  return join(packageRoot, 'out/vscode-istream.vsix');
}

/** Packages the probe extension (test/fixtures/probe-extension) into `dir`. */
export async function packageProbe(dir: string): Promise<string> {
  const out = join(dir, 'istream-test-probe.vsix');
  await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: join(packageRoot, 'test/fixtures/probe-extension'),
  });
  return out;
}
