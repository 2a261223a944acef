// The downloads: coordinates as NPY and TSV, corrected metadata, the change list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeList, coordsNpy, coordsTsv, correctedMetadata } from '../../web/files.js';

const bytes = async (blob) => new Uint8Array(await blob.arrayBuffer());
const text = async (blob) => blob.text();

test('NPY 1.0: magic, a header padded to 64 bytes, then little-endian float32 rows', async () => {
  const data = new Float32Array([1.5, -2, 3, 4e-8, 5, 6]);
  const b = await bytes(coordsNpy(data, 2));
  assert.deepEqual([...b.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLen = b[8] | (b[9] << 8), start = 10 + headerLen;
  assert.equal(start % 64, 0);
  const header = new TextDecoder('latin1').decode(b.subarray(10, start));
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 2\), \} *\n$/);
  assert.equal(b.length, start + 6 * 4);
  const values = new DataView(b.buffer, b.byteOffset + start);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => values.getFloat32(4 * k, true)), [...data]);
});

test('NPY of a million rows still fits its header length in two bytes', async () => {
  const b = await bytes(coordsNpy(new Float32Array(3e6), 3));
  assert.equal((10 + (b[8] | (b[9] << 8))) % 64, 0);
  assert.match(new TextDecoder('latin1').decode(b.subarray(10, 128)), /'shape': \(1000000, 3\)/);
});

test('TSV: one row a point, tab between coordinates, a final newline', async () => {
  assert.equal(await text(coordsTsv(new Float32Array([1, 2.5, -3, 4]), 2)), '1\t2.5\n-3\t4\n');
});

const label = { name: 'label', kind: 'categorical', categories: ['cat', 'dog'], codes: [0, 1, -1] };
const note = { name: 'note', kind: 'categorical', categories: ['a\tb', 'fine'], codes: [0, 1, 1] };

test('corrected metadata: one column has no header row (TensorBoard\'s rule)', async () => {
  const out = await text(correctedMetadata([label], 3, 'label', new Map([[2, 'owl']])));
  assert.equal(out, 'cat\ndog\nowl\n');
});

test('corrected metadata: several columns get a header; tabs and newlines in cells become spaces', async () => {
  const out = await text(correctedMetadata([label, note], 3, 'label', new Map([[0, 'new\nline']])));
  assert.equal(out, 'label\tnote\nnew line\ta b\ndog\tfine\n\tfine\n');
});

test('the change list: index, old label, new label, by index', async () => {
  const old = (i) => ['cat', 'dog', ''][i];
  assert.equal(await text(changeList(new Map([[2, 'owl'], [0, 'dog']]), old)),
    'index\told_label\tnew_label\n0\tcat\tdog\n2\t\towl\n');
});
