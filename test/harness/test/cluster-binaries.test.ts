// Two test processes starting at once must not both build, nor see a half-written artifact.
// The cached binaries are hard-linked into a scratch cache; only the cheap kwok stages are missing.
import assert from 'node:assert/strict';
import { link, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { ensureKubeBinaries } from '../src/cluster/index.js';

test('concurrent ensureKubeBinaries calls build a missing artifact once and both get it whole', async () => {
  const cached = await ensureKubeBinaries({ log: () => {} });
  const scratch = await mkdtemp(join(tmpdir(), 'istream-kube-cache-'));
  try {
    const binaries = [cached.etcd, cached.kubeApiserver, cached.kubeControllerManager, cached.kubeScheduler, cached.kubectl, cached.kwok];
    await Promise.all(binaries.map((bin) => link(bin, join(scratch, basename(bin)))));

    const lines: string[] = [];
    const [first, second] = await Promise.all([1, 2].map(() => ensureKubeBinaries({ log: (l) => lines.push(l), cacheDir: scratch })));

    assert.equal(lines.filter((l) => l.startsWith('building ')).length, 1, lines.join('\n'));
    const expected = await readFile(cached.kwokStages, 'utf8');
    assert.equal(await readFile(first!.kwokStages, 'utf8'), expected);
    assert.equal(await readFile(second!.kwokStages, 'utf8'), expected);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
