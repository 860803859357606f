// Builds the .vsix files the e2e tests install: the extension exactly as it ships (npm run
// package: esbuild bundle + vsce), and the test-only probe extension.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const vsce = join(packageRoot, 'node_modules/.bin/vsce');

/** Bundles the extension as it ships (out/extension.cjs, out/language-worker.cjs); returns out/. */
export async function bundleExtension(): Promise<string> {
  await run('npm', ['run', '--silent', 'bundle'], { cwd: packageRoot, maxBuffer: 16 * 1024 * 1024 });
  return join(packageRoot, 'out');
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
