// `kubectl istream controller` for one namespace as its own process (so its RSS is its own), for
// benchmarks that time what the controller does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchProcess, withDeadline } from './benchmarks.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The controller, spawned now; `ready` once it leads and reconciles. `flags` are more controller
 * flags, `nodeOptions` go to node itself (a heap cap, a CPU profile).
 */
export function controllerProcess(cluster, namespace, { flags = [], nodeOptions = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'istream-bench-controller-'));
  const allowed = join(dir, 'allowed.json');
  // The harness registry listens on loopback, which imports refuse unless an operator allows it.
  writeFileSync(allowed, JSON.stringify([{ domainName: '127.0.0.1:*', insecure: true }]));
  const controller = benchProcess(
    [
      ...nodeOptions,
      join(root, 'packages/kubectl-istream/bin/kubectl-istream'),
      'controller',
      '--namespace',
      namespace,
      '--kubeconfig',
      cluster.kubeconfig,
      '--allowed-registries-file',
      allowed,
      ...(flags.includes('--metrics-bind-address') ? [] : ['--metrics-bind-address', '0']),
      ...flags,
    ],
    /reconciling workloads with triggers/,
  );
  return {
    ...controller,
    stop: async () => {
      await controller.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the controller leads (it has logged that it reconciles); `flags` are more flags. */
export async function startControllerProcess(cluster, namespace, flags = []) {
  const controller = controllerProcess(cluster, namespace, { flags });
  try {
    await withDeadline(controller.ready, 60_000, () => `controller not running after 60 s:\n${controller.log()}`);
  } catch (error) {
    await controller.stop();
    throw error;
  }
  return controller;
}
