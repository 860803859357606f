// `npm run sandbox -- up|status|down` as a person uses it: `up` returns the prompt with a running
// sandbox and a line to copy, the printed kubeconfig and registry work, `up` again reuses it, and
// `down` leaves nothing running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SandboxState } from '../src/sandbox.js';
import { defer } from '../src/defer.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/sandbox-cli.js', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test(
  'sandbox up prints how to reach it, status and a second up reuse it, down stops every process',
  { timeout: 10 * 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'istream-sandbox-cli-'));
    const env: NodeJS.ProcessEnv = { ...process.env, ISTREAM_SANDBOX_DIR: dir };
    delete env['ISTREAM_SANDBOX_STATE'];
    const sandbox = async (command: string) => run(process.execPath, [cli, command], { env });
    defer(t, async () => {
      await sandbox('down').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });

    assert.equal((await sandbox('status')).stdout, 'sandbox: not running\n');

    const up = await sandbox('up');
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as SandboxState;
    const cluster = state.cluster!;
    assert.ok(up.stdout.endsWith(`\nexport KUBECONFIG=${cluster.kubeconfig}\n`), up.stdout);
    assert.match(up.stdout, new RegExp(`^sandbox: running \\(pid ${state.pid}\\)`));
    for (const mode of ['plain', 'tls-basic', 'token'] as const) {
      assert.ok(
        up.stdout.includes(`registry ${mode.padEnd(9)} ${state.registries[mode].url}`),
        `${mode} registry is listed:\n${up.stdout}`,
      );
    }
    assert.match(
      up.stdout,
      new RegExp(`registry tls-basic +\\S+  user ${state.registries['tls-basic'].username} password \\S+  CA /`),
    );

    const nodes = await run(cluster.kubectlPath, ['get', 'nodes', '-o', 'name'], {
      env: { ...env, KUBECONFIG: cluster.kubeconfig },
    });
    assert.match(nodes.stdout, /^node\//m, 'the printed kubeconfig reaches a cluster with nodes');
    const node = state.node!;
    assert.ok(nodes.stdout.includes(`node/${node.name}\n`), `the real node is in the cluster:\n${nodes.stdout}`);
    assert.ok(up.stdout.includes(`\nnode:     ${node.name} (real: `), `the real node is listed:\n${up.stdout}`);
    const catalog = await fetch(
      `${state.registries.plain.url}/v2/${state.fixtures.plain.floating.repository}/tags/list`,
    );
    assert.equal(catalog.status, 200, 'the printed plain registry serves the fixtures');

    assert.equal((await sandbox('up')).stdout, up.stdout, 'a second up reuses the running sandbox');
    assert.equal((await sandbox('status')).stdout, up.stdout);

    assert.equal((await sandbox('down')).stdout, 'sandbox: stopped\n');
    assert.equal(alive(state.pid), false, 'the sandbox daemon exited');
    for (const pid of cluster.pids) assert.equal(alive(pid), false, `control-plane process ${pid} stopped`);
    for (const pid of node.pids) assert.equal(alive(pid), false, `real-node process ${pid} stopped`);
    assert.equal(existsSync(node.dir), false, "the real node's directory is removed");
    await assert.rejects(fetch(`${state.registries.plain.url}/v2/`), 'the registry is gone');
    assert.equal(existsSync(join(dir, 'state.json')), false);
    assert.equal((await sandbox('status')).stdout, 'sandbox: not running\n');
  },
);
