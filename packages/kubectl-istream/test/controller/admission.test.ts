// Image lookup at admission on the real API server: it calls the controller's webhook over TLS (a
// loopback URL, as the sandbox control plane runs on loopback), the controller keeps its own
// certificates, and the guard policy keeps opted-in namespaces closed while the webhook is down.
// Each test registers its own configuration, narrowed to its own namespace: the cluster is shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import {
  lookupGuardPolicy,
  lookupPolicies,
  IMAGE_LOOKUP_LABEL,
  IMAGE_LOOKUP_LABEL_VALUE,
  pemCertificates,
} from '@istream/core/admission';
import {
  admissionScope,
  admittedImage,
  applyNarrowed,
  lookupStream,
  startWithAdmission,
  type Scope,
} from './admission-support.js';
import { deployment, digestA, ok, runController, waitFor } from './support.js';

const pinned = `127.0.0.1:5000/team/myapp@${digestA}`;

/** An admission scope whose `myapp` stream resolves names to {@link pinned}. */
async function setUp(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<Scope> {
  const scope = await admissionScope(t, prefix);
  await lookupStream(scope.cluster, scope.ns, 'myapp', true);
  return scope;
}

async function untilResolved(scope: Scope): Promise<void> {
  await waitFor(
    'admission to resolve myapp:latest',
    async () => (await admittedImage(scope, scope.ns, 'myapp:latest')).image === pinned || undefined,
    30_000,
  );
}

/** The acceptance of image lookup, whichever backend admits: webhook or MutatingAdmissionPolicy. */
async function expectLookups(scope: Scope): Promise<void> {
  const { cluster, ns } = scope;
  await lookupStream(cluster, ns, 'plain', false);

  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      containers: [
        { name: 'app', image: 'myapp:latest' },
        { name: 'side', image: 'plain:latest' },
      ],
      initContainers: [{ name: 'init', image: 'myapp' }],
    },
  };
  await ok(cluster, ['create', '-f', '-'], { namespace: ns, input: JSON.stringify(pod) });
  const stored = JSON.parse(await ok(cluster, ['get', 'pod', 'web', '-o', 'json'], { namespace: ns })) as {
    spec: { containers: Array<{ image: string }>; initContainers: Array<{ image: string }> };
  };
  assert.equal(stored.spec.containers[0]!.image, pinned);
  assert.equal(
    stored.spec.containers[1]!.image,
    'plain:latest',
    'a stream without lookupPolicy.local leaves the image alone',
  );
  assert.equal(stored.spec.initContainers[0]!.image, pinned, 'no tag means latest, for init containers too');

  await ok(cluster, ['create', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(deployment('shop', [{ name: 'app', image: 'myapp:latest' }])),
  });
  assert.equal(
    await ok(cluster, ['get', 'deployment', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'], {
      namespace: ns,
    }),
    pinned,
  );
  const podImages = await waitFor(
    'the ReplicaSet to create the pod',
    async () => {
      const images = (
        await ok(cluster, ['get', 'pods', '-l', 'app=shop', '-o', 'jsonpath={.items[*].spec.containers[0].image}'], {
          namespace: ns,
        })
      ).trim();
      return images === '' ? undefined : images.split(' ');
    },
    60_000,
  );
  assert.deepEqual(
    podImages,
    [pinned],
    'the ReplicaSet is controller-owned and skipped; its pods carry the Deployment digest',
  );

  // An update that leaves an image as it was does not resolve it, even once its stream resolves names.
  await lookupStream(cluster, ns, 'plain', true);
  await waitFor(
    'plain:latest to resolve for new pods',
    async () => (await admittedImage(scope, ns, 'plain:latest')).image?.includes('@') || undefined,
  );
  await ok(cluster, ['label', 'pod', 'web', 'touched=yes'], { namespace: ns });
  assert.equal(
    await ok(cluster, ['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[1].image}'], { namespace: ns }),
    'plain:latest',
  );
}

test('the API server calls the webhook over TLS: a Pod and a Deployment naming myapp:latest are stored with the digest, and so are the pods of the Deployment', async (t) => {
  const scope = await setUp(t, 'lookup');
  const { controller } = await startWithAdmission(scope);
  t.after(async () => {
    await controller.stop();
  });
  await untilResolved(scope);
  await expectLookups(scope);
  // resolve-names on the pod template: every image is looked up by its last segment (the webhook's alone).
  const forced = deployment('forced', [{ name: 'app', image: 'quay.io/elsewhere/myapp:latest' }]) as {
    spec: { template: { metadata: Record<string, unknown> } };
  };
  forced.spec.template.metadata.annotations = { 'alpha.image.policy.openshift.io/resolve-names': '*' };
  await ok(scope.cluster, ['create', '-f', '-'], { namespace: scope.ns, input: JSON.stringify(forced) });
  assert.equal(
    await ok(
      scope.cluster,
      ['get', 'deployment', 'forced', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'],
      { namespace: scope.ns },
    ),
    pinned,
  );
});

test('a Pod in kube-system is never intercepted, even with the opt-in label', async (t) => {
  const scope = await setUp(t, 'kube-system-guard');
  const { cluster } = scope;
  const { controller } = await startWithAdmission(scope);
  t.after(async () => {
    await controller.stop();
  });
  await untilResolved(scope);
  await ok(cluster, [
    'label',
    'namespace',
    'kube-system',
    `${IMAGE_LOOKUP_LABEL}=${IMAGE_LOOKUP_LABEL_VALUE}`,
    '--overwrite',
  ]);
  t.after(async () => {
    await cluster.kubectl(['label', 'namespace', 'kube-system', `${IMAGE_LOOKUP_LABEL}-`]);
  });
  // The test's narrowing would keep kube-system out by itself; widen it to kube-system so only
  // the configuration's own rule can.
  const config = JSON.parse(
    await ok(cluster, ['get', 'mutatingwebhookconfiguration', scope.configName, '-o', 'json']),
  ) as { webhooks: Array<{ namespaceSelector: { matchExpressions: Array<{ values: string[] }> } }> };
  for (const w of config.webhooks) w.namespaceSelector.matchExpressions.at(-1)!.values.push('kube-system');
  await ok(cluster, ['apply', '-f', '-'], { input: JSON.stringify(config) });
  await new Promise((r) => setTimeout(r, 2_000));
  const reviews = (): number =>
    ['patched', 'allowed', 'refused'].reduce(
      (n, outcome) => n + controller.metrics.admissionReviews.get({ webhook: 'image-lookup', outcome }),
      0,
    );
  const before = reviews();
  assert.deepEqual(await admittedImage(scope, 'kube-system', 'myapp:latest'), { image: 'myapp:latest' });
  assert.equal(reviews(), before, 'the API server did not call the webhook for kube-system');
  assert.equal((await admittedImage(scope, scope.ns, 'myapp:latest')).image, pinned);
  assert.equal(reviews(), before + 1, 'the opted-in namespace is still served');
});

test('certificates rotate past expiry (fake clock) without a failed admission; the old CA stays trusted during the overlap', async (t) => {
  const scope = await setUp(t, 'rotation');
  let offsetMs = 0;
  const { controller } = await startWithAdmission(scope, { clock: () => new Date(Date.now() + offsetMs) });
  t.after(async () => {
    await controller.stop();
  });
  await untilResolved(scope);
  const server = controller.admission!;
  const firstCert = new X509Certificate(server.servingCertificate!);
  const failures: string[] = [];
  let admissions = 0;
  let running = true;
  const load = (async () => {
    while (running) {
      const result = await admittedImage(scope, scope.ns, 'myapp:latest');
      admissions++;
      if (result.image !== pinned) failures.push(result.error ?? `stored ${result.image}`);
    }
  })();
  const bundle = async (): Promise<string[]> =>
    pemCertificates(
      Buffer.from(
        await ok(scope.cluster, ['get', 'secret', 'istream-admission-tls', '-o', 'jsonpath={.data.ca\\.crt}'], {
          namespace: scope.home,
        }),
        'base64',
      ).toString('utf8'),
    );

  offsetMs = 400 * 86_400_000; // past the serving certificate's and the CA's notAfter
  await server.rotate();
  const rotated = new X509Certificate(server.servingCertificate!);
  assert.notEqual(rotated.serialNumber, firstCert.serialNumber, 'a new serving certificate is served');
  const during = await bundle();
  assert.equal(during.length, 2, 'new CA and the previous one, while the previous one signed what was served');
  assert.ok(rotated.checkIssued(new X509Certificate(during[0]!)), 'the new certificate comes from the new CA');
  await new Promise((r) => setTimeout(r, 3_000));
  await server.rotate();
  assert.equal((await bundle()).length, 1, 'the expired CA leaves the bundle once nothing served is signed by it');
  await new Promise((r) => setTimeout(r, 3_000));
  running = false;
  await load;
  assert.ok(admissions >= 5, `only ${admissions} admissions during the rotation`);
  assert.deepEqual(failures, [], 'no admission failed or went unresolved');
  const caBundle = await ok(scope.cluster, [
    'get',
    'mutatingwebhookconfiguration',
    scope.configName,
    '-o',
    'jsonpath={.webhooks[0].clientConfig.caBundle}',
  ]);
  assert.equal(
    Buffer.from(caBundle, 'base64').toString('utf8'),
    (await bundle()).join(''),
    'the webhook configuration trusts exactly the stored bundle',
  );
});

test('with the controller stopped, an opted-in namespace refuses pods naming a lookup stream with a message naming istream and the fix; others are admitted', async (t) => {
  const scope = await setUp(t, 'closed');
  const { cluster, ns } = scope;
  await applyNarrowed(scope, lookupGuardPolicy(scope.home));
  const { controller } = await startWithAdmission(scope);
  await untilResolved(scope);
  await controller.stop();
  const other = await cluster.createNamespace('closed-other');
  t.after(async () => {
    await cluster.kubectl(['delete', 'namespace', other, '--wait=false']);
  });

  const refused = await waitFor(
    'the guard policy to refuse',
    async () => (await admittedImage(scope, ns, 'myapp:latest')).error,
    30_000,
  );
  assert.match(
    refused,
    /istream did not resolve image "myapp:latest" of container "app": ImageStream myapp has lookupPolicy.local, but the istream admission webhook did not answer\. Start the istream controller/,
  );
  assert.deepEqual(
    await admittedImage(scope, ns, 'busybox:1.36'),
    { image: 'busybox:1.36' },
    'an image that names no lookup stream is admitted',
  );
  assert.deepEqual(
    await admittedImage(scope, ns, `127.0.0.1:5000/team/myapp@${digestA}`),
    { image: pinned },
    'a pinned image is admitted',
  );
  assert.deepEqual(
    await admittedImage(scope, other, 'myapp:latest'),
    { image: 'myapp:latest' },
    'a namespace that did not opt in is unaffected',
  );
});

test('the image stream strategy webhook stores a stream written by kubectl as OpenShift does: tag generations stamped, tags in name order', async (t) => {
  const scope = await setUp(t, 'strategy');
  const { cluster, ns } = scope;
  const { controller } = await startWithAdmission(scope);
  t.after(async () => {
    await controller.stop();
  });
  await untilResolved(scope);
  const stream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'tools' },
    spec: {
      tags: [
        { name: 'b', from: { kind: 'DockerImage', name: 'quay.io/x/b:1' } },
        { name: 'a', from: { kind: 'DockerImage', name: 'quay.io/x/a:1' } },
      ],
    },
  };
  await ok(cluster, ['create', '-f', '-'], { namespace: ns, input: JSON.stringify(stream) });
  const tags = () =>
    ok(cluster, ['get', 'imagestream', 'tools', '-o', 'jsonpath={range .spec.tags[*]}{.name}={.generation} {end}'], {
      namespace: ns,
    });
  assert.equal((await tags()).trim(), 'a=1 b=1');
  await ok(
    cluster,
    [
      'patch',
      'imagestream',
      'tools',
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/spec/tags/-', value: { name: 'c', from: { kind: 'DockerImage', name: 'quay.io/x/c:1' } } },
      ]),
    ],
    { namespace: ns },
  );
  assert.equal(
    (await tags()).trim(),
    'a=1 b=1 c=2',
    'a new tag takes the next stream generation; the others keep theirs',
  );
});

test('the same resolutions through the MutatingAdmissionPolicy backend, from the table the controller keeps in it', async (t) => {
  const scope = await setUp(t, 'policy');
  const policies = lookupPolicies(scope.home);
  await applyNarrowed(scope, policies);
  const names = policies
    .filter((p) => p.kind === 'MutatingAdmissionPolicy')
    .map((p) => `${(p.metadata as { name: string }).name}-${scope.id}`);
  const controller = await runController(scope.cluster.kubeconfig, scope.ns, { lookupPolicies: names });
  t.after(async () => {
    await controller.stop();
  });
  await untilResolved(scope);
  await expectLookups(scope);
});

test('a Secret of that name that istream did not create is never overwritten: the admission server refuses to start and says why', async (t) => {
  const scope = await setUp(t, 'foreign');
  const { cluster, home } = scope;
  await ok(cluster, ['create', 'secret', 'generic', 'istream-admission-tls', '--from-literal=owner=someone-else'], {
    namespace: home,
  });
  const before = await ok(
    cluster,
    ['get', 'secret', 'istream-admission-tls', '-o', 'jsonpath={.metadata.resourceVersion} {.data}'],
    { namespace: home },
  );
  await assert.rejects(
    startWithAdmission(scope),
    /Secret .*\/istream-admission-tls exists but was not created by istream .* will not overwrite it; delete it or name another Secret/,
  );
  assert.equal(
    await ok(
      cluster,
      ['get', 'secret', 'istream-admission-tls', '-o', 'jsonpath={.metadata.resourceVersion} {.data}'],
      { namespace: home },
    ),
    before,
  );
});
