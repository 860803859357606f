// Lint benchmark: our language service against yaml-language-server on the same 5,000-document
// manifest in one run, and our per-keystroke latency on a 300-line file.
// Usage (after the build): node bench/lint/run.mjs [--documents 5000] [--rounds 3]
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { createLanguageService } from '../../packages/core/dist/src/language/index.js';
import { manifest } from './manifest.mjs';
import { startYamlLanguageServer } from './yaml-language-server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const documents = arg('documents', 5000);
const rounds = arg('rounds', 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

function ours(text) {
  // A fresh service each time: nothing of an earlier parse is reused. No size cap, so every
  // document is checked as yaml-language-server checks every one.
  const start = performance.now();
  const diagnostics = createLanguageService({ maxCheckedSize: Infinity }).validate(text);
  return { ms: performance.now() - start, diagnostics };
}

const server = await startYamlLanguageServer();
const results = [];
for (const shape of ['mix', 'triggers']) {
  const text = manifest(documents, shape);
  const lines = text.split('\n').length;
  const our = [];
  const theirs = [];
  let ourCount = 0;
  let theirCount = 0;
  for (let r = 0; r < rounds; r++) {
    // Interleaved, so both see the same load on a shared machine.
    const a = ours(text);
    our.push(a.ms);
    ourCount = a.diagnostics.length;
    const b = await server.validate(`file:///bench/${shape}-${r}.yaml`, text);
    theirs.push(b.ms);
    theirCount = b.diagnostics.length;
  }
  results.push({
    shape,
    documents,
    lines,
    bytes: Buffer.byteLength(text),
    ourMs: median(our),
    yamlLsMs: median(theirs),
    ratio: median(theirs) / median(our),
    ourDiagnostics: ourCount,
    yamlLsDiagnostics: theirCount,
  });
}
await server.stop();

// Per keystroke: a 300-line file (11 triggered Deployments) typed into: each keystroke adds one
// character after the previous one, moving to another spot every 20 keystrokes, and the editor
// validates the new text after each.
const small = manifest(11, 'triggers').split('\n').slice(0, 300).join('\n');
const service = createLanguageService();
service.validate(small);
const keystrokes = [];
let typed = small;
for (let k = 0; k < 1000; k++) {
  const spot = (Math.floor(k / 20) * 7919) % small.length;
  const at = spot + (k % 20);
  typed = `${typed.slice(0, at)}x${typed.slice(at)}`;
  const start = performance.now();
  service.validate(typed);
  keystrokes.push(performance.now() - start);
  if (k % 20 === 19) typed = small;
}

const f = (n) => n.toFixed(1);
console.log(
  `| manifest | documents | lines | MB | ours (ms) | yaml-language-server (ms) | ratio | diagnostics ours / yaml-ls |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const r of results) {
  console.log(
    `| ${r.shape} | ${r.documents} | ${r.lines} | ${(r.bytes / 1e6).toFixed(2)} | ${f(r.ourMs)} | ${f(r.yamlLsMs)} | ${f(r.ratio)}x | ${r.ourDiagnostics} / ${r.yamlLsDiagnostics} |`,
  );
}
console.log(
  `\nper keystroke, 300 lines, ${keystrokes.length} edits: p50 ${keystrokes.length ? f(percentile(keystrokes, 50)) : '-'} ms, p99 ${f(percentile(keystrokes, 99))} ms, max ${f(Math.max(...keystrokes))} ms`,
);
