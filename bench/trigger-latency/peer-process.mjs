// The peer of bench/trigger-latency: the least any image-change controller must do, as a process of
// its own like the controller it is compared with. It watches the image streams of one namespace
// and, when the stream's tag shows a new newest image, writes that image into each named
// Deployment's first container with one JSON patch each, as many in flight as the controller has
// workers. No trigger annotations read, no workload cache, no Events, no SubjectAccessReview, no
// log lines: the floor this API server sets for "a stream moved, N templates follow".
//
// Usage: node peer-process.mjs '<json: kubeconfig, namespace, stream, tag, deployments, writesInFlight>'
// Prints "ready" once it watches; stops on SIGTERM.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { connectCluster, KubeClient, startInformer } = await import(
  join(root, 'packages/core/dist/src/cluster/index.js')
);
const { inParallel } = await import(join(root, 'bench/support/benchmarks.mjs'));

const settings = JSON.parse(process.argv[2]);
const api = new KubeClient(connectCluster({ kubeconfig: settings.kubeconfig }, {}).kubeConfig);
const newest = (stream) => stream.status?.tags?.find((t) => t.tag === settings.tag)?.items?.[0]?.dockerImageReference;

let applied;
let rolling = Promise.resolve();
const roll = (image) =>
  inParallel(settings.deployments, settings.writesInFlight, (name) =>
    api.call(`/apis/apps/v1/namespaces/${settings.namespace}/deployments/${name}`, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      // A writer of its own in managedFields, as every controller is beside whoever created the
      // Deployment (the bench, whose requests carry no User-Agent), and as istream-controller is.
      query: { fieldManager: 'trigger-peer' },
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }],
    }),
  );
const informer = startInformer(api, `/apis/image.openshift.io/v1/namespaces/${settings.namespace}/imagestreams`, {
  onChange: (stream) => {
    const image = newest(stream);
    if (stream.metadata.name !== settings.stream || image === undefined || image === applied) return;
    // What the stream showed when the peer started is where the Deployments already are.
    const first = applied === undefined;
    applied = image;
    if (!first) rolling = rolling.then(() => roll(image));
  },
  onDelete: () => undefined,
});
await informer.synced();
process.stdout.write('ready\n');
await new Promise((resolve) => process.once('SIGTERM', resolve));
await rolling;
await informer.stop();
api.close();
