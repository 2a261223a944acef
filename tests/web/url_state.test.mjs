// The view in the address bar: the format links carry, and the token never kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readUrlState, withoutToken, writeUrlState } from '../../web/url_state.js';

test('a full link reads back', () => {
  const s = readUrlState('?d=1&color=label&labels=name&point=42&view=2,0.1,-0.2,0.6,0.4&method=tsne&dims=3');
  assert.deepEqual(s, { d: 1, color: 'label', labels: 'name', point: 42,
    view: { zoom: 2, cx: 0.1, cy: -0.2, yaw: 0.6, pitch: 0.4 }, method: 'tsne', dims: '3' });
});

test('an empty address means the first dataset, PCA in 2-D, no camera', () => {
  assert.deepEqual(readUrlState(''), { d: 0, color: null, labels: null, point: null, view: null, method: 'pca', dims: '2' });
});

test('malformed values are ignored, not passed on', () => {
  const s = readUrlState('?d=x&point=-3&view=1,2,3');
  assert.equal(s.d, 0);
  assert.equal(s.point, null);
  assert.equal(s.view, null);
  assert.equal(readUrlState('?view=1,2,3,4,NaN').view, null);
  assert.equal(readUrlState('?point=1.5').point, null);
});

test('the state writes in the format links have always had, rounded to 4 decimals', () => {
  const q = writeUrlState('', { d: 0, color: 'label', point: 7,
    view: { zoom: 1.234567, cx: -0.00001, cy: 0.5, yaw: 0.6, pitch: 0.4, dist: 3 }, method: 'umap', dims: '2' });
  assert.equal(q, '?d=0&color=label&point=7&view=1.2346%2C0%2C0.5%2C0.6%2C0.4&method=umap&dims=2');
  assert.deepEqual(readUrlState(q).view, { zoom: 1.2346, cx: 0, cy: 0.5, yaw: 0.6, pitch: 0.4 });
});

test('writing keeps other parameters and an earlier colour or point, drops the token', () => {
  const q = new URLSearchParams(writeUrlState('?token=secret&labels=name&color=old&point=3',
    { d: 2, color: null, point: -1, view: { zoom: 1, cx: 0, cy: 0, yaw: 0, pitch: 0 }, method: 'pca', dims: '2' }));
  assert.equal(q.get('token'), null);
  assert.equal(q.get('labels'), 'name');
  assert.equal(q.get('color'), 'old');
  assert.equal(q.get('point'), '3');
  assert.equal(q.get('d'), '2');
});

test('the token leaves the address, the rest stays', () => {
  assert.equal(withoutToken('/', '?token=abc'), '/');
  assert.equal(withoutToken('/', '?token=abc&view=2,0,0,0,0'), '/?view=2%2C0%2C0%2C0%2C0');
  assert.equal(withoutToken('/', '?d=1'), null); // nothing to drop: the address is left alone
  assert.equal(withoutToken('/', ''), null);
});
