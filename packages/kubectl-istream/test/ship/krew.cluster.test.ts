// The krew manifest the release build writes: krew's own validator accepts it (structure, one
// platform per selector), and `kubectl krew install --manifest --archive` installs the
// linux/amd64 archive (its sha256 checked by krew) into a fresh KREW_ROOT, after which kubectl
// runs the plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { defer } from '@istream/test-harness';
import { ensureKrew, packageDir } from './support.js';

test('krew validates the manifest and installs the linux/amd64 archive from it', async (t) => {
  const { kubectlPath } = await sharedCluster();
  const krew = ensureKrew();
  const work = mkdtempSync(join(tmpdir(), 'istream-krew-'));
  // Five release archives and a krew root: a third of a gigabyte per run if left behind.
  defer(t, () => rmSync(work, { recursive: true, force: true }));
  const release = join(work, 'release');
  const archives = execFileSync(process.execPath, [join(packageDir, 'ship/executables.mjs'), '--out', release], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  const manifestPath = join(release, 'istream.yaml');

  const manifest = parse(readFileSync(manifestPath, 'utf8')) as {
    spec: {
      platforms: Array<{ selector: { matchLabels: { os: string; arch: string } }; uri: string; sha256: string }>;
    };
  };
  assert.deepEqual(
    manifest.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`),
    ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'],
  );
  for (const [i, platform] of manifest.spec.platforms.entries()) {
    const sum = execFileSync('sha256sum', [archives[i]!], { encoding: 'utf8' }).split(' ')[0];
    assert.equal(platform.sha256, sum, platform.uri);
  }
  // Its install step downloads each uri (a release that does not exist yet); installing is below.
  const validated = spawnSync(join(krew, 'validate-krew-manifest'), ['-manifest', manifestPath, '-skip-install'], {
    encoding: 'utf8',
  });
  assert.equal(validated.status, 0, validated.stderr);
  assert.match(validated.stderr, /structural validation OK/);

  const bin = join(work, 'bin');
  mkdirSync(bin);
  copyFileSync(join(krew, 'krew'), join(bin, 'kubectl-krew'));
  execFileSync('chmod', ['+x', join(bin, 'kubectl-krew')]);
  const krewRoot = join(work, 'krew');
  const env = { KREW_ROOT: krewRoot, HOME: work, PATH: `${bin}:${join(krewRoot, 'bin')}:/usr/bin:/bin` };
  const installed = spawnSync(
    kubectlPath,
    ['krew', 'install', `--manifest=${manifestPath}`, `--archive=${archives[0]}`],
    { env, encoding: 'utf8' },
  );
  assert.equal(installed.status, 0, installed.stderr);
  assert.match(installed.stderr, /Installed plugin: istream/);
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  assert.ok(existsSync(join(krewRoot, `store/istream/v${version}/LICENSE`)), 'LICENSE is installed with the plugin');
  const run = spawnSync(kubectlPath, ['istream', '--version'], { env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.split('\n')[0], `Client Version: ${version}`);
});
