import assert from 'node:assert/strict';
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLanguageWorker } from '../src/language-client.js';
import { readSettings } from '../src/settings.js';
import { bundleExtension } from './packaging.js';
import { defer } from '@istream/test-harness';

const defaults = readSettings({ get: () => undefined });
const pausedString = new URL('../../../core/test/fixtures/manifests/paused-string.yaml', import.meta.url);
/** Port 1 refuses connections at once: a registry that is down. */
const downRegistry = '127.0.0.1:1';

// The esbuild bundle is what VS Code runs: a dependency that bundles wrongly (a UMD build that
// requires its own files at run time) breaks only there, so the bundled worker is exercised here.
test('the bundled language worker validates a manifest', async (t) => {
  const out = await bundleExtension();
  const remote = startLanguageWorker(
    join(out, 'language-worker.cjs'),
    { settings: defaults, workspaceFolders: [] },
    (line) => t.diagnostic(line),
  );
  defer(t, () => remote.dispose());
  const codes = (await remote.validate(await readFile(pausedString, 'utf8'))).map((d) => d.code);
  assert.deepEqual(codes, ['paused-not-boolean']);
});

// VS Code loads extension.cjs on activation and the worker loads language-worker.cjs before its
// first diagnostic: neither may carry the Kubernetes client or the registry client (2 MB together).
test('diagnostics need neither the Kubernetes client nor the registry client; both load on the first lookup', async (t) => {
  const out = await bundleExtension();
  for (const name of ['extension.cjs', 'language-worker.cjs']) {
    const { size } = await stat(join(out, name));
    t.diagnostic(`${name}: ${size} bytes`);
    assert.ok(size < 600 * 1024, `${name} has ${size} bytes; the goal is under 600 KB`);
  }

  // The chunks moved away: a worker that loaded them before validating would fail here.
  for (const chunk of ['cluster-lookups.cjs', 'registry-lookups.cjs'])
    await rename(join(out, chunk), join(out, `${chunk}.away`));
  const settings = { ...defaults, insecureRegistryHosts: [downRegistry] };
  // The worker copies the environment when it starts.
  const kubeconfig = join(out, 'no-such-kubeconfig');
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  defer(t, () => {
    process.env.KUBECONFIG = saved;
  });
  const remote = startLanguageWorker(join(out, 'language-worker.cjs'), { settings, workspaceFolders: [] }, (line) =>
    t.diagnostic(line),
  );
  defer(t, () => remote.dispose());
  const started = Date.now();
  const codes = (await remote.validate(await readFile(pausedString, 'utf8'))).map((d) => d.code);
  t.diagnostic(`first diagnostic from a new bundled worker in ${Date.now() - started} ms`);
  assert.deepEqual(codes, ['paused-not-boolean']);

  // Back in place, each chunk is loaded by the lookup that needs it.
  for (const chunk of ['cluster-lookups.cjs', 'registry-lookups.cjs'])
    await rename(join(out, `${chunk}.away`), join(out, chunk));
  const image = `${downRegistry}/app:v1`;
  const text = `kind: Pod\nspec:\n  containers:\n  - name: app\n    image: ${image}\n`;
  const hover = await remote.hover(text, { line: 4, character: 12 });
  assert.match(hover?.contents ?? '', /Registry: .*127\.0\.0\.1:1/, 'the registry client answered the hover');
  assert.doesNotMatch(hover?.contents ?? '', /Cannot find module/);
  const kube = await remote.kubeContext();
  assert.ok(
    kube.kind === 'none' && kube.reason.includes(kubeconfig),
    `the cluster chunk read KUBECONFIG: ${JSON.stringify(kube)}`,
  );
});
