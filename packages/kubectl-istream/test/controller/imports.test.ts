// The controller's spec imports next to the CLI's own: an import-image is imported once (by the
// CLI), while a spec change nobody imported is imported by the controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { importStatusGraceMs } from '@istream/core/controller';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import { cliImports, clusterWithCrd, getJson, ok, runController, waitFor } from './support.js';

const specImports = (metrics: string): number =>
  [...metrics.matchAll(/^istream_imports_total\{kind="spec",result="\w+"\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );

test('import-image and tag while the controller runs are each imported exactly once; a spec change nobody imported is imported by the controller', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('import-once');
  const controller = await runController(cluster.kubeconfig, ns, {
    imports: cliImports(cluster.kubeconfig),
  });
  defer(t, () => controller.stop());
  const metrics = async () => (await fetch(`http://${controller.metricsAddress}/metrics`)).text();
  const floating = `${registry.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;

  const io = bufferIO();
  assert.equal(
    await runCli(
      [
        'import-image',
        'ubi:8',
        '--confirm',
        '--insecure',
        '--from',
        floating,
        '-n',
        ns,
        '--kubeconfig',
        cluster.kubeconfig,
      ],
      { io, env: process.env },
    ),
    0,
    io.stderr(),
  );
  const io2 = bufferIO();
  assert.equal(
    await runCli(['tag', floating, 'ubi:9', '--insecure', '-n', ns, '--kubeconfig', cluster.kubeconfig], {
      io: io2,
      env: process.env,
    }),
    0,
    io2.stderr(),
  );
  const seenAfterCli = await waitFor('the controller to see both imported statuses', async () => {
    const text = await metrics();
    return /istream_reconciles_total\{queue="imports",result="success"\} ([2-9]|\d\d)/.test(text) ? text : undefined;
  });
  // Past the grace a client's status may take: had the controller meant to import, it would have.
  await new Promise((r) => setTimeout(r, importStatusGraceMs + 2000));
  assert.equal(specImports(await metrics()), 0, `the controller imported the CLI's import again:\n${seenAfterCli}`);

  const stream = await getJson<{ spec: { tags: Array<{ name: string; generation: number }> } }>(
    cluster,
    ns,
    'imagestream/ubi',
  );
  const index = stream.spec.tags.findIndex((tag) => tag.name === '8');
  const generation = (stream.spec.tags[index]?.generation ?? 0) + 1;
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'ubi',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: `/spec/tags/${index}/generation`, value: generation }]),
    ],
    { namespace: ns },
  );
  await waitFor('the controller to import the edited spec', async () => specImports(await metrics()) === 1, 20_000);
  const imported = await waitFor('the new generation in status', async () => {
    const s = await getJson<{ status: { tags: Array<{ tag: string; items: Array<{ generation: number }> }> } }>(
      cluster,
      ns,
      'imagestream/ubi',
    );
    return (s.status.tags.find((tag) => tag.tag === '8')?.items[0]?.generation ?? 0) >= generation || undefined;
  });
  assert.ok(imported);
  await new Promise((r) => setTimeout(r, importStatusGraceMs + 1000));
  assert.equal(specImports(await metrics()), 1, 'its own import is not imported again either');
});
