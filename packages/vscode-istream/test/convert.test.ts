import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import type { CodeAction, Diagnostic } from '@istream/core/language';
import { createConverter, diagnosticSource } from '../src/convert.js';
import { vscodeValues } from './vscode-values.js';

const convert = createConverter(vscodeValues);
const range = { start: { line: 5, character: 40 }, end: { line: 5, character: 57 } };
const paused: Diagnostic = {
  range,
  severity: 'error',
  code: 'paused-not-boolean',
  message: '"paused" must be true or false without quotes',
};
const uri = { toString: () => 'file:///w/deploy.yaml' } as vscode.Uri;

test('positions and ranges carry over unchanged: both sides count UTF-16 columns from 0', () => {
  const vsRange = convert.toRange(range);
  assert.deepEqual(
    [vsRange.start.line, vsRange.start.character, vsRange.end.line, vsRange.end.character],
    [5, 40, 5, 57],
  );
  assert.deepEqual(convert.fromRange(vsRange), range);
  assert.deepEqual(convert.fromPosition(convert.toPosition({ line: 0, character: 0 })), { line: 0, character: 0 });
});

test('a diagnostic keeps its range, message and code, is marked as ours, and maps severities', () => {
  const d = convert.toDiagnostic(paused);
  assert.equal(d.message, paused.message);
  assert.equal(d.code, 'paused-not-boolean');
  assert.equal(d.source, diagnosticSource);
  assert.deepEqual(convert.fromRange(d.range), range);
  const severities = (['error', 'warning', 'information', 'hint'] as const).map(
    (severity) => convert.toDiagnostic({ ...paused, severity }).severity,
  );
  assert.deepEqual(severities, [0, 1, 2, 3]);
});

test("a diagnostic code links to its rule's page, the page lint -o sarif names as helpUri", () => {
  const href = 'https://github.com/istream/istream/blob/main/docs/rules/paused-not-boolean.md';
  const d = convert.toDiagnostic({ ...paused, codeDescription: { href } });
  const code = d.code as { value: string; target: vscode.Uri };
  assert.equal(code.value, 'paused-not-boolean');
  assert.equal(code.target.toString(), href);
  assert.deepEqual(
    convert.fromDiagnostics([d]).map((x) => x.code),
    ['paused-not-boolean'],
  );
});

test('diagnostics handed back with a code-action request: ours only, in core terms', () => {
  const ours = convert.toDiagnostic({ ...paused, severity: 'warning' });
  const withTarget = convert.toDiagnostic({ ...paused, code: 'unknown-key' });
  withTarget.code = { value: 'unknown-key', target: uri };
  const foreign = convert.toDiagnostic(paused);
  foreign.source = 'yaml';
  assert.deepEqual(convert.fromDiagnostics([foreign, ours, withTarget]), [
    { ...paused, severity: 'warning' },
    { ...paused, code: 'unknown-key' },
  ]);
});

test('completion items: snippets become snippet strings, documentation markdown, ranges kept', () => {
  const snippet = convert.toCompletionItem(
    {
      label: 'image.openshift.io/triggers',
      kind: 'snippet',
      isSnippet: true,
      insertText: 'image.openshift.io/triggers: \'[{"from":{"kind":"ImageStreamTag","name":"${1:stream}:${2:tag}"}}]\'',
      documentation: 'Adds a trigger for **web**',
      range,
    },
    0,
  );
  assert.equal(snippet.kind, 14);
  assert.equal((snippet.insertText as vscode.SnippetString).value.includes('${1:stream}'), true);
  assert.equal((snippet.documentation as vscode.MarkdownString).value, 'Adds a trigger for **web**');
  assert.deepEqual(convert.fromRange(snippet.range as vscode.Range), range);

  const label = 'spec.template.spec.containers[?(@.name=="web")].image';
  const quoted = JSON.stringify(label);
  const path = convert.toCompletionItem(
    { label, insertText: quoted, range, kind: 'value', detail: 'container web' },
    1,
  );
  assert.equal(path.insertText, quoted, 'plain text stays plain: no $ expansion');
  assert.equal(path.kind, 11);
  assert.equal(path.detail, 'container web');
  assert.equal(path.filterText, quoted, 'typed text from the opening quote on still matches the item');

  const word = convert.toCompletionItem({ label: 'web:latest', insertText: 'web:latest', kind: 'reference' }, 2);
  assert.equal(word.range, undefined, 'without a range VS Code replaces the word at the cursor');
  assert.equal(word.filterText, undefined);
});

test("completion items keep the service's order and show the container name, its kind and the full path", () => {
  const path = 'spec.template.spec.containers[?(@.name=="app")].image';
  const items = [
    {
      label: 'app',
      labelDetail: ' container',
      labelDescription: path,
      filterText: `"app ${path}"`,
      insertText: JSON.stringify(path),
      range,
      kind: 'value' as const,
    },
    {
      label: 'api',
      labelDetail: ' container',
      labelDescription: path.replace('app', 'api'),
      insertText: JSON.stringify(path.replace('app', 'api')),
      range,
      kind: 'value' as const,
    },
  ].map((item, i) => convert.toCompletionItem(item, i));
  assert.deepEqual(
    items.map((i) => i.label),
    [
      { label: 'app', detail: ' container', description: path },
      { label: 'api', detail: ' container', description: path.replace('app', 'api') },
    ],
  );
  assert.deepEqual(
    items.map((i) => i.sortText),
    ['00000', '00001'],
    "VS Code sorts by sortText: the service's order, not the alphabet",
  );
  assert.equal(items[0]!.filterText, `"app ${path}"`, 'typing the container name matches the item');
});

test('a hover is markdown over its range', () => {
  const hover = convert.toHover({ contents: '`sha256:abc`', range });
  assert.equal((hover.contents as unknown as vscode.MarkdownString).value, '`sha256:abc`');
  assert.deepEqual(convert.fromRange(hover.range as vscode.Range), range);
});

test('a quick fix edits the document and is linked to the diagnostics it fixes, and only those', () => {
  const fix: CodeAction = {
    title: 'Make "paused" the boolean false',
    kind: 'quickfix',
    fixes: ['paused-not-boolean'],
    isPreferred: true,
    edits: [{ range, newText: 'false' }],
  };
  const ours = convert.toDiagnostic(paused);
  const other = convert.toDiagnostic({ ...paused, code: 'unknown-key' });
  const foreign = convert.toDiagnostic(paused);
  foreign.source = 'yaml';
  const action = convert.toCodeAction(fix, uri, [ours, other, foreign]);
  assert.equal(action.kind?.value, 'quickfix');
  assert.equal(action.isPreferred, true);
  assert.deepEqual(action.diagnostics, [ours]);
  const edit = action.edit as unknown as {
    replacements: Array<{ uri: unknown; range: vscode.Range; newText: string }>;
  };
  assert.equal(edit.replacements.length, 1);
  assert.equal(edit.replacements[0]?.uri, uri);
  assert.equal(edit.replacements[0]?.newText, 'false');
  assert.deepEqual(convert.fromRange(edit.replacements[0]!.range), range);
});

test('a refactoring is a rewrite that claims no diagnostic', () => {
  const pin: CodeAction = {
    title: 'Pin image to digest',
    kind: 'refactor',
    fixes: [],
    edits: [{ range, newText: 'web@sha256:0' }],
  };
  const action = convert.toCodeAction(pin, uri, [convert.toDiagnostic(paused)]);
  assert.equal(action.kind?.value, 'refactor.rewrite');
  assert.equal(action.diagnostics, undefined);
  assert.equal(action.isPreferred, undefined);
});
