// What the panels say, from the state: progress, map quality, pairs, names, labels, review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine } from '../../web/panel_projection.js';
import { pairsShown, qualityAbsence, qualityLines } from '../../web/panel_analysis.js';
import { exportName } from '../../web/panel_export.js';
import { labelledPoints } from '../../web/text_labels.js';
import { withLabel } from '../../web/review.js';

const running = { method: 'tsne', dims: 2, state: 'running', stage: 'optimising', iteration: 50, iterations: 750,
  kl: 2.34567, seconds: 3.21, version: 3 };

test('the progress line: waiting, running, then how the job ended', () => {
  assert.equal(progressLine(null), '');
  const p = { status: null, params: { method: 'tsne' }, finished: false, lost: false };
  assert.equal(progressLine(p), '');
  assert.equal(progressLine({ ...p, status: { ...running, state: 'queued', ahead: 2 } }),
    'tsne 2-D: waiting (2 projection(s) ahead)');
  assert.equal(progressLine({ ...p, status: running }), 'tsne 2-D: running, optimising iteration 50/750, KL 2.346 (3.2 s)');
  assert.equal(progressLine({ ...p, status: running, lost: true }),
    'tsne 2-D: running, optimising iteration 50/750, KL 2.346 (3.2 s) (connection lost)');
  const failed = { ...running, state: 'failed', error: 'out of memory' };
  assert.match(progressLine({ ...p, status: failed }), /\(3\.2 s\)$/); // the error once the last map is in
  assert.match(progressLine({ ...p, status: failed, finished: true }), /\(3\.2 s\): out of memory$/);
});

test('a finished PCA names the variance of the components it shows', () => {
  const s = { method: 'pca', dims: 2, state: 'done', stage: 'done', iterations: 0, kl: null, seconds: 0.5,
    variance: [0.102, 0.0722] };
  assert.equal(progressLine({ status: s, params: { method: 'pca' }, finished: true, lost: false }),
    'pca 2-D: done, done (0.5 s) — variance explained: PC1 10.2%, PC2 7.2%');
  assert.match(progressLine({ status: s, params: { method: 'pca', components: '3,5' }, finished: true, lost: false }),
    /PC3 10\.2%, PC5 7\.2%$/);
});

const quality = { method: 'tsne', dims: 2, k: 10, sampled_points: 5000, trustworthiness: 0.98765, continuity: 0.9,
  knn_recall: null, knn_accuracy: 0.9 };

test('map quality: what was measured, on how many points', () => {
  const lines = qualityLines(quality, 10000);
  assert.deepEqual(lines.map((l) => l[0]), ['t-SNE 2-D, 10 neighbours, 5,000 sampled points', 'trustworthiness: 0.988',
    'continuity: 0.900', 'neighbour recall: n/a', 'label accuracy: 0.900']);
  assert.equal(lines[0][1], '');
  assert.ok(lines.slice(1).every(([, why]) => why.length > 10));
  assert.match(qualityLines({ ...quality, sampled_points: 5000, knn_accuracy: null }, 5000)[0][0], /every point$/);
  assert.equal(qualityLines({ ...quality, knn_accuracy: null }, 1).length, 4);
});

test('map quality absent: why', () => {
  assert.equal(qualityAbsence(undefined, null), 'not measured yet');
  assert.equal(qualityAbsence({ analysis: true }, null), 'measured when a projection finishes');
  assert.equal(qualityAbsence({ analysis: false }, null), 'not measured (served with --no-analysis)');
  const done = { status: { state: 'done', error: 'quality: out of time' }, finished: true };
  assert.equal(qualityAbsence({ analysis: true }, done), 'quality: out of time');
  assert.equal(qualityAbsence({ analysis: true }, { ...done, status: { state: 'failed', error: 'x' } }),
    'measured when a projection finishes');
});

test('the pairs shown: the top 15, then artefacts of this map not among them', () => {
  const pairs = Array.from({ length: 20 }, (_, k) => ({ a: `a${k}`, b: `b${k}`, score: 1 - k / 100 }));
  const onMap = [{ a: 'a1', b: 'b1', verdict: 'map artefact' }, { a: 'a17', b: 'b17', verdict: 'map artefact' },
    { a: 'a18', b: 'b18', verdict: 'real' }];
  const shown = pairsShown(pairs, onMap);
  assert.equal(shown.length, 16);
  assert.equal(shown[15].a, 'a17');
  assert.equal(pairsShown(pairs, null).length, 15);
});

test('export names: the dataset made file-safe, the map\'s method and dimensions', () => {
  assert.equal(exportName({ name: 'my data/v2' }, { method: 'tsne', dims: 2 }, 'npy'), 'my_data_v2-tsne2d.npy');
  assert.equal(exportName({ name: 'mnist' }, null, 'png'), 'mnist-map.png');
});

test('text labels: the highlight, else a small search, else a small selection', () => {
  const big = new Set(Array.from({ length: 301 }, (_, i) => i)), small = new Set([1]), other = new Set([2]);
  assert.equal(labelledPoints({ highlight: small, search: other, selection: null }), small);
  assert.equal(labelledPoints({ highlight: null, search: small, selection: other }), small);
  assert.equal(labelledPoints({ highlight: null, search: big, selection: other }), other);
  assert.equal(labelledPoints({ highlight: big, search: small, selection: null }), null);
  assert.equal(labelledPoints({ highlight: null, search: null, selection: null }), null);
});

test('review: a new label is recorded, the old label or none undoes it, the old map stays', () => {
  const a = new Map(), b = withLabel(a, 3, 'owl', 'cat');
  assert.deepEqual([...b], [[3, 'owl']]);
  assert.equal(a.size, 0);
  assert.equal(withLabel(b, 3, 'cat', 'cat').size, 0);
  assert.equal(withLabel(b, 3, null, 'cat').size, 0);
});
