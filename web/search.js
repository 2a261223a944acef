// search.js — the search box: text found anywhere in a point's metadata
// (ignoring case), or a /regular expression/.
import { cellText } from './columns.js';

// value -> does it match; throws SyntaxError for a bad expression
export function matcher(text) {
  if (text.length > 2 && text.startsWith('/') && text.endsWith('/')) {
    const re = new RegExp(text.slice(1, -1), 'i');
    return (v) => re.test(v);
  }
  const low = text.toLowerCase();
  return (v) => v.toLowerCase().includes(low);
}

// the points 0..n-1 with a matching cell in any column
export function matchingPoints(columns, n, text) {
  const matches = matcher(text), hit = new Set();
  for (let i = 0; i < n; i++) if (columns.some((col) => matches(cellText(col, i)))) hit.add(i);
  return hit;
}
