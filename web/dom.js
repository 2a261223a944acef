// dom.js — the DOM helpers the panels share.

export const $ = (id) => document.getElementById(id);

// a new element: props assigned to it (className, textContent, onclick, ...),
// children (nodes or text) appended
export function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

// a column picker: '(none)' (-1), then one option per column (its index)
export function columnOptions(select, columns) {
  select.textContent = '';
  select.append(new Option('(none)', '-1'));
  columns.forEach((c, i) => select.append(new Option(c.name, String(i))));
}
