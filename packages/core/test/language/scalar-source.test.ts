import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, type CST, type Scalar } from 'yaml';
import { scalarSourceMap } from '../../src/language/scalar-source.js';

/** The source text under each value character of the scalar in `a: ...`. */
function sourceOfEachChar(text: string): { value: string; pieces: string[] } {
  const doc = parseDocument(text, { keepSourceTokens: true });
  const node = doc.get('a', true) as Scalar<string>;
  const map = scalarSourceMap(node.srcToken as CST.FlowScalar | CST.BlockScalar, node.value);
  assert.ok(map, `no exact map for ${JSON.stringify(text)}`);
  const pieces = [...node.value].map((_, i) => text.slice(...map.span(i, i + 1)));
  return { value: node.value, pieces };
}

const styles: Array<[string, string]> = [
  ['plain', 'a: x[y]z'],
  ['plain folded over lines', 'a: ab\n  cd\n\n  ef'],
  ['single-quoted with doubled quote', "a: 'it''s \"x\"'"],
  ['single-quoted folded', "a: 'x\n\n  y  '"],
  ['double-quoted escapes', 'a: "q\\"x\\u00e9\\t\\\\"'],
  ['double-quoted escaped line break', 'a: "ab \\\n    cd  \n\n  ef"'],
  ['double-quoted astral escape', 'a: "\\U0001F600!"'],
  ['literal block', 'a: |\n  [{"x":\n   1}]\n'],
  ['literal block, strip, comment', 'a: |-  # note\n  x\r\n  y\r\n'],
  ['literal block, keep', 'a: |+\n  x\n\n\nb: 1'],
  ['folded block with more-indented line', 'a: >-\n  ab\n  cd\n\n  ef\n     more\n  gh\n'],
  ['folded block, explicit indent', 'a: >2\n   x\n  y\n'],
];

for (const [name, text] of styles) {
  test(`every value character maps to its own source in a ${name} scalar`, () => {
    const { value, pieces } = sourceOfEachChar(text);
    [...value].forEach((ch, i) => {
      const src = pieces[i] as string;
      if (src === ch) return;
      // Made-up characters stand on the source that produced them: an escape or a line break.
      assert.ok(
        src.startsWith('\\') || /^(\r?\n|'')$/.test(src),
        `char ${i} ${JSON.stringify(ch)} maps to ${JSON.stringify(src)}`,
      );
    });
  });
}

test('an escape maps to all of its source characters', () => {
  const { pieces } = sourceOfEachChar('a: "x\\u00e9y"');
  assert.deepEqual(pieces, ['x', '\\u00e9', 'y']);
});

test('a scalar the mapper cannot rebuild gets no map rather than a wrong one', () => {
  const doc = parseDocument('a: "abc"', { keepSourceTokens: true });
  const node = doc.get('a', true) as Scalar<string>;
  assert.equal(scalarSourceMap(node.srcToken as CST.FlowScalar, 'abd'), null);
});
