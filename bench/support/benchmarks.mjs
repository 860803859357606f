// What the cluster benchmarks share: kubectl that fails loudly, bounded parallel work, processes
// under test, quantiles, and writing a result
// section into BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function kubectlOk(cluster, argv, input) {
  const r = await cluster.kubectl(argv, { input });
  if (r.code !== 0) throw new Error(`kubectl ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Runs `work` on each item with at most `width` at once. */
export async function inParallel(items, width, work) {
  const todo = [...items];
  const worker = async () => {
    for (let item = todo.shift(); item !== undefined; item = todo.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** The q-quantile of ascending samples (nearest rank). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** Replaces (or appends) the `## HEADING` section of BENCHMARKS.md with `section`; returns the file. */
export function recordSection(heading, section) {
  const file = join(root, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  writeFileSync(
    file,
    pattern.test(text) ? text.replace(pattern, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`,
  );
  return file;
}

/**
 * The smallest Deployment that rolls (replicas 0: the template write is measured, not pod churn;
 * no old ReplicaSets kept, so 10,000 rolls leave no 10,000 ReplicaSets behind).
 */
export function benchDeployment(name, annotations, image = 'registry.bench/team/app:v') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 0,
      revisionHistoryLimit: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}

/**
 * A Node process under test (`argv` after the node binary): started now, `ready` once its output
 * (stdout and stderr) matches `readyWhen`, rejected if it exits first. Its memory is its own.
 */
export function benchProcess(argv, readyWhen) {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let becameReady;
  const ready = new Promise((resolve, reject) => {
    becameReady = resolve;
    child.once('exit', (code) => reject(new Error(`${argv.at(-1)} exited ${code}:\n${output}`)));
  });
  ready.catch(() => undefined);
  let waiting = true;
  // Matched until it is ready only: a process logging a line per request must not make this
  // process, often the one timing it, rescan a growing log on every line.
  const collect = (d) => {
    output += d;
    if (waiting && readyWhen.test(output)) {
      waiting = false;
      becameReady();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return {
    ready,
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
