import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, relaxedPath, selectValues, TemplateError } from '@istream/core/jsonpath';

const stream = (name: string, tags: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name, annotations: { 'image.openshift.io/triggers': `t-${name}` } },
  spec: { tags: tags.map((t) => ({ name: t })) },
  ...extra,
});
const list = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: [
    stream('ubi', ['8', '9'], {
      status: {
        tags: [
          { tag: '8', items: [{ image: 'sha256:8' }] },
          { tag: '9', items: [{ image: 'sha256:9' }] },
        ],
      },
    }),
    stream('web', ['latest']),
  ],
};
const run = (template: string, data: unknown = list) => compileTemplate(template)(data);

test('a path prints every value it selects, separated by spaces, with the text around it', () => {
  assert.equal(run('names: {.items[*].metadata.name}!'), 'names: ubi web!');
  assert.equal(run('{.kind}/{.items[1].metadata.name}'), 'List/web');
});

test('{"\\n"} and {\'\\t\'} are literals with Go escapes; text outside braces is printed as typed', () => {
  assert.equal(run('{.items[0].metadata.name}{"\\n"}{.items[1].metadata.name}{\'\\t\'}x\\n'), 'ubi\nweb\tx\\n');
  assert.equal(run('{"\\u00e9\\x41"}'), 'éA');
});

test('{range}...{end} prints its body once per selected value, nested ranges included', () => {
  assert.equal(
    run('{range .items[*]}{.metadata.name}:{range .spec.tags[*]} {.name}{end}{"\\n"}{end}'),
    'ubi: 8 9\nweb: latest\n',
  );
  assert.equal(run('{range .items[*]}[{.metadata.name}]{end} after'), '[ubi][web] after');
});

test('indices, negative indices, slices, unions, wildcards and recursive descent select as kubectl does', () => {
  assert.equal(run('{.items[-1].metadata.name}'), 'web');
  assert.equal(run('{.items[0:1].metadata.name}'), 'ubi');
  assert.equal(run('{.items[0,1].metadata.name}'), 'ubi web');
  assert.equal(run('{.items[0].spec.tags[*].name}'), '8 9');
  assert.equal(run('{.items[1].spec.*}'), '[{"name":"latest"}]');
  assert.equal(run('{.items[0].status..image}'), 'sha256:8 sha256:9');
});

test('keys with dots: escaped with a backslash, or quoted in brackets', () => {
  assert.equal(run('{.items[0].metadata.annotations.image\\.openshift\\.io/triggers}'), 't-ubi');
  assert.equal(run("{.items[1].metadata.annotations['image.openshift.io/triggers']}"), 't-web');
});

test('filters compare one field of each element with a literal, or test that it exists', () => {
  assert.equal(run('{.items[?(@.metadata.name=="web")].spec.tags[0].name}'), 'latest');
  assert.equal(run("{.items[?(@.metadata.name!='web')].metadata.name}"), 'ubi');
  assert.equal(run('{.items[0].status.tags[?(@.tag=="9")].items[0].image}'), 'sha256:9');
  assert.equal(run('{.items[?(@.status)].metadata.name}'), 'ubi');
  assert.equal(run('{.items[?(@.n > 1)].v}', { items: [{ n: 1, v: 'a' }, { n: 2, v: 'b' }, { v: 'c' }] }), 'b');
});

test('objects and lists print as compact JSON, as Go marshals them; missing fields print nothing', () => {
  assert.equal(run('{.items[1].spec}'), '{"tags":[{"name":"latest"}]}');
  assert.equal(run('{.a}', { a: '<b>&' }), '<b>&', 'a string is printed as it is');
  assert.equal(run('{.a}', { a: { html: '<b>&' } }), '{"html":"\\u003cb\\u003e\\u0026"}');
  assert.equal(run('{.a} {.b} {.c}', { a: 1.5, b: true, c: null }), '1.5 true <nil>');
  assert.equal(run('[{.nothing.here}]'), '[]');
  assert.equal(run('{@}', 'x'), 'x');
});

test("a filter never runs code: only kubectl's comparison grammar is accepted", () => {
  for (const [template, reason, position] of [
    [
      '{.items[?(@.metadata.name==constructor)]}',
      'filter operand "constructor" must be @.path, a number, true, false or a quoted string',
      28,
    ],
    [
      '{.items[?(@.a==process.exit)]}',
      'filter operand "process.exit" must be @.path, a number, true, false or a quoted string',
      16,
    ],
    ['{.items[?(@.a=="x)")]}', 'filter string "x)" may not contain )', 16],
  ] as const) {
    assert.throws(
      () => compileTemplate(template),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message === `error parsing jsonpath template ${JSON.stringify(template)}: ${reason} at position ${position}`,
    );
  }
});

test('parse errors name the template and the (1-based) position of the problem', () => {
  const cases: [string, string][] = [
    ['{.items[*}', 'unterminated [ at position 8'],
    ['x{.items[0].metadata.name', 'unclosed action, expected } at position 2'],
    ['{range .items[*]}{.metadata.name}', '{range} without {end} at position 1'],
    ['{.a}{end}', '{end} without {range} at position 5'],
    ['{"\\q"}', 'invalid escape \\q at position 3'],
    ['{"a\nb"}', 'unterminated quoted string at position 2'],
    ['{.items[x]}', 'invalid array index "x" at position 8'],
    ['{.a..}', 'expected a field name or [ after .. at position 6'],
    ['{.a b}', 'unexpected "b" in path at position 5'],
    ['{.items.}', 'expected a field name after . at position 9'],
  ];
  for (const [template, message] of cases) {
    assert.throws(
      () => compileTemplate(template),
      { name: 'TemplateError', message: `error parsing jsonpath template ${JSON.stringify(template)}: ${message}` },
      template,
    );
  }
});

test("custom columns take kubectl's relaxed paths: a.b, .a.b, {a.b} and {.a.b} are one path", () => {
  for (const form of ['metadata.name', '.metadata.name', '{metadata.name}', '{.metadata.name}']) {
    assert.deepEqual(selectValues(relaxedPath(form), list.items[0]), ['ubi'], form);
  }
  assert.deepEqual(selectValues(relaxedPath('spec.tags[*].name'), list.items[0]), ['8', '9']);
  assert.throws(
    () => relaxedPath('{.a}{.b}'),
    /^TemplateError: error parsing jsonpath template "\{\.a\}\{\.b\}": unexpected path string/,
  );
});
