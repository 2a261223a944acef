// panel_colour.js — the Colour section: the colour column, point size, the
// text labels' column, and the legend, whose entries hide and show classes.
import { $, el, columnOptions } from './dom.js';
import { classCounts } from './columns.js';
import { classColour, cssColour } from './palette.js';
import { toggled } from './selection.js';

const LEGEND_MAX = 200; // entries; beyond this a legend is no help

function legend(store, box) {
  const { columns, colorBy, hidden } = store.state, col = columns[colorBy];
  box.textContent = '';
  if (!col || col.kind !== 'categorical') return;
  const counts = classCounts(col);
  col.categories.slice(0, LEGEND_MAX).forEach((name, c) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = cssColour(classColour(c, col.categories.length));
    box.append(el('div', { className: 'entry' + (hidden.has(c) ? ' off' : ''),
      onclick: () => store.set({ hidden: toggled(store.state.hidden, c) }) }, swatch, `${name} (${counts[c]})`));
  });
}

export function mountColourPanel(store) {
  const colorBy = $('color-by'), labelBy = $('label-by'), size = $('point-size'), box = $('legend');
  store.subscribe(['columns', 'colorBy'], (s, changed) => {
    if (changed.has('columns')) columnOptions(colorBy, s.columns);
    colorBy.value = String(s.colorBy);
  });
  store.subscribe(['columns', 'labelBy'], (s, changed) => {
    if (changed.has('columns')) columnOptions(labelBy, s.columns);
    labelBy.value = String(s.labelBy);
  });
  store.subscribe(['columns', 'colorBy', 'hidden'], () => legend(store, box));
  // another column's class codes mean other classes: none hidden
  colorBy.onchange = () => store.set({ colorBy: Number(colorBy.value), hidden: new Set() });
  labelBy.onchange = () => store.set({ labelBy: Number(labelBy.value) });
  size.oninput = () => store.set({ pointSize: Number(size.value) });
}
