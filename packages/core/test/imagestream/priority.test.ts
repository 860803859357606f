import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prioritizeTags, selectTagsForImport, TagSelector } from '../../src/imagestream/index.js';

test('latest first, then minor versions newest first, then full versions, then the rest by name', () => {
  assert.deepEqual(
    prioritizeTags([
      'other',
      '1.0.0',
      'v5.1',
      '5.1',
      'latest',
      '5.10',
      '2.0.0-rc1',
      '2.0.0',
      '5.1-rc1',
      'abc',
      '10.0.1',
    ]),
    ['latest', '5.10', '5.1', 'v5.1', '5.1-rc1', '10.0.1', '2.0.0', '2.0.0-rc1', '1.0.0', 'abc', 'other'],
  );
});

test('the cap keeps the first 50 by priority and reports the rest in order', () => {
  const tags = Array.from({ length: 210 }, (_, i) => `1.${i}.0`).concat(['latest', '']);
  const { selected, additional } = selectTagsForImport(tags);
  assert.equal(selected.length, 50);
  assert.equal(selected[0], 'latest');
  assert.equal(selected[1], '1.209.0');
  assert.equal(additional.length, 210 - 49);
  assert.equal(additional[0], '1.160.0');
  assert.equal(new Set([...selected, ...additional]).size, 211, 'the empty tag reads as latest');
});

test('a selector fed page by page that keeps no names beyond the cap picks what the whole list picks, and counts the rest', () => {
  const tags = Array.from({ length: 3000 }, (_, i) => `${i % 7}.${i % 11}.${i}`).concat(['latest', 'zeta', 'v2.1']);
  const whole = selectTagsForImport(tags);
  const paged = new TagSelector(50, false);
  // Pages in an order unlike the priority order, as a registry sends them.
  for (let i = 0; i < tags.length; i += 100) paged.add(tags.slice(i, i + 100).reverse());
  const { selected, additional, additionalCount } = paged.selection();
  assert.deepEqual(selected, whole.selected);
  assert.deepEqual(additional, []);
  assert.equal(additionalCount, whole.additional.length);
});
