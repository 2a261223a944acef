// panel_analysis.js — the right panel's measures: this map's quality, the
// overlapping class pairs (with the finished map's verdict beside each) and
// the suspect labels.
import { $, el } from './dom.js';
import { centredOn } from './camera.js';
import { pointsOfClasses } from './selection.js';
import { inspect } from './inspector.js';

const METHOD_NAMES = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP', custom: 'custom projection' };
const PAIRS_SHOWN = 15;
const SUSPECTS_SHOWN = 200;

const pairKey = (p) => `${p.a}\u0000${p.b}`;

// [text, tooltip] lines of the quality measures q of a map of a dataset with `points` points
export function qualityLines(q, points) {
  const lines = [[`${METHOD_NAMES[q.method] || q.method} ${q.dims}-D, ${q.k} neighbours, ` +
    (q.sampled_points === points ? 'every point' : `${q.sampled_points.toLocaleString('en')} sampled points`), '']];
  const measure = (name, v, why) => lines.push([`${name}: ${v === null ? 'n/a' : v.toFixed(3)}`, why]);
  measure('trustworthiness', q.trustworthiness, 'are the map\'s neighbours neighbours in the input? (1 = no false neighbours)');
  measure('continuity', q.continuity, 'are the input\'s neighbours kept together on the map?');
  measure('neighbour recall', q.knn_recall, `share of each point's ${q.k} input neighbours among its ${q.k} map neighbours`);
  if (q.knn_accuracy !== null) measure('label accuracy', q.knn_accuracy, `a ${q.k}-NN vote on the map predicts the label`);
  return lines;
}

// what the panel says without measures: why not, or when they come
export function qualityAbsence(dataset, progress) {
  const s = progress && progress.finished ? progress.status : null;
  if (s && s.state === 'done' && s.error) return s.error; // the map is done, measuring it failed
  if (!dataset) return 'not measured yet';
  return dataset.analysis ? 'measured when a projection finishes' : 'not measured (served with --no-analysis)';
}

// the input's top pairs, then any pair that overlaps only on this map (a projection artefact)
export function pairsShown(pairs, mapPairs) {
  const top = pairs.slice(0, PAIRS_SHOWN), shown = new Set(top.map(pairKey));
  return top.concat((mapPairs || []).filter((p) => p.verdict === 'map artefact' && !shown.has(pairKey(p))));
}

// the tag of a pair the map shows differently from the input, or null
function verdictTag(m) {
  if (!m || (m.verdict !== 'map artefact' && m.verdict !== 'hidden')) return null;
  return el('span', { className: 'verdict ' + (m.verdict === 'hidden' ? 'hidden' : 'artefact'),
    textContent: m.verdict === 'hidden' ? 'hidden by this map' : 'only on this map',
    title: `overlap ${m.score.toFixed(4)} in the input, ${m.map_score.toFixed(4)} on this map` });
}

function mapQuality(box, { quality, progress, datasets, d }) {
  box.textContent = '';
  if (!quality) {
    box.textContent = qualityAbsence(datasets[d], progress);
    return;
  }
  for (const [text, why] of qualityLines(quality, datasets[d].points))
    box.append(el('div', why ? { textContent: text, title: why } : { textContent: text }));
}

function classPairs(store, list, a) {
  const { columns, mapOverlap } = store.state;
  const col = columns.find((c) => c.name === a.label_column), onMap = new Map((mapOverlap || []).map((p) => [pairKey(p), p]));
  for (const p of pairsShown(a.pairs, mapOverlap)) {
    const li = el('li', { textContent: `${p.a} – ${p.b}  ${p.score.toFixed(4)}` });
    const tag = verdictTag(onMap.get(pairKey(p)));
    if (tag) li.append(tag);
    // the points of the two classes, coloured by the label column
    li.onclick = () => {
      if (!col) return;
      const by = columns.indexOf(col), { colorBy, hidden } = store.state;
      store.set({ colorBy: by, hidden: by === colorBy ? hidden : new Set(), highlight: pointsOfClasses(col, [p.a, p.b]) });
    };
    list.append(li);
  }
}

function suspects(store, renderer, list, a) {
  for (const s of a.suspects.points.slice(0, SUSPECTS_SHOWN)) {
    list.append(el('li', { textContent: `point ${s.i}: ${s.label} → ${s.suggested} (${s.score.toFixed(3)})`,
      onclick: () => {
        if (s.i < renderer.n) {
          const [x, y] = renderer.position(s.i);
          store.set({ view: centredOn(store.state.view, renderer.dims, x, y) });
        }
        inspect(store, s.i);
      } }));
  }
}

export function mountAnalysisPanel(store, renderer) {
  const quality = $('map-quality'), pairs = $('pairs'), suspectList = $('suspects');
  store.subscribe(['quality', 'progress', 'datasets', 'd'], (s) => mapQuality(quality, s));
  // (analysis and columns arrive together, after the datasets: before them there is nothing to say)
  store.subscribe(['analysis', 'mapOverlap', 'columns'], ({ datasets, analysis: a }) => {
    pairs.textContent = '';
    suspectList.textContent = '';
    $('suspect-count').textContent = a ? `(${a.suspects.flagged})` : '';
    if (!datasets.length) return;
    if (!a) {
      pairs.textContent = 'no labels';
      return;
    }
    classPairs(store, pairs, a);
    suspects(store, renderer, suspectList, a);
  });
}
