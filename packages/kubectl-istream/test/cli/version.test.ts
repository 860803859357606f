// `version` and `--version`: the plugin's version and the commit it was built from; a cluster out
// of reach fails nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { createFactory } from '../../src/factory.js';
import { bufferIO } from '../../src/io.js';
import { cli, clientVersionLines, expectedBuild, unreachableKubeconfig } from './support.js';

test('--version and version --client print the plugin version and commit, asking no cluster', async () => {
  for (const args of [['--version'], ['version', '--client']]) {
    const { code, out, err } = await cli(args);
    assert.equal(code, 0, args.join(' '));
    assert.equal(out, clientVersionLines, args.join(' '));
    assert.equal(err, '', args.join(' '));
  }
});

test("version -o json|yaml has kubectl's shape", async () => {
  const json = await cli(['version', '--client', '-o', 'json']);
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.out), { clientVersion: expectedBuild });
  const yaml = await cli(['version', '--client', '-o', 'yaml']);
  assert.deepEqual(parse(yaml.out), { clientVersion: expectedBuild });
});

test('version with a cluster out of reach prints the plugin part and one line saying why there is no more, exit 0', async () => {
  const { code, out, err } = await cli(['version', '--kubeconfig', unreachableKubeconfig()]);
  assert.equal(code, 0);
  assert.equal(out, clientVersionLines);
  assert.equal(
    err,
    "note: the controller's version is unknown: cannot reach the Kubernetes API at https://127.0.0.1:1: ECONNREFUSED\n",
  );
  const none = await cli(['version']);
  assert.equal(none.code, 0);
  assert.equal(none.out, clientVersionLines);
  assert.match(none.err, /^note: the controller's version is unknown: no kubeconfig found: pass --kubeconfig/);
});

test('install labels the controller Deployment with the plugin version, which version reports', async () => {
  const { code, out } = await cli([
    'install',
    '--dry-run=client',
    '-o',
    'yaml',
    '--image',
    'registry.example/istream:dev',
  ]);
  assert.equal(code, 0);
  const deployment = out
    .split(/^---\n/m)
    .map((d) => parse(d))
    .find((d) => d.kind === 'Deployment');
  assert.equal(deployment.metadata.labels['app.kubernetes.io/version'], expectedBuild.version);
  // The selector stays as it was: a Deployment's selector cannot change on upgrade.
  assert.deepEqual(deployment.spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'istream',
    'app.kubernetes.io/component': 'controller',
  });
});

test("the plugin's API requests name it, its version and commit in client-go's User-Agent form", async () => {
  const factory = createFactory({
    io: bufferIO(),
    env: { HOME: '/nonexistent' },
    flags: () => ({ kubeconfig: unreachableKubeconfig(), verbosity: 0 }),
  });
  const commit = expectedBuild.gitCommit === 'unknown' ? 'unknown' : expectedBuild.gitCommit.slice(0, 7);
  assert.equal(
    (await factory.cluster()).connection.userAgent,
    `kubectl-istream/${expectedBuild.version} (${process.platform}/${process.arch}) istream/${commit}`,
  );
});
