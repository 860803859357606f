// The controller image as `npm run image` builds it, and the parts of its OCI layout tests read.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defer } from '@istream/test-harness';
import { REAL_NODE_KEY } from '@istream/test-harness/cluster/index';
import { cli, type Cluster, getJson, waitFor } from '../controller/support.js';

export const packageDir = fileURLToPath(new URL('../../../', import.meta.url));
const imageScript = join(packageDir, 'ship/image.mjs');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config: { User?: string; Entrypoint?: string[]; Cmd?: string[]; Env?: string[] };
  rootfs: { diff_ids: string[] };
}

/** Runs the image script into `out`; returns the index digest it prints. */
export function buildImageLayout(out: string): string {
  return execFileSync(process.execPath, [imageScript, '--out', out], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * Builds the controller image (reusing ~/.cache/istream/ship) and pushes it to `ref` over plain
 * HTTP. The OCI layout, about 100 MB, goes in a folder removed when `t` ends. Returns the
 * `REF@DIGEST` the script prints and its log.
 */
export async function pushControllerImage(
  t: Parameters<typeof defer>[0],
  ref: string,
): Promise<{ pushed: string; log: string }> {
  const out = mkdtempSync(join(tmpdir(), 'istream-image-'));
  defer(t, () => rmSync(out, { recursive: true, force: true }));
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [
    imageScript,
    '--out',
    out,
    '--push',
    ref,
    '--plain-http',
  ]);
  return { pushed: stdout.trim(), log: stderr };
}

/**
 * Installs the controller `image` in `installNs`, acting in `watchNs` only (so it leaves other
 * tests' streams alone), with both replicas on the real node (its label and taint) and no
 * admission webhook (that one is cluster-wide); uninstalls when `t` ends. Returns the two pods once
 * both are Ready, having checked they run on `node`, not on a kwok node.
 */
export async function installOnRealNode(
  t: Parameters<typeof defer>[0],
  cluster: Cluster,
  options: { image: string; installNs: string; watchNs: string; node: string; flags?: string[] },
): Promise<ControllerPod[]> {
  const kube = ['--kubeconfig', cluster.kubeconfig];
  defer(t, () => cli(['uninstall', '--install-namespace', options.installNs, ...kube]));
  await cli([
    'install',
    '--image',
    options.image,
    '--admission=none',
    '--install-namespace',
    options.installNs,
    '--watch-namespace',
    options.watchNs,
    '--node-selector',
    `${REAL_NODE_KEY}=true`,
    '--toleration',
    `${REAL_NODE_KEY}:NoSchedule`,
    ...(options.flags ?? []),
    ...kube,
  ]);
  const pods = await twoReadyPods(cluster, options.installNs, 180_000);
  assert.deepEqual(
    pods.map((p) => p.spec.nodeName),
    [options.node, options.node],
    'both replicas run on the real node, not on a kwok node',
  );
  return pods;
}

export interface ControllerPod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{ state?: Record<string, { reason?: string; message?: string }> }>;
  };
}

/** Where a pod is and why it is not ready, for a timeout's message. */
export function podSummary(pod: ControllerPod): string {
  const state = pod.status.containerStatuses?.[0]?.state ?? {};
  const detail = Object.entries(state).map(([k, v]) => `${k} ${v.reason ?? ''} ${v.message ?? ''}`.trim());
  return `${pod.metadata.name} on ${pod.spec.nodeName ?? '(unscheduled)'}: ${pod.status.phase ?? ''} ${detail.join(', ')}`;
}

/** The controller's pods that are not going away, once there are two and both are Ready. */
export async function twoReadyPods(cluster: Cluster, ns: string, timeoutMs: number): Promise<ControllerPod[]> {
  return waitFor(
    'two Ready controller pods',
    async () => {
      const pods = (await getJson<{ items: ControllerPod[] }>(cluster, ns, 'pods')).items.filter(
        (p) => !p.metadata.deletionTimestamp,
      );
      const ready = pods.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (pods.length === 2 && ready.length === 2) return pods;
      throw new Error(pods.map(podSummary).join('; ') || 'no pods');
    },
    timeoutMs,
  );
}

export class OciLayout {
  constructor(readonly dir: string) {}

  blobPath(digest: string): string {
    return join(this.dir, 'blobs/sha256', digest.replace(/^sha256:/, ''));
  }

  json<T>(digest: string): T {
    return JSON.parse(readFileSync(this.blobPath(digest), 'utf8')) as T;
  }

  /** The image index the layout's index.json names. */
  index(): { digest: string; manifests: Descriptor[] } {
    const top = JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const { digest } = top.manifests[0]!;
    return { digest, manifests: this.json<{ manifests: Descriptor[] }>(digest).manifests };
  }

  /** One platform's manifest: its config and layers (the gzip blobs, bottom first). */
  image(architecture: string): { config: ImageConfig; layers: string[] } {
    const entry = this.index().manifests.find((m) => m.platform?.architecture === architecture);
    if (!entry) throw new Error(`no ${architecture} image in ${this.dir}`);
    const manifest = this.json<{ config: Descriptor; layers: Descriptor[] }>(entry.digest);
    return {
      config: this.json<ImageConfig>(manifest.config.digest),
      layers: manifest.layers.map((l) => this.blobPath(l.digest)),
    };
  }
}

/** krew (sigs.k8s.io/krew; v0.4.3 is the newest the Go module proxy serves) and its manifest validator. */
export const KREW_VERSION = 'v0.4.3';

/** Builds krew and validate-krew-manifest from the Go module proxy once; returns their directory. */
export function ensureKrew(): string {
  const dir = join(homedir(), '.cache/istream', `krew-${KREW_VERSION}`);
  if (!existsSync(join(dir, 'krew')) || !existsSync(join(dir, 'validate-krew-manifest'))) {
    execFileSync(
      'go',
      [
        'install',
        `sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}`,
        `sigs.k8s.io/krew/cmd/validate-krew-manifest@${KREW_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: dir },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return dir;
}
