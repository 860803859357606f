// kubectl istream why on the real cluster: a paused trigger, a missing tag, a failed import and a
// forbidden cross-namespace stream, each explained from what the cluster holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import {
  applyTriggeredDeployment,
  cliImports,
  type Cluster,
  clusterWithCrd,
  deployment,
  digestA,
  eventsFor,
  itemAt,
  ok,
  putStream,
  runController,
  triggerAnnotation,
  waitFor,
} from './support.js';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);

async function why(cluster: Cluster, ns: string, target: string): Promise<string> {
  const io = bufferIO();
  const code = await runCli(['why', target, '-n', ns, '--kubeconfig', cluster.kubeconfig], { io, env: process.env });
  assert.equal(code, 0, io.stderr());
  return io.stdout();
}

test('why: a paused trigger and a tag the stream does not have', async () => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('why-paused');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'web',
        [
          { name: 'web', image: 'busybox' },
          { name: 'side', image: 'busybox' },
        ],
        triggerAnnotation([
          { stream: 'ubi:8', container: 'web', paused: true },
          { stream: 'ubi:9', container: 'side' },
        ]),
      ),
    ),
  });
  const text = await why(cluster, ns, 'deployment/web');
  assert.match(text, new RegExp(`^deployment\\.apps/web in namespace ${ns}\\n`));
  assert.match(
    text,
    /trigger 0: ubi:8 -> container web\n {2}stream tag: {4}\S+\/ubi:8\n {2}would set: {5}registry\.test\/team\/ubi@sha256:a1a1\S+\n {2}template has: {2}busybox\n {2}state: {9}paused: /,
  );
  assert.match(
    text,
    /trigger 1: ubi:9 -> container side\n(?:.*\n){3} {2}state: {9}tag not found: image stream ubi has no tag 9 \(tags: 8\)/,
  );
});

test('why: a failed import, for the workload and for the stream tag', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  await pushFixtures(registry);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('why-failed');
  const controller = await runController(cluster.kubeconfig, ns, { imports: cliImports(cluster.kubeconfig) });
  defer(t, () => controller.stop());
  const missing = `${registry.host}/nothing/here:1`;
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app' },
      spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: missing }, importPolicy: { insecure: true } }] },
    }),
  });
  await applyTriggeredDeployment(cluster, ns, 'web', { stream: 'app:1' });
  await waitFor('the failed import recorded', async () => {
    const text = await why(cluster, ns, 'app:1');
    return text.includes('import failed') ? text : undefined;
  });
  const tagText = await why(cluster, ns, 'app:1');
  assert.match(
    tagText,
    new RegExp(
      `^imagestream ${ns}/app, tag 1\\n {2}spec: {10}DockerImage ${missing.replace(/[.]/g, '\\.')} \\(insecure, importMode Legacy, referencePolicy Source\\)\\n`,
    ),
  );
  assert.match(tagText, /generation: {4}spec (\d+), imported \1: up to date/);
  assert.match(
    tagText,
    /last import: {3}\S+ \(\d+s ago\): import failed \(NotFound\): dockerimage\.image\.openshift\.io "[^"]+nothing\/here:1" not found/,
  );
  assert.match(tagText, /next import: {3}when the spec changes/);
  const workloadText = await why(cluster, ns, 'deployment/web');
  assert.match(
    workloadText,
    /would set: {5}\(nothing yet\)\n {2}template has: {2}busybox\n {2}state: {9}import failed \(NotFound\): /,
  );
});

test("why: a cross-namespace stream the workload's namespace may not pull from", async (t) => {
  const cluster = await clusterWithCrd();
  const shared = await cluster.createNamespace('why-shared');
  const ns = await cluster.createNamespace('why-denied');
  await putStream(cluster, shared, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, '');
  defer(t, () => controller.stop());
  await applyTriggeredDeployment(cluster, ns, 'web', { stream: 'ubi:8', namespace: shared });
  await waitFor('the refusal event', async () =>
    (await eventsFor(cluster, ns, 'web')).find((e) => e.reason === 'ImageTriggerForbidden'),
  );
  const text = await why(cluster, ns, 'deployment/web');
  assert.match(text, new RegExp(`trigger 0: ${shared}/ubi:8 -> container web\\n`));
  assert.match(
    text,
    /state: {9}forbidden: Trigger \S+ was not applied: service accounts of namespace \S+ may not pull from image streams/,
  );
  assert.match(text, /last decision: ImageTriggerForbidden, \d+s ago: /);
});

test('why refuses what it cannot explain, naming it', async () => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('why-errors');
  const io = bufferIO();
  assert.notEqual(
    await runCli(['why', 'nope:1', '-n', ns, '--kubeconfig', cluster.kubeconfig], { io, env: process.env }),
    0,
  );
  assert.match(io.stderr(), /imagestreams\.image\.openshift\.io "nope" not found/);
  const io2 = bufferIO();
  assert.notEqual(
    await runCli(['why', 'configmap/x', '-n', ns, '--kubeconfig', cluster.kubeconfig], { io: io2, env: process.env }),
    0,
  );
  assert.match(io2.stderr(), /why explains workloads with triggers .* not configmaps/);
});
