import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLanguageService } from '@istream/core/language';
import { workspaceImageStreams, workspaceStreamSource } from '../src/workspace-streams.js';
import { defer } from '@istream/test-harness';

const stream = (name: string, tag: string): string =>
  `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ${name}\nspec:\n  tags:\n  - name: "${tag}"\n`;

test('from.name completion offers the stream tags of ImageStreams elsewhere in the workspace', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'istream-ws-streams-'));
  defer(t, () => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'streams'));
  await mkdir(join(root, 'node_modules/pkg'), { recursive: true });
  await writeFile(join(root, 'streams/ubi.yaml'), stream('ubi', '8'));
  await writeFile(join(root, 'streams/app.yml'), stream('app', 'stable'));
  await writeFile(join(root, 'node_modules/pkg/vendored.yaml'), stream('vendored', '1'));
  await writeFile(join(root, 'notes.txt'), stream('text', '1'));

  const source = workspaceStreamSource([root]);
  const names = (await source.streamTags(new AbortController().signal)).map((tag) => tag.name).sort();
  assert.deepEqual(names, ['app:stable', 'ubi:8']);

  const manifest = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":""},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:latest\n`;
  const cursor = { line: 5, character: manifest.split('\n')[5]!.indexOf('"name":""') + '"name":"'.length };
  const items = await createLanguageService({ streams: source }).complete(manifest, cursor);
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('ubi:8') && labels.includes('app:stable'), JSON.stringify(labels));
});

test('an image naming a workspace stream without lookupPolicy.local is warned about in another file', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'istream-ws-lookup-'));
  defer(t, () => rm(root, { recursive: true, force: true }));
  await writeFile(
    join(root, 'streams.yaml'),
    `${stream('web', 'latest')}---\n${stream('tools', '1')}  lookupPolicy:\n    local: true\n`,
  );
  const service = createLanguageService();
  const imageStreams = await workspaceImageStreams(
    [root],
    (text) => service.imageStreams(text),
    new AbortController().signal,
  );
  assert.deepEqual(imageStreams, [
    { name: 'web', namespace: undefined, local: false },
    { name: 'tools', namespace: undefined, local: true },
  ]);
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: web\n    image: web:latest\n  - name: tools\n    image: tools:1\n';
  const warnings = service
    .validate(pod, { imageStreams })
    .map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`);
  assert.deepEqual(warnings, ['7:11 image-lookup-disabled'], 'web:latest only: tools resolves local names');
  assert.deepEqual(service.validate(pod), [], 'without the workspace, the open file declares no stream');
});
