// What the controller's cluster tests share: the shared control plane with the ImageStream CRD
// from `install`, a controller started in-process for one namespace, and small kubectl helpers.
import { connectCluster } from '@istream/core/cluster';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import {
  startController,
  type AllowedRegistry,
  type RunningController,
  type ControllerOptions,
} from '@istream/core/controller';
import assert from 'node:assert/strict';
import { createFactory } from '../../src/factory.js';
import { imageStreamCrd } from '../../src/install-manifests.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

export { waitFor } from '@istream/test-harness';

export type Cluster = ClusterInstance;

let crdReady: Promise<void> | undefined;

/** The run's cluster, with the ImageStream CRD installed and established. */
export async function clusterWithCrd(): Promise<Cluster> {
  const cluster = await sharedCluster();
  crdReady ??= installCrd(cluster);
  await crdReady;
  return cluster;
}

/** Installs the ImageStream CRD and waits until it is established (for a test's private cluster). */
export async function installCrd(cluster: Cluster): Promise<void> {
  await ok(cluster, ['apply', '-f', '-'], { input: JSON.stringify(imageStreamCrd()) });
  await ok(cluster, ['wait', '--for=condition=Established', '--timeout=60s', 'crd/imagestreams.image.openshift.io']);
}

export async function ok(
  cluster: Cluster,
  args: string[],
  options: { input?: string; namespace?: string } = {},
): Promise<string> {
  const result = await cluster.kubectl(args, options);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

export async function getJson<T = Record<string, unknown>>(
  cluster: Cluster,
  namespace: string,
  resource: string,
): Promise<T> {
  return JSON.parse(await ok(cluster, ['get', resource, '-o', 'json'], { namespace })) as T;
}

/**
 * The test registries listen on loopback, which the controller refuses by default (a namespace user
 * must not make it probe internal hosts): the tests allow it as an operator would.
 */
export const loopbackRegistries: AllowedRegistry[] = [{ domainName: '127.0.0.1:*', insecure: true }];

/** A controller for one namespace ('' for all), acting once this resolves; stop it in t.after. */
export async function runController(
  kubeconfig: string,
  namespace: string,
  extra: Partial<ControllerOptions> = {},
): Promise<RunningController> {
  const lines: string[] = [];
  const imports = extra.imports && { allowedRegistries: loopbackRegistries, ...extra.imports };
  const controller = await startController({
    connection: connectCluster({ kubeconfig }, {}),
    namespace: namespace || undefined,
    metricsBindAddress: '127.0.0.1:0',
    log: (line) => lines.push(line),
    ...extra,
    ...(imports ? { imports } : {}),
  });
  await Promise.race([
    controller.leading,
    controller.done.then(() => {
      throw new Error(`controller stopped: ${lines.join('\n')}`);
    }),
  ]);
  return controller;
}

/** Spec and scheduled imports as `kubectl istream controller` does them: the namespace's pull Secrets, through the CLI's factory. */
export function cliImports(kubeconfig: string): NonNullable<ControllerOptions['imports']> {
  const factory = createFactory({ io: bufferIO(), env: process.env, flags: () => ({ verbosity: 0, kubeconfig }) });
  return { openSession: (namespace) => factory.importSession(namespace) };
}

/** Runs `kubectl istream ARGS` in-process; a non-zero exit fails the test with its stderr. */
export async function cli(args: string[]): Promise<string> {
  const io = bufferIO();
  const code = await runCli(args, { io, env: process.env });
  assert.equal(code, 0, `kubectl istream ${args.join(' ')} failed: ${io.stderr()}`);
  return io.stdout();
}

export const digestA = `sha256:${'a1'.repeat(32)}`;
export const digestB = `sha256:${'b2'.repeat(32)}`;

export interface Item {
  ref: string;
  image: string;
}

/** The history item an import of `repository` at `digest` writes: pulled by digest, named by it. */
export function itemAt(repository: string, digest: string): Item {
  return { ref: `${repository}@${digest}`, image: digest };
}

/** Creates or updates a stream with tag `tag` from `source`, its status listing `items` (newest first). */
export async function putStream(
  cluster: Cluster,
  namespace: string,
  name: string,
  tag: string,
  source: string,
  items: Item[],
): Promise<void> {
  const stream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace },
    spec: {
      lookupPolicy: { local: false },
      tags: [
        { name: tag, from: { kind: 'DockerImage', name: source }, generation: 1, referencePolicy: { type: 'Source' } },
      ],
    },
  };
  await ok(cluster, ['apply', '-f', '-'], { input: JSON.stringify(stream) });
  await setItems(cluster, namespace, name, tag, items);
}

/** Writes the stream's status as an import would (the tag's history, newest first). */
export async function setItems(
  cluster: Cluster,
  namespace: string,
  name: string,
  tag: string,
  items: Item[],
): Promise<void> {
  const status = {
    dockerImageRepository: '',
    tags: [
      {
        tag,
        items: items.map((item, i) => ({
          created: new Date(Date.now() - i * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
          dockerImageReference: item.ref,
          image: item.image,
          generation: 1,
        })),
      },
    ],
  };
  await ok(
    cluster,
    ['patch', 'imagestream', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })],
    { namespace },
  );
}

export function triggerAnnotation(
  entries: Array<{ stream: string; container: string; namespace?: string; paused?: boolean; path?: string }>,
): string {
  return JSON.stringify(
    entries.map((e) => ({
      from: { kind: 'ImageStreamTag', name: e.stream, ...(e.namespace ? { namespace: e.namespace } : {}) },
      fieldPath: e.path ?? `spec.template.spec.containers[?(@.name=="${e.container}")].image`,
      ...(e.paused ? { paused: true } : {}),
    })),
  );
}

export function deployment(
  name: string,
  containers: Array<{ name: string; image: string }>,
  triggers?: string,
  initContainers: Array<{ name: string; image: string }> = [],
): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      labels: { app: name },
      ...(triggers ? { annotations: { 'image.openshift.io/triggers': triggers } } : {}),
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers, initContainers } },
    },
  };
}

/**
 * Applies Deployment `name` with one container of that name whose image follows `trigger.stream`,
 * the workload most controller tests roll.
 */
export async function applyTriggeredDeployment(
  cluster: Cluster,
  namespace: string,
  name: string,
  trigger: { stream: string; namespace?: string; paused?: boolean },
  image = 'busybox',
): Promise<void> {
  await ok(cluster, ['apply', '-f', '-'], {
    namespace,
    input: JSON.stringify(deployment(name, [{ name, image }], triggerAnnotation([{ ...trigger, container: name }]))),
  });
}

interface PodTemplateOwner {
  spec: {
    template: {
      spec: {
        containers: Array<{ name: string; image: string }>;
        initContainers?: Array<{ name: string; image: string }>;
      };
    };
  };
}

export async function containerImage(
  cluster: Cluster,
  namespace: string,
  resource: string,
  container: string,
): Promise<string | undefined> {
  const obj = await getJson<PodTemplateOwner & { spec: { jobTemplate?: { spec: PodTemplateOwner['spec'] } } }>(
    cluster,
    namespace,
    resource,
  );
  const spec = obj.spec.jobTemplate ? obj.spec.jobTemplate.spec.template.spec : obj.spec.template.spec;
  return [...spec.containers, ...(spec.initContainers ?? [])].find((c) => c.name === container)?.image;
}

export async function eventsFor(
  cluster: Cluster,
  namespace: string,
  name: string,
): Promise<Array<{ type: string; reason: string; message: string }>> {
  const text = await ok(cluster, ['get', 'events', `--field-selector=involvedObject.name=${name}`, '-o', 'json'], {
    namespace,
  });
  return (JSON.parse(text) as { items: Array<{ type: string; reason: string; message: string }> }).items;
}

/** How many imports the controller's `/metrics` text counts for a kind (`event`, `scheduled`) and result. */
export function importCount(metrics: string, kind: string, result?: string): number {
  return [...metrics.matchAll(/^istream_imports_total\{kind="(\w+)",result="(\w+)"\} (\d+)$/gm)]
    .filter((m) => m[1] === kind && (result === undefined || m[2] === result))
    .reduce((sum, m) => sum + Number(m[3]), 0);
}

/** An ImageStream whose tag `8` follows `source` and takes registry events (`istream.io/registry-events`). */
export function eventFollowingStream(name: string, source: string): object {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, annotations: { 'istream.io/registry-events': 'true' } },
    spec: {
      tags: [
        {
          name: '8',
          from: { kind: 'DockerImage', name: source },
          importPolicy: { insecure: true },
          referencePolicy: { type: 'Source' },
        },
      ],
    },
  };
}
