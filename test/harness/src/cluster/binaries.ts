// Builds the control-plane binaries from their Go modules once per version and caches them under
// the user's cache dir. Two test processes may call this at the same time: one builds under a lock
// file, the other waits; every binary is written to a temp name and renamed, so a reader never sees
// half a file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { istreamCacheDir } from '../cache-dir.js';
import { withLockFile } from '../lock-file.js';
import { type Log, formatElapsed } from './log.js';

export const KUBE_VERSION = 'v1.36.3';

export interface KubeBinaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  /** The real node's agent (startNode); the control plane does not need it. */
  kubelet: string;
  /** Implements the cluster's Services on the real node (startNode). */
  kubeProxy: string;
  kwok: string;
  /** kwok's default node and pod stages (kwok v0.8 ships them as YAML, not inside the binary). */
  kwokStages: string;
}

/**
 * Kubernetes' own build stamps its version with -X; without it the binaries say
 * v0.0.0-master and kubectl warns about version skew. Link-time only: compiled packages stay cached.
 */
function kubeVersionStamp(): string {
  const [major, minor] = KUBE_VERSION.slice(1).split('.');
  const vars = { gitVersion: KUBE_VERSION, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' };
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .flatMap((pkg) => Object.entries(vars).map(([name, value]) => `-X ${pkg}.${name}=${value}`))
    .join(' ');
}

export function kubeCacheDir(): string {
  return istreamCacheDir(`kube-${KUBE_VERSION}`);
}

function binariesIn(dir: string): KubeBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    kubectl: join(dir, 'kubectl'),
    kubelet: join(dir, 'kubelet'),
    kubeProxy: join(dir, 'kube-proxy'),
    kwok: join(dir, 'kwok'),
    kwokStages: join(dir, 'kwok-stages.yaml'),
  };
}

function artifactFiles(bins: KubeBinaries): string[] {
  return Object.entries(bins)
    .filter(([key]) => key !== 'dir')
    .map(([, path]) => path);
}

/** Each Go binary of the control plane and the package in `test/cluster/build` that `go build` makes it from. */
const goPackages: Record<string, string> = {
  etcd: './etcd',
  'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
  'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
  'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
  kubectl: 'k8s.io/kubernetes/cmd/kubectl',
  kubelet: 'k8s.io/kubernetes/cmd/kubelet',
  'kube-proxy': 'k8s.io/kubernetes/cmd/kube-proxy',
  kwok: 'sigs.k8s.io/kwok/cmd/kwok',
};

const buildModule = fileURLToPath(new URL('../../../../cluster/build/', import.meta.url));

/**
 * One `go build` for every missing binary: Go then schedules all their packages on every core and
 * links one binary while it compiles the next. The compiler's DWARF is skipped because `-w` drops
 * it at link time anyway.
 */
async function buildGoBinaries(packages: string[], outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await go(
    [
      'build',
      '-trimpath',
      '-gcflags=all=-dwarf=false',
      `-ldflags=-s -w ${kubeVersionStamp()}`,
      '-o',
      `${outDir}/`,
      ...packages,
    ],
    buildModule,
  );
}

// The stages kwokctl configures for its binary runtime: nodes become Ready and keep heartbeating,
// pods become Running/Ready, finish when their containers would, and are removed on deletion.
const kwokStageFiles = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat/node-heartbeat.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/** kwok's version is the one `test/cluster/build/go.mod` requires. */
async function writeKwokStages(out: string): Promise<void> {
  const json = await runGo(['mod', 'download', '-json', 'sigs.k8s.io/kwok'], buildModule);
  const moduleDir = (JSON.parse(json) as { Dir: string }).Dir;
  const docs = await Promise.all(kwokStageFiles.map((f) => readFile(join(moduleDir, f), 'utf8')));
  await writeFile(out, docs.map((d) => d.trim()).join('\n---\n') + '\n');
}

// The official Go tarball installs to /usr/local/go/bin, which a non-login shell (CI) may not
// have on PATH; Go on PATH wins.
const goBinary = (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'go')))
  ? 'go'
  : existsSync('/usr/local/go/bin/go')
    ? '/usr/local/go/bin/go'
    : 'go';

function go(args: string[], cwd: string): Promise<void> {
  return runGo(args, cwd).then(() => undefined);
}

/** Runs the machine's Go in `cwd`; resolves with its stdout, rejects with its stderr's end. */
export function runGo(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(goBinary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => reject(new Error(`cannot run go (is Go >= 1.26 on PATH?): ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`go ${args.join(' ')} (in ${cwd}) exited ${code}:\n${stderr.slice(-4000)}`));
    });
  });
}

const progressEveryMs = 30_000;

/**
 * Returns the paths of etcd, the Kubernetes control plane, kubectl and kwok, building the missing
 * ones first (a cold build takes many minutes; progress goes to `log`).
 */
export async function ensureKubeBinaries({
  log,
  cacheDir = kubeCacheDir(),
}: {
  log: Log;
  cacheDir?: string;
}): Promise<KubeBinaries> {
  const dir = cacheDir;
  const bins = binariesIn(dir);
  if (artifactFiles(bins).every((f) => existsSync(f))) return bins;

  await mkdir(dir, { recursive: true });
  await withLockFile(
    join(dir, '.build.lock'),
    (owner) => log(`waiting for ${owner}, which is building the Kubernetes binaries in ${dir}`),
    async () => {
      const missing = Object.entries(goPackages).filter(([name]) => !existsSync(join(dir, name)));
      if (missing.length > 0) {
        const names = missing.map(([name]) => name);
        // Built beside the cache and renamed in, so a reader never sees half a binary.
        const staging = join(dir, `.build-${process.pid}`);
        const started = Date.now();
        log(`building ${names.join(', ')} into ${dir} (one go build; a cold one takes many minutes)`);
        const ticker = setInterval(
          () => log(`  still building: ${formatElapsed(Date.now() - started)}`),
          progressEveryMs,
        );
        try {
          await buildGoBinaries(
            missing.map(([, pkg]) => pkg),
            staging,
          );
          for (const name of names) await rename(join(staging, name), join(dir, name));
        } finally {
          clearInterval(ticker);
          await rm(staging, { recursive: true, force: true });
        }
        const elapsed = Date.now() - started;
        log(`built ${names.join(', ')} in ${formatElapsed(elapsed)}`);
        await recordTimings(dir, { [`go build ${names.join(' ')}`]: elapsed });
      }
      if (!existsSync(bins.kwokStages)) {
        log(`building ${basename(bins.kwokStages)}`);
        const temp = `${bins.kwokStages}.tmp-${process.pid}`;
        try {
          await writeKwokStages(temp);
          await rename(temp, bins.kwokStages);
        } finally {
          await rm(temp, { force: true });
        }
      }
    },
  );
  return bins;
}

/** Keeps the build times of this machine next to the binaries, for the README's figures. */
async function recordTimings(dir: string, timings: Record<string, number>): Promise<void> {
  const path = join(dir, 'build-times.json');
  const previous = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const seconds = Object.fromEntries(Object.entries(timings).map(([k, ms]) => [k, Math.round(ms / 1000)]));
  await writeFile(path, JSON.stringify({ ...previous, ...seconds }, null, 2) + '\n');
}
