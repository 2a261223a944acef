// tooltip.js — the point under the mouse: its thumbnail and first metadata cells.
import { api } from './api.js';
import { $, el } from './dom.js';
import { cellText } from './columns.js';

const CELLS_SHOWN = 6;
const OFFSET = 14; // pixels right of and below the mouse

export function mountTooltip(store) {
  const tip = $('tooltip');
  store.subscribe(['hover'], ({ hover, datasets, d, columns }) => {
    if (!hover) {
      tip.hidden = true;
      return;
    }
    const { i, x, y } = hover;
    tip.textContent = '';
    if (datasets[d].thumbnails) tip.append(el('img', { src: api.thumbUrl(d, i), alt: `point ${i}` }));
    tip.append(el('div', { textContent: `point ${i}` }));
    for (const col of columns.slice(0, CELLS_SHOWN)) tip.append(el('div', { textContent: `${col.name}: ${cellText(col, i)}` }));
    tip.style.left = `${x + OFFSET}px`;
    tip.style.top = `${y + OFFSET}px`;
    tip.hidden = false;
  });
}
