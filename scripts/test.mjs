// Runs every test of the workspace with node's test runner against one shared sandbox (registry
// and control plane) started here and torn down at the end, also on failure or Ctrl-C.
// Usage: node scripts/test.mjs [--no-sandbox] [file-or-dir-filter...]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const withSandbox = !args.includes('--no-sandbox');
const filters = args.filter((a) => !a.startsWith('--'));

function testFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const distTestDirs = ['packages/core', 'packages/kubectl-istream', 'packages/vscode-istream', 'test/harness'].map((p) =>
  join(root, p, 'dist', 'test'),
);
const files = distTestDirs
  .flatMap(testFiles)
  .filter((f) => filters.length === 0 || filters.some((flt) => relative(root, f).includes(flt)))
  .sort();
if (files.length === 0) {
  console.error('test: no test files matched; did the build run? (npm run build)');
  process.exit(1);
}

// A cold code-server install is mostly downloads; started now, it overlaps the control plane's
// CPU-bound Go build instead of holding up the editor tests later. A failure is left for those
// tests to report.
const editorInstall = files.some((f) => /\/(e2e|editor)\.test\.js$/.test(f))
  ? import(join(root, 'test/harness/dist/src/editor/index.js'))
      .then(({ ensureCodeServer }) => ensureCodeServer({ log: (line) => console.error(`editor: ${line}`) }))
      .catch((err) => console.error(`editor: code-server install failed, the editor tests will retry: ${err.message}`))
  : undefined;

let sandbox;
if (withSandbox) {
  const { startSandbox } = await import(join(root, 'test/harness/dist/src/sandbox.js'));
  const dir = mkdtempSync(join(tmpdir(), 'istream-test-sandbox-'));
  sandbox = await startSandbox({ dir, log: (line) => console.error(`sandbox: ${line}`) });
  const { stop: stopSandbox } = sandbox;
  sandbox.stop = async () => {
    await stopSandbox();
    rmSync(dir, { recursive: true, force: true });
  };
}

const stop = async () => {
  if (sandbox) {
    const s = sandbox;
    sandbox = undefined;
    await s.stop();
  }
};
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    void stop().finally(() => process.exit(130));
  });

await editorInstall;

const child = spawn(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files],
  { stdio: 'inherit', env: { ...process.env, ...(sandbox ? sandbox.env : {}) } },
);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await stop();
process.exit(code);
