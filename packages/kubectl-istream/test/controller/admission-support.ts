// What the cluster tests of admission share: an opted-in namespace with the webhook configuration
// narrowed to it (the cluster is shared), and an in-process controller serving the webhook over
// TLS on a loopback URL, as the sandbox control plane runs on loopback.
import { randomBytes } from 'node:crypto';
import { admissionWebhookConfiguration, IMAGE_LOOKUP_LABEL, IMAGE_LOOKUP_LABEL_VALUE } from '@istream/core/admission';
import type { AdmissionOptions, RunningController } from '@istream/core/controller';
import { freeLoopbackPort } from '@istream/test-harness';
import { clusterWithCrd, digestA, itemAt, ok, runController, setItems, type Cluster } from './support.js';

export interface Scope {
  cluster: Cluster;
  ns: string;
  /** Where the Secret lives: istream's namespace, never intercepted. */
  home: string;
  id: string;
  configName: string;
  /** Cluster-scoped objects this test created, deleted after it. */
  created: string[];
}

/** What install writes, renamed with this test's suffix and narrowed to this test's namespace. */
function narrowed<T extends Record<string, unknown>>(object: T, ns: string, suffix: string): T {
  const onlyHere = { key: 'kubernetes.io/metadata.name', operator: 'In', values: [ns] };
  interface Selector {
    matchExpressions: object[];
  }
  const copy = JSON.parse(JSON.stringify(object)) as {
    kind: string;
    metadata: { name: string };
    webhooks?: Array<{ namespaceSelector: Selector }>;
    spec: {
      policyName: string;
      matchConstraints: { namespaceSelector: Selector };
      matchResources: { namespaceSelector: Selector };
    };
  };
  copy.metadata.name = `${copy.metadata.name}-${suffix}`;
  for (const w of copy.webhooks ?? []) w.namespaceSelector.matchExpressions.push(onlyHere);
  if (copy.kind.endsWith('PolicyBinding')) {
    copy.spec.policyName = `${copy.spec.policyName}-${suffix}`;
    copy.spec.matchResources.namespaceSelector.matchExpressions.push(onlyHere);
  } else if (copy.kind.endsWith('Policy')) {
    copy.spec.matchConstraints.namespaceSelector.matchExpressions.push(onlyHere);
  }
  return copy as unknown as T;
}

export async function applyNarrowed(scope: Scope, objects: Array<Record<string, unknown>>): Promise<void> {
  const items = objects.map((o) => narrowed(o, scope.ns, scope.id));
  scope.created.push(...items.map((o) => `${String(o.kind).toLowerCase()}/${(o.metadata as { name: string }).name}`));
  await ok(scope.cluster, ['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
}

/**
 * A namespace opted in to image lookup and a home namespace for the Secret, both deleted after the
 * test with the cluster-scoped objects it registered. No stream yet: the test makes its own.
 */
export async function admissionScope(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<Scope> {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace(prefix);
  const home = await cluster.createNamespace(`${prefix}-home`);
  const id = randomBytes(3).toString('hex');
  const scope: Scope = { cluster, ns, home, id, configName: `istream-admission-${id}`, created: [] };
  await ok(cluster, ['label', 'namespace', ns, `${IMAGE_LOOKUP_LABEL}=${IMAGE_LOOKUP_LABEL_VALUE}`]);
  t.after(async () => {
    if (scope.created.length > 0) await cluster.kubectl(['delete', ...scope.created, '--ignore-not-found']);
    await cluster.kubectl(['delete', 'namespace', ns, home, '--wait=false']);
  });
  return scope;
}

async function register(scope: Scope, port: number): Promise<void> {
  await applyNarrowed(scope, [
    admissionWebhookConfiguration({ endpoint: { url: `https://127.0.0.1:${port}` }, istreamNamespace: scope.home }),
  ]);
}

export async function startWithAdmission(
  scope: Scope,
  extra: Partial<AdmissionOptions> = {},
): Promise<{ controller: RunningController; port: number }> {
  // The webhook URL needs the port before the configuration exists, so the port is chosen first
  // (below the kernel's ephemeral range); another test process choosing the same way may still
  // take it, so a taken port means another try.
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    await register(scope, port);
    let controller: RunningController | undefined;
    try {
      controller = await runController(scope.cluster.kubeconfig, scope.ns, {
        admission: {
          bindAddress: `127.0.0.1:${port}`,
          secret: { namespace: scope.home, name: 'istream-admission-tls' },
          hosts: ['127.0.0.1'],
          webhookConfigurations: [scope.configName],
          rotationCheckMs: 3_600_000,
          bundlePropagationMs: 2_000,
          ...extra,
        },
      });
      await controller.admission!.listening;
      return { controller, port };
    } catch (error) {
      await controller?.stop();
      // Either the listener's own error or the manager's report of it, whichever came first.
      if (!String(error).includes('EADDRINUSE') || attempt === 5) throw error;
    }
  }
}

/** Server-side dry run of a Pod: what the API server would store, after every admission step. */
export async function admittedImage(
  scope: Scope,
  namespace: string,
  image: string,
): Promise<{ image?: string; error?: string }> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'probe-' },
    spec: { containers: [{ name: 'app', image }] },
  };
  const result = await scope.cluster.kubectl(
    ['create', '--dry-run=server', '-o', 'jsonpath={.spec.containers[0].image}', '-f', '-'],
    { namespace, input: JSON.stringify(pod) },
  );
  return result.code === 0 ? { image: result.stdout } : { error: result.stderr.trim() };
}

/** Stream NAME with tag latest at `127.0.0.1:5000/team/NAME@digestA`, lookupPolicy.local as given. */
export async function lookupStream(cluster: Cluster, ns: string, name: string, local: boolean): Promise<void> {
  const stream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: ns },
    spec: {
      lookupPolicy: { local },
      tags: [
        {
          name: 'latest',
          from: { kind: 'DockerImage', name: `127.0.0.1:5000/team/${name}:latest` },
          generation: 1,
          referencePolicy: { type: 'Source' },
        },
      ],
    },
  };
  await ok(cluster, ['apply', '-f', '-'], { input: JSON.stringify(stream) });
  await setItems(cluster, ns, name, 'latest', [itemAt(`127.0.0.1:5000/team/${name}`, digestA)]);
}
