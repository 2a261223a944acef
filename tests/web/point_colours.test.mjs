// One RGBA per point: classes, ramp, hidden classes, fading and isolating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointColours } from '../../web/point_colours.js';
import { classColour } from '../../web/palette.js';

const none = { column: null, hidden: new Set(), highlight: null, search: null, selection: null, isolated: false };
const animals = { name: 'label', kind: 'categorical', categories: ['cat', 'dog', 'owl'], codes: [0, 1, 2, -1] };
const rgbaOf = (out, i) => [...out.subarray(4 * i, 4 * i + 4)];

test('without a colour column every point is the first class colour, at normal opacity', () => {
  const out = pointColours(3, none);
  for (let i = 0; i < 3; i++) assert.deepEqual(rgbaOf(out, i), [...classColour(0, 1), 200]);
});

test('a categorical column colours by class; an empty cell is grey', () => {
  const out = pointColours(4, { ...none, column: animals });
  for (let i = 0; i < 3; i++) assert.deepEqual(rgbaOf(out, i), [...classColour(i, 3), 200]);
  assert.deepEqual(rgbaOf(out, 3), [...classColour(-1, 3), 200]);
});

test('a numeric column runs along the ramp from its minimum to its maximum; null is grey', () => {
  const out = pointColours(4, { ...none, column: { name: 'x', kind: 'numeric', values: [10, 20, null, 15] } });
  assert.deepEqual(rgbaOf(out, 0), [68, 1, 84, 200]);
  assert.deepEqual(rgbaOf(out, 1), [253, 231, 37, 200]);
  assert.deepEqual(rgbaOf(out, 2), [...classColour(-1, 1), 200]);
  const middle = rgbaOf(out, 3); // a 256-step ramp: within a step of the ramp's middle
  [33, 145, 140].forEach((v, j) => assert.ok(Math.abs(middle[j] - v) <= 2, `${middle}`));
});

test('a constant numeric column does not divide by zero', () => {
  const out = pointColours(2, { ...none, column: { name: 'x', kind: 'numeric', values: [3, 3] } });
  assert.deepEqual(rgbaOf(out, 0), [68, 1, 84, 200]);
});

test('hidden classes are transparent', () => {
  const out = pointColours(4, { ...none, column: animals, hidden: new Set([1]) });
  assert.deepEqual([0, 1, 2, 3].map((i) => out[4 * i + 3]), [200, 0, 200, 200]);
});

test('a highlight is opaque (drawn large, on top) and fades the rest', () => {
  const out = pointColours(4, { ...none, highlight: new Set([1, 2]) });
  assert.deepEqual([0, 1, 2, 3].map((i) => out[4 * i + 3]), [25, 255, 255, 25]);
});

test('search and selection fade what they leave out; isolating hides it', () => {
  const alpha = (s) => [0, 1, 2, 3].map((i) => pointColours(4, { ...none, ...s })[4 * i + 3]);
  assert.deepEqual(alpha({ search: new Set([0]) }), [200, 25, 25, 25]);
  assert.deepEqual(alpha({ selection: new Set([0, 1]) }), [200, 200, 25, 25]);
  assert.deepEqual(alpha({ selection: new Set([0, 1]), isolated: true }), [200, 200, 0, 0]);
  // a highlighted point outside the search fades; outside an isolated selection it is gone
  assert.deepEqual(alpha({ highlight: new Set([0, 1]), search: new Set([0, 2]) }), [255, 25, 25, 25]);
  assert.deepEqual(alpha({ highlight: new Set([0, 1]), selection: new Set([0]), isolated: true }), [255, 0, 0, 0]);
});
