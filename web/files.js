// files.js — what the viewer hands back to the user as downloads: the view as
// PNG, the coordinates as TSV or NPY, corrected labels and their change list.
// Downloads are new files: nothing on the server is ever overwritten.
import { cellText } from './columns.js';

export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export function coordsTsv(data, dims) {
  const rows = [];
  for (let i = 0; i < data.length / dims; i++) rows.push(Array.from(data.subarray(i * dims, (i + 1) * dims)).join('\t'));
  return new Blob([rows.join('\n') + '\n'], { type: 'text/tab-separated-values' });
}

// NPY version 1.0, little-endian float32, C order
export function coordsNpy(data, dims) {
  const n = data.length / dims;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
  return new Blob([head, new Float32Array(data)], { type: 'application/octet-stream' });
}

const cell = (v) => String(v ?? '').replace(/[\t\r\n]/g, ' ');

// The metadata as a TSV with the label column corrected, by TensorBoard's
// header rule: a header row only when there are two or more columns.
export function correctedMetadata(columns, n, labelName, changes) {
  const names = columns.map((c) => c.name);
  const rows = columns.length > 1 ? [names.map(cell).join('\t')] : [];
  for (let i = 0; i < n; i++)
    rows.push(columns.map((c) => cell(c.name === labelName && changes.has(i) ? changes.get(i) : cellText(c, i))).join('\t'));
  return new Blob([rows.join('\n') + '\n'], { type: 'text/tab-separated-values' });
}

export function changeList(changes, oldLabel) {
  const rows = ['index\told_label\tnew_label'];
  for (const [i, v] of [...changes.entries()].sort((a, b) => a[0] - b[0])) rows.push(`${i}\t${cell(oldLabel(i))}\t${cell(v)}`);
  return new Blob([rows.join('\n') + '\n'], { type: 'text/tab-separated-values' });
}
