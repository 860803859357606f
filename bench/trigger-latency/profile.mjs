// Where a writer's CPU went during the counted rounds of one `run.mjs` run: the samples of its V8
// CPU profiles (`--controller-cpu-prof DIR`, `--peer-cpu-prof DIR`) that fall inside the rounds'
// `monotonicUs` windows of the `--rounds-file`, in milliseconds per round. Self time says which
// function burns the CPU; inclusive time (each function once per sample, whatever its depth) says
// which piece of work it belongs to. The settle time between rounds is left out.
//
// Usage: node bench/trigger-latency/profile.mjs ROUNDS.json controller|peer PROFILE_DIR [TOP]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [roundsFile, writer, profileDir, topArg = '40'] = process.argv.slice(2);
if (!roundsFile || !['controller', 'peer'].includes(writer) || !profileDir) {
  process.stderr.write('usage: node bench/trigger-latency/profile.mjs ROUNDS.json controller|peer PROFILE_DIR [TOP]\n');
  process.exit(2);
}
const rounds = JSON.parse(readFileSync(roundsFile, 'utf8')).filter((r) => r.writer === writer && r.counted);
const windows = rounds.map((r) => [r.monotonicUs.start, r.monotonicUs.end]);
const inRound = (us) => windows.some(([start, end]) => us >= start && us <= end);

const self = new Map();
const inclusive = new Map();
const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;

for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // A sample stands for the time until the next one; timestamps are CLOCK_MONOTONIC microseconds.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!inRound(at)) return;
    add(self, frameName(nodes.get(id).callFrame), us);
    const seen = new Set();
    for (let node = id; node !== undefined; node = parentOf.get(node)) {
      const name = frameName(nodes.get(node).callFrame);
      if (name.startsWith('(root)') || seen.has(name)) continue;
      seen.add(name);
      add(inclusive, name, us);
    }
  });
}

const perRound = (us) => (us / 1000 / rounds.length).toFixed(2).padStart(8);
const top = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(topArg))
    .map(([name, us]) => `${perRound(us)}  ${name}`)
    .join('\n');
console.log(`${writer}: ${rounds.length} counted rounds; ms per round`);
console.log(`self:\n${top(self)}`);
console.log(`inclusive:\n${top(inclusive)}`);
