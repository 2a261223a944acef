// point_colours.js — one RGBA per point for the renderer: the colour
// column's classes (or its ramp), hidden classes transparent, and whatever
// is not the inspected neighbourhood, the search or the selection faded.
import { classColour, rampColour } from './palette.js';

const EMPHASISED = 255; // render.js draws opaque points larger and on top
const NORMAL = 200;
const FADED = 25;

function range(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return [lo, hi];
}

// column: the colour column or null; hidden: Set of class codes;
// highlight, search, selection: Sets of points or null; isolated: only the
// selection is drawn.  This runs for a million points: one colour per class
// (or a 256-step ramp), looked up per point.
export function pointColours(n, { column, hidden, highlight, search, selection, isolated }) {
  const rgba = new Uint8Array(n * 4);
  let table = null, codeOf = null;
  if (column && column.kind === 'categorical') {
    table = column.categories.map((_, c) => classColour(c, column.categories.length));
    codeOf = (i) => column.codes[i];
  } else if (column && column.kind === 'numeric') {
    const [lo, hi] = range(column.values), values = column.values;
    table = Array.from({ length: 256 }, (_, t) => rampColour(t / 255));
    codeOf = (i) => (values[i] === null ? -1 : Math.round(255 * (values[i] - lo) / (hi - lo || 1)));
  }
  const none = classColour(-1), plain = classColour(0, 1);
  const hides = column && column.kind === 'categorical' && hidden.size > 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const code = codeOf ? codeOf(i) : 0;
    const c = !table ? plain : code >= 0 ? table[code] : none;
    let a = NORMAL;
    if (highlight) a = highlight.has(i) ? EMPHASISED : FADED;
    if (search && !search.has(i)) a = FADED;
    if (selection && !selection.has(i)) a = isolated ? 0 : Math.min(a, FADED);
    if (hides && hidden.has(code)) a = 0;
    rgba[o] = c[0];
    rgba[o + 1] = c[1];
    rgba[o + 2] = c[2];
    rgba[o + 3] = a;
  }
  return rgba;
}
