import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLanguageWorker } from '../src/language-client.js';
import { readSettings } from '../src/settings.js';
import { bundleExtension } from './packaging.js';
import { defer } from '@istream/test-harness';

// The esbuild bundle is what VS Code runs: a dependency that bundles wrongly (a UMD build that
// requires its own files at run time) breaks only there, so the bundled worker is exercised here.
test('the bundled language worker validates a manifest', async (t) => {
  const out = await bundleExtension();
  defer(t, () => rm(out, { recursive: true, force: true }));
  const remote = startLanguageWorker(join(out, 'language-worker.cjs'), { settings: readSettings({ get: () => undefined }), workspaceFolders: [] }, (line) => t.diagnostic(line));
  defer(t, () => remote.dispose());
  const text = await readFile(new URL('../../../core/test/fixtures/manifests/paused-string.yaml', import.meta.url), 'utf8');
  const codes = (await remote.validate(text)).map((d) => d.code);
  assert.deepEqual(codes, ['paused-not-boolean']);
});
