// The controller caches only what triggers read of each workload (informer transforms), so its
// writes must be patches of what changed: a roll leaves every other field, the other containers
// and kubectl's last-applied copy exactly as the user applied them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer } from '@istream/test-harness';
import {
  clusterWithCrd,
  containerImage,
  deployment,
  digestA,
  digestB,
  getJson,
  itemAt,
  ok,
  putStream,
  runController,
  setItems,
  triggerAnnotation,
  waitFor,
} from './support.js';

const repo = 'registry.test/team/app';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);

interface Deployment {
  metadata: { labels?: Record<string, string>; annotations: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Array<{ name: string; image: string }> } } };
}

test('a roll from the trimmed cache changes the image and the triggered-images record, nothing else', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trimmed');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  await putStream(cluster, ns, 'app', 'v', `${repo}:v`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      labels: { tier: 'front' },
      annotations: {
        'image.openshift.io/triggers': triggerAnnotation([{ stream: 'app:v', container: 'app' }]),
        'team.example/owner': 'web-team',
      },
    },
    spec: {
      replicas: 0,
      revisionHistoryLimit: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          initContainers: [{ name: 'migrate', image: 'registry.test/migrate:1', command: ['migrate'] }],
          containers: [
            {
              name: 'proxy',
              image: 'registry.test/proxy:2',
              ports: [{ containerPort: 8080 }],
            },
            {
              name: 'app',
              image: `${repo}:v`,
              env: [{ name: 'MODE', value: 'prod' }],
              resources: { limits: { memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
  await ok(cluster, ['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(manifest) });
  const atA = await waitFor('web at A', async () => {
    const d = await getJson<Deployment>(cluster, ns, 'deployment/web');
    return d.spec.template.spec.containers[1]?.image === A.ref ? d : undefined;
  });
  await setItems(cluster, ns, 'app', 'v', [B, A]);
  const atB = await waitFor('web at B', async () => {
    const d = await getJson<Deployment>(cluster, ns, 'deployment/web');
    return d.spec.template.spec.containers[1]?.image === B.ref ? d : undefined;
  });

  const expected = structuredClone(atA) as Deployment & { metadata: Record<string, unknown>; status?: unknown };
  expected.spec.template.spec.containers[1]!.image = B.ref;
  expected.metadata.annotations['istream.io/triggered-images'] = JSON.stringify({ app: B.ref });
  const comparable = (d: Deployment) => {
    const metadata: Record<string, unknown> = { ...d.metadata };
    for (const moving of ['resourceVersion', 'generation', 'managedFields']) delete metadata[moving];
    // The deployment controller counts the rollout in its own annotation.
    const annotations = { ...d.metadata.annotations };
    delete annotations['deployment.kubernetes.io/revision'];
    return { metadata: { ...metadata, annotations }, spec: d.spec };
  };
  assert.deepEqual(comparable(atB), comparable(expected));
  assert.equal(atB.metadata.annotations['team.example/owner'], 'web-team');
  assert.ok(atB.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']?.includes('MODE'));
});

test('status writes and edits of fields triggers do not read cost no reconcile; an image edit does', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('trimmed-quiet');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  await putStream(cluster, ns, 'app', 'v', `${repo}:v`, [A]);
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'quiet',
        [{ name: 'app', image: `${repo}:v` }],
        triggerAnnotation([{ stream: 'app:v', container: 'app' }]),
      ),
    ),
  });
  await waitFor('quiet at A', async () => (await containerImage(cluster, ns, 'deployment/quiet', 'app')) === A.ref);
  const reconciles = async () =>
    Number(
      /^istream_reconciles_total\{queue="triggers",result="success"\} (\d+)$/m.exec(
        await (await fetch(`http://${controller.metricsAddress}/metrics`)).text(),
      )?.[1] ?? 0,
    );
  // The deployment controller's own status writes after the roll settle first.
  let before = await reconciles();
  for (let settled = 0; settled < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await reconciles();
    settled = now === before ? settled + 1 : 0;
    before = now;
  }
  await ok(cluster, ['label', 'deployment/quiet', 'tier=web'], { namespace: ns });
  await ok(cluster, ['scale', 'deployment/quiet', '--replicas=0'], { namespace: ns });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(await reconciles(), before, 'a label, a scale and the status writes they cause reconcile nothing');
  await ok(cluster, ['set', 'image', 'deployment/quiet', 'app=registry.test/hand:1'], { namespace: ns });
  await waitFor(
    'the hand edit reverted',
    async () => (await containerImage(cluster, ns, 'deployment/quiet', 'app')) === A.ref,
  );
  assert.ok((await reconciles()) > before);
});
