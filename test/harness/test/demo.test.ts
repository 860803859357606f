// The README's first command, `npm run demo`, runs scripts/demo.mjs after the bootstrap. This test
// runs that script as a person would (its own sandbox, the real CLI) and holds it to its promise:
// exit 0, `walkthrough: OK` as the last line, and nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

test('npm run demo replays the seed walkthrough and ends with walkthrough: OK', { timeout: 15 * 60_000 }, async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // The demo starts its own sandbox; it must not attach to the test run's.
    const env = { ...process.env };
    delete env['ISTREAM_SANDBOX_STATE'];
    const child = spawn(process.execPath, ['scripts/demo.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const lines = stdout.trimEnd().split('\n');
  assert.equal(code, 0, `demo exited ${code}:\n${stdout.slice(-3000)}\n${stderr.slice(-2000)}`);
  assert.equal(lines.at(-1), 'walkthrough: OK');
  assert.doesNotMatch(stdout, /FAILED/);
  for (const step of ['import-image', 'set-triggers', 'describe is', 'rollback']) {
    assert.match(stdout, new RegExp(`\\$ kubectl istream ${step}`), `the demo shows the ${step} step`);
  }
  assert.match(stdout, /ScalingReplicaSet/, 'the ReplicaSet scale events are shown');
  // The container really ran on the real node: its log showed A's file, B's, then A's again.
  const logChecks = [...stdout.matchAll(/check: the container's log shows (\S+) \(image ([AB])\): ok/g)].map((m) => m[2]);
  assert.deepEqual(logChecks, ['A', 'A', 'B', 'A'], 'the floating tag, the trigger, the import and the rollback each show their image\'s log');
  const clusterDir = /logs in (\S+istream-cluster-[^\s)]+)/.exec(stderr)?.[1];
  assert.ok(clusterDir, `the demo names its control plane's directory:\n${stderr.slice(-2000)}`);
  assert.equal(existsSync(clusterDir), false, 'the demo removed the control plane it started');
  const nodeDir = /for node \S+ \((\S+istream-node-[^\s)]+)\)/.exec(stderr)?.[1];
  assert.ok(nodeDir, `the demo names its real node's directory:\n${stderr.slice(-2000)}`);
  assert.equal(existsSync(nodeDir), false, 'the demo removed the real node it started');
});
