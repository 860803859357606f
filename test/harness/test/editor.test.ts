import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { startEditor } from '../src/editor/index.js';
import { defer } from '../src/defer.js';

const screenshotDir = fileURLToPath(new URL('../../../../test-results/vscode/harness', import.meta.url));

test('code-server opens a workspace file in chromium and shows its text', async (t) => {
  const workspace = await mkdtemp(join(tmpdir(), 'istream-editor-ws-'));
  defer(t, () => rm(workspace, { recursive: true, force: true }));
  await writeFile(join(workspace, 'hello.yaml'), 'greeting: hello from the editor harness\n');

  const editor = await startEditor({ workspace, screenshotDir, log: (line) => t.diagnostic(line) });
  defer(t, () => editor.stop());

  await editor.openFile('hello.yaml');
  await editor.page.locator('.view-lines', { hasText: 'hello from the editor harness' }).waitFor({ timeout: 10_000 });
  const shot = await readFile(await editor.screenshot('opened-file'));
  assert.deepEqual([...shot.subarray(1, 4)], [...Buffer.from('PNG')], 'the screenshot is a PNG');
});
