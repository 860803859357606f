// The trigger reactor on the real control plane: stream status writes (what an import does) move
// annotated workloads; refusals and reverts show up as Events.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import type { RunningController } from '@istream/core/controller';
import {
  applyTriggeredDeployment,
  type Cluster,
  clusterWithCrd,
  containerImage,
  deployment,
  digestA,
  digestB,
  eventsFor,
  itemAt,
  ok,
  putStream,
  runController,
  setItems,
  triggerAnnotation,
  waitFor,
} from './support.js';
import { defer } from '@istream/test-harness';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);

/**
 * The seed's setup: stream ubi:8 at A, a controller for a fresh namespace, and Deployment myapp
 * created from the floating tag with a trigger on ubi:8, already rolled to A.
 */
async function myappFollowingUbi(
  t: TestContext,
  namespacePrefix: string,
): Promise<{ cluster: Cluster; ns: string; controller: RunningController }> {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace(namespacePrefix);
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'myapp',
        [{ name: 'myapp', image: `${repo}:8` }],
        triggerAnnotation([{ stream: 'ubi:8', container: 'myapp' }]),
      ),
    ),
  });
  await waitFor('myapp at A', async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref);
  return { cluster, ns, controller };
}

test('a Deployment follows its stream tag: pinned to the current item, rolled when the tag moves, with Events', async (t) => {
  const { cluster, ns, controller } = await myappFollowingUbi(t, 'trig-deploy');
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await waitFor('myapp at B', async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === B.ref);
  const events = await waitFor('two trigger events', async () => {
    const list = (await eventsFor(cluster, ns, 'myapp')).filter((e) => e.reason === 'ImageTriggered');
    return list.length >= 2 ? list : undefined;
  });
  assert.ok(events.some((e) => e.type === 'Normal' && e.message.includes(B.ref) && e.message.includes('ubi:8')));
  const metrics = await (await fetch(`http://${controller.metricsAddress}/metrics`)).text();
  assert.match(metrics, /istream_trigger_updates_total\{kind="Deployment"\} 2/);
  assert.match(metrics, /istream_trigger_latency_seconds_count [1-9]/);
  assert.equal((await fetch(`http://${controller.metricsAddress}/readyz`)).status, 200);
  // Who set the image, as `kubectl get --show-managed-fields` and server-side apply conflicts tell it.
  const shown = JSON.parse(
    await ok(cluster, ['get', 'deployment/myapp', '-o', 'json', '--show-managed-fields'], { namespace: ns }),
  ) as { metadata: { managedFields: Array<{ manager: string; fieldsV1?: unknown }> } };
  const ownsImage = (fields: unknown): boolean =>
    ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"myapp"}', 'f:image'].reduce<unknown>(
      (node, key) => (node as Record<string, unknown> | undefined)?.[key],
      fields,
    ) !== undefined;
  const imageOwners = shown.metadata.managedFields.filter((m) => ownsImage(m.fieldsV1)).map((m) => m.manager);
  assert.deepEqual(imageOwners, ['istream-controller']);
});

test('StatefulSet, DaemonSet and CronJob triggers, and an init container named in the containers[...] form', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trig-kinds');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const template = (containers: object[], initContainers: object[] = []) => ({
    metadata: { labels: { app: 'x' } },
    spec: { containers, initContainers },
  });
  const annotations = (path: string) => ({
    'image.openshift.io/triggers': triggerAnnotation([{ stream: 'ubi:8', container: 'c', path }]),
  });
  const podPath = 'spec.template.spec.containers[?(@.name=="c")].image';
  const objects = [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'sts', annotations: annotations(podPath) },
      spec: {
        serviceName: 'sts',
        selector: { matchLabels: { app: 'x' } },
        template: template([{ name: 'c', image: 'busybox' }]),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', annotations: annotations(podPath) },
      spec: { selector: { matchLabels: { app: 'x' } }, template: template([{ name: 'c', image: 'busybox' }]) },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {
        name: 'cj',
        annotations: annotations('spec.jobTemplate.spec.template.spec.containers[?(@.name=="c")].image'),
      },
      spec: {
        schedule: '0 0 1 1 *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'init', annotations: annotations(podPath) },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: template([{ name: 'main', image: 'busybox' }], [{ name: 'c', image: 'busybox' }]),
      },
    },
  ];
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  for (const resource of ['statefulset/sts', 'daemonset/ds', 'cronjob/cj', 'deployment/init']) {
    await waitFor(`${resource} at A`, async () => (await containerImage(cluster, ns, resource, 'c')) === A.ref);
  }
  assert.equal(
    await containerImage(cluster, ns, 'deployment/init', 'main'),
    'busybox',
    'the main container is not touched',
  );
});

test('a paused trigger never fires while a second trigger on the same workload fires on its own', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trig-paused');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  await putStream(cluster, ns, 'tools', '1', `${repo}-tools:1`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const triggers = triggerAnnotation([
    { stream: 'ubi:8', container: 'app' },
    { stream: 'tools:1', container: 'tools', paused: true },
  ]);
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'two',
        [
          { name: 'app', image: 'busybox' },
          { name: 'tools', image: 'busybox' },
        ],
        triggers,
      ),
    ),
  });
  await waitFor('app at A', async () => (await containerImage(cluster, ns, 'deployment/two', 'app')) === A.ref);
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await setItems(cluster, ns, 'tools', '1', [B, A]);
  await waitFor('app at B', async () => (await containerImage(cluster, ns, 'deployment/two', 'app')) === B.ref);
  assert.equal(
    await containerImage(cluster, ns, 'deployment/two', 'tools'),
    'busybox',
    'the paused trigger did not fire',
  );
});

test('a hand-set image on a triggered container is reverted with a Warning that says how to pause; a paused trigger keeps it', async (t) => {
  const { cluster, ns } = await myappFollowingUbi(t, 'trig-manual');
  await ok(cluster, ['set', 'image', 'deployment/myapp', 'myapp=nginx:1.25'], { namespace: ns });
  await waitFor(
    'myapp back at A',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref,
  );
  const warning = await waitFor('revert warning', async () =>
    (await eventsFor(cluster, ns, 'myapp')).find((e) => e.reason === 'ManualImageChangeReverted'),
  );
  assert.equal(warning.type, 'Warning');
  assert.match(warning.message, /nginx:1\.25/);
  assert.match(
    warning.message,
    new RegExp(`kubectl istream set-triggers deployment/myapp -n ${ns} --manual --from-image ubi:8 -c myapp`),
  );

  // The command the Warning suggests, as printed there.
  const io = bufferIO();
  const pause = [
    'set-triggers',
    'deployment/myapp',
    '-n',
    ns,
    '--manual',
    '--from-image',
    'ubi:8',
    '-c',
    'myapp',
    '--kubeconfig',
    cluster.kubeconfig,
  ];
  assert.equal(await runCli(pause, { io, env: process.env }), 0, io.stderr());
  await ok(cluster, ['set', 'image', 'deployment/myapp', 'myapp=nginx:1.25'], { namespace: ns });
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(await containerImage(cluster, ns, 'deployment/myapp', 'myapp'), 'nginx:1.25');
});

test('a cross-namespace trigger applies only where a RoleBinding lets the workload namespace pull from the stream (get imagestreams/layers)', async (t) => {
  const cluster = await clusterWithCrd();
  const shared = await cluster.createNamespace('trig-shared');
  const denied = await cluster.createNamespace('trig-denied');
  const allowed = await cluster.createNamespace('trig-allowed');
  const readOnly = await cluster.createNamespace('trig-read-only');
  await putStream(cluster, shared, 'ubi', '8', `${repo}:8`, [A]);
  // What system:image-puller grants, as OpenShift checks it; reading the stream object is not enough.
  await ok(
    cluster,
    ['create', 'role', 'stream-puller', '--verb=get', '--resource=imagestreams.image.openshift.io/layers'],
    { namespace: shared },
  );
  await ok(
    cluster,
    ['create', 'rolebinding', 'allowed-pulls', '--role=stream-puller', `--group=system:serviceaccounts:${allowed}`],
    { namespace: shared },
  );
  await ok(cluster, ['create', 'role', 'stream-reader', '--verb=get', '--resource=imagestreams.image.openshift.io'], {
    namespace: shared,
  });
  await ok(
    cluster,
    ['create', 'rolebinding', 'read-only', '--role=stream-reader', `--group=system:serviceaccounts:${readOnly}`],
    { namespace: shared },
  );
  // Cross-namespace streams are only visible to a controller that watches every namespace.
  const controller = await runController(cluster.kubeconfig, '');
  defer(t, () => controller.stop());
  const triggers = triggerAnnotation([{ stream: 'ubi:8', container: 'app', namespace: shared }]);
  for (const ns of [denied, allowed, readOnly]) {
    await ok(cluster, ['apply', '-f', '-'], {
      namespace: ns,
      input: JSON.stringify(deployment('app', [{ name: 'app', image: 'busybox' }], triggers)),
    });
  }
  await waitFor(
    'allowed workload at A',
    async () => (await containerImage(cluster, allowed, 'deployment/app', 'app')) === A.ref,
  );
  for (const ns of [denied, readOnly]) {
    const refusal = await waitFor(`refusal event in ${ns}`, async () =>
      (await eventsFor(cluster, ns, 'app')).find((e) => e.reason === 'ImageTriggerForbidden'),
    );
    assert.equal(refusal.type, 'Warning');
    assert.match(refusal.message, new RegExp(`${shared}/ubi:8`));
    assert.equal(await containerImage(cluster, ns, 'deployment/app', 'app'), 'busybox');
  }
});

test('a controller for one namespace says so on a workload whose trigger names a stream in another', async (t) => {
  const cluster = await clusterWithCrd();
  const shared = await cluster.createNamespace('trig-elsewhere');
  const ns = await cluster.createNamespace('trig-one-ns');
  await putStream(cluster, shared, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const triggers = triggerAnnotation([{ stream: 'ubi:8', container: 'app', namespace: shared }]);
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(deployment('app', [{ name: 'app', image: 'busybox' }], triggers)),
  });
  const warning = await waitFor('not-watched event', async () =>
    (await eventsFor(cluster, ns, 'app')).find((e) => e.reason === 'ImageTriggerNotWatched'),
  );
  assert.equal(warning.type, 'Warning');
  assert.match(
    warning.message,
    new RegExp(
      `Trigger ${shared}/ubi:8 was not applied: .*namespace ${ns} only .*run the controller without --namespace`,
    ),
  );
  assert.equal(await containerImage(cluster, ns, 'deployment/app', 'app'), 'busybox');
});

test('every annotation error the linter reports is a Warning Event on the workload, once however often it is reconciled', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trig-invalid');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const path = 'spec.template.spec.containers[?(@.name=="app")].image';
  const broken = {
    'bad-json': '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":',
    'paused-string': JSON.stringify([
      { from: { kind: 'ImageStreamTag', name: 'ubi:8' }, fieldPath: path, paused: 'false' },
    ]),
    'duplicate-path': JSON.stringify([
      { from: { kind: 'ImageStreamTag', name: 'ubi:8' }, fieldPath: path },
      { from: { kind: 'ImageStreamTag', name: 'ubi:8' }, fieldPath: path },
    ]),
  };
  for (const [name, annotation] of Object.entries(broken)) {
    await ok(cluster, ['apply', '-f', '-'], {
      namespace: ns,
      input: JSON.stringify(deployment(name, [{ name: 'app', image: 'busybox' }], annotation)),
    });
  }
  const expected: Record<string, RegExp> = {
    'bad-json':
      /^image\.openshift\.io\/triggers: the annotation is not valid JSON .*OpenShift ignores every trigger of this object/,
    'paused-string':
      /^image\.openshift\.io\/triggers: trigger 0: "paused" must be the JSON boolean false without quotes/,
    'duplicate-path':
      /^image\.openshift\.io\/triggers: trigger 1: trigger 0 already uses this fieldPath; OpenShift rejects duplicates/,
  };
  for (const [name, message] of Object.entries(expected)) {
    const warning = await waitFor(`${name} warning`, async () =>
      (await eventsFor(cluster, ns, name)).find((e) => e.reason === 'ImageTriggerInvalid'),
    );
    assert.equal(warning.type, 'Warning');
    assert.match(warning.message, message);
  }
  // Changed and reconciled again, twice: still one Event per problem, not bumped or repeated.
  for (const round of [1, 2]) {
    for (const name of Object.keys(broken))
      await ok(cluster, ['label', '--overwrite', `deployment/${name}`, `round=${round}`], { namespace: ns });
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const name of Object.keys(broken)) {
    // Per reporting controller: a test file running beside this one may run a controller for every
    // namespace of the shared cluster (why.test does), and it warns about these workloads too.
    const warnings = (await eventsFor(cluster, ns, name)).filter((e) => e.reason === 'ImageTriggerInvalid') as Array<{
      count?: number;
      reportingInstance?: string;
    }>;
    assert.ok(warnings.length > 0, name);
    for (const reporter of new Set(warnings.map((w) => w.reportingInstance))) {
      const own = warnings.filter((w) => w.reportingInstance === reporter);
      assert.equal(own.length, 1, `${name}: one Event from ${reporter}`);
      assert.equal(own[0]?.count, 1, `${name}: not re-sent on each reconcile`);
    }
    assert.equal(
      await containerImage(cluster, ns, `deployment/${name}`, 'app'),
      'busybox',
      'OpenShift ignores the annotation: so do we',
    );
  }
});

test('the first resolution of a placeholder image is a Normal ImageTriggered, not a reverted hand edit', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trig-first');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const placeholders = [
    'nginx:1.25',
    'quay.io/example/app:latest',
    'image-registry.openshift-image-registry.svc:5000/x/ubi:8',
  ];
  for (const [i, image] of placeholders.entries()) {
    await ok(cluster, ['apply', '-f', '-'], {
      namespace: ns,
      input: JSON.stringify(
        deployment(`app-${i}`, [{ name: 'app', image }], triggerAnnotation([{ stream: 'ubi:8', container: 'app' }])),
      ),
    });
  }
  for (const [i, image] of placeholders.entries()) {
    const event = await waitFor(`app-${i} trigger event`, async () =>
      (await eventsFor(cluster, ns, `app-${i}`)).find((e) => e.reason === 'ImageTriggered'),
    );
    assert.equal(event.type, 'Normal');
    assert.match(
      event.message,
      new RegExp(
        `changed to ${A.ref.replace(/[.]/g, '\\.')} by image stream tag ubi:8 \\(was ${image.replace(/[.]/g, '\\.')}\\)`,
      ),
    );
    assert.equal(
      (await eventsFor(cluster, ns, `app-${i}`)).filter((e) => e.reason === 'ManualImageChangeReverted').length,
      0,
    );
  }
  // After that first resolution, a hand edit is one.
  await ok(cluster, ['set', 'image', 'deployment/app-0', 'app=nginx:1.25'], { namespace: ns });
  await waitFor('the revert warning', async () =>
    (await eventsFor(cluster, ns, 'app-0')).find((e) => e.reason === 'ManualImageChangeReverted'),
  );
  assert.equal(await containerImage(cluster, ns, 'deployment/app-0', 'app'), A.ref);
});

test('a revoked cross-namespace grant stops at the next reconcile: no roll, a Warning', async (t) => {
  const cluster = await clusterWithCrd();
  const shared = await cluster.createNamespace('trig-grant');
  const team = await cluster.createNamespace('trig-grantee');
  await putStream(cluster, shared, 'ubi', '8', `${repo}:8`, [A]);
  await ok(
    cluster,
    ['create', 'role', 'stream-puller', '--verb=get', '--resource=imagestreams.image.openshift.io/layers'],
    { namespace: shared },
  );
  await ok(
    cluster,
    ['create', 'rolebinding', 'team-reads', '--role=stream-puller', `--group=system:serviceaccounts:${team}`],
    { namespace: shared },
  );
  const controller = await runController(cluster.kubeconfig, '');
  defer(t, () => controller.stop());
  await applyTriggeredDeployment(cluster, team, 'app', { stream: 'ubi:8', namespace: shared });
  await waitFor(
    'app at A while granted',
    async () => (await containerImage(cluster, team, 'deployment/app', 'app')) === A.ref,
  );
  await ok(cluster, ['delete', 'rolebinding', 'team-reads'], { namespace: shared });
  // The apiserver's authorizer sees the deletion through its own watch: wait until it answers no.
  await waitFor(
    'the grant revoked',
    async () =>
      (
        await cluster.kubectl([
          'auth',
          'can-i',
          'get',
          'imagestreams.image.openshift.io',
          '--subresource=layers',
          '-n',
          shared,
          `--as=system:serviceaccount:${team}:default`,
        ])
      ).stdout.trim() === 'no',
  );
  await setItems(cluster, shared, 'ubi', '8', [B, A]);
  const refusal = await waitFor('refusal event', async () =>
    (await eventsFor(cluster, team, 'app')).find((e) => e.reason === 'ImageTriggerForbidden'),
  );
  assert.equal(refusal.type, 'Warning');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(
    await containerImage(cluster, team, 'deployment/app', 'app'),
    A.ref,
    'the tag moved, the workload did not',
  );
});
