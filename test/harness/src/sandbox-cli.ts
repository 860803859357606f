// `npm run sandbox -- up|down|status`: the test sandbox kept running for a person, in a detached
// daemon process so the shell gets its prompt back.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { istreamCacheDir } from './cache-dir.js';
import { startSandbox, type SandboxState } from './sandbox.js';

// ISTREAM_SANDBOX_DIR lets a second sandbox (or a test of this command) run beside the usual one.
const dir = process.env['ISTREAM_SANDBOX_DIR'] || istreamCacheDir('sandbox');
const stateFile = join(dir, 'state.json');
const logFile = join(dir, 'sandbox.log');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readState(): SandboxState | undefined {
  if (!existsSync(stateFile)) return undefined;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SandboxState;
  return alive(state.pid) ? state : undefined;
}

function describe(state: SandboxState): string {
  const lines = [`sandbox: running (pid ${state.pid}), state in ${stateFile}`];
  if (state.cluster) {
    lines.push(
      `cluster:  ${state.cluster.server}`,
      `  kubeconfig: ${state.cluster.kubeconfig}`,
      `  kubectl:    ${state.cluster.kubectlPath}`,
    );
  }
  if (state.node)
    lines.push(
      `node:     ${state.node.name} (real: containerd + kubelet${state.node.kubeProxy ? ' + kube-proxy' : ''}; pods select and tolerate istream.io/real-node)`,
    );
  if (state.node?.servicesNotRouted) lines.push(`          Services not routed: ${state.node.servicesNotRouted}`);
  if (state.nodeError) lines.push(`node:     none, it failed to start: ${state.nodeError.split('\n')[0]}`);
  for (const r of Object.values(state.registries)) {
    const auth = r.username ? `  user ${r.username} password ${r.password}` : '';
    const ca = r.caFile ? `  CA ${r.caFile}` : '';
    lines.push(`registry ${r.mode.padEnd(9)} ${r.url}${auth}${ca}`);
  }
  const fixtures = state.fixtures.plain;
  lines.push(
    `fixtures (plain registry): ${fixtures.floating.repository}:${fixtures.floating.tag} and more; all digests in ${stateFile}`,
  );
  if (state.cluster) lines.push('', `export KUBECONFIG=${state.cluster.kubeconfig}`);
  return lines.join('\n');
}

async function up(): Promise<number> {
  const running = readState();
  if (running) {
    console.log(describe(running));
    return 0;
  }
  rmSync(stateFile, { force: true });
  mkdirSync(dir, { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'daemon'], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  console.error(
    `sandbox: starting (log: ${logFile}); a first run builds Kubernetes from source, which takes many minutes`,
  );
  for (;;) {
    const state = readState();
    if (state && state.pid === child.pid) {
      console.log(describe(state));
      return 0;
    }
    if (exited) {
      console.error(
        `sandbox: failed to start; last lines of ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`,
      );
      return 1;
    }
    await sleep(500);
  }
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log('sandbox: not running');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  for (let i = 0; i < 120 && alive(state.pid); i++) await sleep(250);
  if (alive(state.pid)) {
    console.error(`sandbox: pid ${state.pid} did not stop in 30 s`);
    return 1;
  }
  console.log('sandbox: stopped');
  return 0;
}

async function daemon(): Promise<void> {
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const sandbox = await startSandbox({ dir, log });
  log('ready');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sandbox.stop();
  rmSync(stateFile, { force: true });
  log('stopped');
}

const command = process.argv[2];
switch (command) {
  case 'up':
    process.exitCode = await up();
    break;
  case 'down':
    process.exitCode = await down();
    break;
  case 'status': {
    const state = readState();
    console.log(state ? describe(state) : 'sandbox: not running');
    break;
  }
  case 'daemon':
    await daemon();
    break;
  default:
    console.error('usage: npm run sandbox -- up|down|status');
    process.exitCode = 2;
}
