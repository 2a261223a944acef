// map_view.js — the map follows the state: new coordinates, colours and
// emphasis, the camera, point size and text labels each redraw it, at most
// once an animation frame.
import { $ } from './dom.js';
import { columnLength } from './columns.js';
import { pointColours } from './point_colours.js';
import { drawTextLabels } from './text_labels.js';

const SETTLE_MS = 120; // once the camera stops for this long, the whole map is drawn again

export function mountMap(store, renderer) {
  const labels = $('labels');
  // moving: a camera motion frame (the renderer may draw a sample); any other
  // request in the same frame draws the whole map
  let drawPending = false, drawMoving = false;
  function requestDraw(moving = false) {
    drawMoving = (drawPending ? drawMoving : true) && moving;
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      renderer.draw(drawMoving);
      drawTextLabels(labels, renderer, store.state);
    });
  }

  store.subscribe(['coords'], ({ coords }) => {
    if (coords) renderer.setPoints(coords.data, coords.dims);
  });
  store.subscribe(['coords', 'columns', 'colorBy', 'hidden', 'highlight', 'search', 'selection', 'isolated'], (s) => {
    const n = renderer.n, column = s.columns[s.colorBy] || null;
    // a new dataset's columns arrive before its map: wait for the map
    if (!n || (column && columnLength(column) !== n)) return;
    renderer.setColors(pointColours(n, { ...s, column }));
    requestDraw();
  });
  let settle = 0;
  store.subscribe(['view'], ({ view }) => {
    renderer.view = view;
    clearTimeout(settle);
    settle = setTimeout(() => requestDraw(), SETTLE_MS);
    requestDraw(true);
  });
  store.subscribe(['pointSize'], ({ pointSize }) => {
    renderer.size = pointSize;
    requestDraw();
  });
  store.subscribe(['labelBy'], () => requestDraw());
  window.addEventListener('resize', () => requestDraw());
}
