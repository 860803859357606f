// Start-up benchmark: the plugin's quick commands against kubectl's and skopeo's, interleaved
// round by round in one run so machine load hits every command alike.
// Usage: ISTREAM_SANDBOX_STATE=<state.json> node bench/startup/run.mjs [--runs 20] [--exe PATH] [--baseline DIR]
//   --exe adds a single executable (ship/executables.mjs) next to the bundled and unbundled CLI;
//   --baseline adds another build's bundle (a copy of dist/bundle) to compare in the same run.
// Needs `npm run build` (the bundle) and a sandbox (the registry ref for `digest` and skopeo, and
// the kubectl binary).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, exe: { type: 'string' }, baseline: { type: 'string' } },
});
const runs = Number(values.runs);

const statePath = process.env.ISTREAM_SANDBOX_STATE;
if (!statePath) {
  console.error('bench/startup: set ISTREAM_SANDBOX_STATE to a sandbox state file (npm run sandbox)');
  process.exit(2);
}
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const { host } = state.registries.plain;
const { repository, tag } = state.fixtures.plain.floating;
const ref = `${host}/${repository}:${tag}`;

const dir = mkdtempSync(join(tmpdir(), 'istream-bench-startup-'));
const manifest = join(dir, 'one-file.yaml');
writeFileSync(manifest, readFileSync(join(root, 'bench/startup/one-file.yaml')));

const plugin = join(root, 'packages/kubectl-istream');
const clis = {
  bundled: [process.execPath, join(plugin, 'dist/bundle/esm/kubectl-istream.mjs')],
  unbundled: [process.execPath, join(plugin, 'bin/kubectl-istream')],
  ...(values.exe ? { executable: [values.exe] } : {}),
  ...(values.baseline ? { baseline: [process.execPath, join(values.baseline, 'esm/kubectl-istream.mjs')] } : {}),
};
const cases = [
  ...Object.entries(clis).flatMap(([name, cli]) => [
    { name: `kubectl istream --help (${name})`, argv: [...cli, '--help'] },
    { name: `kubectl istream lint one-file.yaml (${name})`, argv: [...cli, 'lint', manifest] },
    { name: `kubectl istream digest REF (${name})`, argv: [...cli, 'digest', '--insecure', ref] },
  ]),
  // The floor for every Node-run row: Node starting and exiting with nothing to do.
  { name: 'node -e 0 (Node alone)', argv: [process.execPath, '-e', '0'] },
  { name: 'kubectl version --client', argv: [state.cluster.kubectlPath, 'version', '--client'] },
  { name: 'skopeo inspect --raw REF', argv: ['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${ref}`] },
];

// HOME without docker or kube config: every command starts from the same nothing.
const env = { PATH: process.env.PATH, HOME: dir };
const times = cases.map(() => []);
const loads = [];
for (let round = 0; round < runs; round++) {
  loads.push(loadavg()[0]);
  cases.forEach((c, i) => {
    const start = process.hrtime.bigint();
    const child = spawnSync(c.argv[0], c.argv.slice(1), { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`${c.name} exited ${child.status}: ${child.stderr}`);
    times[i].push(ms);
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
console.log(
  `${runs} runs each, interleaved; ${cpus().length} CPUs, Node ${process.version}, load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; REF=${ref}\n`,
);
console.log('| command | median (ms) | p90 (ms) |');
console.log('| --- | ---: | ---: |');
cases.forEach((c, i) => {
  const sorted = [...times[i]].sort((a, b) => a - b);
  console.log(`| ${c.name} | ${quantile(sorted, 0.5).toFixed(0)} | ${quantile(sorted, 0.9).toFixed(0)} |`);
});
