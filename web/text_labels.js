// text_labels.js — text beside the points that stand out (the inspected
// point and its neighbours, or a small search or selection), in the label
// column, on a canvas over the map.
import { cellText } from './columns.js';

const MAX_LABELS = 300; // more would overlap into noise

// the points to label: the highlight, else a search or selection small enough; or null
export function labelledPoints({ highlight, search, selection }) {
  const small = (set) => (set && set.size <= MAX_LABELS ? set : null);
  return small(highlight || small(search) || small(selection));
}

export function drawTextLabels(canvas, renderer, state) {
  const dpr = window.devicePixelRatio || 1, box = canvas.parentElement.getBoundingClientRect();
  if (canvas.width !== Math.round(box.width * dpr) || canvas.height !== Math.round(box.height * dpr)) {
    canvas.width = Math.round(box.width * dpr);
    canvas.height = Math.round(box.height * dpr);
    canvas.style.width = `${box.width}px`;
    canvas.style.height = `${box.height}px`;
  }
  const g = canvas.getContext('2d'), r = canvas.getBoundingClientRect();
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, r.width, r.height);
  const col = state.columns[state.labelBy], points = labelledPoints(state);
  if (!col || !renderer.n || !points) return;
  g.font = '12px system-ui, sans-serif';
  g.lineWidth = 3;
  g.strokeStyle = 'rgba(255,255,255,0.9)';
  g.fillStyle = '#222';
  for (const i of points) {
    const [x, y] = renderer.project(i), text = cellText(col, i);
    g.strokeText(text, x + 5, y - 4);
    g.fillText(text, x + 5, y - 4);
  }
}
