import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeconfigError, loadKubeconfig } from '@istream/core/cluster';

function kubeconfig(dir: string, file: string, contexts: { name: string; server: string; namespace?: string }[], current: string): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current,
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
    users: contexts.map((c) => ({ name: c.name, user: { token: `token-${c.name}` } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
  }));
  return path;
}

test('--kubeconfig, --context and the namespace: -n, else the context\'s, else default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  const path = kubeconfig(dir, 'a', [{ name: 'one', server: 'https://one:6443', namespace: 'team' }, { name: 'two', server: 'https://two:6443' }], 'one');
  const one = loadKubeconfig({ kubeconfig: path, env: {} });
  assert.deepEqual([one.config.getCurrentCluster()?.server, one.namespace, one.explicitNamespace], ['https://one:6443', 'team', false]);
  const two = loadKubeconfig({ kubeconfig: path, context: 'two', env: {} });
  assert.deepEqual([two.config.getCurrentCluster()?.server, two.namespace], ['https://two:6443', 'default']);
  const explicit = loadKubeconfig({ kubeconfig: path, namespace: 'x', env: {} });
  assert.deepEqual([explicit.namespace, explicit.explicitNamespace], ['x', true]);
  assert.throws(() => loadKubeconfig({ kubeconfig: path, context: 'three', env: {} }), (e) => e instanceof KubeconfigError && /context "three" does not exist/.test(e.message));
  assert.throws(() => loadKubeconfig({ kubeconfig: join(dir, 'missing'), env: {} }), /kubeconfig file ".*missing" does not exist/);
});

test('$KUBECONFIG lists files to merge (the first file\'s context wins); else ~/.kube/config; else a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  const a = kubeconfig(dir, 'a', [{ name: 'one', server: 'https://one:6443' }], 'one');
  const b = kubeconfig(dir, 'b', [{ name: 'two', server: 'https://two:6443' }], 'two');
  const merged = loadKubeconfig({ env: { KUBECONFIG: [join(dir, 'absent'), a, b].join(delimiter) } });
  assert.equal(merged.config.getCurrentContext(), 'one');
  assert.equal(loadKubeconfig({ env: { KUBECONFIG: [a, b].join(delimiter) }, context: 'two' }).config.getCurrentCluster()?.server, 'https://two:6443');

  const home = mkdtempSync(join(tmpdir(), 'home-'));
  assert.throws(() => loadKubeconfig({ env: { HOME: home } }), /no kubeconfig found: pass --kubeconfig, set \$KUBECONFIG, or create ~\/.kube\/config/);
  mkdirSync(join(home, '.kube'));
  kubeconfig(join(home, '.kube'), 'config', [{ name: 'home', server: 'https://home:6443' }], 'home');
  assert.equal(loadKubeconfig({ env: { HOME: home } }).config.getCurrentCluster()?.server, 'https://home:6443');
});
