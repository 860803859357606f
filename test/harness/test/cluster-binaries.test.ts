// Two test processes starting at once must not both build, nor see a half-written artifact, and a
// builder that died must not block the next one. The cached binaries are hard-linked into a
// scratch cache in which only the cheap kwok stages are missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { link, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { type KubeBinaries, ensureKubeBinaries } from '../src/cluster/index.js';

async function withScratchCache(body: (scratch: string, cached: KubeBinaries) => Promise<void>): Promise<void> {
  const cached = await ensureKubeBinaries({ log: () => {} });
  const scratch = await mkdtemp(join(tmpdir(), 'istream-kube-cache-'));
  try {
    const binaries = [
      cached.etcd,
      cached.kubeApiserver,
      cached.kubeControllerManager,
      cached.kubeScheduler,
      cached.kubectl,
      cached.kubelet,
      cached.kubeProxy,
      cached.kwok,
    ];
    await Promise.all(binaries.map((bin) => link(bin, join(scratch, basename(bin)))));
    await body(scratch, cached);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('concurrent ensureKubeBinaries calls build a missing artifact once and both get it whole', async () => {
  await withScratchCache(async (scratch, cached) => {
    const lines: string[] = [];
    const [first, second] = await Promise.all(
      [1, 2].map(() => ensureKubeBinaries({ log: (l) => lines.push(l), cacheDir: scratch })),
    );

    assert.equal(lines.filter((l) => l.startsWith('building ')).length, 1, lines.join('\n'));
    const expected = await readFile(cached.kwokStages, 'utf8');
    assert.equal(await readFile(first!.kwokStages, 'utf8'), expected);
    assert.equal(await readFile(second!.kwokStages, 'utf8'), expected);
  });
});

test('a lock left by a builder that died is taken over', async () => {
  await withScratchCache(async (scratch, cached) => {
    const dead = spawnSync('true').pid;
    assert.ok(dead);
    await writeFile(join(scratch, '.build.lock'), String(dead));

    // Without the takeover this would wait for the dead pid forever.
    const bins = await within(30_000, ensureKubeBinaries({ log: () => {}, cacheDir: scratch }));
    assert.equal(await readFile(bins.kwokStages, 'utf8'), await readFile(cached.kwokStages, 'utf8'));
  });
});
