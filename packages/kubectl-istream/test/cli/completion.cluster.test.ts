// Shell completion through kubectl itself: with kubectl-istream and kubectl_complete-istream on
// PATH, `kubectl __complete istream ...` (what kubectl's bash/zsh completion scripts run) offers
// the plugin's commands, flags, flag values and resource names.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '@istream/test-harness';
import { sharedCluster } from '@istream/test-harness/cluster/index';

const scratch = scratchDir();

const binDir = fileURLToPath(new URL('../../../bin/', import.meta.url));
const pathDir = mkdtempSync(join(scratch, 'istream-completion-'));
let kubectlPath: string;

before(async () => {
  kubectlPath = (await sharedCluster()).kubectlPath;
  for (const name of ['kubectl-istream', 'kubectl_complete-istream'])
    symlinkSync(join(binDir, name), join(pathDir, name));
});

/** The candidates (value only) and directive kubectl prints for `kubectl istream WORDS...`. */
function complete(...words: string[]): { values: string[]; directive: string } {
  const child = spawnSync(kubectlPath, ['__complete', 'istream', ...words], {
    env: { PATH: `${pathDir}:${process.env.PATH}`, HOME: pathDir },
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stderr);
  const lines = child.stdout.split('\n').filter(Boolean);
  return { values: lines.slice(0, -1).map((l) => l.split('\t')[0]!), directive: lines.at(-1)! };
}

test("kubectl completes the plugin's commands, flags, flag values and resource names", () => {
  const commands = complete('');
  assert.ok(
    ['import-image', 'set-triggers', 'get', 'lint', 'install', 'uninstall', 'controller'].every((c) =>
      commands.values.includes(c),
    ),
    commands.values.join(' '),
  );
  assert.equal(commands.directive, ':4', 'no file names among commands');
  assert.deepEqual(complete('un').values, ['uninstall']);
  assert.deepEqual(complete('set-triggers', '--from-').values, ['--from-config', '--from-image']);
  assert.deepEqual(complete('install', '-o', 'y').values, ['yaml']);
  assert.deepEqual(complete('describe', '').values, ['is', 'imagestreams', 'istag', 'imagestreamtags']);
  assert.deepEqual(complete('install', '--delete').values, [], "uninstall's flag is not offered for install");
  assert.deepEqual(complete('uninstall', '--delete').values, ['--delete-streams']);
  assert.equal(complete('lint', '').directive, ':0', 'lint takes files: the shell completes them');
});
