// What users install, tried as they would: the npm tarball installed into a clean prefix with npm
// offline and an empty cache (nothing may need fetching), and the linux/amd64 single executable
// unpacked from its archive onto a PATH without Node. Each is run by kubectl as its plugin:
// --help, lint, digest against a registry, get is against the cluster.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import {
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness/registry/index';
import { ok } from '../controller/support.js';
import { packageDir } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'istream-distribution-'));
let cluster: ClusterInstance;
let registry: RegistryInstance;
let fixtures: Fixtures;
let namespace: string;

const good = join(work, 'good.yaml');
const bad = join(work, 'bad.yaml');
const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"${container}\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
`;

before(async () => {
  writeFileSync(good, deployment('web'));
  writeFileSync(bad, deployment('nope'));
  cluster = await sharedCluster();
  registry = await startRegistry({ mode: 'plain' });
  fixtures = await pushFixtures(registry);
  namespace = await cluster.createNamespace('distribution');
  await ok(cluster, ['apply', '-f', '-'], {
    namespace,
    input: JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'shipped' },
      spec: { tags: [] },
    }),
  });
});

/** Runs `kubectl istream ARGS` with PATH limited to `path`, HOME empty. */
function kubectlIstream(path: string, args: string[]) {
  return spawnSync(cluster.kubectlPath, ['istream', ...args], { env: { PATH: path, HOME: work }, encoding: 'utf8' });
}

after(async () => {
  await registry?.stop();
  // The npm tarball, the executables and the install prefixes: hundreds of MB per run.
  rmSync(work, { recursive: true, force: true });
});

function smoke(path: string): void {
  const help = kubectlIstream(path, ['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: kubectl istream /);

  assert.equal(kubectlIstream(path, ['lint', good]).status, 0);
  const linted = kubectlIstream(path, ['lint', bad]);
  assert.equal(linted.status, 1);
  assert.match(linted.stdout + linted.stderr, /container-not-found: no container or init container is named "nope"/);

  const { repository, tag, A } = fixtures.floating;
  const digest = kubectlIstream(path, ['digest', '--insecure', `${registry.host}/${repository}:${tag}`]);
  assert.equal(digest.status, 0, digest.stderr);
  assert.equal(digest.stdout, `${A.digest}\n`);

  const got = kubectlIstream(path, ['get', 'is', '-n', namespace, '--kubeconfig', cluster.kubeconfig]);
  assert.equal(got.status, 0, got.stderr);
  assert.match(got.stdout, /^NAME +IMAGE REPOSITORY +TAGS +UPDATED\nshipped /);
}

test("the npm tarball installs offline into a clean prefix and works as kubectl's plugin", () => {
  const tarball = execFileSync(
    process.execPath,
    [join(packageDir, 'ship/npm-package.mjs'), '--out', join(work, 'npm')],
    { encoding: 'utf8' },
  ).trim();
  const prefix = join(work, 'prefix');
  const cache = join(work, 'empty-npm-cache');
  mkdirSync(cache);
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--offline', '--cache', cache, '--no-audit', '--no-fund', tarball],
    { stdio: 'pipe' },
  );
  const manifest = JSON.parse(
    readFileSync(join(prefix, 'lib/node_modules/kubectl-istream/package.json'), 'utf8'),
  ) as Record<string, unknown>;
  assert.equal(manifest.dependencies, undefined, 'nothing to fetch: core and every dependency are bundled');
  // Node for the bin shims, and nothing of the workspace.
  smoke(`${join(prefix, 'bin')}:/usr/bin:/bin`);
});

test('the linux/amd64 executable runs from its archive with no Node on PATH', () => {
  const [archive] = execFileSync(
    process.execPath,
    [join(packageDir, 'ship/executables.mjs'), '--target', 'linux-amd64', '--out', join(work, 'release')],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  const bin = join(work, 'exe-bin');
  mkdirSync(bin);
  execFileSync('tar', ['-xzf', archive!, '-C', bin]);
  assert.deepEqual(execFileSync('tar', ['-tzf', archive!], { encoding: 'utf8' }).trim().split('\n').sort(), [
    'LICENSE',
    'kubectl-istream',
    'kubectl_complete-istream',
  ]);
  smoke(bin);
});
