import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as rules from '../../src/language/index.js';
import { createLanguageService } from '../../src/language/index.js';

const corpus = new URL('../../../test/fixtures/manifests/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, corpus), 'utf8');

/** What the diagnostic covers, by its exact start and the source text under its range. */
interface Expected {
  code: string;
  line: number;
  character: number;
  text: string;
}

function covered(
  text: string,
  d: { range: { start: { line: number; character: number }; end: { line: number; character: number } } },
): string {
  const lines = text.split('\n');
  const { start, end } = d.range;
  if (start.line === end.line) return (lines[start.line] ?? '').slice(start.character, end.character);
  return [
    (lines[start.line] ?? '').slice(start.character),
    ...lines.slice(start.line + 1, end.line),
    (lines[end.line] ?? '').slice(0, end.character),
  ].join('\n');
}

const cases: Record<string, Expected[]> = {
  'valid.yaml': [],
  'paused-string.yaml': [{ code: 'paused-not-boolean', line: 5, character: 168, text: '"false"' }],
  'invalid-json.yaml': [{ code: 'invalid-json', line: 5, character: 142, text: '}' }],
  'not-array.yaml': [
    {
      code: 'not-an-array',
      line: 5,
      character: 34,
      text: '{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"spec.template.spec.containers[0].image"}',
    },
  ],
  'unknown-key.yaml': [{ code: 'unknown-key', line: 5, character: 142, text: '"pause"' }],
  'from-kind.yaml': [{ code: 'from-kind-not-imagestreamtag', line: 5, character: 51, text: '"DockerImage"' }],
  'from-apiversion.yaml': [{ code: 'from-api-version-set', line: 5, character: 81, text: '"image.openshift.io/v1"' }],
  'from-name-no-tag.yaml': [{ code: 'from-name-missing-tag', line: 5, character: 75, text: '"web"' }],
  'duplicate-fieldpath.yaml': [
    { code: 'duplicate-field-path', line: 5, character: 207, text: '"spec.template.spec.containers[0].image"' },
  ],
  'fieldpath-unparseable.yaml': [
    {
      code: 'field-path-invalid',
      line: 5,
      character: 101,
      text: `"spec.template.spec.containers[?(@.name==''web'')].image"`,
    },
    // OpenShift reads the name `?(@.name == "web`: applied, and no such container.
    {
      code: 'field-path-loose-selector',
      line: 18,
      character: 101,
      text: '"spec.template.spec.containers[?(@.name == \\"web\\")].image"',
    },
    {
      code: 'container-not-found',
      line: 18,
      character: 101,
      text: '"spec.template.spec.containers[?(@.name == \\"web\\")].image"',
    },
    { code: 'field-path-invalid', line: 31, character: 101, text: '"spec.template.spec.containers[0.image"' },
    { code: 'field-path-invalid', line: 44, character: 101, text: '"spec.template.spec.containers[0]"' },
  ],
  'fieldpath-loose-selector.yaml': [
    {
      code: 'field-path-loose-selector',
      line: 5,
      character: 101,
      text: '"spec.template.spec.containers[?(@.name==\\"web].image"',
    },
    {
      code: 'field-path-loose-selector',
      line: 18,
      character: 101,
      text: '"spec.template.spec.containers[web\\")].image"',
    },
  ],
  'fieldpath-wrong-kind.yaml': [
    {
      code: 'field-path-outside-template',
      line: 5,
      character: 101,
      text: '"spec.jobTemplate.spec.template.spec.containers[0].image"',
    },
    { code: 'field-path-outside-template', line: 18, character: 101, text: '"spec.template.spec.containers[0].image"' },
  ],
  'container-not-found.yaml': [
    {
      code: 'container-not-found',
      line: 6,
      character: 73,
      text: '"spec.template.spec.containers[?(@.name==\\"wbe\\")].image"',
    },
    { code: 'container-not-found', line: 7, character: 73, text: '"spec.template.spec.containers[1].image"' },
    { code: 'container-not-found', line: 8, character: 73, text: '"spec.template.spec.initContainers[0].image"' },
  ],
  'not-triggerable.yaml': [
    { code: 'unsupported-kind', line: 5, character: 4, text: 'image.openshift.io/triggers' },
    { code: 'unsupported-kind', line: 18, character: 4, text: 'image.openshift.io/triggers' },
  ],
  'not-string.yaml': [
    {
      code: 'triggers-not-string',
      line: 6,
      character: 4,
      text: '- from: {kind: ImageStreamTag, name: "web:latest"}\n      fieldPath: spec.template.spec.containers[0].image\n',
    },
  ],
  'escapes.yaml': [
    // Inside a double-quoted YAML scalar the JSON string "true" is written \"true\".
    { code: 'paused-not-boolean', line: 7, character: 17, text: '\\"true\\"' },
    { code: 'paused-not-boolean', line: 23, character: 18, text: '"yes"' },
  ],
  'yaml-syntax.yaml': [{ code: 'yaml-syntax', line: 4, character: 2, text: 'a' }],
};

const service = createLanguageService();
for (const [file, expected] of Object.entries(cases)) {
  test(`corpus ${file}: ${expected.map((e) => e.code).join(', ') || 'no diagnostics'}`, () => {
    const text = read(file);
    const got = service.validate(text).map((d) => ({
      code: d.code,
      line: d.range.start.line,
      character: d.range.start.character,
      text: covered(text, d),
    }));
    assert.deepEqual(got, expected);
  });
}

test('paused as a string says the literal to write and that every trigger is ignored', () => {
  const [d] = service.validate(read('paused-string.yaml'));
  assert.equal(d?.severity, 'error');
  assert.match(d?.message ?? '', /the JSON boolean false without quotes; .* ignores every trigger/);
});

test('CRLF line endings keep columns exact', () => {
  const text = read('paused-string.yaml').replace(/\n/g, '\r\n');
  const [d] = service.validate(text);
  assert.deepEqual(d?.range, { start: { line: 5, character: 168 }, end: { line: 5, character: 175 } });
});

test('columns count UTF-16 code units, as LSP does', () => {
  // An emoji is two UTF-16 units: replacing one letter with it moves the range right by one.
  const text = read('paused-string.yaml').replace('"name":"web:latest"', '"name":"w\u{1F600}b:latest"');
  const [d] = service.validate(text);
  assert.equal(d?.code, 'paused-not-boolean');
  assert.deepEqual(d?.range, { start: { line: 5, character: 169 }, end: { line: 5, character: 176 } });
});

test('a document moved by an edit above it keeps exact ranges (findings are reused per document)', () => {
  const text = read('paused-string.yaml');
  const editing = createLanguageService();
  const before = editing.validate(`${text}---\n${text}`);
  const after = editing.validate(`# note\n${text}---\n${text}`);
  assert.deepEqual(
    after.map((d) => d.range.start.line),
    before.map((d) => d.range.start.line + 1),
  );
  assert.deepEqual(
    after.map((d) => d.range.start.character),
    before.map((d) => d.range.start.character),
  );
  const fixedFirst = editing.validate(`${text.replace('"paused":"false"', '"paused":false')}---\n${text}`);
  assert.deepEqual(
    fixedFirst.map((d) => d.range.start.line),
    [before[1]?.range.start.line],
  );
});

const deployment = (annotation: string, podSpec: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations:
    image.openshift.io/triggers: '${annotation}'
${podSpec}`;
const webPodSpec =
  'spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: shop-web:latest\n';

test('every mistake of the annotation is shown at once, also those of a trigger with a wrongly typed field', () => {
  // "paused" a string, from.name without a tag, a container that is not there; then a number for
  // from.namespace beside a container index that does not exist.
  const text = deployment(
    '[{"from":{"kind":"ImageStreamTag","name":"web"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"nope\\")].image","paused":"false"},' +
      '{"from":{"kind":"ImageStreamTag","name":"web:1","namespace":5},"fieldPath":"spec.template.spec.containers[9].image"}]',
    webPodSpec,
  );
  const shown = service.validate(text).map((d) => [d.code, covered(text, d)]);
  assert.deepEqual(shown, [
    ['from-name-missing-tag', '"web"'],
    ['container-not-found', '"spec.template.spec.containers[?(@.name==\\"nope\\")].image"'],
    ['paused-not-boolean', '"false"'],
    ['wrong-type', '5'],
    ['container-not-found', '"spec.template.spec.containers[9].image"'],
  ]);
  // A wrongly typed fieldPath is that one mistake, not also "fieldPath is missing".
  const mistypedPath = deployment('[{"from":{"kind":"ImageStreamTag","name":"web:1"},"fieldPath":7}]', webPodSpec);
  assert.deepEqual(
    service.validate(mistypedPath).map((d) => d.code),
    ['wrong-type'],
  );
});

test('a kustomize patch without a pod spec is not flagged for its containers; one with a pod spec still is', () => {
  const trigger =
    '[{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]';
  assert.deepEqual(service.validate(deployment(trigger, '')), []);
  assert.deepEqual(service.validate(deployment(trigger, 'spec:\n  replicas: 2\n')), []);
  const other = deployment(trigger, webPodSpec.replace('name: web', 'name: api'));
  assert.deepEqual(
    service.validate(other).map((d) => d.code),
    ['container-not-found'],
  );
});

test('a Helm template: {{ }} lines are skipped, not parsed; the annotation is still checked', async () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image","paused":"false"}]'
spec:
{{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
{{- end }}
  template:
    spec:
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      {{- with .Values.sidecar }}
      - name: {{ .name }}
        image: {{ .image }}
      {{- end }}
`;
  const shown = service.validate(text);
  assert.deepEqual(
    shown.map((d) => [d.code, covered(text, d)]),
    [['paused-not-boolean', '"false"']],
  );
  // A templated image is no reference: hover asks no registry about it.
  const asked: string[] = [];
  const hovering = createLanguageService({
    imageLookup: {
      describe: async (reference) => {
        asked.push(reference);
        return { digest: 'sha256:0' };
      },
    },
  });
  const imageLine = text.split('\n').findIndex((l) => l.includes('image: "{{'));
  assert.equal(await hovering.hover(text, { line: imageLine, character: 20 }), null);
  assert.deepEqual(asked, []);
});

test("every rule has its page in docs/rules, and each diagnostic links to its rule's page", () => {
  const { RULES, ruleHelpUri } = rules;
  for (const rule of RULES) {
    assert.ok(
      existsSync(new URL(`../../../../../docs/rules/${rule.code}.md`, import.meta.url)),
      `docs/rules/${rule.code}.md exists`,
    );
    assert.ok(ruleHelpUri(rule.code).endsWith(`/docs/rules/${rule.code}.md`));
  }
  const [d] = service.validate(read('paused-string.yaml'));
  assert.equal(d?.codeDescription?.href, ruleHelpUri('paused-not-boolean'));
});
