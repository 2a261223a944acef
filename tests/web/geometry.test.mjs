// The selection shapes: box and lasso (even-odd polygon).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBox, inPolygon } from '../../web/geometry.js';

test('a box is the same from either corner, edges included', () => {
  for (const inside of [inBox(10, 20, 30, 40), inBox(30, 40, 10, 20), inBox(10, 40, 30, 20)]) {
    assert.ok(inside(20, 30));
    assert.ok(inside(10, 20) && inside(30, 40));
    assert.ok(!inside(9.9, 30) && !inside(20, 40.1));
  }
});

test('a triangle lasso holds its inside, not its outside', () => {
  const inside = inPolygon([[0, 0], [100, 0], [50, 100]]);
  assert.ok(inside(50, 10) && inside(50, 90));
  assert.ok(!inside(5, 90) && !inside(95, 90) && !inside(50, -1) && !inside(50, 101));
});

test('a self-crossing lasso (a bow tie) follows the even-odd rule', () => {
  const inside = inPolygon([[0, 0], [100, 100], [100, 0], [0, 100]]);
  assert.ok(inside(10, 50) && inside(90, 50)); // the two wings
  assert.ok(!inside(50, 10) && !inside(50, 90)); // above and below the crossing
});

test('a concave lasso leaves its notch out', () => {
  const inside = inPolygon([[0, 0], [100, 0], [100, 100], [50, 40], [0, 100]]); // a notch from below
  assert.ok(inside(50, 20) && inside(10, 80) && inside(90, 80));
  assert.ok(!inside(50, 80));
});

test('a lasso of fewer than three corners holds nothing', () => {
  assert.ok(!inPolygon([[0, 0], [10, 10]])(5, 5));
  assert.ok(!inPolygon([])(0, 0));
});
