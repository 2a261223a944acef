// The class palette: its rules, and the same colours as the C report's
// (EV_PALETTE_DUMP: the palette_dump program ctest builds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { TABLEAU10, TABLEAU20, classColour, cssColour, rampColour } from '../../web/palette.js';

const hex = (rgb) => '#' + rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

test('up to 10 classes: Tableau 10; up to 20: Tableau 20; no class: grey', () => {
  assert.equal(hex(classColour(0, 10)), '#4e79a7');
  assert.equal(hex(classColour(9, 10)), '#bab0ac');
  assert.equal(hex(classColour(1, 11)), '#a0cbe8');
  assert.equal(hex(classColour(19, 20)), '#d7b5a6');
  assert.equal(hex(classColour(-1, 5)), '#9a9a9a');
  assert.equal(TABLEAU10.length, 10);
  assert.equal(TABLEAU20.length, 20);
});

test('beyond 20 classes: distinct hues, neighbours in class order never alike', () => {
  const n = 300, seen = new Set();
  for (let c = 0; c < n; c++) {
    const rgb = classColour(c, n);
    assert.ok(rgb.every((v) => v >= 0 && v <= 255));
    seen.add(hex(rgb));
    if (c > 0) {
      const prev = classColour(c - 1, n);
      assert.ok(rgb.reduce((s, v, j) => s + Math.abs(v - prev[j]), 0) > 60, `classes ${c - 1} and ${c}`);
    }
  }
  assert.ok(seen.size > 250);
});

test('the numeric ramp runs from dark purple to yellow and clamps', () => {
  assert.deepEqual(rampColour(0), [68, 1, 84]);
  assert.deepEqual(rampColour(1), [253, 231, 37]);
  assert.deepEqual(rampColour(-5), rampColour(0));
  assert.deepEqual(rampColour(7), rampColour(1));
  assert.deepEqual(rampColour(0.5), [33, 145, 140]);
  assert.equal(cssColour([1, 2, 3]), 'rgb(1,2,3)');
});

test('the viewer and the C report give every class the same colour', { skip: !process.env.EV_PALETTE_DUMP &&
  'EV_PALETTE_DUMP not set (ctest sets it)' }, () => {
  const lines = execFileSync(process.env.EV_PALETTE_DUMP, { encoding: 'utf8' }).trim().split('\n');
  assert.ok(lines.length > 1000);
  for (const line of lines) {
    const [n, c, ...rgb] = line.split(' ').map(Number), js = classColour(c, n);
    for (let j = 0; j < 3; j++)
      assert.ok(Math.abs(js[j] - rgb[j]) < 1e-6, `class ${c} of ${n}: viewer ${js}, report ${rgb}`);
  }
});
