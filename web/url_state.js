// url_state.js — the view in the address bar, so that a link reopens it:
//   ?d=DATASET&color=COLUMN&point=I&view=ZOOM,CX,CY,YAW,PITCH&method=M&dims=D
// and labels=COLUMN (the text labels' column; read, never written).
// Other parameters are kept; the access token never is.

const VIEW_KEYS = ['zoom', 'cx', 'cy', 'yaw', 'pitch'];

function index(text) {
  const i = Number(text);
  return text !== null && text !== '' && Number.isInteger(i) && i >= 0 ? i : null;
}

export function readUrlState(search) {
  const p = new URLSearchParams(search);
  const view = (p.get('view') || '').split(',').map(Number);
  return {
    d: index(p.get('d')) ?? 0,
    color: p.get('color'),
    labels: p.get('labels'),
    point: index(p.get('point')),
    view: view.length === VIEW_KEYS.length && view.every(Number.isFinite)
      ? Object.fromEntries(VIEW_KEYS.map((k, a) => [k, view[a]])) : null,
    method: p.get('method') || 'pca',
    dims: p.get('dims') || '2',
  };
}

// search with the state written into it: color and point only when there
// is one (an earlier value stays otherwise)
export function writeUrlState(search, { d, color, point, view, method, dims }) {
  const p = new URLSearchParams(search);
  p.set('d', d);
  if (color !== null) p.set('color', color);
  if (point >= 0) p.set('point', point);
  p.set('view', VIEW_KEYS.map((k) => +view[k].toFixed(4)).join(','));
  p.set('method', method);
  p.set('dims', dims);
  p.delete('token');
  return '?' + p.toString();
}

// path + search without the token parameter, or null when it has none (the
// server keeps the token as a cookie once the page loaded: out of the
// address bar, the history and any link copied from it)
export function withoutToken(path, search) {
  const p = new URLSearchParams(search);
  if (!p.has('token')) return null;
  p.delete('token');
  return path + (p.toString() ? '?' + p.toString() : '');
}
