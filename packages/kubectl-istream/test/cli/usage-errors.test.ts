// Usage errors in kubectl's form: one `error: ...` line, then where to read the usage, exit 1;
// never the whole command list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './support.js';

test('a usage error prints one error line and the --help hint of the command, exit 1', async () => {
  const cases: Array<[string[], string]> = [
    [['get', 'is', '--bogus'], "error: unknown option '--bogus'\nSee 'kubectl istream get --help' for usage.\n"],
    [['get'], "error: missing required argument 'resource'\nSee 'kubectl istream get --help' for usage.\n"],
    [
      ['import-image'],
      "error: missing required argument 'name[:tag]'\nSee 'kubectl istream import-image --help' for usage.\n",
    ],
    [
      ['set-triggers', '-o', 'table'],
      "error: option '-o, --output <format>' argument 'table' is invalid. Allowed choices are json, yaml, name.\n" +
        "See 'kubectl istream set-triggers --help' for usage.\n",
    ],
    [['bogus'], "error: unknown command 'bogus'\nSee 'kubectl istream --help' for usage.\n"],
    [['--bogus', 'get', 'is'], "error: unknown option '--bogus'\nSee 'kubectl istream --help' for usage.\n"],
  ];
  for (const [args, expected] of cases) {
    const { code, out, err } = await cli(args);
    assert.equal(code, 1, args.join(' '));
    assert.equal(out, '', args.join(' '));
    assert.equal(err, expected, args.join(' '));
  }
});

test("-v takes a level, as kubectl's does, and says so otherwise", async () => {
  const { code, err } = await cli(['-v=loud', 'lint', '-']);
  assert.equal(code, 1);
  assert.match(
    err,
    /^error: option '-v, --v <level>' argument 'loud' is invalid\. use a number from 0 to 10, e\.g\. -v=6 to log every request\n/,
  );
  assert.match(err, /\nSee 'kubectl istream --help' for usage\.\n$/);
});

test('--help still prints the command list, on stdout, exit 0', async () => {
  const { code, out, err } = await cli(['--help']);
  assert.equal(code, 0);
  assert.equal(err, '');
  for (const command of [
    'import-image',
    'tag',
    'set-triggers',
    'get',
    'describe',
    'rollback',
    'digest',
    'lint',
    'install',
    'uninstall',
    'controller',
    'version',
  ]) {
    assert.match(out, new RegExp(`^  ${command} `, 'm'), command);
  }
});
