import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService } from '../../src/language/index.js';

const corpus = new URL('../../../test/fixtures/manifests/', import.meta.url);
const pausedString = readFileSync(new URL('paused-string.yaml', corpus), 'utf8');
const service = createLanguageService();

// These inputs would hang or crash a naive reader. The bound is generous because the test machine
// is shared; what it catches is a hang or exponential work, not a slow second.
const SECONDS = 30;

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

test('a 50 MB manifest: the first documents are checked, then one diagnostic says where checking stopped', () => {
  const copies = Math.ceil((50 * 1024 * 1024) / pausedString.length);
  const text = Array.from({ length: copies }, () => pausedString).join('---\n');
  const { value: diagnostics, seconds } = timed(() => service.validate(text));
  assert.ok(seconds < SECONDS, `took ${seconds} s`);
  const stop = diagnostics.filter((d) => d.code === 'file-too-large');
  assert.equal(stop.length, 1);
  assert.match(stop[0]?.message ?? '', /not checked from here on.*split the file/);
  const checked = diagnostics.filter((d) => d.code === 'paused-not-boolean');
  assert.ok(checked.length > 100, 'documents before the limit are checked');
  assert.ok(checked.every((d) => d.range.start.line < (stop[0]?.range.start.line ?? 0)));
});

test('a 50 MB manifest without triggers is scanned, not parsed', () => {
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  key: value\n';
  const text =
    Array.from({ length: Math.ceil((50 * 1024 * 1024) / configMap.length) }, () => configMap).join('---\n') +
    '---\n' +
    pausedString;
  const { value: diagnostics, seconds } = timed(() => service.validate(text));
  assert.ok(seconds < SECONDS, `took ${seconds} s`);
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['paused-not-boolean'],
  );
});

test('a YAML alias bomb (billion laughs) is reported, not expanded', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const text = pausedString.replace('spec:\n', `spec:\n  bomb:\n${levels.map((l) => `    ${l}`).join('\n')}\n`);
  const { value: diagnostics, seconds } = timed(() => service.validate(text));
  assert.ok(seconds < SECONDS, `took ${seconds} s`);
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['paused-not-boolean', 'yaml-alias-limit'],
  );
  assert.match(diagnostics[1]?.message ?? '', /alias bomb/);
});

test('a 1 MB annotation is read and its problem placed exactly', () => {
  const long = 'x'.repeat(1024 * 1024);
  const text = pausedString
    .replace('"name":"web:latest"', `"name":"${long}"`)
    .replace(',"paused":"false"', ',"pause":true');
  const { value: diagnostics, seconds } = timed(() => service.validate(text));
  assert.ok(seconds < SECONDS, `took ${seconds} s`);
  const missingTag = diagnostics.find((d) => d.code === 'from-name-missing-tag');
  assert.deepEqual(missingTag?.range, {
    start: { line: 5, character: 75 },
    end: { line: 5, character: 75 + long.length + 2 },
  });
  const unknown = diagnostics.find((d) => d.code === 'unknown-key');
  // The key "pause" sits where "paused" was, 9 columns before the old value, shifted by the long name.
  assert.equal(unknown?.range.start.character, 159 + long.length - 'web:latest'.length);
});

test('binary junk is called binary, not parsed', () => {
  let seed = 42;
  const bytes = Buffer.from(
    new Uint8Array(256 * 1024).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff),
  );
  const { value: diagnostics, seconds } = timed(() => service.validate(bytes.toString('utf8')));
  assert.ok(seconds < SECONDS, `took ${seconds} s`);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.severity]),
    [['not-text', 'error']],
  );
});

test('junk without NUL bytes in a trigger document still gives diagnostics, not an exception', () => {
  const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('');
  const text = `${pausedString}\n${junk}\n  image.openshift.io/triggers: [\n{{{{ ]]]: - - ? ? |||`;
  const diagnostics = service.validate(text);
  assert.ok(diagnostics.length > 0);
  assert.ok(diagnostics.length < 50, 'errors are capped per document');
});
