// Editor start-up and typing, measured on the extension's bundles as VS Code loads them:
// - bundle sizes (extension.cjs, language-worker.cjs, and the lazily loaded chunks if any);
// - require of extension.cjs in a fresh process (what VS Code pays on activation), `vscode` stubbed;
// - a new language worker to its first validation (what the first squiggle waits for);
// - keystroke to diagnostics on a 5,000-line file through the worker: one character typed, then
//   validate, 200 times at two spots, each edit in every bundle's worker in turn.
// Usage (after `corepack pnpm --filter vscode-istream run bundle`):
//   node bench/editor/run.mjs [--bundle DIR]... [--rounds 5]
// DIR defaults to packages/vscode-istream/out; give two to compare (e.g. an older build's out/).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { manifest } from '../lint/manifest.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const bundles = args.flatMap((a, i) => (a === '--bundle' ? [resolve(args[i + 1])] : []));
if (bundles.length === 0) bundles.push(join(root, 'packages/vscode-istream/out'));
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 5;
const paused = readFileSync(join(root, 'packages/core/test/fixtures/manifests/paused-string.yaml'), 'utf8');
const settings = {
  clusterEnabled: true,
  clusterContext: undefined,
  insecureRegistryHosts: [],
  hoverCacheTtlSeconds: 60,
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** A worker speaking the extension's protocol (src/worker-protocol.ts), without its client. */
function startWorker(script) {
  const worker = new Worker(script, { workerData: { settings, workspaceFolders: [] } });
  let next = 1;
  const pending = new Map();
  worker.on('message', (m) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  return {
    validate: (text) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, (m) => (m.ok ? resolve(m.value) : reject(new Error(m.error))));
        worker.postMessage({ kind: 'call', id, method: 'validate', args: [text] });
      }),
    stop: () => worker.terminate(),
  };
}

function requireMs(file) {
  const probe =
    `const M=require('node:module');const l=M._load;M._load=function(r,...a){return r==='vscode'?{}:l.call(this,r,...a)};` +
    `const t=performance.now();require(${JSON.stringify(file)});console.log(performance.now()-t)`;
  return Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim());
}

async function firstValidationMs(script) {
  const started = performance.now();
  const worker = startWorker(script);
  await worker.validate(paused);
  const ms = performance.now() - started;
  await worker.stop();
  return ms;
}

/** 5,000 lines: the lint benchmark's mix of Deployments (with triggers), Services and ConfigMaps. */
const big = (() => {
  const all = manifest(400, 'mix').split('\n');
  return (
    all
      .slice(
        0,
        all.findIndex((_, i) => i >= 5000 && all[i] === '---'),
      )
      .join('\n') + '\n'
  );
})();

/**
 * One character typed, then validate, at two spots; edit by edit in every bundle's worker in turn,
 * so that the machine's load falls on all bundles alike. Returns each bundle's times.
 */
async function keystrokes(scripts) {
  const workers = scripts.map(startWorker);
  await Promise.all(workers.map((w) => w.validate(big)));
  const spots = [big.indexOf('app-3"'), big.lastIndexOf('app-')];
  const times = scripts.map(() => []);
  let text = big;
  for (let i = 0; i < 200; i++) {
    const at = spots[i < 100 ? 0 : 1] + (i % 100);
    text = `${text.slice(0, at)}x${text.slice(at)}`;
    for (const [b, worker] of workers.entries()) {
      const started = performance.now();
      await worker.validate(text);
      times[b].push(performance.now() - started);
    }
  }
  await Promise.all(workers.map((w) => w.stop()));
  return times;
}

const results = bundles.map((dir) => ({
  dir,
  sizes: Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.cjs'))
      .map((f) => [f, statSync(join(dir, f)).size]),
  ),
  require: [],
  first: [],
  keys: [],
}));
for (let r = 0; r < rounds; r++) {
  for (const res of results) {
    res.require.push(requireMs(join(res.dir, 'extension.cjs')));
    res.first.push(await firstValidationMs(join(res.dir, 'language-worker.cjs')));
  }
}
const keyTimes = await keystrokes(results.map((res) => join(res.dir, 'language-worker.cjs')));
for (const [b, res] of results.entries()) res.keys = keyTimes[b];

console.log(
  `5,000-line file: ${big.split('\n').length - 1} lines, ${(big.length / 1024).toFixed(0)} KB; ${rounds} rounds; load average ${(
    await import('node:os')
  )
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const res of results) {
  console.log(`\n${res.dir}`);
  for (const [file, size] of Object.entries(res.sizes)) console.log(`  ${file}: ${size} bytes`);
  console.log(`  require extension.cjs: median ${median(res.require).toFixed(0)} ms`);
  console.log(`  new worker to first validation: median ${median(res.first).toFixed(0)} ms`);
  console.log(
    `  keystroke to diagnostics (5,000 lines, 200 edits): p50 ${pct(res.keys, 0.5).toFixed(1)} ms, p99 ${pct(res.keys, 0.99).toFixed(1)} ms`,
  );
}
