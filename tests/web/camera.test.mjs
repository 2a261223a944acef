// The camera as values: pan, orbit, zoom, centring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VIEW, centredOn, dragged, zoomed } from '../../web/camera.js';

test('a 2-D drag pans the map with the mouse: right moves the centre left, down moves it up', () => {
  const v = dragged(DEFAULT_VIEW, 2, 95, 95, 1000, 500); // 95 px = 0.4 map units on a 500 px short side
  assert.ok(Math.abs(v.cx + 0.4) < 1e-12 && Math.abs(v.cy - 0.4) < 1e-12);
  assert.equal(v.yaw, DEFAULT_VIEW.yaw);
  const closer = dragged({ ...DEFAULT_VIEW, zoom: 4 }, 2, 95, 0, 1000, 500);
  assert.ok(Math.abs(closer.cx + 0.1) < 1e-12); // zoomed in, the same drag moves less map
});

test('a 3-D drag orbits; the pitch stops short of the poles', () => {
  const v = dragged(DEFAULT_VIEW, 3, 10, 20, 800, 600);
  assert.ok(Math.abs(v.yaw - (DEFAULT_VIEW.yaw + 0.1)) < 1e-12 && Math.abs(v.pitch - (DEFAULT_VIEW.pitch + 0.2)) < 1e-12);
  assert.equal(v.cx, DEFAULT_VIEW.cx);
  assert.equal(dragged(DEFAULT_VIEW, 3, 0, 1000, 800, 600).pitch, 1.5);
  assert.equal(dragged(DEFAULT_VIEW, 3, 0, -1000, 800, 600).pitch, -1.5);
});

test('the wheel zooms within bounds', () => {
  assert.ok(zoomed(DEFAULT_VIEW, -100).zoom > 1 && zoomed(DEFAULT_VIEW, 100).zoom < 1);
  assert.equal(zoomed(DEFAULT_VIEW, 1e6).zoom, 0.2);
  assert.equal(zoomed(DEFAULT_VIEW, -1e6).zoom, 500);
});

test('motions make new views; the default stays as it was', () => {
  dragged(DEFAULT_VIEW, 2, 5, 5, 100, 100);
  zoomed(DEFAULT_VIEW, 5);
  assert.deepEqual(DEFAULT_VIEW, { zoom: 1, cx: 0, cy: 0, yaw: 0.6, pitch: 0.4, dist: 3 });
  assert.ok(Object.isFrozen(DEFAULT_VIEW));
});

test('centring on a point zooms in (never out) on a 2-D map; a 3-D view stays', () => {
  assert.deepEqual(centredOn(DEFAULT_VIEW, 2, 0.3, -0.2), { ...DEFAULT_VIEW, cx: 0.3, cy: -0.2, zoom: 4 });
  assert.equal(centredOn({ ...DEFAULT_VIEW, zoom: 9 }, 2, 0, 0).zoom, 9);
  assert.equal(centredOn(DEFAULT_VIEW, 3, 0.3, -0.2), DEFAULT_VIEW);
});
