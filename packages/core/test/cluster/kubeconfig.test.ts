import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Buffer } from 'node:buffer';
import { scratchDir } from '@istream/test-harness';
import { connectCluster, KubeconfigError, pullSecretData } from '../../src/cluster/index.js';

const scratch = scratchDir();

const dir = mkdtempSync(join(scratch, 'istream-kubeconfig-'));

function kubeconfig(
  file: string,
  contexts: Array<{ name: string; server: string; namespace?: string }>,
  current: string,
): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': current,
      clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
      users: contexts.map((c) => ({ name: c.name, user: { token: 'x' } })),
      contexts: contexts.map((c) => ({
        name: c.name,
        context: { cluster: c.name, user: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) },
      })),
    }),
  );
  return path;
}

const one = kubeconfig(
  'one.yaml',
  [
    { name: 'a', server: 'https://a.example:6443', namespace: 'team-a' },
    { name: 'b', server: 'https://b.example:6443' },
  ],
  'a',
);
const two = kubeconfig('two.yaml', [{ name: 'c', server: 'https://c.example:6443', namespace: 'team-c' }], 'c');

test('the current context and its namespace are used unless flags say otherwise', () => {
  const env = { HOME: dir };
  assert.deepEqual(pick(connectCluster({ kubeconfig: one }, env)), ['https://a.example:6443', 'team-a']);
  assert.deepEqual(pick(connectCluster({ kubeconfig: one, context: 'b' }, env)), ['https://b.example:6443', 'default']);
  assert.deepEqual(pick(connectCluster({ kubeconfig: one, namespace: 'mine' }, env)), [
    'https://a.example:6443',
    'mine',
  ]);
});

test('KUBECONFIG lists files merged in order; the first current-context wins', () => {
  const env = { HOME: dir, KUBECONFIG: [join(dir, 'missing.yaml'), two, one].join(delimiter) };
  assert.deepEqual(pick(connectCluster({}, env)), ['https://c.example:6443', 'team-c']);
  assert.deepEqual(pick(connectCluster({ context: 'a' }, env)), ['https://a.example:6443', 'team-a']);
});

test('missing files and unknown contexts are named in the error', () => {
  assert.throws(
    () => connectCluster({ kubeconfig: join(dir, 'nope') }, { HOME: dir }),
    (e: unknown) => e instanceof KubeconfigError && /--kubeconfig file .*nope does not exist/.test(e.message),
  );
  assert.throws(
    () => connectCluster({ kubeconfig: one, context: 'zzz' }, { HOME: dir }),
    /context "zzz" does not exist in the kubeconfig \(contexts: a, b\)/,
  );
  assert.throws(() => connectCluster({}, { HOME: join(dir, 'empty') }), /no kubeconfig found/);
});

test('pull secrets of both types are decoded, others ignored, sorted by name', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
  const data = pullSecretData([
    { type: 'Opaque', metadata: { name: 'a', namespace: 'n' }, data: { x: 'eA==' } },
    {
      type: 'kubernetes.io/dockercfg',
      metadata: { name: 'z', namespace: 'n' },
      data: { '.dockercfg': b64({ 'r.example': { auth: 'dTpw' } }) },
    },
    {
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'm', namespace: 'n' },
      data: { '.dockerconfigjson': b64({ auths: { 'q.example': { username: 'u' } } }) },
    },
  ]);
  assert.deepEqual(data, [
    { name: 'secret n/m', dockerConfigJson: { auths: { 'q.example': { username: 'u' } } } },
    { name: 'secret n/z', dockerCfg: { 'r.example': { auth: 'dTpw' } } },
  ]);
});

test('a pull secret annotated openshift.io/image.excludeSecret: "true" is never used for a registry', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
  const secret = (name: string, annotations?: Record<string, string>) => ({
    type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, namespace: 'n', ...(annotations ? { annotations } : {}) },
    data: { '.dockerconfigjson': b64({ auths: { 'q.example': { auth: 'dTpw' } } }) },
  });
  const data = pullSecretData([
    secret('excluded', { 'openshift.io/image.excludeSecret': 'true' }),
    secret('kept', { 'openshift.io/image.excludeSecret': 'false' }),
  ]);
  assert.deepEqual(
    data.map((d) => d.name),
    ['secret n/kept'],
  );
});

function pick(c: { server: string; namespace: string }): [string, string] {
  return [c.server, c.namespace];
}
