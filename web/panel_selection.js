// panel_selection.js — the Selection section: how many points the box or
// lasso chose, their counts by class, isolating them and clearing.
import { $, el } from './dom.js';
import { countsByText } from './columns.js';

export function mountSelectionPanel(store) {
  const info = $('selection-info'), isolate = $('isolate'), clear = $('clear-selection');
  store.subscribe(['selection', 'columns', 'colorBy'], ({ selection, columns, colorBy }) => {
    isolate.disabled = clear.disabled = !selection;
    info.textContent = '';
    if (!selection) return;
    info.append(`${selection.size} points`);
    const col = columns[colorBy];
    if (col && col.kind === 'categorical')
      info.append(el('div', { className: 'counts',
        textContent: countsByText(col, selection).map(([k, v]) => `${k}: ${v}`).join(', ') }));
  });
  isolate.onclick = () => store.set({ isolated: !store.state.isolated });
  clear.onclick = () => store.set({ selection: null, isolated: false });
}
