// panel_projection.js — the Projection section: method, dimensions and
// their parameters, Run and Stop, and the running job's progress line.
import { $ } from './dom.js';
import { api } from './api.js';
import { runProjection } from './projection.js';
import { showError } from './state.js';

const METHOD_PARAMS = ['pca', 'tsne', 'umap', 'custom']; // each has its #params-METHOD box

// the job's parameters from the form (method and dims: the store's)
export function projectionParams({ method, dims, columns, colorBy }) {
  const p = { method, dims };
  if (method === 'pca' && $('components').value.trim()) p.components = $('components').value.replace(/\s+/g, '');
  if (method === 'tsne') p.perplexity = $('perplexity').value;
  if (method === 'custom') {
    p.dims = 2;
    for (const k of ['left', 'right', 'down', 'up']) p[k] = $(`custom-${k}`).value;
    if (colorBy >= 0) p.column = columns[colorBy].name;
  }
  if (method === 'umap') {
    p.neighbors = $('neighbors').value;
    p.min_dist = $('min-dist').value;
  }
  return p;
}

// the line under Run: the job's state, stage and iteration, then how it ended
export function progressLine(progress) {
  const s = progress && progress.status;
  if (!s) return '';
  let line;
  if (s.state === 'queued') { // the server computes a few jobs at once; the rest wait their turn
    line = `${s.method} ${s.dims}-D: waiting (${s.ahead} projection(s) ahead)`;
  } else {
    const it = s.iterations ? ` iteration ${s.iteration}/${s.iterations}` : '';
    const kl = s.kl !== null ? `, KL ${s.kl.toFixed(3)}` : '';
    line = `${s.method} ${s.dims}-D: ${s.state}, ${s.stage}${it}${kl} (${s.seconds.toFixed(1)} s)`;
  }
  if (progress.finished && s.error) line += ': ' + s.error;
  if (progress.finished && s.variance) {
    const pcs = (progress.params.components || [1, 2, 3].slice(0, s.dims).join(',')).split(',');
    line += ' — variance explained: ' + s.variance.map((v, a) => `PC${pcs[a]} ${(100 * v).toFixed(1)}%`).join(', ');
  }
  if (progress.lost) line += ' (connection lost)';
  return line;
}

export function mountProjectionPanel(store) {
  const method = $('method'), dims = $('dims'), stop = $('stop');
  store.subscribe(['method', 'dims'], (s) => {
    method.value = s.method;
    dims.value = s.dims;
    for (const m of METHOD_PARAMS) $(`params-${m}`).hidden = s.method !== m;
    dims.disabled = s.method === 'custom'; // custom axes are 2-D
  });
  method.onchange = () => store.set({ method: method.value });
  dims.onchange = () => store.set({ dims: dims.value });
  store.subscribe(['progress'], ({ progress }) => {
    $('progress').textContent = progressLine(progress);
    stop.disabled = !progress || progress.finished;
  });
  $('run').onclick = () => runProjection(store, projectionParams(store.state)).catch((e) => showError(store, e));
  stop.onclick = () => { if (store.state.job >= 0) api.cancel(store.state.job).catch((e) => showError(store, e)); };
}
