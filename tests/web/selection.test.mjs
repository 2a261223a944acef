// Point sets: what a shape encloses, toggling, the points of classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointsInside, pointsOfClasses, toggled } from '../../web/selection.js';
import { inBox } from '../../web/geometry.js';

const positions = [[0, 0], [5, 5], [10, 10], [5, 6]];

test('the points inside a shape, skipping those asked', () => {
  const box = inBox(4, 4, 11, 11);
  assert.deepEqual([...pointsInside(4, (i) => positions[i], box)], [1, 2, 3]);
  assert.deepEqual([...pointsInside(4, (i) => positions[i], box, (i) => i === 2)], [1, 3]);
});

test('an empty selection is null (nothing selected), not an empty set', () => {
  assert.equal(pointsInside(4, (i) => positions[i], inBox(100, 100, 200, 200)), null);
});

test('toggling makes a new set and leaves the old one alone', () => {
  const a = new Set([1, 2]), b = toggled(a, 2), c = toggled(b, 3);
  assert.deepEqual([...a], [1, 2]);
  assert.deepEqual([...b], [1]);
  assert.deepEqual([...c], [1, 3]);
});

test('the points of named classes; an unknown name matches nothing, not the empty cells', () => {
  const col = { name: 'label', kind: 'categorical', categories: ['cat', 'dog', 'owl'], codes: [0, 1, 2, -1, 1] };
  assert.deepEqual([...pointsOfClasses(col, ['cat', 'dog'])], [0, 1, 4]);
  assert.deepEqual([...pointsOfClasses(col, ['emu'])], []);
});
