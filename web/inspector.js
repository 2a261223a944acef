// inspector.js — the inspected point: its thumbnail, label (and the label
// the analysis suspects instead), the review box, its nearest neighbours in
// the input space and their labels.
import { api } from './api.js';
import { $, el } from './dom.js';
import { labelText } from './columns.js';
import { reviewBox } from './review.js';
import { showError } from './state.js';

const NEIGHBOURS = 10;

// Inspects point i: its neighbours come from the server, then emphasise it and them.
export async function inspect(store, i) {
  store.set({ selected: i, neighbours: null });
  const { d, metric } = store.state;
  try {
    const r = await api.neighbors(d, i, NEIGHBOURS, metric);
    if (store.state.selected !== i || store.state.d !== d || store.state.metric !== metric) return; // moved on
    store.set({ neighbours: { i, ...r }, highlight: new Set([i, ...r.neighbors.map((x) => x.i)]) });
  } catch (e) {
    showError(store, e);
  }
}

function thumb(d, i) {
  return el('img', { className: 'thumb', src: api.thumbUrl(d, i) });
}

function neighbourTable(store, d, ds, neighbours, labelOf) {
  const table = el('table', { className: 'neighbors' });
  for (const nb of neighbours) {
    table.append(el('tr', { onclick: () => inspect(store, nb.i) },
      el('td', {}, ...(ds.thumbnails ? [thumb(d, nb.i)] : [])),
      el('td', { textContent: `${nb.i}  ${labelOf(nb.i)}` }),
      el('td', { textContent: nb.d.toFixed(2) })));
  }
  return table;
}

function render(store, body) {
  const { d, datasets, columns, analysis, selected: i, neighbours: r, metric } = store.state;
  if (!r || r.i !== i) {
    body.textContent = 'finding neighbours...';
    return;
  }
  const ds = datasets[d], labelOf = (j) => labelText(columns, ds.label_column, j);
  const suspect = analysis && analysis.suspects.points.find((p) => p.i === i);
  body.textContent = '';
  const head = el('div', {}, ...(ds.thumbnails ? [thumb(d, i)] : []), ` label: ${labelOf(i)}`);
  if (suspect) head.append(` — looks like ${suspect.suggested} (score ${suspect.score.toFixed(3)})`);
  body.append(head);
  if (ds.label_column) body.append(reviewBox(store, i, labelOf(i), suspect));
  const metricPicker = el('select', { className: 'metric', onchange: () => store.set({ metric: metricPicker.value }) },
    new Option('euclidean', 'euclidean'), new Option('cosine', 'cosine'));
  metricPicker.value = metric;
  body.append(metricPicker);
  body.append(el('div', { className: 'label-counts',
    textContent: 'neighbour labels: ' + Object.entries(r.label_counts).map(([k, v]) => `${k}: ${v}`).join(', ') }));
  body.append(neighbourTable(store, d, ds, r.neighbors, labelOf));
  const around = new Set([i, ...r.neighbors.map((x) => x.i)]);
  body.append(
    el('button', { className: 'isolate-neighbors', textContent: 'isolate these',
      onclick: () => store.set({ selection: around, isolated: true }) }),
    el('button', { textContent: 'show all', onclick: () => store.set({ highlight: null, selection: null, isolated: false }) }));
}

export function mountInspector(store) {
  const body = $('insp-body');
  store.subscribe(['selected'], ({ selected }) => {
    $('inspector').hidden = selected < 0;
    $('insp-index').textContent = selected < 0 ? '' : selected;
  });
  store.subscribe(['selected', 'neighbours', 'review', 'metric'], ({ selected }) => {
    if (selected >= 0) render(store, body);
  });
  store.subscribe(['metric'], ({ selected }) => { if (selected >= 0) inspect(store, selected); });
  $('insp-close').onclick = () => store.set({ selected: -1, neighbours: null, highlight: null });
}
