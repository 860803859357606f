// What the cluster benchmarks share: kubectl that fails loudly, the API server's metrics, bounded
// parallel work, processes under test, quantiles, and writing a result
// section into BENCHMARKS.md.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function kubectlOk(cluster, argv, input) {
  const r = await cluster.kubectl(argv, { input });
  if (r.code !== 0) throw new Error(`kubectl ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every sample of one metric the API server exposes now, each with its labels. */
export async function apiserverMetric(cluster, name) {
  const text = await kubectlOk(cluster, ['get', '--raw', '/metrics']);
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map(([, labels, value]) => ({
    labels: Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])),
    value: Number(value),
  }));
}

/**
 * `promise`, or a rejection with `message()` once `ms` have passed. The timer goes with the race:
 * a deadline left running keeps a finished bench alive until it fires (up to 17 minutes after a
 * 10,000-Deployment round).
 */
export async function withDeadline(promise, ms, message) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
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

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ, 100 on Linux everywhere). */
const ticksPerSecond = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined once it is gone. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** The pids of this machine's processes whose command (/proc/PID/comm) is one of `names`, by name. */
export function pidsByCommand(names) {
  const found = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command;
    try {
      command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (names.includes(command)) (found[command] ??= []).push(Number(entry));
  }
  return found;
}

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

/** How often a starting process's log is read for its ready line. */
const readyPollMs = 50;

/**
 * A process under test (`argv` after `command`, Node by default): started now, `ready` once its
 * output (stdout and stderr) matches `readyWhen`, rejected if it exits first. Its memory is its own.
 * Its output goes to a file, as a container runtime keeps a pod's log: through a pipe read by this
 * process, which is busy timing it, a process logging a line per object would wait on every
 * full pipe buffer for this one to read (Node writes to pipes synchronously).
 */
export function benchProcess(argv, readyWhen, command = process.execPath) {
  const logDir = mkdtempSync(join(tmpdir(), 'istream-bench-'));
  const logFile = join(logDir, 'output.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(command, argv, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const output = () => readFileSync(logFile, 'utf8');
  const ready = new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (!readyWhen.test(output())) return;
      clearInterval(poll);
      resolve();
    }, readyPollMs);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`${argv.at(-1)} exited ${code}:\n${output()}`));
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    log: output,
    /** CPU seconds it has used so far. */
    cpuSeconds: () => cpuSecondsOf(child.pid),
    /** Resident memory now and at its peak (VmRSS, VmHWM), in MiB. */
    memoryMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
      return { rss: field('VmRSS'), peak: field('VmHWM') };
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
