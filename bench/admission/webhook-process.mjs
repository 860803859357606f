// The admission webhook for bench/admission, in a process of its own as it runs in the cluster:
// the controller with only its admission server, so the bench's client and its timing never share
// an event loop or a garbage collector with the server it measures. Prints "ready" once the
// server answers; /metrics on the metrics address; stops on SIGTERM.
//
// Usage: node webhook-process.mjs '<json: kubeconfig, namespace, port, metricsPort, secret, configuration>'
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { connectCluster } = await import(join(root, 'packages/core/dist/src/cluster/index.js'));
const { batchedLines, startController } = await import(join(root, 'packages/core/dist/src/controller/index.js'));

const settings = JSON.parse(process.argv[2]);
// Lines written once per turn of the event loop, as `kubectl istream controller` writes them.
const lines = batchedLines((text) => process.stderr.write(text));
const controller = await startController({
  connection: connectCluster({ kubeconfig: settings.kubeconfig }, {}),
  namespace: settings.namespace,
  metricsBindAddress: `127.0.0.1:${settings.metricsPort}`,
  log: lines.log,
  admission: {
    bindAddress: `127.0.0.1:${settings.port}`,
    secret: settings.secret,
    hosts: ['127.0.0.1'],
    webhookConfigurations: [settings.configuration],
    bundlePropagationMs: 2_000,
  },
});
process.once('SIGTERM', () => void controller.stop());
await Promise.all([controller.leading, controller.admission.listening]);
process.stdout.write('ready\n');
await controller.done;
lines.flush();
