// app.js — the viewer: one store (state.js) that every panel reads and
// writes, the WebGL renderer that draws it, and the first dataset opened.
import { api } from './api.js';
import { $ } from './dom.js';
import { createStore } from './store.js';
import { initialState, showError } from './state.js';
import { readUrlState } from './url_state.js';
import { Renderer } from './render.js';
import { dropToken, mountAddressBar } from './address_bar.js';
import { mountMap } from './map_view.js';
import { mountPointer } from './pointer.js';
import { mountTooltip } from './tooltip.js';
import { mountInspector } from './inspector.js';
import { mountDatasetPicker, openDataset } from './dataset.js';
import { mountProjectionPanel } from './panel_projection.js';
import { mountColourPanel } from './panel_colour.js';
import { mountSearchPanel } from './panel_search.js';
import { mountSelectionPanel } from './panel_selection.js';
import { mountExportPanel } from './panel_export.js';
import { mountAnalysisPanel } from './panel_analysis.js';

const url = readUrlState(location.search); // before anything rewrites the address bar
dropToken();
const store = createStore(initialState(url));
const renderer = new Renderer($('map'));
// for tests and the console: the state (read-only), the renderer and the store
window.embview = new Proxy(store.state, {
  get: (state, key) => (key === 'renderer' ? renderer : key === 'store' ? store : state[key]),
  set: () => false,
});

mountMap(store, renderer); // first: the map takes new coordinates before anything reads them
mountPointer(store, renderer);
mountTooltip(store);
mountInspector(store);
mountDatasetPicker(store);
mountProjectionPanel(store);
mountColourPanel(store);
mountSearchPanel(store, renderer);
mountSelectionPanel(store);
mountExportPanel(store, renderer);
mountAnalysisPanel(store, renderer);
mountAddressBar(store);
store.subscribe(['error'], ({ error }) => { $('status').textContent = error ? `error: ${error}` : ''; });

async function main() {
  const datasets = await api.datasets();
  store.set({ datasets });
  await openDataset(store, Math.min(url.d, datasets.length - 1), url);
}

main().catch((e) => showError(store, e));
