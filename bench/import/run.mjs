// bench/import (issue 3): `kubectl istream import-image --all` against `skopeo inspect`, run
// sequentially and 8-parallel, for the same 200 tags of the same real registry, in one run.
// Prints the Markdown for the "Import" section of BENCHMARKS.md.
//
//   corepack pnpm exec tsc -b && node bench/import/run.mjs [plain] [tls-basic]   (default: both)
//
// Wall times are measured straight against the registry; the request counts come from one
// extra pass through a counting proxy (a pass-through adds latency, so it is not timed), once
// per tool: sequential and parallel skopeo send the same requests.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { prioritizeTags } from '../../packages/core/dist/src/imagestream/index.js';
import { sharedCluster } from '../../test/harness/dist/src/cluster/index.js';
import { pushFixtures, startRegistry } from '../../test/harness/dist/src/registry/index.js';
import { startCountingProxy } from './counting-proxy.mjs';

const ROUNDS = 3;
const MAX_TAGS = 200;
const PARALLEL = 8;
const MODES = process.argv.length > 2 ? process.argv.slice(2) : ['plain', 'tls-basic'];
const PLUGIN_DIR = fileURLToPath(new URL('../../packages/kubectl-istream/bin', import.meta.url));

const execFileAsync = promisify(execFile);

/**
 * Runs a command with no stdin (a child that exits early cannot fail the run with EPIPE); a
 * non-zero exit is an error carrying its stderr but not its arguments (skopeo's hold a password).
 */
async function checked(command, args, env) {
  try {
    return (await execFileAsync(command, args, { env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    throw new Error(`${command} ${args[0]} exited ${error.code}: ${String(error.stderr ?? error.message).trim()}`);
  }
}

async function timed(work) {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `work` on every item, at most `width` at a time, and returns the results in item order. */
async function mapPool(items, width, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/** The registry, the fixtures in it, and a namespace whose pull secrets reach it (directly and through the counting proxy). */
async function prepareTarget(cluster, mode) {
  const registry = await startRegistry({ mode });
  const fixtures = await pushFixtures(registry);
  const proxy = await startCountingProxy(registry);
  const namespace = await cluster.createNamespace(`bench-import-${mode}`);
  const home = await mkdtemp(join(os.tmpdir(), 'bench-import-home-'));
  if (registry.username) {
    for (const [name, host] of [
      ['direct', registry.host],
      ['counted', proxy.host],
    ]) {
      await checked(cluster.kubectlPath, [
        '--kubeconfig',
        cluster.kubeconfig,
        '-n',
        namespace,
        'create',
        'secret',
        'docker-registry',
        name,
        `--docker-server=${host}`,
        `--docker-username=${registry.username}`,
        `--docker-password=${registry.password}`,
      ]);
    }
  }
  return { cluster, registry, fixtures, proxy, namespace, env: pluginEnv(home) };
}

/** An environment where `kubectl istream` is this checkout's plugin and no user's registry login leaks in. */
function pluginEnv(home) {
  return { PATH: `${PLUGIN_DIR}:${process.env.PATH}`, HOME: home };
}

/** The ImageStream CRD that plain Kubernetes needs before any import. */
async function installIstream(cluster) {
  const home = await mkdtemp(join(os.tmpdir(), 'bench-import-home-'));
  await checked(cluster.kubectlPath, ['istream', 'install', '--kubeconfig', cluster.kubeconfig], pluginEnv(home));
}

function istreamArgs(target, host, stream, extra) {
  return [
    'istream',
    'import-image',
    stream,
    '--from',
    `${host}/${target.fixtures.manyTags.repository}`,
    '--all',
    '--confirm',
    `--max-tags=${MAX_TAGS}`,
    '--insecure',
    ...extra,
    '--kubeconfig',
    target.cluster.kubeconfig,
    '-n',
    target.namespace,
  ];
}

function importWithIstream(target, host, stream, extra = []) {
  return checked(target.cluster.kubectlPath, istreamArgs(target, host, stream, extra), target.env);
}

function skopeoArgs(target, host, tag) {
  const { registry, fixtures } = target;
  return [
    'inspect',
    '--tls-verify=false',
    ...(registry.username ? ['--creds', `${registry.username}:${registry.password}`] : []),
    '--format',
    '{{.Digest}}',
    `docker://${host}/${fixtures.manyTags.repository}:${tag}`,
  ];
}

/** Every tag's digest as skopeo reports it, `width` skopeo processes at a time. */
async function inspectWithSkopeo(target, host, tags, width) {
  const digests = await mapPool(tags, width, async (tag) =>
    (await checked('skopeo', skopeoArgs(target, host, tag), target.env)).trim(),
  );
  return new Map(tags.map((tag, i) => [tag, digests[i]]));
}

/** The tag -> digest map the stream's status holds after an import. */
async function importedDigests(target, stream) {
  const json = await checked(target.cluster.kubectlPath, [
    '--kubeconfig',
    target.cluster.kubeconfig,
    '-n',
    target.namespace,
    'get',
    'imagestreams.image.openshift.io',
    stream,
    '-o',
    'json',
  ]);
  return new Map((JSON.parse(json).status?.tags ?? []).map((t) => [t.tag, t.items?.[0]?.image]));
}

/** Fails the benchmark when a tool got a digest wrong or imported other tags than the ones compared. */
function assertDigests(what, actual, tags, expected) {
  const wrong = tags.filter((tag) => actual.get(tag) !== expected.get(tag));
  if (actual.size !== tags.length || wrong.length > 0) {
    throw new Error(`${what}: ${actual.size} tags, ${wrong.length} with a wrong digest (first: ${wrong[0]})`);
  }
}

/** The four measured runs: the stream name is fresh per call, so every import creates its stream. */
function measuredRuns(target, tags, expected) {
  let streams = 0;
  const stream = (prefix) => `${prefix}-${++streams}`;
  return [
    {
      tool: 'istream',
      name: '`kubectl istream import-image --all`',
      run: async (host) => {
        const name = stream('bench');
        await importWithIstream(target, host, name);
        return () => importedDigests(target, name).then((d) => assertDigests('istream', d, tags, expected));
      },
    },
    {
      tool: 'istream --dry-run',
      name: '`kubectl istream import-image --all --dry-run`',
      run: async (host) => {
        await importWithIstream(target, host, stream('dry'), ['--dry-run']);
      },
    },
    {
      tool: 'skopeo',
      name: '`skopeo inspect`, sequential',
      run: async (host) => {
        assertDigests('skopeo', await inspectWithSkopeo(target, host, tags, 1), tags, expected);
      },
    },
    {
      tool: 'skopeo',
      name: `\`skopeo inspect\`, ${PARALLEL}-parallel`,
      run: async (host) => {
        assertDigests('skopeo', await inspectWithSkopeo(target, host, tags, PARALLEL), tags, expected);
      },
    },
  ];
}

/** Request counts of each tool, from one pass through the counting proxy (which also warms everything up). */
async function countRequests(target, runs) {
  const counts = new Map();
  for (const { tool, run } of runs) {
    if (counts.has(tool)) continue;
    target.proxy.take();
    const verify = await run(target.proxy.host);
    counts.set(tool, target.proxy.take());
    await verify?.();
  }
  return counts;
}

/** Median wall time of each run over ROUNDS rounds, the runs interleaved so load drifts hit all alike. */
async function timeRuns(target, runs) {
  const samples = runs.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { name, run }] of runs.entries()) {
      let verify;
      samples[i].push(
        await timed(async () => {
          verify = await run(target.registry.host);
        }),
      );
      process.stderr.write(
        `${target.registry.mode} round ${round + 1}: ${name} ${(samples[i].at(-1) / 1000).toFixed(2)} s\n`,
      );
      await verify?.();
    }
  }
  return samples.map((s) => ({ median: median(s), samples: s }));
}

async function benchmarkMode(cluster, mode) {
  const target = await prepareTarget(cluster, mode);
  try {
    const { manyTags } = target.fixtures;
    const tags = prioritizeTags(manyTags.tags).slice(0, MAX_TAGS);
    const expected = new Map(manyTags.images.map((image) => [image.tag, image.digest]));
    const runs = measuredRuns(target, tags, expected);
    const counts = await countRequests(target, runs);
    const times = await timeRuns(target, runs);
    return runs.map(({ tool, name }, i) => ({ mode, name, tags: tags.length, counts: counts.get(tool), ...times[i] }));
  } finally {
    await target.proxy.close();
    await target.registry.stop();
  }
}

function perTag(counts, key, tags) {
  return ((counts[key] ?? 0) / tags).toFixed(2);
}

function otherRequests(counts) {
  return (
    Object.entries(counts)
      .filter(([key]) => !['HEAD manifest', 'GET manifest', 'GET blob'].includes(key))
      .map(([key, n]) => `${n} ${key}`)
      .join(', ') || '-'
  );
}

function table(rows) {
  const seconds = (ms) => (ms / 1000).toFixed(2);
  const lines = [
    '| Registry | Run | Wall time, median (s) | Rounds (s) | Time / istream import | HEAD manifest / tag | GET manifest / tag | GET blob / tag | Other requests (whole run) |',
    '|---|---|---:|---|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const istream = rows.find((r) => r.mode === row.mode).median;
    lines.push(
      `| ${row.mode} | ${row.name} | ${seconds(row.median)} | ${row.samples.map(seconds).join(', ')} | ${(row.median / istream).toFixed(1)}x ` +
        `| ${perTag(row.counts, 'HEAD manifest', row.tags)} | ${perTag(row.counts, 'GET manifest', row.tags)} | ${perTag(row.counts, 'GET blob', row.tags)} ` +
        `| ${otherRequests(row.counts)} |`,
    );
  }
  return lines.join('\n');
}

function machine(loadAtStart) {
  const version = (command) => execFileSync(command, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
  return (
    `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}, ` +
    `Node ${process.version}, ${version('skopeo')}, ${new Date().toISOString().slice(0, 16)}Z`
  );
}

async function main() {
  const loadAtStart = os.loadavg();
  const cluster = await sharedCluster();
  await installIstream(cluster);
  const rows = [];
  for (const mode of MODES) rows.push(...(await benchmarkMode(cluster, mode)));
  console.log(`Machine: ${machine(loadAtStart)}\n\n${table(rows)}`);
}

await main();
