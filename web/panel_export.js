// panel_export.js — the Export section: the view as PNG, the coordinates as
// TSV or NPY, and the reviewed labels (the corrected metadata and a list of
// the changes).
import { $ } from './dom.js';
import { labelText } from './columns.js';
import { changeList, coordsNpy, coordsTsv, correctedMetadata, download } from './files.js';

// a dataset's name made safe as a file name
export const fileBase = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '_');

// e.g. mnist-tsne2d.png; coords null: before any map
export function exportName(dataset, coords, ext) {
  return `${fileBase(dataset.name)}-${coords ? `${coords.method}${coords.dims}d` : 'map'}.${ext}`;
}

export function mountExportPanel(store, renderer) {
  const s = store.state, name = (ext) => exportName(s.datasets[s.d], s.coords, ext);
  $('export-png').onclick = () => {
    renderer.draw(); // the whole map now, not a moving frame's sample
    renderer.canvas.toBlob((b) => download(name('png'), b));
  };
  $('export-tsv').onclick = () => s.coords && download(name('tsv'), coordsTsv(s.coords.data, s.coords.dims));
  $('export-npy').onclick = () => s.coords && download(name('npy'), coordsNpy(s.coords.data, s.coords.dims));
  $('export-labels').onclick = () => {
    const ds = s.datasets[s.d], base = fileBase(ds.name);
    download(`${base}-metadata-corrected.tsv`, correctedMetadata(s.columns, renderer.n, ds.label_column, s.review));
    download(`${base}-label-changes.tsv`, changeList(s.review, (i) => labelText(s.columns, ds.label_column, i)));
  };
  store.subscribe(['review'], ({ review }) => {
    $('review-info').textContent = review.size ? `${review.size} label(s) changed` : '';
    $('export-labels').disabled = review.size === 0;
  });
}
