// selection.js — sets of points.  The store holds them as values: every
// change makes a new Set.

// the points 0..n-1 whose position(i) = [x, y] is inside, except those skip(i)
// leaves out; null when none is
export function pointsInside(n, position, inside, skip = null) {
  const found = new Set();
  for (let i = 0; i < n; i++) {
    if (skip && skip(i)) continue;
    const [x, y] = position(i);
    if (inside(x, y)) found.add(i);
  }
  return found.size ? found : null;
}

// set with x added if absent, removed if present
export function toggled(set, x) {
  const out = new Set(set);
  if (out.has(x)) out.delete(x);
  else out.add(x);
  return out;
}

// the points of a categorical column whose class is one of names
export function pointsOfClasses(col, names) {
  const codes = new Set(names.map((name) => col.categories.indexOf(name)).filter((c) => c >= 0));
  const found = new Set();
  col.codes.forEach((c, i) => { if (codes.has(c)) found.add(i); });
  return found;
}
