// kubectl istream why on the real cluster, for image lookup: which containers admission resolved
// from a stream with lookupPolicy.local and, for the others, the rule that left them alone. The
// webhook is the controller's, called by the real API server (admission-support.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import { admissionScope, admittedImage, lookupStream, startWithAdmission } from './admission-support.js';
import { deployment, digestA, ok, waitFor, type Cluster } from './support.js';

const pinned = `127.0.0.1:5000/team/myapp@${digestA}`;

async function why(cluster: Cluster, ns: string, target: string): Promise<string> {
  const io = bufferIO();
  const code = await runCli(['why', target, '-n', ns, '--kubeconfig', cluster.kubeconfig], { io, env: process.env });
  assert.equal(code, 0, io.stderr());
  return io.stdout();
}

function pod(name: string, containers: Array<{ name: string; image: string }>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers } });
}

test('why pod/NAME and why deployment/NAME: lookup applied, lookupPolicy.local false, a missing tag, not a stream name, no stream, a controller-owned pod', async (t) => {
  const scope = await admissionScope(t, 'why-lookup');
  const { cluster, ns } = scope;
  await lookupStream(cluster, ns, 'myapp', true);
  await lookupStream(cluster, ns, 'plain', false);
  await lookupStream(cluster, ns, 'later', false);
  const { controller } = await startWithAdmission(scope);
  t.after(() => controller.stop());
  await waitFor(
    'admission to resolve myapp:latest',
    async () => (await admittedImage(scope, ns, 'myapp:latest')).image === pinned || undefined,
    30_000,
  );

  await ok(cluster, ['create', '-f', '-'], {
    namespace: ns,
    input: pod('web', [
      { name: 'app', image: 'myapp:latest' },
      { name: 'side', image: 'plain:latest' },
      { name: 'ext', image: '127.0.0.1:5000/team/other:1' },
      { name: 'ghost', image: 'ghost:1' },
    ]),
  });
  const web = await why(cluster, ns, 'pod/web');
  assert.match(web, new RegExp(`^pod/web in namespace ${ns}\\n`));
  // The shared cluster may hold other installs' webhooks for the same opt-in label: ours is named
  // among them.
  assert.match(
    web,
    new RegExp(
      `image lookup: namespace ${ns} is admitted by (MutatingWebhookConfiguration [\\w-]+, )*MutatingWebhookConfiguration ${scope.configName}(, MutatingWebhookConfiguration [\\w-]+)*\\n`,
    ),
  );
  assert.match(
    web,
    new RegExp(
      `container app: ${pinned.replace(/[.]/g, '\\.')}\\n {2}lookup: {8}applied: the current image of myapp:latest \\(ImageStream ${ns}/myapp\\)`,
    ),
  );
  assert.match(
    web,
    new RegExp(
      `container side: plain:latest\\n {2}lookup: {8}not applied: ImageStream ${ns}/plain has lookupPolicy\\.local false \\(kubectl istream set image-lookup plain -n ${ns}\\)`,
    ),
  );
  assert.match(
    web,
    /container ext: 127\.0\.0\.1:5000\/team\/other:1\n {2}lookup: {8}not applied: the image is not a bare stream name/,
  );
  assert.match(
    web,
    new RegExp(`container ghost: ghost:1\\n {2}lookup: {8}not applied: no ImageStream ghost in namespace ${ns}`),
  );

  // Written while `later` did not resolve names; then the stream opts in, but has no tag 2.
  await ok(cluster, ['create', '-f', '-'], { namespace: ns, input: pod('late', [{ name: 'app', image: 'later:2' }]) });
  await ok(
    cluster,
    ['patch', 'imagestream', 'later', '--type=merge', '-p', '{"spec":{"lookupPolicy":{"local":true}}}'],
    {
      namespace: ns,
    },
  );
  assert.match(
    await why(cluster, ns, 'pod/late'),
    new RegExp(
      `container app: later:2\\n {2}lookup: {8}not applied: ImageStream ${ns}/later has no tag 2 \\(tags: latest\\); admission refuses new objects naming it`,
    ),
  );
  await waitFor(
    'admission to refuse later:2, as why says',
    async () =>
      /tag "2" of ImageStream \S+\/later/.test((await admittedImage(scope, ns, 'later:2')).error ?? '') || undefined,
  );

  await ok(cluster, ['create', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(deployment('shop', [{ name: 'app', image: 'myapp:latest' }])),
  });
  const shop = await why(cluster, ns, 'deployment/shop');
  assert.match(shop, new RegExp(`^deployment\\.apps/shop in namespace ${ns}\\n {2}no image\\.openshift\\.io/triggers`));
  assert.match(shop, /container app: \S+\n {2}lookup: {8}applied: the current image of myapp:latest/);
  const podName = await waitFor(
    'the ReplicaSet to create the pod',
    async () =>
      (
        await ok(cluster, ['get', 'pods', '-l', 'app=shop', '-o', 'jsonpath={.items[*].metadata.name}'], {
          namespace: ns,
        })
      ).split(' ')[0] || undefined,
    60_000,
  );
  const owned = await why(cluster, ns, `pod/${podName}`);
  assert.match(
    owned,
    /\n {2}owner: {9}created by ReplicaSet shop-\S+ from its template: admission leaves its images alone/,
  );
  assert.match(owned, /container app: \S+\n {2}lookup: {8}applied: the current image of myapp:latest/);
});

test('why pod/NAME in a namespace that is not opted in names the label to set', async (t) => {
  const scope = await admissionScope(t, 'why-lookup-on');
  const { cluster } = scope;
  const { controller } = await startWithAdmission(scope);
  t.after(() => controller.stop());
  const other = await cluster.createNamespace('why-lookup-off');
  t.after(async () => {
    await cluster.kubectl(['delete', 'namespace', other, '--wait=false']);
  });
  await lookupStream(cluster, other, 'myapp', true);
  await ok(cluster, ['create', '-f', '-'], {
    namespace: other,
    input: pod('web', [{ name: 'app', image: 'myapp:latest' }]),
  });
  assert.equal(
    await ok(cluster, ['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[0].image}'], { namespace: other }),
    'myapp:latest',
    'admission left the pod alone',
  );
  const text = await why(cluster, other, 'pod/web');
  assert.match(
    text,
    new RegExp(
      `image lookup: namespace ${other} is not opted in: label it istream\\.io/image-lookup=enabled \\(kubectl label namespace ${other} istream\\.io/image-lookup=enabled\\)`,
    ),
  );
  assert.match(
    text,
    new RegExp(
      `container app: myapp:latest\\n {2}lookup: {8}not applied: namespace ${other} is not opted in: .*; admission would write ${pinned.replace(/[.]/g, '\\.')}`,
    ),
  );
});
