// A namespace of the shared cluster holding ImageStream `app` whose tag v1 has an image and a
// history, and a kubeconfig whose current context reads that namespace: what the extension's
// cluster lookups are tested against.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { applyObject, connectCluster, imageStreamClient } from '@istream/core/cluster';
import { newImageStream } from '@istream/core/imagestream';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import { imageStreamCrd } from 'kubectl-istream/dist/src/install-manifests.js';

export interface ClusterStreams {
  cluster: ClusterInstance;
  namespace: string;
  /** The admin kubeconfig with `namespace` as its current context's namespace. */
  kubeconfig: string;
  /** app:v1's image, then the one before it. */
  current: string;
  previous: string;
  /** Deletes the namespace. */
  remove(): Promise<void>;
}

/**
 * Writes the kubeconfig into `workDir`; with `server`, the kubeconfig reaches the API server
 * there (a path to it that a test can cut) instead of at its own address.
 */
export async function clusterStreamsFixture(workDir: string, server?: string): Promise<ClusterStreams> {
  const current = 'sha256:' + 'a'.repeat(64);
  const previous = 'sha256:' + 'b'.repeat(64);
  const cluster = await sharedCluster();
  const admin = connectCluster({ kubeconfig: cluster.kubeconfig }, {});
  await applyObject(admin, imageStreamCrd());
  const established = await cluster.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    `crd/${imageStreamCrd().metadata.name}`,
  ]);
  assert.equal(established.code, 0, established.stderr);
  const namespace = await cluster.createNamespace('istream-vscode');

  const config = parse(await readFile(cluster.kubeconfig, 'utf8')) as {
    'current-context': string;
    contexts: Array<{ name: string; context: { namespace?: string } }>;
    clusters: Array<{ cluster: { server: string } }>;
  };
  for (const c of config.contexts) if (c.name === config['current-context']) c.context.namespace = namespace;
  const kubeconfig = join(workDir, 'kubeconfig');
  await writeFile(kubeconfig, stringify(config));

  const stream = newImageStream('app', namespace);
  stream.status = {
    dockerImageRepository: '',
    tags: [
      {
        tag: 'v1',
        items: [
          {
            created: '2026-11-02T10:00:00Z',
            dockerImageReference: `registry.example.com/app@${current}`,
            image: current,
            generation: 2,
          },
          {
            created: '2026-11-01T10:00:00Z',
            dockerImageReference: `registry.example.com/app@${previous}`,
            image: previous,
            generation: 1,
          },
        ],
      },
    ],
  };
  await imageStreamClient(connectCluster({ kubeconfig }, {})).update(namespace, 'app', () => ({
    stream,
    changed: true,
    specChanged: true,
    statusChanged: true,
  }));

  if (server !== undefined) {
    for (const c of config.clusters) c.cluster.server = server;
    await writeFile(kubeconfig, stringify(config));
  }
  return {
    cluster,
    namespace,
    kubeconfig,
    current,
    previous,
    remove: async () => {
      await cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
    },
  };
}
