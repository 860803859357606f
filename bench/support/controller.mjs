// `kubectl istream controller` for one namespace as its own process (so its RSS is its own), for
// benchmarks that time what the controller does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves once the controller leads (it has logged that it reconciles); `extra` are more flags. */
export async function startControllerProcess(cluster, namespace, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'istream-bench-controller-'));
  const allowed = join(dir, 'allowed.json');
  // The harness registry listens on loopback, which imports refuse unless an operator allows it.
  writeFileSync(allowed, JSON.stringify([{ domainName: '127.0.0.1:*', insecure: true }]));
  const child = spawn(
    process.execPath,
    [
      join(root, 'packages/kubectl-istream/bin/kubectl-istream'),
      'controller',
      '--namespace',
      namespace,
      '--kubeconfig',
      cluster.kubeconfig,
      '--allowed-registries-file',
      allowed,
      ...(extra.includes('--metrics-bind-address') ? [] : ['--metrics-bind-address', '0']),
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + 60_000;
  while (!/reconciling workloads with triggers/.test(output)) {
    if (child.exitCode !== null) throw new Error(`controller exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`controller not running after 60 s:\n${output}`);
    await sleep(50);
  }
  return {
    log: () => output,
    /** Resident memory now and at its peak (VmRSS, VmHWM), in MiB. */
    memoryMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
      return { rss: field('VmRSS'), peak: field('VmHWM') };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
