// Pools the counted rounds of several `run.mjs --rounds-file` files: per size, each writer's p50 and
// p99 over every sample of every run, their ratios, how the single runs spread, and the CPU seconds
// each process used per round (the writer's own work against what the control plane did). One run's
// p99 at 100 or 1,000 Deployments is set by its two or three slowest rounds; pooled runs say what a
// single one cannot.
//
// Usage: node bench/trigger-latency/pool.mjs ROUNDS.json [ROUNDS.json ...]
import { readFileSync } from 'node:fs';

const { quantile } = await import(new URL('../support/benchmarks.mjs', import.meta.url).href);

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node bench/trigger-latency/pool.mjs ROUNDS.json [ROUNDS.json ...]\n');
  process.exit(2);
}
const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')).filter((round) => round.counted));
const sorted = (values) => [...values].sort((a, b) => a - b);
const samplesOf = (rounds) => sorted(rounds.flatMap((round) => Object.values(round.perDeploymentMs)));
const ms = (value) => `${value.toFixed(0)} ms`;

/** Mean CPU seconds per round of each process over the `rounds` that measured it ('round' or 'settle' phase). */
function cpuPerRound(rounds, phase) {
  const sums = {};
  const counts = {};
  for (const round of rounds)
    for (const [command, seconds] of Object.entries(round.cpuSeconds?.[phase] ?? {})) {
      sums[command] = (sums[command] ?? 0) + seconds;
      counts[command] = (counts[command] ?? 0) + 1;
    }
  return Object.entries(sums)
    .map(([command, seconds]) => `${command} ${(seconds / counts[command]).toFixed(3)}`)
    .join(', ');
}

for (const size of [...new Set(runs.flat().map((round) => round.size))].sort((a, b) => a - b)) {
  const of = (rounds, writer) => rounds.filter((round) => round.size === size && round.writer === writer);
  const controller = samplesOf(runs.flatMap((rounds) => of(rounds, 'controller')));
  const peer = samplesOf(runs.flatMap((rounds) => of(rounds, 'peer')));
  if (controller.length === 0 || peer.length === 0) continue;
  const perRun = runs
    .map((rounds) => [samplesOf(of(rounds, 'controller')), samplesOf(of(rounds, 'peer'))])
    .filter(([c, p]) => c.length > 0 && p.length > 0)
    .map(([c, p]) => quantile(c, 0.99) / quantile(p, 0.99));
  const p50 = [quantile(controller, 0.5), quantile(peer, 0.5)];
  const p99 = [quantile(controller, 0.99), quantile(peer, 0.99)];
  console.log(`${size} Deployments, ${perRun.length} runs, ${controller.length} + ${peer.length} samples`);
  console.log(`  p50 ${ms(p50[0])} / peer ${ms(p50[1])} = ${(p50[0] / p50[1]).toFixed(2)}`);
  console.log(`  p99 ${ms(p99[0])} / peer ${ms(p99[1])} = ${(p99[0] / p99[1]).toFixed(2)}`);
  console.log(
    `  single runs' p99 ratios: ${sorted(perRun)
      .map((r) => r.toFixed(2))
      .join(' ')}`,
  );
  for (const writer of ['controller', 'peer']) {
    const rounds = runs.flatMap((r) => of(r, writer));
    if (!rounds.some((round) => round.cpuSeconds)) continue;
    console.log(`  CPU s per round with the ${writer}: ${cpuPerRound(rounds, 'round')}`);
    console.log(`    and per settle time after it: ${cpuPerRound(rounds, 'settle')}`);
  }
}
