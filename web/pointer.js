// pointer.js — the mouse on the map: drag pans (2-D) or orbits (3-D), the
// wheel zooms, a click inspects a point, hovering names it, and shift + drag
// selects with the box or lasso tool.
import { $ } from './dom.js';
import { dragged, zoomed } from './camera.js';
import { inBox, inPolygon } from './geometry.js';
import { pointsInside } from './selection.js';
import { inspect } from './inspector.js';

const CLICK_SLOP = 2; // pixels a click may move and still be a click

// the points inside a shape, except hidden classes
function selectInside(store, renderer, inside) {
  const { columns, colorBy, hidden } = store.state, col = columns[colorBy];
  const skip = col && col.kind === 'categorical' ? (i) => hidden.has(col.codes[i]) : null;
  store.set({ selection: pointsInside(renderer.n, (i) => renderer.project(i), inside, skip), isolated: false });
}

// The rubber band a shift + drag draws while it lasts.
function shapes() {
  const boxEl = $('box'), lassoEl = $('lasso'), line = lassoEl.querySelector('polyline');
  return {
    box(x0, y0, x1, y1) {
      Object.assign(boxEl.style, { left: `${Math.min(x0, x1)}px`, top: `${Math.min(y0, y1)}px`,
        width: `${Math.abs(x1 - x0)}px`, height: `${Math.abs(y1 - y0)}px` });
      boxEl.hidden = false;
    },
    lasso(points) {
      line.setAttribute('points', points.map((p) => p.join(',')).join(' '));
      lassoEl.style.display = 'block';
    },
    hide() {
      boxEl.hidden = true;
      lassoEl.style.display = 'none';
    },
  };
}

export function mountPointer(store, renderer) {
  const canvas = $('map'), band = shapes();
  let drag = null, box = null, lasso = null, moves = 0;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  canvas.addEventListener('mousedown', (e) => {
    const [x, y] = at(e);
    if (e.shiftKey && $('select-tool').value === 'lasso') lasso = [[x, y]];
    else if (e.shiftKey) box = { x, y };
    else drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  window.addEventListener('mouseup', (e) => {
    if (box || lasso) {
      const [x, y] = at(e);
      if (box) selectInside(store, renderer, inBox(box.x, box.y, x, y));
      else if (lasso.length >= 3) selectInside(store, renderer, inPolygon(lasso));
      box = lasso = null;
      band.hide();
      return;
    }
    if (drag && !drag.moved) renderer.pick(...at(e)).then((i) => { if (i >= 0) inspect(store, i); });
    drag = null;
  });
  canvas.addEventListener('mousemove', (e) => {
    const [x, y] = at(e);
    if (lasso) {
      lasso.push([x, y]);
      band.lasso(lasso);
    } else if (box) {
      band.box(box.x, box.y, x, y);
    } else if (drag) {
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y, r = canvas.getBoundingClientRect();
      if (Math.abs(dx) + Math.abs(dy) > CLICK_SLOP) drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      store.set({ view: dragged(store.state.view, renderer.dims, dx, dy, r.width, r.height), hover: null });
    } else {
      const move = ++moves; // a pick answers a frame later: only the latest move's answer is shown
      renderer.pick(x, y).then((i) => { if (move === moves) store.set({ hover: i >= 0 ? { i, x, y } : null }); });
    }
  });
  canvas.addEventListener('mouseleave', () => { moves++; store.set({ hover: null }); });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    store.set({ view: zoomed(store.state.view, e.deltaY) });
  }, { passive: false });
}
