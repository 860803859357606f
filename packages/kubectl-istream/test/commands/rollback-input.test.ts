// Bad rollback input is refused before any cluster is contacted, with a message naming the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

async function refused(args: string[]): Promise<string> {
  const io = bufferIO();
  const code = await runCli(['rollback', ...args, '--kubeconfig', '/nonexistent/kubeconfig'], { io, env: {} });
  assert.notEqual(code, 0);
  assert.equal(io.stdout(), '');
  return io.stderr();
}

test('rollback refuses input it cannot act on, naming the input and the fix', async () => {
  assert.match(await refused(['ubi']), /error: "ubi" must include the tag: use STREAM:TAG, e.g. ubi:latest/);
  assert.match(await refused(['ubi:8', '--to-revision', '0']), /invalid --to-revision "0"/);
  assert.match(await refused(['ubi:8', '--to-image', 'latest']), /invalid --to-image "latest": use an image digest/);
  assert.match(await refused(['ubi:8', '--to-revision', '1', '--to-image', 'sha256:abcd']), /cannot be used together/);
  assert.match(await refused(['ubi:8', '--resume', '--to-revision', '1']), /--resume cannot be combined/);
  assert.match(await refused(['ubi@sha256:abcd']), /image stream image/);
});

test('controller refuses a malformed --import-interval, --metrics-bind-address or --log-format', async () => {
  const io = bufferIO();
  assert.notEqual(
    await runCli(['controller', '--import-interval', 'soon', '--kubeconfig', '/nonexistent'], { io, env: {} }),
    0,
  );
  assert.match(io.stderr(), /--import-interval: invalid duration "soon"/);
  const io2 = bufferIO();
  assert.notEqual(
    await runCli(['controller', '--metrics-bind-address', 'localhost', '--kubeconfig', '/nonexistent'], {
      io: io2,
      env: {},
    }),
    0,
  );
  assert.match(io2.stderr(), /--metrics-bind-address: invalid bind address "localhost"/);
  const io3 = bufferIO();
  assert.notEqual(
    await runCli(['controller', '--log-format', 'xml', '--kubeconfig', '/nonexistent'], { io: io3, env: {} }),
    0,
  );
  assert.equal(io3.stderr(), 'error: --log-format: unknown format "xml": use text or json\n');
});

test('controller serves metrics on loopback unless told otherwise', async () => {
  const io = bufferIO();
  assert.equal(await runCli(['controller', '--help'], { io, env: {} }), 0);
  assert.match(io.stdout(), /--metrics-bind-address <address>[\s\S]*\(default: "127\.0\.0\.1:8080"\)/);
});

test('controller refuses --events-* flags that cannot serve registry events, before touching the cluster', async () => {
  const refused = async (args: string[]): Promise<string> => {
    const io = bufferIO();
    assert.notEqual(
      await runCli(['controller', ...args, '--kubeconfig', '/nonexistent'], { io, env: {} }),
      0,
      args.join(' '),
    );
    return io.stderr();
  };
  assert.match(
    await refused(['--events-bind-address', ':8088']),
    /exactly one of --events-token-file or --events-token-secret/,
  );
  assert.match(
    await refused(['--events-bind-address', ':8088', '--events-token-file', 't', '--events-token-secret', 's']),
    /exactly one of/,
  );
  assert.match(
    await refused(['--events-token-file', 't']),
    /registry events are off; turn them on with --events-bind-address/,
  );
  assert.match(
    await refused(['--events-bind-address', 'anywhere', '--events-token-file', 't']),
    /--events-bind-address: invalid bind address "anywhere"/,
  );
  assert.match(
    await refused(['--events-bind-address', ':8088', '--events-token-file', 't', '--events-token-header', 'X Token']),
    /--events-token-header: "X Token" is not a header name/,
  );
  assert.match(
    await refused(['--events-shutdown-delay', '5s']),
    /--events-shutdown-delay: registry events are off; turn them on with --events-bind-address/,
  );
  assert.match(
    await refused(['--events-bind-address', ':8088', '--events-token-file', 't', '--events-shutdown-delay', '5']),
    /--events-shutdown-delay: invalid duration "5": use a number with a unit/,
  );
  const help = bufferIO();
  assert.equal(await runCli(['controller', '--help'], { io: help, env: {} }), 0);
  assert.match(help.stdout(), /--events-bind-address <address>[\s\S]*off by default/);
});
