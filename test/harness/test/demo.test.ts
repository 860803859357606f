// The README's first command, `npm run demo`, runs scripts/demo.mjs after the bootstrap. This test
// runs that script as a person would (its own sandbox, the real CLI) and holds it to its promise:
// exit 0, `walkthrough: OK` as the last line, and nothing left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The `$ ...` lines of the demo's output with the indented lines printed under each. */
function shownCommands(stdout: string): Array<{ command: string; output: string[] }> {
  const shown: Array<{ command: string; output: string[] }> = [];
  let inHereDocument = false;
  for (const line of stdout.split('\n')) {
    if (inHereDocument) {
      inHereDocument = line !== 'EOF';
    } else if (line.startsWith('$ ')) {
      shown.push({ command: line.slice(2), output: [] });
      inHereDocument = line.endsWith(" <<'EOF'");
    } else if (line.startsWith('  ')) {
      shown.at(-1)?.output.push(line.slice(2));
    }
  }
  return shown;
}

test('npm run demo replays the seed walkthrough and ends with walkthrough: OK', { timeout: 15 * 60_000 }, async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      // The demo starts its own sandbox; it must not attach to the test run's.
      const env = { ...process.env };
      delete env['ISTREAM_SANDBOX_STATE'];
      const child = spawn(process.execPath, ['scripts/demo.mjs'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    },
  );
  const lines = stdout.trimEnd().split('\n');
  assert.equal(code, 0, `demo exited ${code}:\n${stdout.slice(-3000)}\n${stderr.slice(-2000)}`);
  assert.equal(lines.at(-1), 'walkthrough: OK');
  assert.doesNotMatch(stdout, /FAILED/);
  for (const step of ['import-image', 'set-triggers', 'describe is', 'rollback']) {
    assert.match(stdout, new RegExp(`\\$ kubectl istream ${step}`), `the demo shows the ${step} step`);
  }
  assert.match(stdout, /ScalingReplicaSet/, 'the ReplicaSet scale events are shown');
  // A reader who copies a shown command gets what is shown: kubectl finds the plugin on PATH, and
  // structured output is what its command prints, not a table formatted by the demo.
  assert.match(
    stdout,
    /^\$ kubectl plugin list\n(?: {2}.*\n)*? {2}\S*\/packages\/kubectl-istream\/bin\/kubectl-istream\n/m,
  );
  const shown = shownCommands(stdout);
  assert.ok(
    shown.some((c) => c.command.startsWith('kubectl get events ')),
    'the events command is shown',
  );
  for (const { command, output } of shown) {
    if (/ -o json(?: |$)/.test(command))
      assert.doesNotThrow(() => JSON.parse(output.join('\n')), `${command} shows JSON`);
    const columns = / -o (?:'?)custom-columns=([^ ']+)/.exec(command)?.[1];
    if (columns !== undefined) {
      assert.deepEqual(
        output[0]?.trim().split(/\s+/),
        columns.split(',').map((c) => c.slice(0, c.indexOf(':'))),
        `${command} shows its columns`,
      );
    }
  }
  // The container really ran on the real node: its log showed A's file, B's, then A's again.
  const logChecks = [...stdout.matchAll(/check: the container's log shows (\S+) \(image ([AB])\): ok/g)].map(
    (m) => m[2],
  );
  assert.deepEqual(
    logChecks,
    ['A', 'A', 'B', 'A'],
    "the floating tag, the trigger, the import and the rollback each show their image's log",
  );
  const clusterDir = /logs in (\S+istream-cluster-[^\s)]+)/.exec(stderr)?.[1];
  assert.ok(clusterDir, `the demo names its control plane's directory:\n${stderr.slice(-2000)}`);
  assert.equal(existsSync(clusterDir), false, 'the demo removed the control plane it started');
  const nodeDir = /for node \S+ \((\S+istream-node-[^\s)]+)\)/.exec(stderr)?.[1];
  assert.ok(nodeDir, `the demo names its real node's directory:\n${stderr.slice(-2000)}`);
  assert.equal(existsSync(nodeDir), false, 'the demo removed the real node it started');
});
