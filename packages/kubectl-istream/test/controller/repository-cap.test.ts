// A spec.dockerImageRepository stream on a 9,000-tag repository (docker.io/library/node's size)
// imports OpenShift's 50-tag cap and asks the registry for nothing more, and the controller's
// /metrics says what it asked of each registry: counted here against the real registry's own log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushTagFlood, startRegistry } from '@istream/test-harness';
import { prioritizeTags } from '@istream/core/imagestream';
import { cliImports, clusterWithCrd, getJson, ok, runController, waitFor } from './support.js';

interface Stream {
  status?: { tags?: Array<{ tag: string; items: Array<{ image: string }> | null }> };
}

/** `METHOD URI` of every request the registry answered, from its "response completed" log lines. */
function answeredRequests(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    if (!line.includes('msg="response completed')) return [];
    const method = /http\.request\.method=(\S+)/.exec(line)?.[1];
    const uri = /http\.request\.uri="?([^"\s]+)/.exec(line)?.[1];
    return method && uri ? [`${method} ${uri}`] : [];
  });
}

function counter(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('a 9,000-tag repository imports its first 50 tags by priority, HEADs nothing beyond them, and /metrics counts the requests', async (t) => {
  const registryLog: string[] = [];
  const registry = await startRegistry({ mode: 'plain', log: (line) => registryLog.push(line) });
  defer(t, () => registry.stop());
  const flood = await pushTagFlood(registry);
  assert.equal(flood.tags.length, 9000);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('repo-cap');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  const controller = await runController(cluster.kubeconfig, ns, { imports: cliImports(cluster.kubeconfig) });
  defer(t, () => controller.stop());

  const pushedRequests = answeredRequests(registryLog).length;
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'node', annotations: { 'openshift.io/image.insecureRepository': 'true' } },
      spec: { dockerImageRepository: `${registry.host}/${flood.repository}` },
    }),
  });
  const stream = await waitFor(
    'the repository imported',
    async () => {
      const s = await getJson<Stream>(cluster, ns, 'imagestream/node');
      return (s.status?.tags?.length ?? 0) > 0 ? s : undefined;
    },
    60_000,
  );
  const expected = prioritizeTags(flood.tags).slice(0, 50);
  const imported = (stream.status?.tags ?? []).map((l) => l.tag);
  assert.deepEqual([...imported].sort(), [...expected].sort());
  for (const list of stream.status?.tags ?? []) assert.equal(list.items?.[0]?.image, flood.digestOf(list.tag));

  const asked = answeredRequests(registryLog).slice(pushedRequests);
  const manifestRequests = asked.filter((r) => r.includes(`/v2/${flood.repository}/manifests/`));
  const askedTags = new Set(manifestRequests.map((r) => r.slice(r.lastIndexOf('/') + 1)));
  assert.deepEqual(
    [...askedTags].filter((tag) => !expected.includes(tag)),
    [],
    'no tag beyond the cap is asked for',
  );
  const heads = asked.filter((r) => r.startsWith('HEAD ')).length;
  assert.equal(heads, 50, `one HEAD a tag:\n${asked.join('\n')}`);
  assert.equal(asked.filter((r) => r.includes('/tags/list')).length, 1, 'the tag list is read once');

  const metrics = await (await fetch(`http://${controller.metricsAddress}/metrics`)).text();
  const registryLabel = `registry="${registry.host}"`;
  assert.equal(counter(metrics, 'istream_registry_requests_total', `${registryLabel},request="head"`), heads);
  assert.equal(
    counter(metrics, 'istream_registry_requests_total', `${registryLabel},request="get"`),
    asked.filter((r) => r.startsWith('GET ') && r !== 'GET /v2/').length,
    `GETs the registry answered:\n${asked.filter((r) => r.startsWith('GET ')).join('\n')}`,
  );
});
