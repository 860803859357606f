// The client's connections and credentials on the real API server. A watch holds its connection for
// minutes; the controller keeps one per resource, so watches must not take the connections its
// calls need. A credential plugin (kubectl's `exec`, e.g. `aws eks get-token`) that gives no
// expiry is asked again by client-node on every call; a burst of calls asks it once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { defer, scratchDir } from '@istream/test-harness';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { connectCluster, KubeClient, type KubeRequestEvent } from '../../src/cluster/index.js';

const scratch = scratchDir();

test('twenty open watches leave calls their connections', async (t) => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('watch-pool');
  const watching: KubeRequestEvent[] = [];
  const connection = connectCluster({ kubeconfig: cluster.kubeconfig }, {});
  const api = new KubeClient(connection.kubeConfig, { onRequest: (e) => watching.push(e) });
  const stop = new AbortController();
  defer(t, () => {
    stop.abort();
    api.close();
  });
  const watches = Array.from({ length: 20 }, () =>
    api.watch(`/api/v1/namespaces/${ns}/configmaps`, '', () => undefined, stop.signal),
  );
  for (const deadline = Date.now() + 10_000; watching.length < 20; ) {
    assert.ok(Date.now() < deadline, `only ${watching.length} of 20 watches were answered`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const namespace = await api.call<{ metadata: { name: string } }>(`/api/v1/namespaces/${ns}`, {
    signal: AbortSignal.timeout(5_000),
  });
  assert.equal(namespace.metadata.name, ns);
  stop.abort();
  await Promise.all(watches);
});

test('a credential plugin without an expiry runs once for a burst of calls, and again after a second', async () => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('exec-credentials');
  const tokenConfig = parse(readFileSync(await cluster.serviceAccountKubeconfig(ns, 'reader'), 'utf8')) as {
    users: Array<{ user: Record<string, unknown> }>;
  };
  const token = tokenConfig.users[0]!.user.token as string;
  const dir = scratch;
  const runs = join(dir, 'runs');
  const plugin = join(dir, 'credential-plugin.sh');
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  writeFileSync(plugin, `#!/bin/sh\necho run >> '${runs}'\necho '${JSON.stringify(credential)}'\n`, { mode: 0o755 });
  writeFileSync(runs, '');
  tokenConfig.users[0]!.user = {
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' },
  };
  const kubeconfig = join(dir, 'exec.kubeconfig');
  writeFileSync(kubeconfig, stringify(tokenConfig), { mode: 0o600 });
  const pluginRuns = (): number => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;

  const api = new KubeClient(connectCluster({ kubeconfig }, {}).kubeConfig);
  try {
    const versions = await Promise.all(Array.from({ length: 30 }, () => api.call<{ major: string }>('/version')));
    assert.ok(
      versions.every((v) => v.major === '1'),
      'the plugin token was accepted',
    );
    assert.equal(pluginRuns(), 1, 'thirty calls at once, one plugin run');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await api.call('/version');
    assert.equal(pluginRuns(), 2, 'asked again once its reading is a second old');
  } finally {
    api.close();
  }
});
