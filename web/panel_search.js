// panel_search.js — the Search section: matches stay bright, the rest fades.
import { $ } from './dom.js';
import { matchingPoints } from './search.js';

export function mountSearchPanel(store, renderer) {
  const input = $('search'), info = $('search-info');
  input.oninput = () => {
    const text = input.value.trim();
    if (!text) return store.set({ search: null, searchError: null });
    try {
      store.set({ search: matchingPoints(store.state.columns, renderer.n, text), searchError: null });
    } catch (e) { // a bad /expression/: the last search stays
      store.set({ searchError: `bad expression: ${e.message}` });
    }
  };
  store.subscribe(['search', 'searchError'], ({ search, searchError }) => {
    info.textContent = searchError || (search ? `${search.size} points match` : '');
  });
}
