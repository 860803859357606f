// What the CLI tests share: running the CLI in-process, a kubeconfig that points nowhere, and the
// version the plugin should report.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

const scratch = scratchDir();

/** Runs `kubectl istream ARGS` with an environment that holds no kubeconfig unless given one. */
export async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  const io = bufferIO(options.stdin ?? '');
  const code = await runCli(args, { io, env: options.env ?? { HOME: '/nonexistent' } });
  return { code, out: io.stdout(), err: io.stderr() };
}

/**
 * A kubeconfig whose contexts point at ports nothing listens on, so commands get as far as
 * connecting and their error names the server they were pointed at: contexts `one` (current,
 * namespace `ns-one`, https://127.0.0.1:1) and `two` (https://127.0.0.1:2).
 */
export function unreachableKubeconfig(): string {
  const path = join(mkdtempSync(join(scratch, 'istream-kubeconfig-')), 'config');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'one',
      clusters: [
        { name: 'one', cluster: { server: 'https://127.0.0.1:1' } },
        { name: 'two', cluster: { server: 'https://127.0.0.1:2' } },
      ],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [
        { name: 'one', context: { cluster: 'one', user: 'u', namespace: 'ns-one' } },
        { name: 'two', context: { cluster: 'two', user: 'u' } },
      ],
    }),
  );
  return path;
}

const packageJson = new URL('../../../package.json', import.meta.url);
const buildInfoJson = new URL('../../build-info.json', import.meta.url);

/** The package's version, and the commit scripts/bootstrap.sh recorded (a plain `tsc -b` records none). */
export const expectedBuild = {
  version: (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version,
  ...(existsSync(buildInfoJson)
    ? (JSON.parse(readFileSync(buildInfoJson, 'utf8')) as { gitCommit: string; gitTreeState: string })
    : { gitCommit: 'unknown', gitTreeState: 'unknown' }),
};

export const clientVersionLines = `Client Version: ${expectedBuild.version}\nGit Commit: ${expectedBuild.gitCommit}\n`;
