// review.js — label review: accept the suggested label, type another, or
// keep the old one.  Changes are kept in the store (point -> new label) and
// leave as downloads (files.js); the server's files are never touched.
import { el } from './dom.js';

// review with point i relabelled (label null, or the old label: no change)
export function withLabel(review, i, label, oldLabel) {
  const out = new Map(review);
  if (label === null || label === oldLabel) out.delete(i);
  else out.set(i, label);
  return out;
}

// the inspector's review box for point i; suspect: the analysis's suggestion or undefined
export function reviewBox(store, i, oldLabel, suspect) {
  const relabel = (label) => store.set({ review: withLabel(store.state.review, i, label, oldLabel) });
  const now = store.state.review.get(i);
  const box = el('div', { className: 'review' }, now !== undefined ? `relabelled: ${oldLabel} → ${now} ` : 'label review: ');
  if (suspect)
    box.append(el('button', { className: 'accept', textContent: `accept ${suspect.suggested}`,
      onclick: () => relabel(suspect.suggested) }));
  const input = el('input', { placeholder: 'new label' });
  box.append(input,
    el('button', { textContent: 'set', onclick: () => { if (input.value.trim()) relabel(input.value.trim()); } }),
    el('button', { textContent: 'keep', onclick: () => relabel(null) }));
  return box;
}
