// columns.js — metadata columns as the server sends them: categorical
// { name, kind: 'categorical', categories, codes } (code -1: empty) or
// numeric { name, kind: 'numeric', values } (null: empty).

export function cellText(col, i) {
  if (col.kind === 'categorical') return col.codes[i] >= 0 ? col.categories[col.codes[i]] : '';
  const v = col.values[i];
  return v === null ? '' : String(v);
}

export const columnLength = (col) => (col.kind === 'categorical' ? col.codes.length : col.values.length);

// point i's label: its cell in the dataset's label column ('' without one)
export function labelText(columns, labelColumn, i) {
  const col = columns.find((c) => c.name === labelColumn);
  return col ? cellText(col, i) : '';
}

// points per category of a categorical column
export function classCounts(col) {
  const counts = new Array(col.categories.length).fill(0);
  for (const c of col.codes) if (c >= 0) counts[c]++;
  return counts;
}

// [text, count] of the given points' cells, most frequent first
export function countsByText(col, points) {
  const counts = new Map();
  for (const i of points) {
    const k = cellText(col, i);
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
