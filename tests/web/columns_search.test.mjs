// Metadata cells and the search over them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellText, classCounts, columnLength, countsByText, labelText } from '../../web/columns.js';
import { matcher, matchingPoints } from '../../web/search.js';

const label = { name: 'label', kind: 'categorical', categories: ['cat', 'dog'], codes: [0, 1, -1, 1] };
const weight = { name: 'weight', kind: 'numeric', values: [4.5, null, 30, 12] };
const columns = [label, weight];

test('cells as text: categories by code, numbers as written, empty cells empty', () => {
  assert.deepEqual([0, 1, 2, 3].map((i) => cellText(label, i)), ['cat', 'dog', '', 'dog']);
  assert.deepEqual([0, 1, 2, 3].map((i) => cellText(weight, i)), ['4.5', '', '30', '12']);
  assert.equal(columnLength(label), 4);
  assert.equal(columnLength(weight), 4);
});

test('labels come from the dataset\'s label column, or are empty without one', () => {
  assert.equal(labelText(columns, 'label', 1), 'dog');
  assert.equal(labelText(columns, null, 1), '');
});

test('class counts, and counts of a selection most frequent first', () => {
  assert.deepEqual(classCounts(label), [1, 2]);
  assert.deepEqual(countsByText(label, new Set([0, 1, 3])), [['dog', 2], ['cat', 1]]);
});

test('text is found anywhere, ignoring case', () => {
  assert.deepEqual([...matchingPoints(columns, 4, 'DO')], [1, 3]);
  assert.deepEqual([...matchingPoints(columns, 4, '3')], [2]);
  assert.deepEqual([...matchingPoints(columns, 4, 'zebra')], []);
});

test('/regular expressions/ match by their rules, ignoring case', () => {
  assert.deepEqual([...matchingPoints(columns, 4, '/^C/')], [0]);
  assert.deepEqual([...matchingPoints(columns, 4, '/^\\d+$/')], [2, 3]);
  assert.ok(matcher('//')('//')); // too short to be an expression: plain text
  assert.throws(() => matcher('/(/'), SyntaxError);
});
