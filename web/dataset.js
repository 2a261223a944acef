// dataset.js — choosing and opening a dataset: its metadata and analysis,
// the colour and label columns, then its first projection.
import { api } from './api.js';
import { $ } from './dom.js';
import { readUrlState } from './url_state.js';
import { runProjection, stopFollowing } from './projection.js';
import { projectionParams } from './panel_projection.js';
import { inspect } from './inspector.js';
import { showError } from './state.js';

// url: readUrlState's result (a link's state, or none for a dataset picked by hand)
export async function openDataset(store, d, url) {
  stopFollowing();
  store.set({ d, job: -1, quality: null, mapOverlap: null, hidden: new Set(), highlight: null, search: null,
    searchError: null, selection: null, isolated: false, selected: -1, neighbours: null, review: new Map() });
  const ds = store.state.datasets[d], [columns, analysis] = await Promise.all([api.metadata(d), api.analysis(d)]);
  const named = (name) => columns.findIndex((c) => c.name === name);
  store.set({ columns, analysis, colorBy: named(url.color || ds.label_column), labelBy: named(url.labels || ds.label_column),
    method: url.method, dims: url.dims, pendingView: url.view });
  await runProjection(store, projectionParams(store.state));
  if (url.point !== null) inspect(store, url.point);
}

export function mountDatasetPicker(store) {
  const picker = $('dataset');
  store.subscribe(['datasets', 'd'], ({ datasets, d }, changed) => {
    if (changed.has('datasets')) {
      picker.textContent = '';
      datasets.forEach((ds, i) => picker.append(new Option(ds.name, String(i))));
    }
    picker.value = String(d);
    const ds = datasets[d];
    $('dataset-info').textContent = ds ? `${ds.points} points × ${ds.dims} dims` : '';
  });
  picker.onchange = () => openDataset(store, Number(picker.value), readUrlState('')).catch((e) => showError(store, e));
}
