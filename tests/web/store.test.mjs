// The store: changes batch into one run per subscriber, keyed by what changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/store.js';

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

test('the first flush runs every subscriber once', async () => {
  const store = createStore({ a: 1, b: 2 }), runs = [];
  store.subscribe(['a'], () => runs.push('a'));
  store.subscribe(['b'], () => runs.push('b'));
  await settled();
  assert.deepEqual(runs, ['a', 'b']);
});

test('changes made in one handler run a subscriber once, after the handler', async () => {
  const store = createStore({ a: 1, b: 2, c: 3 });
  await settled();
  const seen = [];
  store.subscribe(['a', 'b'], (s, changed) => seen.push([s.a, s.b, [...changed].sort()]));
  store.set({ a: 10 });
  store.set({ b: 20 });
  assert.equal(store.state.a, 10); // the state itself changes at once
  assert.deepEqual(seen, []);
  await settled();
  assert.deepEqual(seen, [[10, 20, ['a', 'b']]]);
});

test('only subscribers of a changed key run; an identical value is no change', async () => {
  const store = createStore({ a: 1, b: new Set() });
  await settled();
  const runs = [];
  store.subscribe(['a'], () => runs.push('a'));
  store.subscribe(['b'], () => runs.push('b'));
  store.set({ a: 1, b: store.state.b });
  await settled();
  assert.deepEqual(runs, []);
  store.set({ b: new Set([1]) });
  await settled();
  assert.deepEqual(runs, ['b']);
});

test('a subscriber that sets state runs the subscribers of that key next', async () => {
  const store = createStore({ a: 0, twice: 0 });
  store.subscribe(['a'], ({ a }) => store.set({ twice: 2 * a }));
  const seen = [];
  store.subscribe(['twice'], ({ twice }) => seen.push(twice));
  await settled();
  store.set({ a: 4 });
  await settled();
  assert.deepEqual(seen, [0, 8]);
});

test('unknown keys are refused', () => {
  const store = createStore({ a: 1 });
  assert.throws(() => store.set({ b: 1 }), /unknown state key: b/);
  assert.throws(() => store.subscribe(['c'], () => {}), /unknown state key: c/);
});

test('a failing subscriber does not stop the others, and its error is raised', async () => {
  const errors = [], store = createStore({ a: 0 }, (e) => errors.push(e.message));
  await settled();
  const runs = [];
  store.subscribe(['a'], () => { throw new Error('panel broke'); });
  store.subscribe(['a'], () => runs.push('other'));
  store.set({ a: 1 });
  await settled();
  assert.deepEqual(errors, ['panel broke']);
  assert.deepEqual(runs, ['other']);
  store.set({ a: 2 }); // and the store still works
  await settled();
  assert.deepEqual(runs, ['other', 'other']);
});

test('a subscriber loop that never settles is reported', async () => {
  const errors = [], store = createStore({ a: 0 }, (e) => errors.push(e.message));
  store.subscribe(['a'], ({ a }) => store.set({ a: a + 1 }));
  await settled();
  assert.equal(errors.length, 1);
  assert.match(errors[0], /still changing after 20 rounds: a/);
  assert.equal(store.state.a, 20);
  store.set({ a: 0 }); // and the store still works
});
