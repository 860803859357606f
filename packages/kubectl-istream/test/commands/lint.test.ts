import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '@istream/test-harness';
import { createLanguageService } from '@istream/core/language';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import type { LintFinding } from '../../src/commands/lint.js';

const scratch = scratchDir();

const corpus = fileURLToPath(new URL('../../../../core/test/fixtures/manifests/', import.meta.url));

async function lint(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO(stdin);
  const code = await runCli(['lint', ...args], { io, env: {} });
  return { code, out: io.stdout(), err: io.stderr() };
}

test('lint -o json over the corpus gives what the editor shows, 1-based', async () => {
  const { code, out } = await lint([corpus, '-o', 'json']);
  assert.equal(code, 1);
  const findings = JSON.parse(out) as LintFinding[];
  const service = createLanguageService();
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const expected = files.flatMap((f) =>
    service.validate(readFileSync(join(corpus, f), 'utf8')).map((d) => ({
      file: join(corpus, f),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
  );
  assert.deepEqual(findings, expected);
  assert.ok(
    findings.some(
      (f) =>
        f.code === 'paused-not-boolean' &&
        f.file.endsWith('paused-string.yaml') &&
        f.line === 6 &&
        f.column === 169 &&
        f.endColumn === 176,
    ),
  );
});

test('text output is file:line:col: severity code: message, and a summary on stderr', async () => {
  const file = join(corpus, 'paused-string.yaml');
  const { code, out, err } = await lint([file]);
  assert.equal(code, 1);
  assert.match(
    out,
    new RegExp(
      `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:169: error paused-not-boolean: "paused" must be the JSON boolean false`,
    ),
  );
  assert.equal(err, 'error: 1 error in 1 file\n');
});

test('a clean file exits 0 and prints nothing', async () => {
  assert.deepEqual(await lint([join(corpus, 'valid.yaml')]), { code: 0, out: '', err: '' });
});

test('warnings alone exit 0', async () => {
  const { code, out } = await lint([join(corpus, 'unknown-key.yaml')]);
  assert.equal(code, 0);
  assert.match(out, /warning unknown-key: unknown key "pause" \(did you mean "paused"\?\); OpenShift ignores it/);
});

test('SARIF 2.1.0 names the rules and places results', async () => {
  const { out } = await lint([join(corpus, 'fieldpath-wrong-kind.yaml'), '-o', 'sarif']);
  const log = JSON.parse(out);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
  assert.ok(ids.includes('field-path-outside-template'));
  assert.equal(run.results.length, 2);
  const [first] = run.results;
  assert.equal(first.ruleId, 'field-path-outside-template');
  assert.equal(ids[first.ruleIndex], 'field-path-outside-template');
  assert.equal(first.level, 'error');
  assert.deepEqual(first.locations[0].physicalLocation.region, {
    startLine: 6,
    startColumn: 102,
    endLine: 6,
    endColumn: 159,
  });
  assert.match(first.locations[0].physicalLocation.artifactLocation.uri, /fieldpath-wrong-kind\.yaml$/);
  // Each rule links to its page in the repository's docs/rules, the page the editor links to.
  for (const rule of run.tool.driver.rules as Array<{ id: string; helpUri: string }>) {
    assert.equal(rule.helpUri, `https://github.com/istream/istream/blob/main/docs/rules/${rule.id}.md`);
    assert.ok(
      existsSync(new URL(`../../../../../docs/rules/${rule.id}.md`, import.meta.url)),
      `docs/rules/${rule.id}.md exists`,
    );
  }
});

test('directories are searched recursively for .yaml and .yml, standard input with -', async () => {
  const dir = mkdtempSync(join(scratch, 'lint-'));
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  const broken = readFileSync(join(corpus, 'from-name-no-tag.yaml'), 'utf8');
  writeFileSync(join(dir, 'nested', 'deeper', 'a.yml'), broken);
  writeFileSync(join(dir, 'nested', 'b.yaml'), broken);
  writeFileSync(join(dir, 'notes.txt'), broken);
  const { out } = await lint([dir, '-', '-o', 'json'], readFileSync(join(corpus, 'paused-string.yaml'), 'utf8'));
  const files = (JSON.parse(out) as LintFinding[]).map((f) => f.file);
  assert.deepEqual(files, [join(dir, 'nested', 'b.yaml'), join(dir, 'nested', 'deeper', 'a.yml'), '<stdin>']);
});

test('an unreadable input exits 2 naming it, after linting the rest', async () => {
  const missing = join(tmpdir(), 'no-such-manifest.yaml');
  const { code, out, err } = await lint([join(corpus, 'paused-string.yaml'), missing]);
  assert.equal(code, 2);
  assert.match(out, /paused-not-boolean/);
  assert.equal(
    err,
    `error: cannot read ${missing}: no such file or directory: pass readable files, directories or - for standard input\n`,
  );
});

test('an unknown output format is refused', async () => {
  const { code, err } = await lint([corpus, '-o', 'xml']);
  assert.notEqual(code, 0);
  assert.match(err, /xml/);
});

test('a single-segment image naming a stream of another file without lookupPolicy.local is a warning; with it, nothing', async () => {
  const dir = mkdtempSync(join(scratch, 'istream-lint-lookup-'));
  const streams = (local: boolean) =>
    [
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: myapp\nspec:\n' +
        (local ? '  lookupPolicy:\n    local: true\n' : '  tags: []\n'),
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: tools\nspec:\n  lookupPolicy:\n    local: true\n',
    ].join('---\n');
  const app = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: app',
    '        image: myapp:latest',
    '      - name: tools',
    '        image: tools:1',
    '      - name: sidecar',
    '        image: busybox',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'app.yaml'), app);
  writeFileSync(join(dir, 'streams.yaml'), streams(false));
  const warned = await lint([dir]);
  assert.equal(warned.code, 0, 'a warning does not fail the lint');
  assert.equal(
    warned.out,
    `${join(dir, 'app.yaml')}:10:16: warning image-lookup-disabled: "myapp:latest" names ImageStream myapp, whose spec.lookupPolicy.local is not true, ` +
      'so it is not resolved from the stream: the node pulls docker.io/library/myapp:latest instead. ' +
      'Enable lookup (kubectl istream set image-lookup myapp, or spec.lookupPolicy.local: true) or name the image by its full reference\n',
  );
  writeFileSync(join(dir, 'streams.yaml'), streams(true));
  assert.deepEqual(await lint([dir]), { code: 0, out: '', err: '' });
});
