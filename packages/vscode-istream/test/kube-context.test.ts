import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { resolveKubeContext } from '../src/kube-context.js';

function kubeconfig(current: string | undefined, contexts: string[]): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    ...(current === undefined ? [] : [`current-context: ${current}`]),
    'contexts:',
    ...contexts.map((name) => `- name: ${name}\n  context: {cluster: c, user: u}`),
  ].join('\n');
}

async function tempHome(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'istream-kube-context-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  return home;
}

test('the current context of ~/.kube/config, unless a setting names another', async (t) => {
  const home = await tempHome(t);
  await mkdir(join(home, '.kube'));
  await writeFile(join(home, '.kube/config'), kubeconfig('dev', ['dev', 'prod']));
  const base = { clusterEnabled: true, configuredContext: undefined, kubeconfigEnv: undefined, home };

  assert.deepEqual(await resolveKubeContext(base), { kind: 'context', name: 'dev', kubeconfig: [join(home, '.kube/config')] });
  assert.equal((await resolveKubeContext({ ...base, configuredContext: 'prod' })).kind === 'context', true);
  assert.deepEqual(await resolveKubeContext({ ...base, configuredContext: 'staging' }),
    { kind: 'none', reason: 'the kubeconfig has no context named "staging"' });
  assert.deepEqual(await resolveKubeContext({ ...base, clusterEnabled: false }),
    { kind: 'none', reason: 'cluster lookups are off (istream.cluster.enabled)' });
});

test('KUBECONFIG lists files: the first current-context wins, contexts come from all of them', async (t) => {
  const home = await tempHome(t);
  const first = join(home, 'a.yaml');
  const second = join(home, 'b.yaml');
  await writeFile(first, kubeconfig(undefined, ['from-a']));
  await writeFile(second, kubeconfig('from-a', ['from-b']));
  const kubeconfigEnv = [join(home, 'missing.yaml'), first, second].join(delimiter);
  const resolved = await resolveKubeContext({ clusterEnabled: true, configuredContext: undefined, kubeconfigEnv, home });
  assert.equal(resolved.kind === 'context' && resolved.name, 'from-a');
});

test('no kubeconfig, a broken one or one without a current context means no cluster', async (t) => {
  const home = await tempHome(t);
  const inputs = { clusterEnabled: true, configuredContext: undefined, kubeconfigEnv: undefined, home };
  assert.deepEqual(await resolveKubeContext(inputs), { kind: 'none', reason: `no kubeconfig at ${join(home, '.kube/config')}` });

  await mkdir(join(home, '.kube'));
  await writeFile(join(home, '.kube/config'), '{ not: [yaml');
  assert.equal((await resolveKubeContext(inputs)).kind, 'none');

  await writeFile(join(home, '.kube/config'), kubeconfig(undefined, ['dev']));
  assert.deepEqual(await resolveKubeContext(inputs),
    { kind: 'none', reason: 'the kubeconfig has no current context; set istream.cluster.context' });
});
