import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLanguageService } from '@istream/core/language';
import { startLanguageWorker } from '../src/language-client.js';
import { readSettings } from '../src/settings.js';
import { defer } from '@istream/test-harness';

// The tsc output of the worker entry; the extension runs the esbuild bundle of the same file.
const workerScript = fileURLToPath(new URL('../src/language-worker.js', import.meta.url));
const corpus = new URL('../../../core/test/fixtures/manifests/', import.meta.url);
const config = { settings: readSettings({ get: () => undefined }), workspaceFolders: [] };

test('the worker thread answers as the language service does in-process', async (t) => {
  const remote = startLanguageWorker(workerScript, config, (line) => t.diagnostic(line));
  defer(t, () => remote.dispose());
  const local = createLanguageService();
  for (const name of ['paused-string.yaml', 'fieldpath-unparseable.yaml', 'valid.yaml']) {
    const text = await readFile(new URL(name, corpus), 'utf8');
    assert.deepEqual(await remote.validate(text), local.validate(text), name);
  }
  const text = await readFile(new URL('valid.yaml', corpus), 'utf8');
  const at = { line: 6, character: 100 };
  assert.deepEqual(await remote.complete(text, at), await local.complete(text, at));
  assert.deepEqual(await remote.hover(text, at), await local.hover(text, at));
});

test('the extension host keeps running while the worker validates a megabyte', async (t) => {
  const remote = startLanguageWorker(workerScript, config, (line) => t.diagnostic(line));
  defer(t, () => remote.dispose());
  await remote.validate('warm: up\n');
  const big = `metadata:\n  annotations:\n    image.openshift.io/triggers: '[${'{"fieldPath":"x"},'.repeat(60_000)}'\n`;
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks++;
  }, 5);
  const started = Date.now();
  const diagnostics = await remote.validate(big);
  const elapsed = Date.now() - started;
  clearInterval(ticker);
  assert.ok(diagnostics.length > 0, 'the broken annotation is reported');
  assert.ok(
    ticks >= Math.floor(elapsed / 5 / 4),
    `this thread kept ticking during ${elapsed} ms of validation (${ticks} ticks)`,
  );
});

test('stopping the worker fails the calls in flight; the next call starts a fresh one', async (t) => {
  const remote = startLanguageWorker(workerScript, config, (line) => t.diagnostic(line));
  defer(t, () => remote.dispose());
  await remote.validate('a: 1\n');
  const inFlight = assert.rejects(remote.validate('b: 2\n'), /stopped/);
  await remote.dispose();
  await inFlight;
  assert.deepEqual(await remote.validate('c: 3\n'), []);
});
