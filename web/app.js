// app.js — the viewer: shared state, and panels that read and write it.
import { api } from './api.js';
import { Renderer } from './render.js';
import { changeList, coordsNpy, coordsTsv, correctedMetadata, download } from './files.js';

const $ = (id) => document.getElementById(id);
const TABLEAU = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
  '#bab0ac'];

const state = {
  datasets: [], d: 0, columns: [], colorBy: -1, hidden: new Set(), analysis: null,
  quality: null, mapOverlap: null, mapOverlapPairs: null, // the current map's measures
  events: null, // the current job's event stream
  job: -1, jobVersion: -1, selected: -1, highlight: null, search: null,
  coords: null,          // the latest coordinates: { data, dims, method }
  selection: null,       // Set of points chosen by a box
  isolated: false,       // only the selection is drawn
  review: new Map(),     // point -> corrected label
  metric: 'euclidean',   // the inspector's neighbour distance
  labelBy: -1,           // the column drawn as text beside highlighted points
};
window.embview = state; // for tests and the console

const renderer = new Renderer($('map'));
state.renderer = renderer;

function hexToRgb(h) {
  const v = parseInt(h.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
function classColour(c, n) {
  if (c < 0) return [160, 160, 160];
  if (n <= 10) return hexToRgb(TABLEAU[c]);
  const hue = (c * 137.508) % 360, l = c % 2 ? 0.42 : 0.58, s = 0.65, k = (x) => (x + hue / 30) % 12;
  const f = (x) => l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k(x) - 3, 9 - k(x), 1));
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}
function rampColour(t) { // viridis-like, t in [0, 1]
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), u = x - i;
  return stops[i].map((v, j) => v + (stops[i + 1][j] - v) * u);
}

// ---- colours: by column, classes toggled off, highlights and search dim the rest ----
function recolour() {
  const n = renderer.n;
  if (!n) return;
  const rgba = new Uint8Array(n * 4), col = state.columns[state.colorBy];
  // one colour per class (or a 256-step ramp), looked up per point: this runs for a million points
  let table = null, codeOf = null;
  if (col && col.kind === 'categorical') {
    table = col.categories.map((_, c) => classColour(c, col.categories.length));
    codeOf = (i) => col.codes[i];
  } else if (col && col.kind === 'numeric') {
    let lo = Infinity, hi = -Infinity;
    for (const v of col.values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    table = Array.from({ length: 256 }, (_, t) => rampColour(t / 255));
    codeOf = (i) => (col.values[i] === null ? -1 : Math.round(255 * (col.values[i] - lo) / (hi - lo || 1)));
  }
  const grey = [160, 160, 160], plain = [78, 121, 167], hidden = state.hidden;
  const dim = state.highlight || state.search || state.selection;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const code = codeOf ? codeOf(i) : 0;
    const c = !table ? plain : code >= 0 ? table[code] : grey;
    let a = 200;
    if (state.highlight && state.highlight.has(i)) a = 255; // emphasised: opaque and larger
    if (dim) {
      if (state.highlight && !state.highlight.has(i)) a = 25;
      if (state.search && !state.search.has(i)) a = 25;
      if (state.selection && !state.selection.has(i)) a = state.isolated ? 0 : Math.min(a, 25);
    }
    if (col && col.kind === 'categorical' && hidden.has(code)) a = 0;
    rgba[o] = c[0];
    rgba[o + 1] = c[1];
    rgba[o + 2] = c[2];
    rgba[o + 3] = a;
  }
  renderer.setColors(rgba);
  requestDraw();
}

function legend() {
  const col = state.columns[state.colorBy], el = $('legend');
  el.textContent = '';
  if (!col || col.kind !== 'categorical') return;
  const counts = new Array(col.categories.length).fill(0);
  for (const c of col.codes) if (c >= 0) counts[c]++;
  col.categories.slice(0, 200).forEach((name, c) => {
    const e = document.createElement('div');
    e.className = 'entry' + (state.hidden.has(c) ? ' off' : '');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    const [r, g, b] = classColour(c, col.categories.length);
    sw.style.background = `rgb(${r},${g},${b})`;
    e.append(sw, `${name} (${counts[c]})`);
    e.onclick = () => {
      if (state.hidden.has(c)) state.hidden.delete(c); else state.hidden.add(c);
      legend();
      recolour();
    };
    el.append(e);
  });
}

let urlTimer = 0;
let settleTimer = 0;
function viewChanged() { // the camera into the URL, once the motion stops
  clearTimeout(urlTimer);
  urlTimer = setTimeout(writeUrl, 400);
  clearTimeout(settleTimer); // and the whole map once it has stopped
  settleTimer = setTimeout(() => requestDraw(), 120);
  requestDraw(true);
}

// Text labels beside the points that stand out (the inspected point and its
// neighbours, or a small search or selection): a few hundred at most, so
// that they stay readable.
const MAX_LABELS = 300;
function drawLabels() {
  const c = $('labels'), r = c.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
  const main = c.parentElement.getBoundingClientRect();
  if (c.width !== Math.round(main.width * dpr) || c.height !== Math.round(main.height * dpr)) {
    c.width = Math.round(main.width * dpr);
    c.height = Math.round(main.height * dpr);
    c.style.width = `${main.width}px`;
    c.style.height = `${main.height}px`;
  }
  const g = c.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, r.width, r.height);
  const col = state.columns[state.labelBy];
  if (!col || !renderer.n) return;
  const set = state.highlight || (state.search && state.search.size <= MAX_LABELS ? state.search : null) ||
    (state.selection && state.selection.size <= MAX_LABELS ? state.selection : null);
  if (!set || set.size > MAX_LABELS) return;
  g.font = '12px system-ui, sans-serif';
  g.lineWidth = 3;
  g.strokeStyle = 'rgba(255,255,255,0.9)';
  g.fillStyle = '#222';
  for (const i of set) {
    const [x, y] = renderer.project(i);
    const text = cellText(col, i);
    g.strokeText(text, x + 5, y - 4);
    g.fillText(text, x + 5, y - 4);
  }
}

// moving: a camera motion frame (the renderer may draw a sample); any other
// request in the same frame draws the whole map
let drawPending = false, drawMoving = false;
function requestDraw(moving = false) {
  drawMoving = (drawPending ? drawMoving : true) && moving === true;
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    renderer.draw(drawMoving);
    drawLabels();
  });
}

// ---- projections: jobs on the server; their progress streams in (server-sent
// events) and each new version of the coordinates is fetched as raw float32 ----
async function runProjection(params) {
  const d = state.d;
  const job = await api.submit(d, params);
  state.job = job;
  state.jobVersion = -1;
  state.quality = null;
  state.mapOverlap = null;
  state.mapOverlapPairs = null;
  mapQuality();
  analysisPanels();
  $('stop').disabled = false;
  follow(job, d, params);
}

function showProgress(s) {
  if (s.state === 'queued') { // the server computes a few jobs at once; the rest wait their turn
    $('progress').textContent = `${s.method} ${s.dims}-D: waiting (${s.ahead} projection(s) ahead)`;
    return;
  }
  const it = s.iterations ? ` iteration ${s.iteration}/${s.iterations}` : '';
  const kl = s.kl !== null ? `, KL ${s.kl.toFixed(3)}` : '';
  $('progress').textContent = `${s.method} ${s.dims}-D: ${s.state}, ${s.stage}${it}${kl} (${s.seconds.toFixed(1)} s)`;
}

function follow(job, d, params) {
  const gone = () => state.job !== job || state.d !== d;
  if (state.events) state.events.close(); // the last job's stream, if it still runs
  const events = state.events = api.events(job);
  let latest = 0, fetching = false, final = null;
  // one download at a time, always of the newest version: a slow
  // connection skips intermediate maps instead of queueing them
  async function pull() {
    if (fetching) return;
    fetching = true;
    try {
      while (!gone() && latest > 0 && latest > state.jobVersion) { // version 0: nothing published yet
        const c = await api.coords(job);
        if (gone()) return;
        const first = state.jobVersion < 0;
        state.jobVersion = c.version;
        state.coords = { data: c.data, dims: c.dims, method: params.method };
        renderer.setPoints(c.data, c.dims, !first);
        if (first && state.pendingView) { // the camera a shared link carries
          Object.assign(renderer.view, state.pendingView);
          state.pendingView = null;
        }
        recolour();
      }
    } catch (e) {
      fail(e);
    } finally {
      fetching = false;
    }
    if (final && !gone()) finish(final, params);
  }
  events.onmessage = (e) => {
    if (gone()) return events.close();
    const s = JSON.parse(e.data);
    showProgress(s);
    latest = Math.max(latest, s.version);
    if (s.state !== 'running' && s.state !== 'queued') {
      events.close(); // or the browser would reconnect
      final = s;
    }
    pull();
  };
  events.onerror = () => { // the browser retries by itself unless the stream is closed for good
    if (events.readyState === EventSource.CLOSED && !final && !gone()) $('progress').textContent += ' (connection lost)';
  };
}

function finish(s, params) {
  if (s.finished) return;
  s.finished = true;
  $('stop').disabled = true;
  state.quality = s.quality ? { ...s.quality, method: s.method, dims: s.dims } : null;
  mapQuality(s.state === 'done' ? s.error : null);
  if (s.overlap) {
    const job = state.job;
    api.mapOverlap(job).then((o) => {
      if (state.job !== job) return;
      state.mapOverlap = new Map(o.pairs.map((p) => [`${p.a}\u0000${p.b}`, p]));
      state.mapOverlapPairs = o.pairs;
      analysisPanels();
    }).catch(fail);
  }
  if (s.error) $('progress').textContent += ': ' + s.error;
  if (s.variance) {
    const pcs = (params.components || [1, 2, 3].slice(0, s.dims).join(',')).split(',');
    $('progress').textContent += ' — variance explained: ' +
      s.variance.map((v, a) => `PC${pcs[a]} ${(100 * v).toFixed(1)}%`).join(', ');
  }
  writeUrl();
}

// ---- hover and inspector ----
const tooltip = $('tooltip');
function showTooltip(i, x, y) {
  const ds = state.datasets[state.d];
  tooltip.textContent = '';
  if (ds.thumbnails) {
    const img = document.createElement('img');
    img.src = api.thumbUrl(state.d, i);
    img.alt = `point ${i}`;
    tooltip.append(img);
  }
  const t = document.createElement('div');
  t.textContent = `point ${i}`;
  tooltip.append(t);
  for (const col of state.columns.slice(0, 6)) {
    const v = document.createElement('div');
    v.textContent = `${col.name}: ${cellText(col, i)}`;
    tooltip.append(v);
  }
  tooltip.style.left = `${x + 14}px`;
  tooltip.style.top = `${y + 14}px`;
  tooltip.hidden = false;
}
function cellText(col, i) {
  if (col.kind === 'categorical') return col.codes[i] >= 0 ? col.categories[col.codes[i]] : '';
  const v = col.values[i];
  return v === null ? '' : String(v);
}
function labelOf(i) {
  const ds = state.datasets[state.d], col = state.columns.find((c) => c.name === ds.label_column);
  return col ? cellText(col, i) : '';
}

async function inspect(i) {
  state.selected = i;
  $('inspector').hidden = false;
  $('insp-index').textContent = i;
  const body = $('insp-body');
  body.textContent = 'finding neighbours...';
  const r = await api.neighbors(state.d, i, 10, state.metric);
  if (state.selected !== i) return;
  body.textContent = '';
  const ds = state.datasets[state.d];
  const head = document.createElement('div');
  if (ds.thumbnails) {
    const img = document.createElement('img');
    img.className = 'thumb';
    img.src = api.thumbUrl(state.d, i);
    head.append(img);
  }
  head.append(` label: ${labelOf(i)}`);
  const sus = state.analysis && state.analysis.suspects.points.find((p) => p.i === i);
  if (sus) head.append(` — looks like ${sus.suggested} (score ${sus.score.toFixed(3)})`);
  body.append(head);
  if (ds.label_column) body.append(reviewBox(i, sus));
  const metric = document.createElement('select');
  metric.className = 'metric';
  metric.append(new Option('euclidean', 'euclidean'), new Option('cosine', 'cosine'));
  metric.value = state.metric;
  metric.onchange = () => { state.metric = metric.value; inspect(i); };
  body.append(metric);
  const counts = document.createElement('div');
  counts.className = 'label-counts';
  counts.textContent = 'neighbour labels: ' + Object.entries(r.label_counts).map(([k, v]) => `${k}: ${v}`).join(', ');
  body.append(counts);
  const table = document.createElement('table');
  table.className = 'neighbors';
  for (const nb of r.neighbors) {
    const tr = document.createElement('tr');
    const td0 = document.createElement('td');
    if (ds.thumbnails) {
      const img = document.createElement('img');
      img.className = 'thumb';
      img.src = api.thumbUrl(state.d, nb.i);
      td0.append(img);
    }
    const td1 = document.createElement('td');
    td1.textContent = `${nb.i}  ${labelOf(nb.i)}`;
    const td2 = document.createElement('td');
    td2.textContent = nb.d.toFixed(2);
    tr.append(td0, td1, td2);
    tr.onclick = () => inspect(nb.i);
    table.append(tr);
  }
  body.append(table);
  const iso = document.createElement('button');
  iso.className = 'isolate-neighbors';
  iso.textContent = 'isolate these';
  iso.onclick = () => {
    setSelection(new Set([i, ...r.neighbors.map((x) => x.i)]));
    state.isolated = true;
    recolour();
  };
  const clear = document.createElement('button');
  clear.textContent = 'show all';
  clear.onclick = () => { state.highlight = null; setSelection(null); };
  body.append(iso, clear);
  state.highlight = new Set([i, ...r.neighbors.map((x) => x.i)]);
  recolour();
  writeUrl();
}

// ---- label review: accept the suggestion, type another label, or keep ----
function reviewBox(i, sus) {
  const box = document.createElement('div');
  box.className = 'review';
  const now = state.review.has(i) ? state.review.get(i) : null;
  box.append(now !== null ? `relabelled: ${labelOf(i)} → ${now} ` : 'label review: ');
  if (sus) {
    const accept = document.createElement('button');
    accept.className = 'accept';
    accept.textContent = `accept ${sus.suggested}`;
    accept.onclick = () => { setLabel(i, sus.suggested); inspect(i); };
    box.append(accept);
  }
  const input = document.createElement('input');
  input.placeholder = 'new label';
  const set = document.createElement('button');
  set.textContent = 'set';
  set.onclick = () => { if (input.value.trim()) { setLabel(i, input.value.trim()); inspect(i); } };
  const keep = document.createElement('button');
  keep.textContent = 'keep';
  keep.onclick = () => { setLabel(i, null); inspect(i); };
  box.append(input, set, keep);
  return box;
}
function setLabel(i, label) {
  if (label === null || label === labelOf(i)) state.review.delete(i);
  else state.review.set(i, label);
  reviewInfo();
}
function reviewInfo() {
  $('review-info').textContent = state.review.size ? `${state.review.size} label(s) changed` : '';
  $('export-labels').disabled = state.review.size === 0;
}

// ---- box and lasso selection ----
function selectWhere(inside) {
  const sel = new Set(), col = state.columns[state.colorBy];
  for (let i = 0; i < renderer.n; i++) {
    if (col && col.kind === 'categorical' && state.hidden.has(col.codes[i])) continue;
    const [x, y] = renderer.project(i);
    if (inside(x, y)) sel.add(i);
  }
  setSelection(sel.size ? sel : null);
}
function selectBox(x0, y0, x1, y1) {
  const [ax, bx] = [Math.min(x0, x1), Math.max(x0, x1)], [ay, by] = [Math.min(y0, y1), Math.max(y0, y1)];
  selectWhere((x, y) => x >= ax && x <= bx && y >= ay && y <= by);
}
function selectLasso(poly) { // even-odd rule: a ray to the right crosses the outline an odd number of times
  if (poly.length < 3) return;
  selectWhere((x, y) => {
    let inside = false;
    for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
      const [xa, ya] = poly[a], [xb, yb] = poly[b];
      if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) inside = !inside;
    }
    return inside;
  });
}
function setSelection(sel) {
  state.selection = sel;
  state.isolated = false;
  $('isolate').disabled = !sel;
  $('clear-selection').disabled = !sel;
  const info = $('selection-info');
  info.textContent = '';
  if (sel) {
    info.append(`${sel.size} points`);
    const col = state.columns[state.colorBy];
    if (col && col.kind === 'categorical') {
      const counts = new Map();
      for (const i of sel) { const k = cellText(col, i); counts.set(k, (counts.get(k) || 0) + 1); }
      const c = document.createElement('div');
      c.className = 'counts';
      c.textContent = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
      info.append(c);
    }
  }
  recolour();
}

// ---- exports ----
function exportName(ext) {
  const ds = state.datasets[state.d], m = state.coords ? `${state.coords.method}${state.coords.dims}d` : 'map';
  return `${ds.name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${m}.${ext}`;
}

// ---- analysis panels ----
const METHOD_NAMES = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP', custom: 'custom projection' };
function mapQuality(error) {
  const q = state.quality, el = $('map-quality');
  el.textContent = '';
  if (!q) {
    el.textContent = error ? error
      : state.datasets[state.d]?.analysis ? 'measured when a projection finishes'
        : 'not measured (served with --no-analysis)';
    return;
  }
  const rows = [
    [`${METHOD_NAMES[q.method] || q.method} ${q.dims}-D, ${q.k} neighbours, ` +
      (q.sampled_points === state.datasets[state.d].points ? 'every point'
        : `${q.sampled_points.toLocaleString('en')} sampled points`), ''],
    ['trustworthiness', q.trustworthiness, 'are the map\'s neighbours neighbours in the input? (1 = no false neighbours)'],
    ['continuity', q.continuity, 'are the input\'s neighbours kept together on the map?'],
    ['neighbour recall', q.knn_recall, `share of each point's ${q.k} input neighbours among its ${q.k} map neighbours`],
  ];
  if (q.knn_accuracy !== null) rows.push(['label accuracy', q.knn_accuracy, `a ${q.k}-NN vote on the map predicts the label`]);
  for (const [name, v, why] of rows) {
    const div = document.createElement('div');
    div.textContent = v === '' ? name : `${name}: ${v === null ? 'n/a' : v.toFixed(3)}`;
    if (why) div.title = why;
    el.append(div);
  }
}

function verdictTag(p) {
  const m = state.mapOverlap && state.mapOverlap.get(`${p.a}\u0000${p.b}`);
  if (!m || (m.verdict !== 'map artefact' && m.verdict !== 'hidden')) return null;
  const tag = document.createElement('span');
  tag.className = 'verdict ' + (m.verdict === 'hidden' ? 'hidden' : 'artefact');
  tag.textContent = m.verdict === 'hidden' ? 'hidden by this map' : 'only on this map';
  tag.title = `overlap ${m.score.toFixed(4)} in the input, ${m.map_score.toFixed(4)} on this map`;
  return tag;
}

function analysisPanels() {
  const a = state.analysis;
  $('pairs').textContent = '';
  $('suspects').textContent = '';
  $('suspect-count').textContent = a ? `(${a.suspects.flagged})` : '';
  if (!a) {
    $('pairs').textContent = 'no labels';
    return;
  }
  const col = state.columns.find((c) => c.name === a.label_column);
  // the top pairs, then any pair that overlaps only on this map (a projection artefact)
  const top = a.pairs.slice(0, 15), shown = new Set(top.map((p) => `${p.a}\u0000${p.b}`));
  const artefacts = (state.mapOverlapPairs || []).filter((p) => p.verdict === 'map artefact' &&
    !shown.has(`${p.a}\u0000${p.b}`));
  for (const p of top.concat(artefacts)) {
    const li = document.createElement('li');
    li.textContent = `${p.a} – ${p.b}  ${p.score.toFixed(4)}`;
    const tag = verdictTag(p);
    if (tag) li.append(tag);
    li.onclick = () => { // the points of the two classes with the other class among their neighbours
      if (!col) return;
      state.colorBy = state.columns.indexOf(col);
      $('color-by').value = String(state.colorBy);
      const ca = col.categories.indexOf(p.a), cb = col.categories.indexOf(p.b);
      state.highlight = new Set();
      col.codes.forEach((c, i) => { if (c === ca || c === cb) state.highlight.add(i); });
      legend();
      recolour();
    };
    $('pairs').append(li);
  }
  for (const s of a.suspects.points.slice(0, 200)) {
    const li = document.createElement('li');
    li.textContent = `point ${s.i}: ${s.label} → ${s.suggested} (${s.score.toFixed(3)})`;
    li.onclick = () => {
      renderer.centreOn(s.i);
      inspect(s.i);
    };
    $('suspects').append(li);
  }
}

// ---- search ----
function search(text) {
  if (!text) {
    state.search = null;
    $('search-info').textContent = '';
    recolour();
    return;
  }
  let re;
  try {
    re = text.length > 2 && text.startsWith('/') && text.endsWith('/') ? new RegExp(text.slice(1, -1), 'i') : null;
  } catch (e) {
    $('search-info').textContent = `bad expression: ${e.message}`;
    return;
  }
  const hit = new Set(), low = text.toLowerCase();
  for (let i = 0; i < renderer.n; i++)
    for (const col of state.columns) {
      const v = cellText(col, i);
      if (re ? re.test(v) : v.toLowerCase().includes(low)) { hit.add(i); break; }
    }
  state.search = hit;
  $('search-info').textContent = `${hit.size} points match`;
  recolour();
}

// ---- the view in the URL ----
function writeUrl() {
  const p = new URLSearchParams(location.search);
  p.set('d', state.d);
  if (state.colorBy >= 0) p.set('color', state.columns[state.colorBy].name);
  if (state.selected >= 0) p.set('point', state.selected);
  const v = renderer.view;
  p.set('view', [v.zoom, v.cx, v.cy, v.yaw, v.pitch].map((x) => +x.toFixed(4)).join(','));
  p.set('method', $('method').value);
  p.set('dims', $('dims').value);
  p.delete('token');
  history.replaceState(null, '', '?' + p.toString());
}

// ---- dataset loading ----
async function openDataset(d, params) {
  state.d = d;
  state.job = -1;
  if (state.events) state.events.close();
  state.quality = null;
  state.mapOverlap = null;
  state.mapOverlapPairs = null;
  state.hidden.clear();
  state.highlight = null;
  state.search = null;
  state.selected = -1;
  state.review.clear();
  reviewInfo();
  setSelection(null);
  $('inspector').hidden = true;
  const ds = state.datasets[d];
  $('dataset-info').textContent = `${ds.points} points × ${ds.dims} dims`;
  state.columns = await api.metadata(d);
  const sel = $('color-by');
  sel.textContent = '';
  sel.append(new Option('(none)', '-1'));
  state.columns.forEach((c, i) => sel.append(new Option(c.name, String(i))));
  const want = params.get('color') || ds.label_column;
  state.colorBy = state.columns.findIndex((c) => c.name === want);
  sel.value = String(state.colorBy);
  const lab = $('label-by');
  lab.textContent = '';
  lab.append(new Option('(none)', '-1'));
  state.columns.forEach((c, i) => lab.append(new Option(c.name, String(i))));
  state.labelBy = state.columns.findIndex((c) => c.name === (params.get('labels') || ds.label_column));
  lab.value = String(state.labelBy);
  state.analysis = await api.analysis(d);
  analysisPanels();
  legend();
  $('method').value = params.get('method') || 'pca';
  $('dims').value = params.get('dims') || '2';
  showParams();
  const view = (params.get('view') || '').split(',').map(Number);
  state.pendingView = view.length === 5 && view.every(Number.isFinite)
    ? { zoom: view[0], cx: view[1], cy: view[2], yaw: view[3], pitch: view[4] } : null;
  await runProjection(projectionParams());
  const point = params.get('point');
  if (point !== null) inspect(Number(point));
}

function projectionParams() {
  const m = $('method').value, p = { method: m, dims: $('dims').value };
  if (m === 'pca' && $('components').value.trim()) p.components = $('components').value.replace(/\s+/g, '');
  if (m === 'tsne') p.perplexity = $('perplexity').value;
  if (m === 'custom') {
    p.dims = 2;
    for (const k of ['left', 'right', 'down', 'up']) p[k] = $(`custom-${k}`).value;
    if (state.colorBy >= 0) p.column = state.columns[state.colorBy].name;
  }
  if (m === 'umap') { p.neighbors = $('neighbors').value; p.min_dist = $('min-dist').value; }
  return p;
}
function showParams() {
  $('params-pca').hidden = $('method').value !== 'pca';
  $('params-tsne').hidden = $('method').value !== 'tsne';
  $('params-umap').hidden = $('method').value !== 'umap';
  $('params-custom').hidden = $('method').value !== 'custom';
  $('dims').disabled = $('method').value === 'custom';
}

// ---- wiring ----
function wire() {
  const canvas = $('map');
  let drag = null;
  let box = null, lasso = null;
  const boxEl = $('box'), lassoEl = $('lasso'), line = lassoEl.querySelector('polyline');
  canvas.addEventListener('mousedown', (e) => {
    const r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    if (e.shiftKey && $('select-tool').value === 'lasso') lasso = [[x, y]];
    else if (e.shiftKey) box = { x, y };
    else drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  window.addEventListener('mouseup', (e) => {
    if (box) {
      const r = canvas.getBoundingClientRect();
      selectBox(box.x, box.y, e.clientX - r.left, e.clientY - r.top);
      box = null;
      boxEl.hidden = true;
      return;
    }
    if (lasso) {
      selectLasso(lasso);
      lasso = null;
      lassoEl.style.display = 'none';
      return;
    }
    if (drag && !drag.moved) {
      const r = canvas.getBoundingClientRect(), i = renderer.pick(e.clientX - r.left, e.clientY - r.top);
      if (i >= 0) inspect(i);
    }
    drag = null;
  });
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    if (lasso) {
      lasso.push([e.clientX - r.left, e.clientY - r.top]);
      line.setAttribute('points', lasso.map((p) => p.join(',')).join(' '));
      lassoEl.style.display = 'block';
      return;
    }
    if (box) {
      const x = e.clientX - r.left, y = e.clientY - r.top;
      Object.assign(boxEl.style, { left: `${Math.min(x, box.x)}px`, top: `${Math.min(y, box.y)}px`,
        width: `${Math.abs(x - box.x)}px`, height: `${Math.abs(y - box.y)}px` });
      boxEl.hidden = false;
      return;
    }
    if (drag) {
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y, v = renderer.view;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      if (renderer.dims < 3) {
        const s = 2 / (Math.min(r.width, r.height) * 0.95 * v.zoom);
        v.cx -= dx * s;
        v.cy += dy * s;
      } else {
        v.yaw += dx * 0.01;
        v.pitch = Math.max(-1.5, Math.min(1.5, v.pitch + dy * 0.01));
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      tooltip.hidden = true;
      viewChanged();
      return;
    }
    const i = renderer.pick(e.clientX - r.left, e.clientY - r.top);
    if (i >= 0) showTooltip(i, e.clientX - r.left, e.clientY - r.top);
    else tooltip.hidden = true;
  });
  canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    renderer.view.zoom *= Math.exp(-e.deltaY * 0.0015);
    renderer.view.zoom = Math.max(0.2, Math.min(500, renderer.view.zoom));
    viewChanged();
  }, { passive: false });
  window.addEventListener('resize', requestDraw);
  $('dataset').onchange = () => openDataset(Number($('dataset').value), new URLSearchParams());
  $('color-by').onchange = () => {
    state.colorBy = Number($('color-by').value);
    state.hidden.clear();
    legend();
    recolour();
    writeUrl();
  };
  $('point-size').oninput = () => { renderer.size = Number($('point-size').value); requestDraw(); };
  $('label-by').onchange = () => { state.labelBy = Number($('label-by').value); requestDraw(); };
  $('method').onchange = showParams;
  $('run').onclick = () => runProjection(projectionParams()).catch(fail);
  $('stop').onclick = () => { if (state.job >= 0) api.cancel(state.job); };
  $('search').oninput = (e) => search(e.target.value.trim());
  $('isolate').onclick = () => { state.isolated = !state.isolated; recolour(); };
  $('clear-selection').onclick = () => setSelection(null);
  $('export-png').onclick = () => { renderer.draw(); renderer.canvas.toBlob((b) => download(exportName('png'), b)); };
  $('export-tsv').onclick = () => state.coords && download(exportName('tsv'), coordsTsv(state.coords.data, state.coords.dims));
  $('export-npy').onclick = () => state.coords && download(exportName('npy'), coordsNpy(state.coords.data, state.coords.dims));
  $('export-labels').onclick = () => {
    const ds = state.datasets[state.d], base = ds.name.replace(/[^A-Za-z0-9._-]+/g, '_');
    download(`${base}-metadata-corrected.tsv`, correctedMetadata(state.columns, renderer.n, ds.label_column, state.review));
    download(`${base}-label-changes.tsv`, changeList(state.review, labelOf));
  };
  $('insp-close').onclick = () => {
    $('inspector').hidden = true;
    state.selected = -1;
    state.highlight = null;
    recolour();
  };
}

function fail(e) {
  $('status').textContent = `error: ${e.message}`;
}

async function main() {
  const start = new URLSearchParams(location.search);
  if (start.has('token')) { // the server keeps it as a cookie now: out of the address bar and history
    start.delete('token');
    history.replaceState(null, '', location.pathname + (start.toString() ? '?' + start.toString() : ''));
  }
  wire();
  state.datasets = await api.datasets();
  const sel = $('dataset');
  state.datasets.forEach((d, i) => sel.append(new Option(d.name, String(i))));
  const params = new URLSearchParams(location.search);
  const d = Math.min(Number(params.get('d') || 0), state.datasets.length - 1);
  sel.value = String(d);
  await openDataset(d, params);
}

main().catch(fail);
